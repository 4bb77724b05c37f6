// Administration over HTTP (admins only): what of Kira is live (the same report `kira serve`
// prints at start), users, outgoing webhooks, and erasing one person's data
// (crm/personal_data.h).
#include "business/setup_report.h"
#include "crm/json.h"
#include "crm/personal_data.h"
#include "web/server_impl.h"

namespace kira::web {
namespace {

Json SetupReportJson(const business::SetupReport& r) {
  Json items = Json::array();
  for (const auto& i : r.items)
    items.push_back({{"area", i.area},
                     {"language", i.language},
                     {"state", business::SetupStateName(i.state)},
                     {"problem", i.problem},
                     {"essential", i.essential},
                     {"detail", i.detail},
                     {"fix", i.fix},
                     {"text", i.text}});
  return {{"ok", r.ok()}, {"items", items}, {"warnings", r.warnings}};
}

}  // namespace

void WebServer::Impl::RegisterAdminRoutes() {
  Route("GET", "/api/admin/status", Access::kAdmin,
        [this](const httplib::Request&, httplib::Response& res, Ctx&) {
          business::SetupReport r;
          if (cfg.setup_report) {
            r = cfg.setup_report();
          } else {
            business::SetupFacts f;
            f.shop_language = cfg.profile.language;
            f.database = cfg.data_dir;
            f.web_on = true;
            f.web_url = "http://" + cfg.bind_address + ":" + std::to_string(port) + "/";
            r = business::BuildSetupReport(f);
          }
          SendJson(res, 200, SetupReportJson(r));
        });
  Route("GET", "/api/users", Access::kAdmin,
        [this](const httplib::Request&, httplib::Response& res, Ctx&) {
          auto users = auth->ListUsers();
          if (!users.ok()) return SendStatus(res, users.status());
          Json out = Json::array();
          for (const auto& u : *users) out.push_back(ToJson(u));
          SendJson(res, 200, {{"users", out}});
        });
  Route("POST", "/api/users", Access::kAdmin,
        [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          Json body;
          if (!ParseBody(req, res, &body)) return;
          auto u = auth->AddUser(
              StrField(body, "name"),
              StrField(body, "role").empty() ? std::string("manager") : StrField(body, "role"),
              StrField(body, "password"));
          if (!u.ok()) return SendStatus(res, u.status());
          Audit(ctx, "user.create", "user", u->id, "role " + u->role);
          SendJson(res, 201, {{"user", ToJson(*u)}});
        });
  Route("POST", "/api/admin/forget", Access::kAdmin,
        [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          Json body;
          if (!ParseBody(req, res, &body)) return;
          Result<crm::ForgetResult> r = Status::Internal("not run");
          {
            std::lock_guard<std::mutex> lock(store_mu);
            r = crm::ForgetPerson(*cfg.store, cfg.data_dir, StrField(body, "phone"), ctx.actor());
          }
          if (!r.ok()) return SendStatus(res, r.status());
          SendJson(res, 200, nlohmann::json(*r));
        });
  Route("GET", "/api/webhooks", Access::kAdmin,
        [this](const httplib::Request&, httplib::Response& res, Ctx&) {
          auto hooks_list = hooks->List();
          if (!hooks_list.ok()) return SendStatus(res, hooks_list.status());
          auto deliveries = hooks->ListDeliveries(50);
          if (!deliveries.ok()) return SendStatus(res, deliveries.status());
          Json h = Json::array(), d = Json::array();
          for (const auto& w : *hooks_list) h.push_back(ToJson(w));
          for (const auto& x : *deliveries) d.push_back(ToJson(x));
          SendJson(res, 200, {{"webhooks", h}, {"deliveries", d}});
        });
  Route("POST", "/api/webhooks", Access::kAdmin,
        [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          Json body;
          if (!ParseBody(req, res, &body)) return;
          std::vector<std::string> events;
          if (body.contains("events")) {
            if (!body["events"].is_array())
              return SendError(res, 400, "invalid", "events must be a list");
            for (const auto& e : body["events"]) {
              if (!e.is_string()) return SendError(res, 400, "invalid", "events must be text");
              events.push_back(e.get<std::string>());
            }
          } else {
            events.assign(std::begin(kWebhookEvents), std::end(kWebhookEvents));
          }
          auto w = hooks->Add(StrField(body, "url"), StrField(body, "secret"), events);
          if (!w.ok()) return SendStatus(res, w.status());
          Audit(ctx, "webhook.create", "webhook", w->id, "");
          SendJson(res, 201, {{"webhook", ToJson(*w)}});
        });
  Route("DELETE", "/api/webhooks/{id}", Access::kAdmin,
        [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          int64_t id = 0;
          ParseId(req.matches[1], &id);
          if (Status s = hooks->Remove(id); !s.ok()) return SendStatus(res, s);
          Audit(ctx, "webhook.delete", "webhook", id, "");
          res.status = 204;
        });
}

}  // namespace kira::web
