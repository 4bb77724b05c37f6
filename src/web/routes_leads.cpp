// The review queue, the lead page and its actions (take, send Vera, close, approve Vera's
// result), and recordings with HTTP range support. Every change and every recording access
// is written to the CRM audit log.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "crm/outcome.h"
#include "crm/phone.h"
#include "web/server_impl.h"

namespace kira::web {
namespace {

constexpr const char* kCloseReasons[] = {"sold",       "not_targeted", "duplicate",
                                         "no_contact", "spam",         "other"};
constexpr const char* kStatuses[] = {"new", "taken", "vera_assigned", "closed"};
constexpr const char* kChannels[] = {"phone", "chat", "web"};
constexpr int64_t kWatchVeraMs = 7LL * 24 * 3600 * 1000;

bool InList(const std::string& s, const auto& list) {
  return std::any_of(std::begin(list), std::end(list), [&](const auto& x) { return s == x; });
}

// A time given as Unix milliseconds or ISO 8601.
bool ParseTime(const std::string& s, int64_t* out) {
  if (s.empty()) return false;
  if (ParseId(s, out)) return true;
  TimePoint t;
  if (!ParseIso(s, &t)) return false;
  *out = ToUnixMillis(t);
  return true;
}

// Writes a changed lead and reads it back, so the answer carries what the store stamped.
Status SaveLead(crm::CrmStore& store, crm::Lead* lead) {
  KIRA_RETURN_IF_ERROR(store.UpdateLead(*lead));
  auto again = store.GetLead(lead->id);
  if (again.ok()) *lead = *again;
  return Status::Ok();
}

}  // namespace

void WebServer::Impl::RegisterLeadRoutes() {
  Route("GET", "/api/meta", Access::kUser,
        [this](const httplib::Request&, httplib::Response& res, Ctx& ctx) {
          Json outcomes = Json::array(), reasons = Json::array();
          for (auto o : crm::kOutcomes) outcomes.push_back(std::string(o));
          for (auto r : crm::kNonTargetedReasons) reasons.push_back(std::string(r));
          SendJson(res, 200,
                   {{"user", ToJson(ctx.session.user)},
                    {"shop", cfg.profile.name},
                    {"language", cfg.profile.language},
                    {"timezone", cfg.profile.timezone},
                    {"outcomes", outcomes},
                    {"reasons", reasons},
                    {"close_reasons", kCloseReasons},
                    {"statuses", kStatuses},
                    {"channels", kChannels},
                    {"max_upload_bytes", cfg.max_upload_bytes}});
        });

  Route("GET", "/api/leads", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx&) {
          crm::LeadFilter f;
          f.status = req.get_param_value("status");
          f.outcome = req.get_param_value("outcome");
          f.reason = req.get_param_value("reason");
          f.channel = req.get_param_value("channel");
          if (!f.status.empty() && !InList(f.status, kStatuses))
            return SendError(res, 400, "invalid", "status '" + f.status + "' is unknown");
          if (!f.outcome.empty() && !crm::IsOutcome(f.outcome))
            return SendError(res, 400, "invalid", "outcome '" + f.outcome + "' is unknown");
          if (f.reason.size() > 64 || f.channel.size() > 32)
            return SendError(res, 400, "invalid", "reason or channel is too long");
          for (auto [name, field] : {std::pair{"from", &f.from}, std::pair{"to", &f.to},
                                     std::pair{"before_id", &f.before_id}}) {
            std::string v = req.get_param_value(name);
            if (!v.empty() &&
                !(std::string(name) == "before_id" ? ParseId(v, field) : ParseTime(v, field)))
              return SendError(res, 400, "invalid",
                               std::string(name) + " '" + v + "' is not a valid value");
          }
          std::string lim = req.get_param_value("limit");
          int64_t limit = 50;
          if (!lim.empty() && (!ParseId(lim, &limit) || limit < 1 || limit > 200))
            return SendError(res, 400, "invalid", "limit must be 1..200");
          f.limit = static_cast<int>(limit);
          Json leads = Json::array();
          int64_t total = -1;
          {
            std::lock_guard<std::mutex> lock(store_mu);
            auto r = cfg.store->ListLeads(f);
            if (!r.ok()) return SendStatus(res, r.status());
            // The total is counted for the first page only (the client keeps it): a count
            // over a filtered 100,000-lead table costs more than the page itself.
            if (f.before_id == 0) {
              auto n = cfg.store->CountLeads(f);
              if (!n.ok()) return SendStatus(res, n.status());
              total = *n;
            }
            for (const auto& l : *r) {
              Json j = ToJson(l);
              auto c = cfg.store->GetContact(l.contact_id);
              j["contact"] = c.ok() ? ToJson(*c) : Json(nullptr);
              leads.push_back(std::move(j));
            }
          }
          Json next = nullptr;
          if (static_cast<int>(leads.size()) == f.limit) next = leads.back()["id"];
          SendJson(res, 200,
                   {{"leads", leads},
                    {"total", total < 0 ? Json(nullptr) : Json(total)},
                    {"next_before_id", next}});
        });

