// Orders and exports: the orders list (newest first, by status: selected, counted and paged by
// the store, CrmStore::ListOrderPage), an order's status change (through the lead service: the
// flow of leads/order_flow.h, audited, pushed to the browsers and queued as the webhook event
// order.status_changed), and the CSV / XLSX exports of leads, orders and conversations with
// the queue's filters (leads/export.h).
#include <filesystem>

#include "core/log.h"
#include "leads/export.h"
#include "leads/order_flow.h"
#include "web/server_impl.h"

namespace kira::web {
namespace {

constexpr int64_t kMaxOrderPage = 200;

// The order as the workspace shows it: the record, the customer's phone and the statuses it
// may move to next.
Json OrderCard(const crm::Order& o, const std::string& phone) {
  Json j = ToJson(o);
  j["phone"] = phone;
  Json next = Json::array();
  for (crm::OrderStatus s : leads::NextOrderStatuses(o)) next.push_back(crm::Name(s));
  j["next_statuses"] = next;
  return j;
}

}  // namespace

Json OrderJson(const crm::Order& o, const std::string& phone) { return OrderCard(o, phone); }

void WebServer::Impl::RegisterOrderRoutes() {
  Route(
      "GET", "/api/orders", Access::kUser,
      [this](const httplib::Request& req, httplib::Response& res, Ctx&) {
        std::string status_name = req.get_param_value("status");
        std::optional<crm::OrderStatus> status;
        if (!status_name.empty() && !(status = crm::ParseOrderStatus(status_name)))
          return SendError(res, 400, "invalid",
                           "status '" + status_name.substr(0, 40) + "' is unknown");
        int64_t limit = 50, before = 0;
        std::string lim = req.get_param_value("limit"), bid = req.get_param_value("before_id");
        if (!lim.empty() && (!ParseId(lim, &limit) || limit < 1 || limit > kMaxOrderPage))
          return SendError(res, 400, "invalid", "limit must be 1..200");
        if (!bid.empty() && !ParseId(bid, &before))
          return SendError(res, 400, "invalid",
                           "before_id '" + bid.substr(0, 40) + "' is not a valid value");
        crm::OrderFilter f;
        f.status = status;
        f.before_id = before;
        f.limit = static_cast<int>(limit);
        Json out = Json::array();
        int64_t total = 0;
        {
          std::lock_guard<std::mutex> lock(store_mu);
          auto page = cfg.store->ListOrderPage(f);
          if (!page.ok()) return SendStatus(res, page.status());
          total = page->total;
          for (const crm::Order& o : page->orders) {
            std::string phone;
            if (auto l = cfg.store->GetLead(o.lead_id); l.ok() && l->contact_id)
              if (auto c = cfg.store->GetContact(l->contact_id); c.ok()) phone = c->phone;
            out.push_back(OrderCard(o, phone));
          }
        }
        Json next = nullptr;
        if (static_cast<int64_t>(out.size()) == limit) next = out.back()["id"];
        Json statuses = Json::array();
        for (const auto& r : crm::kOrderStatusTable) statuses.push_back(r.name);
        SendJson(
            res, 200,
            {{"orders", out}, {"total", total}, {"next_before_id", next}, {"statuses", statuses}});
      });

  Route("POST", "/api/orders/{id}/status", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          int64_t id = 0;
          ParseId(req.matches[1], &id);
          Json body;
          if (!ParseBody(req, res, &body)) return;
          std::string status = StrField(body, "status");
          if (status.empty()) return SendError(res, 400, "invalid", "status is required");
          auto c = leads->SetOrderStatus(id, status, leads::Actor::User(ctx.session.user.name));
          if (!c.ok()) return SendStatus(res, c.status());
          Json event = {{"order", ToJson(c->order)},
                        {"from", crm::Name(c->from)},
                        {"to", crm::Name(c->order.status)},
                        {"by", ctx.actor()}};
          if (Status s = hooks->Enqueue("order.status_changed", event.dump(), c->order.lead_id);
              !s.ok())
            log::Warn("web", "webhook queue: " + s.message());
          hub.Publish(
              "order.updated",
              {{"id", id}, {"lead_id", c->order.lead_id}, {"status", crm::Name(c->order.status)}});
          std::string phone;
          {
            std::lock_guard<std::mutex> lock(store_mu);
            if (auto l = cfg.store->GetLead(c->order.lead_id); l.ok() && l->contact_id)
              if (auto ct = cfg.store->GetContact(l->contact_id); ct.ok()) phone = ct->phone;
          }
          SendJson(res, 200, {{"order", OrderCard(c->order, phone)}, {"from", crm::Name(c->from)}});
        });

  Route("GET", "/api/export", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          leads::ExportRequest r;
          auto kind = leads::ParseExportKind(req.get_param_value("what"));
          if (!kind.ok()) return SendStatus(res, kind.status().WithContext("what"));
          auto format = leads::ParseExportFormat(req.get_param_value("format"));
          if (!format.ok()) return SendStatus(res, format.status().WithContext("format"));
          r.kind = *kind;
          std::string error;
          if (!ParseQueueFilter(req, &r.filter, &error))
            return SendError(res, 400, "invalid", error);
          r.order_status = req.get_param_value("order_status");
          r.language = req.has_param("lang") ? req.get_param_value("lang") : cfg.profile.language;
          r.timezone = cfg.profile.timezone;
          auto table = leads->Export(r);
          if (!table.ok()) return SendStatus(res, table.status());
          std::string name = std::string("kira-") + leads::ExportKindName(r.kind);
          std::string bytes, type;
          if (*format == leads::ExportFormat::kCsv) {
            bytes = leads::ToCsv(*table, r.language);
            type = "text/csv; charset=utf-8";
            name += ".csv";
          } else {
            std::error_code ec;
            std::string tmp = cfg.data_dir.empty()
                                  ? std::filesystem::temp_directory_path(ec).string()
                                  : cfg.data_dir;
            auto x = leads::XlsxBytes(*table, tmp);
            if (!x.ok()) return SendStatus(res, x.status());
            bytes = std::move(*x);
            type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
            name += ".xlsx";
          }
          Audit(ctx, "export", leads::ExportKindName(r.kind), 0,
                std::to_string(table->rows.size()) + " rows, " + req.get_param_value("format"));
          res.set_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
          res.set_header("Cache-Control", "private, no-store");
          res.set_content(bytes, type);
        });
}

}  // namespace kira::web
