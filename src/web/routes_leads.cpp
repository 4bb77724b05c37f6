// The review queue, the lead page and its actions (take, send Vera, close, approve Vera's
// result), and recordings with HTTP range support. Every change and every recording access
// is written to the CRM audit log.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/log.h"
#include "crm/outcome.h"
#include "leads/lead_service.h"
#include "web/server_impl.h"

namespace kira::web {
namespace {

constexpr crm::TaskKind kVeraCall = crm::TaskKind::kVeraCall;
constexpr const char* kChannels[] = {"phone", "chat", "web"};
constexpr int64_t kWatchVeraMs = 7LL * 24 * 3600 * 1000;
// The queue counts its leads up to this many and then says "10,000+" (total_capped).
constexpr int64_t kQueueCountCap = 10000;

// A time given as Unix milliseconds or ISO 8601.
bool ParseTime(const std::string& s, int64_t* out) {
  if (s.empty()) return false;
  if (ParseId(s, out)) return true;
  auto t = ParseIso(s);
  if (!t.ok()) return false;
  *out = ToUnixMillis(*t);
  return true;
}

leads::Actor Actor(const Ctx& ctx) { return leads::Actor::User(ctx.session.user.name); }

// What the lead page shows, read under the store lock.
struct LeadRecords {
  crm::Lead lead;
  Json contact;
  std::vector<crm::Conversation> convs;  // with turns
  std::vector<crm::Order> orders;
  std::vector<crm::Task> tasks;
  std::vector<crm::AuditEntry> audit;
};

Status LoadLead(crm::CrmStore& store, int64_t id, LeadRecords* r) {
  KIRA_ASSIGN_OR_RETURN(r->lead, store.GetLead(id));
  auto c = store.GetContact(r->lead.contact_id);
  r->contact = c.ok() ? ToJson(*c) : Json(nullptr);
  KIRA_ASSIGN_OR_RETURN(auto convs, store.ListConversations(id));
  for (const auto& c0 : convs) {
    auto full = store.GetConversation(c0.id);
    r->convs.push_back(full.ok() ? *full : c0);
  }
  KIRA_ASSIGN_OR_RETURN(r->orders, store.ListOrders(id));
  KIRA_ASSIGN_OR_RETURN(r->tasks, store.ListTasks(std::nullopt, id));
  auto audit = store.ListAudit("lead", id);
  if (audit.ok()) r->audit = std::move(*audit);
  for (const auto& o : r->orders)  // status changes: on the lead's timeline too
    if (auto oa = store.ListAudit("order", o.id); oa.ok())
      r->audit.insert(r->audit.end(), oa->begin(), oa->end());
  return Status::Ok();
}

Json TimelineEntry(int64_t at, const std::string& type, const std::string& actor, int64_t ref,
                   const std::string& detail) {
  return {{"at", at}, {"type", type}, {"actor", actor}, {"ref", ref}, {"detail", detail}};
}

// Vera's latest call task on the lead, whether a manager approved its result, and the
// conversation it led to.
Json VeraCard(const LeadRecords& r) {
  const crm::Task* task = nullptr;
  for (const auto& t : r.tasks)
    if (t.kind == kVeraCall && (!task || t.id > task->id)) task = &t;
  if (!task) return nullptr;
  bool approved = false;
  for (const auto& a : r.audit)
    if (a.action == "lead.vera_approve" && a.detail == "task " + std::to_string(task->id))
      approved = true;
  Json v = {{"task", ToJson(*task)},
            {"approved", approved},
            {"conversation_id", nullptr},
            {"outcome", ""},
            {"summary", ""}};
  for (const auto& c : r.convs)
    if (c.agent == "vera" && (c.task_id == task->id || c.task_id == 0) &&
        c.started_at >= task->created_at) {
      v["conversation_id"] = c.id;
      v["outcome"] = crm::OptionalName(c.outcome);
      v["summary"] = c.summary;
    }
  return v;
}

// The shape LeadDetail of docs/openapi.yaml: the records and one timeline, oldest first.
Json LeadPageJson(const LeadRecords& r) {
  Json cj = Json::array(), oj = Json::array(), tj = Json::array(), tl = Json::array();
  for (const auto& c : r.convs) {
    cj.push_back(ToJson(c));
    tl.push_back(TimelineEntry(c.started_at, "conversation.started", c.agent, c.id, c.channel));
    if (c.ended_at)
      tl.push_back(TimelineEntry(c.ended_at, "conversation.ended", c.agent, c.id,
                                 std::string(crm::OptionalName(c.outcome))));
  }
  std::string phone = r.contact.is_object() ? r.contact.value("phone", "") : "";
  for (const auto& o : r.orders) {
    oj.push_back(OrderJson(o, phone));
    tl.push_back(
        TimelineEntry(o.created_at, "order.created", "", o.id, std::string(crm::Name(o.status))));
  }
  for (const auto& t : r.tasks) tj.push_back(ToJson(t));
  for (const auto& a : r.audit)
    tl.push_back(TimelineEntry(a.at, a.action, a.actor, a.entity_id, a.detail));
  std::stable_sort(tl.begin(), tl.end(), [](const Json& a, const Json& b) {
    return a["at"].get<int64_t>() < b["at"].get<int64_t>();
  });
  return {{"lead", ToJson(r.lead)}, {"contact", r.contact}, {"conversations", cj},
          {"orders", oj},           {"tasks", tj},          {"timeline", tl},
          {"vera", VeraCard(r)}};
}

}  // namespace

bool ParseQueueFilter(const httplib::Request& req, crm::LeadFilter* f, std::string* error) {
  std::string status = req.get_param_value("status");
  std::string outcome = req.get_param_value("outcome");
  std::string reason = req.get_param_value("reason");
  f->channel = req.get_param_value("channel");
  if (!status.empty()) {
    f->status = crm::ParseLeadStatus(status);
    if (!f->status) {
      *error = "status '" + status.substr(0, 40) + "' is unknown";
      return false;
    }
  }
  if (!outcome.empty()) {
    f->outcome = crm::ParseOutcome(outcome);
    if (!f->outcome) {
      *error = "outcome '" + outcome.substr(0, 40) + "' is unknown";
      return false;
    }
  }
  if (Status s = crm::ParseReasonFilter(reason, f); !s.ok()) {
    *error = s.message();
    return false;
  }
  if (f->channel.size() > 32) {
    *error = "channel is too long";
    return false;
  }
  for (auto [name, field] : {std::pair{"from", &f->from}, std::pair{"to", &f->to},
                             std::pair{"before_id", &f->before_id}}) {
    std::string v = req.get_param_value(name);
    if (!v.empty() &&
        !(std::string(name) == "before_id" ? ParseId(v, field) : ParseTime(v, field))) {
      *error = std::string(name) + " '" + v.substr(0, 40) + "' is not a valid value";
      return false;
    }
  }
  return true;
}

void WebServer::Impl::RegisterLeadRoutes() {
  RegisterLeadQueueRoutes();
  RegisterLeadPageRoute();
  RegisterLeadActionRoutes();
  RegisterRecordingRoute();
}

void WebServer::Impl::RegisterLeadQueueRoutes() {
  Route("GET", "/api/meta", Access::kUser,
        [this](const httplib::Request&, httplib::Response& res, Ctx& ctx) {
          auto names = [](const auto& table) {
            Json out = Json::array();
            for (const auto& row : table) out.push_back(std::string(row.name));
            return out;
          };
          Json close_reasons = Json::array();  // a manager's; Vera's result is approved
          for (const auto& row : crm::kCloseReasonTable)
            if (row.manager_choice) close_reasons.push_back(std::string(row.name));
          SendJson(res, 200,
                   {{"user", ToJson(ctx.session.user)},
                    {"shop", cfg.profile.name},
                    {"language", cfg.profile.language},
                    {"timezone", cfg.profile.timezone},
                    {"outcomes", names(crm::kOutcomeTable)},
                    {"reasons", names(crm::kNonTargetedReasonTable)},
                    {"close_reasons", close_reasons},
                    {"statuses", names(crm::kLeadStatusTable)},
                    {"channels", kChannels},
                    {"max_upload_bytes", cfg.max_upload_bytes}});
        });

  Route("GET", "/api/leads", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx&) {
          crm::LeadFilter f;
          std::string error;
          if (!ParseQueueFilter(req, &f, &error)) return SendError(res, 400, "invalid", error);
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
            // The total is counted for the first page only (the client keeps it), and no
            // further than kQueueCountCap: counting a million leads costs more than the page
            // itself (147 ms on PostgreSQL), and "10,000+" tells a manager as much.
            if (f.before_id == 0) {
              auto n = cfg.store->CountLeadsUpTo(f, kQueueCountCap);
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
                    {"total_capped", total >= kQueueCountCap},
                    {"next_before_id", next}});
        });
}

