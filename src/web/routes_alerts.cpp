// The manager alerts' settings page API (web/alerts.h), admins only:
//   GET  /api/settings/alerts        the settings without secrets, and the latest alert rows
//   POST /api/settings/alerts        saves them (strict: a bad key is a 400 naming it)
//   POST /api/settings/alerts/test   {"channel": "telegram"|"email"}: queues a test alert
#include "core/log.h"
#include "web/server_impl.h"

namespace kira::web {
namespace {

constexpr int kRecentAlertRows = 20;

}  // namespace

void WebServer::Impl::RegisterAlertRoutes() {
  Route("GET", "/api/settings/alerts", Access::kAdmin,
        [this](const httplib::Request&, httplib::Response& res, Ctx&) {
          auto c = alerts->Config();
          if (!c.ok()) return SendStatus(res, c.status());
          Json recent = Json::array();
          auto rows = hooks->ListDeliveries(200);
          if (rows.ok())
            for (const auto& d : *rows) {
              if (d.event.rfind("alert.", 0) != 0) continue;
              Json kind = Json::parse(d.payload, nullptr, false);
              recent.push_back({{"id", d.id},
                                {"channel", d.event.substr(6)},
                                {"kind", kind.is_object() && kind.contains("data")
                                             ? kind["data"].value("kind", "")
                                             : ""},
                                {"status", d.status},
                                {"attempts", d.attempts},
                                {"last_error", d.last_error},
                                {"created_at", d.created_at},
                                {"next_attempt_at", d.next_attempt_at}});
              if (recent.size() >= kRecentAlertRows) break;
            }
          SendJson(res, 200,
                   {{"settings", Json::parse(AlertConfigJson(*c, false))}, {"recent", recent}});
        });

  Route("POST", "/api/settings/alerts", Access::kAdmin,
        [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          auto c = alerts->SaveConfig(req.body);
          if (!c.ok()) return SendStatus(res, c.status());
          Audit(ctx, "alerts.update", "alerts", 0,
                std::string("telegram ") + (c->telegram.enabled ? "on" : "off") + ", e-mail " +
                    (c->email.enabled ? "on" : "off"));
          SendJson(res, 200, {{"settings", Json::parse(AlertConfigJson(*c, false))}});
        });

  Route("POST", "/api/settings/alerts/test", Access::kAdmin,
        [this](const httplib::Request& req, httplib::Response& res, Ctx&) {
          Json body;
          if (!ParseBody(req, res, &body)) return;
          Status s = alerts->QueueTest(StrField(body, "channel"));
          if (!s.ok()) return SendStatus(res, s);
          SendJson(res, 202, {{"queued", true}});
        });
}

}  // namespace kira::web
