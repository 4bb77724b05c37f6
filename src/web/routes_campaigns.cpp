// Campaigns (leads/campaign.h): upload a CSV of numbers → Vera's call tasks, with every refused
// row named (line, reason, value) for the UI to word in its language; the list of campaigns and
// one campaign's progress and outcomes.
#include "leads/campaign.h"
#include "web/server_impl.h"

namespace kira::web {
namespace {

Json RefusedJson(const std::vector<leads::RefusedRow>& rows) {
  Json out = Json::array();
  for (const auto& r : rows)
    out.push_back({{"line", r.line}, {"reason", r.reason}, {"value", r.value}});
  return out;
}

Json CampaignJson(const leads::Campaign& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"advertising", c.advertising},
          {"file", c.file},
          {"created_by", c.created_by},
          {"created_at", c.created_at},
          {"calls", c.task_ids.size()},
          {"refused", RefusedJson(c.refused)}};
}

Json ProgressJson(const leads::CampaignProgress& p) {
  Json results = Json::array();
  for (const auto& [result, n] : p.results) results.push_back({{"result", result}, {"n", n}});
  return {{"campaign", CampaignJson(p.campaign)},
          {"total", p.total},
          {"open", p.open},
          {"in_progress", p.in_progress},
          {"done", p.done},
          {"failed", p.failed},
          {"cancelled", p.cancelled},
          {"results", results}};
}

}  // namespace

void WebServer::Impl::RegisterCampaignRoutes() {
  AllowUpload("POST", "/api/campaigns");
  Route(
      "POST", "/api/campaigns", Access::kUser,
      [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
        leads::CampaignOptions opt;
        opt.name = req.get_param_value("name");
        opt.advertising = req.get_param_value("advertising") != "0";
        opt.skip_refused = req.get_param_value("skip") == "1";
        opt.timezone = cfg.profile.timezone;
        opt.max_bytes = cfg.max_upload_bytes;
        std::string enc = req.get_param_value("encoding");
        if (!enc.empty()) opt.encoding = enc;
        std::string file = req.get_param_value("file");
        if (file.empty()) file = "numbers.csv";
        if (file.size() > 200) file.resize(200);
        if (req.body.empty())
          return SendError(res, 400, "invalid", "the uploaded file is empty; nothing was created");
        auto r = campaigns->Create(req.body, file, opt, leads::Actor::User(ctx.session.user.name));
        if (!r.ok()) return SendStatus(res, r.status());
        if (!r->created)
          return SendJson(res, 400,
                          {{"code", "rows_refused"},
                           {"error", std::to_string(r->refused.size()) +
                                         " row(s) refused; nothing was created"},
                           {"rows", r->rows},
                           {"refused", RefusedJson(r->refused)}});
        SendJson(res, 201,
                 {{"campaign", CampaignJson(r->campaign)},
                  {"rows", r->rows},
                  {"refused", RefusedJson(r->refused)}});
      });
  Route("GET", "/api/campaigns", Access::kUser,
        [this](const httplib::Request&, httplib::Response& res, Ctx&) {
          auto list = campaigns->List();
          if (!list.ok()) return SendStatus(res, list.status());
          Json out = Json::array();
          for (const auto& c : *list) {
            auto p = campaigns->Progress(c.id);
            if (p.ok()) out.push_back(ProgressJson(*p));
            if (out.size() >= 100) break;
          }
          SendJson(res, 200, {{"campaigns", out}});
        });
  Route("GET", "/api/campaigns/{id}", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx&) {
          int64_t id = 0;
          if (!ParseId(req.matches[1], &id))
            return SendError(res, 400, "invalid", "campaign id must be a number");
          auto p = campaigns->Progress(id);
          if (!p.ok()) return SendStatus(res, p.status());
          SendJson(res, 200, ProgressJson(*p));
        });
}

}  // namespace kira::web