void WebServer::Impl::RegisterLeadPageRoute() {
  Route("GET", "/api/leads/{id}", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx&) {
          int64_t id = 0;
          ParseId(req.matches[1], &id);
          LeadRecords r;
          {
            std::lock_guard<std::mutex> lock(store_mu);
            if (Status s = LoadLead(*cfg.store, id, &r); !s.ok()) return SendStatus(res, s);
          }
          SendJson(res, 200, LeadPageJson(r));
        });
}

void WebServer::Impl::RegisterLeadActionRoutes() {
  // The actions are the lead service's (leads/lead_service.h): the same checks, changes and
  // audit entries as `kira leads take|vera|close|approve`. Here: HTTP in, JSON and events out.
  Route("POST", "/api/leads/{id}/take", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          int64_t id = 0;
          ParseId(req.matches[1], &id);
          auto lead = leads->Take(id, Actor(ctx));
          if (!lead.ok()) return SendStatus(res, lead.status());
          hub.Publish("lead.updated", ToJson(*lead));
          SendJson(res, 200, {{"lead", ToJson(*lead)}});
        });

  Route("POST", "/api/leads/{id}/vera", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          int64_t id = 0;
          ParseId(req.matches[1], &id);
          Json body;
          if (!ParseBody(req, res, &body)) return;
          leads::CallRequest call;
          if (body.contains("note") && !body["note"].is_null()) {
            if (!body["note"].is_string())
              return SendError(res, 400, "invalid", "note must be text");
            call.note = body["note"].get<std::string>();
          }
          if (body.contains("preferred_time") && !body["preferred_time"].is_null()) {
            const Json& p = body["preferred_time"];
            bool ok = p.is_number_integer() ? (call.not_before = p.get<int64_t>(), true)
                      : p.is_string()       ? ParseTime(p.get<std::string>(), &call.not_before)
                                            : false;
            if (!ok && !(p.is_string() && p.get<std::string>().empty()))
              return SendError(res, 400, "invalid",
                               "preferred_time must be ISO 8601 (2026-12-01T10:00:00+03:00)");
          }
          auto sent = leads->SendToVera(id, call, Actor(ctx));
          if (!sent.ok()) return SendStatus(res, sent.status());
          Watch(id, NowMs() + kWatchVeraMs);
          hub.Publish("lead.updated", ToJson(sent->lead));
          SendJson(res, 201, {{"task", ToJson(sent->task)}, {"lead", ToJson(sent->lead)}});
        });

  Route("POST", "/api/leads/{id}/close", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          int64_t id = 0;
          ParseId(req.matches[1], &id);
          Json body;
          if (!ParseBody(req, res, &body)) return;
          auto lead = leads->Close(id, StrField(body, "reason"), Actor(ctx));
          if (!lead.ok()) return SendStatus(res, lead.status());
          hub.Publish("lead.updated", ToJson(*lead));
          SendJson(res, 200, {{"lead", ToJson(*lead)}});
        });

  Route("POST", "/api/leads/{id}/approve", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          int64_t id = 0;
          ParseId(req.matches[1], &id);
          auto lead = leads->Approve(id, Actor(ctx));
          if (!lead.ok()) return SendStatus(res, lead.status());
          hub.Publish("lead.updated", ToJson(*lead));
          SendJson(res, 200, {{"lead", ToJson(*lead)}});
        });
}

