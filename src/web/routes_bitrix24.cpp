// The Bitrix24 connector's settings page API (web/bitrix24.h), admins only:
//   GET  /api/settings/bitrix24   the settings (never the webhook's address: its portal and user),
//                                 whether a webhook is stored, why the call log was refused (if
//                                 it was), and the latest Bitrix24 rows of the outbox
//   POST /api/settings/bitrix24   saves them (strict: a bad key is a 400 naming it)
//   POST /api/settings/bitrix24/connect   (as a local application) the portal's authorize address
//                                 to send the admin's browser to, with a one-use state
//   GET  /api/bitrix24/oauth      where Bitrix24 sends the browser back (the application's
//                                 redirect address): code and state exchanged for tokens; no
//                                 session (the state proves an admin started it)
#include "web/server_impl.h"

namespace kira::web {
namespace {

constexpr int kRecentB24Rows = 20;

}  // namespace

void WebServer::Impl::RegisterBitrix24Routes() {
  auto shown = [this](const B24Config& c) {
    Json s = Json::parse(B24ConfigJson(c, false));
    if (c.auth == "app") s["portal"] = c.portal_url;
    // A stored webhook that no longer opens (the key file changed) reads as not connected.
    auto connected = bitrix24->Connected();
    s["connected"] = connected.ok() && *connected;
    s["webhook_url"] = "";
    s["webhook_url_set"] = connected.ok() && *connected;
    s["telephony_error"] = bitrix24->TelephonyError();
    return s;
  };

  Route("GET", "/api/settings/bitrix24", Access::kAdmin,
        [this, shown](const httplib::Request&, httplib::Response& res, Ctx&) {
          auto c = bitrix24->Config();
          if (!c.ok()) return SendStatus(res, c.status());
          Json recent = RecentConnectorRows(*hooks, kB24ChannelEvent, kRecentB24Rows);
          SendJson(res, 200, {{"settings", shown(*c)}, {"recent", recent}});
        });

  Route("POST", "/api/settings/bitrix24/connect", Access::kAdmin,
        [this](const httplib::Request&, httplib::Response& res, Ctx& ctx) {
          auto url = bitrix24->BeginConnect();
          if (!url.ok()) return SendStatus(res, url.status());
          Audit(ctx, "bitrix24.connect", "bitrix24", 0, "authorization started");
          SendJson(res, 200, {{"url", *url}});
        });

  Route("GET", "/api/bitrix24/oauth", Access::kPublic,
        [this](const httplib::Request& req, httplib::Response& res, Ctx&) {
          Status s =
              bitrix24->FinishConnect(req.get_param_value("code"), req.get_param_value("state"));
          if (s.code() == Status::Code::kConflict)
            return SendError(res, 403, "forbidden", s.message());
          if (!s.ok()) return SendError(res, 502, "bitrix24", s.message());
          // Back to the settings page, which now says connected.
          res.status = 200;
          res.set_content(
              "<!doctype html><meta charset=utf-8><meta http-equiv=refresh "
              "content=\"0;url=/#/settings/bitrix24\"><title>Kira</title>"
              "<p>Bitrix24 connected. <a href=\"/#/settings/bitrix24\">Back to Kira</a></p>",
              "text/html; charset=utf-8");
        });

  Route("POST", "/api/settings/bitrix24", Access::kAdmin,
        [this, shown](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          auto c = bitrix24->SaveConfig(req.body);
          if (!c.ok()) return SendStatus(res, c.status());
          Audit(ctx, "bitrix24.update", "bitrix24", 0,
                std::string("Bitrix24 ") + (c->enabled ? "on" : "off") + ", " + c->portal);
          SendJson(res, 200, {{"settings", shown(*c)}});
        });
}

}  // namespace kira::web