  Route("GET", "/api/leads/{id}", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          int64_t id = 0;
          ParseId(req.matches[1], &id);
          Json out;
          std::vector<crm::AuditEntry> audit;
          std::vector<crm::Conversation> convs;
          std::vector<crm::Order> orders;
          std::vector<crm::Task> tasks;
          {
            std::lock_guard<std::mutex> lock(store_mu);
            auto l = cfg.store->GetLead(id);
            if (!l.ok()) return SendStatus(res, l.status());
            out["lead"] = ToJson(*l);
            auto c = cfg.store->GetContact(l->contact_id);
            out["contact"] = c.ok() ? ToJson(*c) : Json(nullptr);
            auto cl = cfg.store->ListConversations(id);
            if (!cl.ok()) return SendStatus(res, cl.status());
            for (const auto& c0 : *cl) {
              auto full = cfg.store->GetConversation(c0.id);
              convs.push_back(full.ok() ? *full : c0);
            }
            auto ol = cfg.store->ListOrders(id);
            if (!ol.ok()) return SendStatus(res, ol.status());
            orders = std::move(*ol);
            auto tl = cfg.store->ListTasks("", id);
            if (!tl.ok()) return SendStatus(res, tl.status());
            tasks = std::move(*tl);
            auto al = cfg.store->ListAudit("lead", id);
            if (al.ok()) audit = std::move(*al);
          }
          Json cj = Json::array(), oj = Json::array(), tj = Json::array(), tl = Json::array();
          for (const auto& c : convs) {
            cj.push_back(ToJson(c));
            tl.push_back({{"at", c.started_at},
                          {"type", "conversation.started"},
                          {"actor", c.agent},
                          {"ref", c.id},
                          {"detail", c.channel}});
            if (c.ended_at)
              tl.push_back({{"at", c.ended_at},
                            {"type", "conversation.ended"},
                            {"actor", c.agent},
                            {"ref", c.id},
                            {"detail", c.outcome}});
          }
          for (const auto& o : orders) {
            oj.push_back(ToJson(o));
            tl.push_back({{"at", o.created_at},
                          {"type", "order.created"},
                          {"actor", ""},
                          {"ref", o.id},
                          {"detail", o.status}});
          }
          const crm::Task* vera_task = nullptr;
          for (const auto& t : tasks) {
            tj.push_back(ToJson(t));
            if (t.kind == "vera_call" && (!vera_task || t.id > vera_task->id)) vera_task = &t;
          }
          bool approved = false;
          for (const auto& a : audit) {
            tl.push_back({{"at", a.at},
                          {"type", a.action},
                          {"actor", a.actor},
                          {"ref", a.entity_id},
                          {"detail", a.detail}});
            if (vera_task && a.action == "lead.vera_approve" &&
                a.detail == "task " + std::to_string(vera_task->id))
              approved = true;
          }
          std::stable_sort(tl.begin(), tl.end(), [](const Json& a, const Json& b) {
            return a["at"].get<int64_t>() < b["at"].get<int64_t>();
          });
          out["conversations"] = cj;
          out["orders"] = oj;
          out["tasks"] = tj;
          out["timeline"] = tl;
          out["vera"] = nullptr;
          if (vera_task) {
            Json v = {{"task", ToJson(*vera_task)},
                      {"approved", approved},
                      {"conversation_id", nullptr},
                      {"outcome", ""},
                      {"summary", ""}};
            for (const auto& c : convs)
              if (c.agent == "vera" && (c.task_id == vera_task->id || c.task_id == 0) &&
                  c.started_at >= vera_task->created_at) {
                v["conversation_id"] = c.id;
                v["outcome"] = c.outcome;
                v["summary"] = c.summary;
              }
            out["vera"] = v;
          }
          SendJson(res, 200, out);
          (void)ctx;
        });

  Route("POST", "/api/leads/{id}/take", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          int64_t id = 0;
          ParseId(req.matches[1], &id);
          crm::Lead lead;
          {
            std::lock_guard<std::mutex> lock(store_mu);
            auto l = cfg.store->GetLead(id);
            if (!l.ok()) return SendStatus(res, l.status());
            lead = *l;
            if (lead.status == "closed")
              return SendError(res, 409, "conflict", "the lead is closed");
            if (!lead.assigned_to.empty() && lead.assigned_to != ctx.session.user.name)
              return SendError(res, 409, "conflict",
                               "the lead is already taken by " + lead.assigned_to);
            lead.status = "taken";
            lead.assigned_to = ctx.session.user.name;
            if (Status s = SaveLead(*cfg.store, &lead); !s.ok()) return SendStatus(res, s);
          }
          Audit(ctx, "lead.take", "lead", id, "assigned to " + ctx.session.user.name);
          hub.Publish("lead.updated", ToJson(lead));
          SendJson(res, 200, {{"lead", ToJson(lead)}});
        });

  Route("POST", "/api/leads/{id}/vera", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          int64_t id = 0;
          ParseId(req.matches[1], &id);
          Json body;
          if (!ParseBody(req, res, &body)) return;
          std::string note;
          if (body.contains("note") && !body["note"].is_null()) {
            if (!body["note"].is_string())
              return SendError(res, 400, "invalid", "note must be text");
            note = body["note"].get<std::string>();
          }
          if (note.size() > 2000)
            return SendError(res, 400, "invalid", "note is longer than 2000 characters");
          int64_t not_before = 0;
          if (body.contains("preferred_time") && !body["preferred_time"].is_null()) {
            const Json& p = body["preferred_time"];
            bool ok = p.is_number_integer() ? (not_before = p.get<int64_t>(), true)
                      : p.is_string()       ? ParseTime(p.get<std::string>(), &not_before)
                                            : false;
            if (!ok && !(p.is_string() && p.get<std::string>().empty()))
              return SendError(res, 400, "invalid",
                               "preferred_time must be ISO 8601 (2026-12-01T10:00:00+03:00)");
          }
          crm::Lead lead;
          crm::Task task;
          {
            std::lock_guard<std::mutex> lock(store_mu);
            auto l = cfg.store->GetLead(id);
            if (!l.ok()) return SendStatus(res, l.status());
            lead = *l;
            if (lead.status == "closed")
              return SendError(res, 409, "conflict", "the lead is closed");
            auto c = cfg.store->GetContact(lead.contact_id);
            if (!c.ok() || c->phone.empty())
              return SendError(res, 409, "conflict", "the lead has no phone number to call");
            auto e164 = crm::ToE164(c->phone);
            if (!e164.ok())
              return SendError(res, 409, "conflict",
                               "the lead's number cannot be called: " + e164.status().message());
            auto dnc = cfg.store->IsDnc(*e164);
            if (!dnc.ok()) return SendStatus(res, dnc.status());
            if (*dnc)
              return SendError(res, 409, "conflict",
                               "the number is on the do-not-call list; Vera will not call it");
            auto open = cfg.store->ListTasks("open", id);
            if (open.ok())
              for (const auto& t : *open)
                if (t.kind == "vera_call")
                  return SendError(res, 409, "conflict",
                                   "Vera already has an open call for this lead (task " +
                                       std::to_string(t.id) + ")");
            task.lead_id = id;
            task.kind = "vera_call";
            task.agent = "vera";
            task.phone = *e164;
            task.timezone = c->timezone;
            task.note = note;
            task.not_before = not_before;
            task.created_by = "manager:" + ctx.session.user.name;
            task.created_at = NowMs();
            auto tid = cfg.store->CreateTask(task);
            if (!tid.ok()) return SendStatus(res, tid.status());
            task.id = *tid;
            lead.status = "vera_assigned";
            if (lead.assigned_to.empty()) lead.assigned_to = ctx.session.user.name;
            if (Status s = SaveLead(*cfg.store, &lead); !s.ok()) return SendStatus(res, s);
            auto t2 = cfg.store->GetTask(task.id);
            if (t2.ok()) task = *t2;
          }
          Audit(ctx, "lead.vera_assign", "lead", id, "task " + std::to_string(task.id));
          Watch(id, NowMs() + kWatchVeraMs);
          hub.Publish("lead.updated", ToJson(lead));
          SendJson(res, 201, {{"task", ToJson(task)}, {"lead", ToJson(lead)}});
        });

  Route("POST", "/api/leads/{id}/close", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          int64_t id = 0;
          ParseId(req.matches[1], &id);
          Json body;
          if (!ParseBody(req, res, &body)) return;
          std::string reason = StrField(body, "reason");
          if (!InList(reason, kCloseReasons))
            return SendError(res, 400, "invalid",
                             "reason must be one of: sold, not_targeted, duplicate, "
                             "no_contact, spam, other");
          crm::Lead lead;
          {
            std::lock_guard<std::mutex> lock(store_mu);
            auto l = cfg.store->GetLead(id);
            if (!l.ok()) return SendStatus(res, l.status());
            lead = *l;
            if (lead.status == "closed")
              return SendError(res, 409, "conflict", "the lead is already closed");
            lead.status = "closed";
            lead.reason = reason;
            if (lead.assigned_to.empty()) lead.assigned_to = ctx.session.user.name;
            if (Status s = SaveLead(*cfg.store, &lead); !s.ok()) return SendStatus(res, s);
          }
          Audit(ctx, "lead.close", "lead", id, "reason " + reason);
          hub.Publish("lead.updated", ToJson(lead));
          SendJson(res, 200, {{"lead", ToJson(lead)}});
        });

  Route("POST", "/api/leads/{id}/approve", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          int64_t id = 0;
          ParseId(req.matches[1], &id);
          crm::Lead lead;
          int64_t task_id = 0;
          std::string result;
          {
            std::lock_guard<std::mutex> lock(store_mu);
            auto l = cfg.store->GetLead(id);
            if (!l.ok()) return SendStatus(res, l.status());
            lead = *l;
            auto tasks = cfg.store->ListTasks("", id);
            if (!tasks.ok()) return SendStatus(res, tasks.status());
            for (const auto& t : *tasks)
              if (t.kind == "vera_call" && t.id > task_id) {
                task_id = t.id;
                result = t.status == "done" || t.status == "failed" ? t.last_result : "";
              }
            if (task_id == 0)
              return SendError(res, 409, "conflict", "Vera has not been sent to this lead");
            if (result.empty())
              return SendError(res, 409, "conflict", "Vera has not finished the call yet");
            if (lead.status != "closed") {
              lead.status = "closed";
              lead.reason = "vera_" + result;
              if (Status s = SaveLead(*cfg.store, &lead); !s.ok()) return SendStatus(res, s);
            }
          }
          Audit(ctx, "lead.vera_approve", "lead", id, "task " + std::to_string(task_id));
          hub.Publish("lead.updated", ToJson(lead));
          SendJson(res, 200, {{"lead", ToJson(lead)}});
        });

  Route("GET", "/api/conversations/{id}/recording", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          int64_t id = 0;
          ParseId(req.matches[1], &id);
          std::string rel;
          int64_t lead_id = 0;
          {
            std::lock_guard<std::mutex> lock(store_mu);
            auto c = cfg.store->GetConversation(id);
            if (!c.ok()) return SendStatus(res, c.status());
            rel = c->recording_path;
            lead_id = c->lead_id;
          }
          if (rel.empty())
            return SendError(res, 404, "not_found", "this conversation has no recording");
          namespace fs = std::filesystem;
          std::error_code ec;
          fs::path base = fs::weakly_canonical(cfg.data_dir, ec);
          fs::path p = fs::path(rel).is_absolute() ? fs::path(rel) : fs::path(cfg.data_dir) / rel;
          p = fs::weakly_canonical(p, ec);
          auto [b, _] = std::mismatch(base.begin(), base.end(), p.begin(), p.end());
          if (cfg.data_dir.empty() || ec || b != base.end())
            return SendError(res, 404, "not_found", "the recording is outside the data directory");
          uint64_t size = fs::file_size(p, ec);
          if (ec) return SendError(res, 404, "not_found", "the recording file is missing");
          std::string range = req.get_header_value("Range");
          Audit(ctx, "recording.read", "conversation", id,
                "lead " + std::to_string(lead_id) + (range.empty() ? "" : " " + range));
          std::string ext = p.extension().string();
          std::string type = ext == ".wav"   ? "audio/wav"
                             : ext == ".ogg" ? "audio/ogg"
                             : ext == ".mp3" ? "audio/mpeg"
                                             : "application/octet-stream";
          auto file = std::make_shared<std::ifstream>(p, std::ios::binary);
          res.set_header("Accept-Ranges", "bytes");
          res.set_header("Cache-Control", "private, no-store");
          res.set_content_provider(size, type,
                                   [file](size_t offset, size_t length, httplib::DataSink& sink) {
                                     char buf[65536];
                                     file->clear();
                                     file->seekg(static_cast<std::streamoff>(offset));
                                     size_t n = std::min(length, sizeof buf);
                                     file->read(buf, static_cast<std::streamsize>(n));
                                     std::streamsize got = file->gcount();
                                     if (got <= 0) return false;
                                     return sink.write(buf, static_cast<size_t>(got));
                                   });
        });
}

}  // namespace kira::web