// Serves conversation `id`'s recording file (Range supported), audited as read by `actor`.
void WebServer::Impl::ServeRecording(const httplib::Request& req, httplib::Response& res,
                                     int64_t id, const std::string& actor) {
  std::string rel;
  int64_t lead_id = 0;
  {
    std::lock_guard<std::mutex> lock(store_mu);
    auto c = cfg.store->GetConversation(id);
    if (!c.ok()) return SendStatus(res, c.status());
    rel = c->recording_path;
    lead_id = c->lead_id;
  }
  if (rel.empty()) return SendError(res, 404, "not_found", "this conversation has no recording");
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
  crm::AuditEntry e;
  e.at = NowMs();
  e.actor = actor;
  e.action = "recording.read";
  e.entity = "conversation";
  e.entity_id = id;
  e.detail = "lead " + std::to_string(lead_id) + (range.empty() ? "" : " " + range);
  {
    std::lock_guard<std::mutex> lock(store_mu);
    if (Status s = cfg.store->Audit(e); !s.ok())
      log::Error("web", "audit log write failed: " + s.message());
  }
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
}

void WebServer::Impl::RegisterRecordingRoute() {
  Route("GET", "/api/conversations/{id}/recording", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          int64_t id = 0;
          ParseId(req.matches[1], &id);
          ServeRecording(req, res, id, ctx.actor());
        });
  // A signed link (web/recording_link.h) for a service without a session: Bitrix24 downloads
  // the recording it attaches to a logged call.
  Route("GET", "/api/recordings/{id}", Access::kPublic,
        [this](const httplib::Request& req, httplib::Response& res, Ctx&) {
          int64_t id = 0, exp = 0;
          ParseId(req.matches[1], &id);
          std::string exp_s = req.get_param_value("exp");
          if (exp_s.empty() || exp_s.size() > 12 || !ParseId(exp_s, &exp) || !recording_links ||
              !recording_links->Verify(id, exp, req.get_param_value("sig"), NowMs() / 1000))
            return SendError(res, 403, "forbidden", "the link is not valid or has expired");
          ServeRecording(req, res, id, "link:signed");
        });
}

}  // namespace kira::web
