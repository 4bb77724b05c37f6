// The dashboard's aggregates (dashboard.h) over HTTP.
#include "web/dashboard.h"
#include "web/server_impl.h"

namespace kira::web {

void WebServer::Impl::RegisterDashboardRoutes() {
  Route("GET", "/api/dashboard", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx&) {
          DashboardQuery q;
          q.to_ms = NowMs();
          q.from_ms = q.to_ms - 30LL * 86400000;
          for (auto [name, field] : {std::pair{"from", &q.from_ms}, std::pair{"to", &q.to_ms}}) {
            std::string v = req.get_param_value(name);
            if (v.empty()) continue;
            if (!ParseId(v, field)) {
              auto t = ParseIso(v);
              if (!t.ok())
                return SendError(
                    res, 400, "invalid",
                    std::string(name) + " '" + v + "' is not Unix milliseconds or ISO 8601");
              *field = ToUnixMillis(*t);
            }
          }
          if (req.has_param("period")) q.period = req.get_param_value("period");
          auto tz = FindZone(cfg.profile.timezone);
          std::string tz_name = tz.ok() ? cfg.profile.timezone : "UTC";
          const TimeZone& zone = tz.ok() ? **tz : *TimeZone::Utc();
          Result<Json> r = BuildDashboard(*cfg.store, &store_mu, q, zone, tz_name);
          if (!r.ok()) return SendStatus(res, r.status());
          SendJson(res, 200, *r);
        });
}

}  // namespace kira::web
