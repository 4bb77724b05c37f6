// The Bitrix24 connector's settings page API (web/bitrix24.h), admins only:
//   GET  /api/settings/bitrix24   the settings (never the webhook's address: its portal and user),
//                                 whether a webhook is stored, why the call log was refused (if
//                                 it was), and the latest Bitrix24 rows of the outbox
//   POST /api/settings/bitrix24   saves them (strict: a bad key is a 400 naming it)
#include "web/server_impl.h"

namespace kira::web {
namespace {

constexpr int kRecentB24Rows = 20;

}  // namespace

void WebServer::Impl::RegisterBitrix24Routes() {
  auto shown = [this](const B24Config& c) {
    Json s = Json::parse(B24ConfigJson(c));
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
          Json recent = Json::array();
          auto rows = hooks->ListDeliveries(200);
          if (rows.ok())
            for (const auto& d : *rows) {
              if (d.event != kB24ChannelEvent) continue;
              Json p = Json::parse(d.payload, nullptr, false);
              recent.push_back({{"id", d.id},
                                {"conversation_id", p.is_object() && p.contains("data")
                                                        ? p["data"].value("conversation_id", 0)
                                                        : 0},
                                {"status", d.status},
                                {"attempts", d.attempts},
                                {"last_error", d.last_error},
                                {"created_at", d.created_at},
                                {"next_attempt_at", d.next_attempt_at}});
              if (recent.size() >= kRecentB24Rows) break;
            }
          SendJson(res, 200, {{"settings", shown(*c)}, {"recent", recent}});
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
