// The amoCRM connector's settings page API (web/amocrm.h), admins only:
//   GET  /api/settings/amocrm   the settings without secrets, whether tokens are stored, and the
//                               latest amoCRM rows of the outbox
//   POST /api/settings/amocrm   saves them (strict: a bad key is a 400 naming it)
#include "web/server_impl.h"

namespace kira::web {
namespace {

constexpr int kRecentAmoRows = 20;

}  // namespace

void WebServer::Impl::RegisterAmoCrmRoutes() {
  Route("GET", "/api/settings/amocrm", Access::kAdmin,
        [this](const httplib::Request&, httplib::Response& res, Ctx&) {
          auto c = amocrm->Config();
          if (!c.ok()) return SendStatus(res, c.status());
          auto connected = amocrm->Connected();
          Json recent = RecentConnectorRows(*hooks, kAmoChannelEvent, kRecentAmoRows);
          Json s = Json::parse(AmoConfigJson(*c, false));
          // A stored pair that no longer opens (the key file changed) reads as not connected.
          s["connected"] = connected.ok() && *connected;
          SendJson(res, 200, {{"settings", s}, {"recent", recent}});
        });

  Route("POST", "/api/settings/amocrm", Access::kAdmin,
        [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          auto c = amocrm->SaveConfig(req.body);
          if (!c.ok()) return SendStatus(res, c.status());
          Audit(ctx, "amocrm.update", "amocrm", 0,
                std::string("amoCRM ") + (c->enabled ? "on" : "off") + ", " + c->subdomain);
          Json s = Json::parse(AmoConfigJson(*c, false));
          auto connected = amocrm->Connected();
          s["connected"] = connected.ok() && *connected;
          SendJson(res, 200, {{"settings", s}});
        });
}

}  // namespace kira::web
