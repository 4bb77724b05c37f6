// The store watcher of WebServer: finds leads, ended conversations and orders written by
// anyone (this process or another, e.g. `kira chat`), pushes them to the browsers as
// server-sent events and queues webhooks. Each event is emitted once: the workspace store
// remembers what was sent (FirstEmission) and the newest lead seen (state kLastLeadKey), so a
// restart neither repeats nor floods.
#include <algorithm>

#include "business/currency.h"
#include "core/log.h"
#include "web/server_impl.h"

namespace kira::web {
namespace {

constexpr int64_t kWatchNewLeadMs = 2 * 3600 * 1000;  // conversations/orders of a new lead
constexpr const char* kLastLeadKey = "last_lead_id";

// True the first time (event, id) is seen on this store. A store error counts as "seen": an
// event is better missed than repeated on every poll.
bool FirstEmission(crm::WorkspaceStore& ws, const std::string& event, int64_t id) {
  auto first = ws.FirstEmission(event, id);
  if (!first.ok()) log::Warn("web", "watcher: " + first.status().message());
  return first.ok() && *first;
}

// The event is published to the browsers either way; a webhook that could not be queued is
// logged (its receiver misses it, as it would any event while the store is down).
void QueueWebhook(Webhooks& hooks, const std::string& event, const Json& payload, int64_t lead_id) {
  Status s = hooks.Enqueue(event, payload.dump(), lead_id);
  if (!s.ok()) log::Warn("web", "webhook queue: " + s.message());
}

// An alert that could not be queued is logged, like a webhook (web/alerts.h).
void QueueAlert(Alerts* alerts, AlertKind kind, const AlertFacts& facts) {
  if (!alerts) return;
  Status s = alerts->Raise(kind, facts);
  if (!s.ok()) log::Warn("web", "alert queue: " + s.message());
}

// A callback task Kira made because a transfer to a manager failed (dialog's OnTransferFailed
// notes it so).
bool FromFailedTransfer(const crm::Task& t) { return t.note.rfind("transfer failed", 0) == 0; }

}  // namespace

// A finished conversation for the shop's CRM (amoCRM, web/amocrm.h; Bitrix24, web/bitrix24.h),
// for each connector that is on: the caller's number and name, the summary and outcome, the
// conversation's order, when it started and how long it took, and a link to the recording in the
// workspace (alerts' workspace_url). A failure to queue is logged.
void WebServer::Impl::QueueCrmConnectors(const crm::Conversation& c, int64_t lead_id) {
  auto amo_cfg = amocrm ? amocrm->Config() : Result<AmoConfig>(AmoConfig{});
  auto b24_cfg = bitrix24 ? bitrix24->Config() : Result<B24Config>(B24Config{});
  const bool to_amo = amocrm && amo_cfg.ok() && amo_cfg->enabled;
  const bool to_b24 = bitrix24 && b24_cfg.ok() && b24_cfg->enabled;
  if (!to_amo && !to_b24) return;
  FinishedCall call;
  call.conversation_id = c.id;
  call.lead_id = lead_id;
  call.summary = c.summary;
  call.outcome = crm::OptionalName(c.outcome);
  call.inbound = c.agent != "vera";
  call.started_at_ms = c.started_at;
  if (c.ended_at > c.started_at)
    call.duration_s = static_cast<int>((c.ended_at - c.started_at) / 1000);
  {
    std::lock_guard<std::mutex> lock(store_mu);
    if (auto lead = this->cfg.store->GetLead(lead_id); lead.ok())
      if (auto contact = this->cfg.store->GetContact(lead->contact_id); contact.ok()) {
        call.phone = contact->phone;
        call.name = contact->name;
      }
    if (auto orders = this->cfg.store->ListOrders(lead_id); orders.ok())
      for (const auto& o : *orders) {
        if (o.conversation_id != c.id) continue;
        auto full = this->cfg.store->GetOrder(o.id);
        const crm::Order& f = full.ok() ? *full : o;
        call.total = static_cast<int64_t>(f.total + 0.5);
        for (const auto& l : f.lines) {
          char qty[32];
          snprintf(qty, sizeof qty, "%g", l.qty);
          call.order += (call.order.empty() ? "" : "; ") + l.name + " — " + qty + " " + l.unit;
        }
      }
  }
  if (!c.recording_path.empty()) {
    auto ac = alerts ? alerts->Config() : Result<AlertConfig>(AlertConfig{});
    if (ac.ok() && !ac->workspace_url.empty())
      call.recording_url =
          ac->workspace_url + "/api/conversations/" + std::to_string(c.id) + "/recording";
  }
  if (to_amo)
    if (Status s = amocrm->Queue(call); !s.ok()) log::Warn("web", "amoCRM queue: " + s.message());
  if (to_b24)
    if (Status s = bitrix24->Queue(call); !s.ok())
      log::Warn("web", "Bitrix24 queue: " + s.message());
}

Status WebServer::Impl::StartWatcher() {
  {
    KIRA_ASSIGN_OR_RETURN(auto last, cfg.workspace->GetState(kLastLeadKey));
    if (last)
      ParseId(*last, &last_lead_id);
    else
      last_lead_id = -1;
  }
  if (last_lead_id < 0) {
    // First start on this database: history is not news.
    crm::LeadFilter f;
    f.limit = 1;
    Result<std::vector<crm::Lead>> newest = std::vector<crm::Lead>{};
    {
      std::lock_guard<std::mutex> lock(store_mu);
      newest = cfg.store->ListLeads(f);
    }
    if (!newest.ok()) return newest.status();
    last_lead_id = newest->empty() ? 0 : newest->front().id;
    KIRA_RETURN_IF_ERROR(cfg.workspace->SetState(kLastLeadKey, std::to_string(last_lead_id)));
  }
  {
    std::lock_guard<std::mutex> lock(watch_mu);
    watch_stop = false;
  }
  watcher = std::thread([this] {
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(watch_mu);
        watch_cv.wait_for(lock, cfg.poll_interval, [this] { return watch_stop || watch_poke; });
        if (watch_stop) return;
        watch_poke = false;
      }
      WatchOnce();
    }
  });
  if (cfg.changes) {
    change_listener = std::thread([this] {
      for (;;) {
        {
          std::lock_guard<std::mutex> lock(watch_mu);
          if (watch_stop) return;
        }
        auto got = cfg.changes->Wait(std::chrono::milliseconds(250));
        if (!got.ok()) {
          // The database is away: the watcher's polls go on; try the feed again shortly.
          log::Warn("web", "change feed: " + got.status().message());
          std::unique_lock<std::mutex> lock(watch_mu);
          watch_cv.wait_for(lock, std::chrono::seconds(1), [this] { return watch_stop; });
          continue;
        }
        if (!*got) continue;
        {
          std::lock_guard<std::mutex> lock(watch_mu);
          watch_poke = true;
        }
        watch_cv.notify_all();
      }
    });
  }
  return Status::Ok();
}

void WebServer::Impl::StopWatcher() {
  {
    std::lock_guard<std::mutex> lock(watch_mu);
    watch_stop = true;
  }
  watch_cv.notify_all();
  if (watcher.joinable()) watcher.join();
  if (change_listener.joinable()) change_listener.join();
}

void WebServer::Impl::Watch(int64_t lead_id, int64_t until_ms) {
  std::lock_guard<std::mutex> lock(watch_mu);
  int64_t& u = watched[lead_id];
  u = std::max(u, until_ms);
}

void WebServer::Impl::WatchOnce() {
  int64_t now = NowMs();
  // 1. New leads, oldest first.
  std::vector<crm::Lead> fresh;
  {
    // Exactly the leads created since the last poll (by id, whatever their created_at), in
    // pages of the queue's order.
    crm::LeadFilter f;
    f.limit = 200;
    f.after_id = last_lead_id;
    std::lock_guard<std::mutex> lock(store_mu);
    for (int pages = 0; pages < 50; ++pages) {
      auto r = cfg.store->ListLeads(f);
      if (!r.ok()) {
        log::Warn("web", "watcher: " + r.status().message());
        return;
      }
      for (auto& l : *r)
        if (l.id > last_lead_id) fresh.push_back(std::move(l));
      if (static_cast<int>(r->size()) < f.limit) break;
      f.before_id = r->back().id;
    }
    std::sort(fresh.begin(), fresh.end(),
              [](const crm::Lead& a, const crm::Lead& b) { return a.id > b.id; });
  }
  for (auto it = fresh.rbegin(); it != fresh.rend(); ++it) {
    const crm::Lead& l = *it;
    Json j = ToJson(l);
    {
      std::lock_guard<std::mutex> lock(store_mu);
      auto c = cfg.store->GetContact(l.contact_id);
      j["contact"] = c.ok() ? ToJson(*c) : Json(nullptr);
    }
    hub.Publish("lead.created", j);
    if (FirstEmission(*cfg.workspace, "lead.created", l.id))
      QueueWebhook(*hooks, "lead.created", j, l.id);
    Watch(l.id, now + kWatchNewLeadMs);
    last_lead_id = std::max(last_lead_id, l.id);
  }
  if (!fresh.empty()) {
    // A lost cursor costs no repeats (FirstEmission), only re-reading these leads after a
    // restart; so a failure is logged, not fatal.
    Status saved = cfg.workspace->SetState(kLastLeadKey, std::to_string(last_lead_id));
    if (!saved.ok()) log::Warn("web", "watcher: " + saved.message());
  }

  // 2. Conversations that ended and orders placed on watched leads.
  std::vector<int64_t> ids;
  {
    std::lock_guard<std::mutex> lock(watch_mu);
    for (auto it = watched.begin(); it != watched.end();) {
      if (it->second < now) {
        it = watched.erase(it);
      } else {
        ids.push_back(it->first);
        ++it;
      }
    }
  }
  for (int64_t lead_id : ids) {
    Result<std::vector<crm::Conversation>> convs = std::vector<crm::Conversation>{};
    Result<std::vector<crm::Order>> orders = std::vector<crm::Order>{};
    {
      std::lock_guard<std::mutex> lock(store_mu);
      convs = cfg.store->ListConversations(lead_id);
      orders = cfg.store->ListOrders(lead_id);
    }
    if (convs.ok()) {
      for (const auto& c : *convs) {
        if (c.ended_at == 0) continue;
        if (!FirstEmission(*cfg.workspace, "conversation.ended", c.id)) continue;
        Json j;
        {
          std::lock_guard<std::mutex> lock(store_mu);
          auto full = cfg.store->GetConversation(c.id);
          j = ToJson(full.ok() ? *full : c);
        }
        const std::string outcome(crm::OptionalName(c.outcome));
        hub.Publish("conversation.ended",
                    {{"id", c.id}, {"lead_id", lead_id}, {"outcome", outcome}});
        QueueWebhook(*hooks, "conversation.ended", j, lead_id);
        QueueCrmConnectors(c, lead_id);
        // Alerts: Vera's every result; a caller Kira qualified (an order or a callback has its
        // own alert below).
        if (c.agent == "vera")
          QueueAlert(alerts.get(), AlertKind::kVeraResult, {lead_id, c.id, c.summary, outcome, ""});
        else if (c.outcome == crm::Outcome::kQualified)
          QueueAlert(alerts.get(), AlertKind::kQualifiedLead,
                     {lead_id, c.id, c.summary, outcome, ""});
      }
    }
    Result<std::vector<crm::Task>> tasks = std::vector<crm::Task>{};
    {
      std::lock_guard<std::mutex> lock(store_mu);
      tasks = cfg.store->ListTasks(std::nullopt, lead_id);
    }
    if (tasks.ok()) {
      // A callback for a person that an agent booked: asked for by the caller, or left after a
      // transfer that failed.
      for (const auto& t : *tasks) {
        if (t.kind != crm::TaskKind::kCallback || !t.agent.empty()) continue;
        if (t.created_by != "kira" && t.created_by != "vera") continue;
        if (!FirstEmission(*cfg.workspace, "alert.callback", t.id)) continue;
        Result<crm::Lead> lead = Status::NotFound("");
        {
          std::lock_guard<std::mutex> lock(store_mu);
          lead = cfg.store->GetLead(lead_id);
        }
        QueueAlert(
            alerts.get(),
            FromFailedTransfer(t) ? AlertKind::kTransferFailed : AlertKind::kCallbackRequested,
            {lead_id, t.id, lead.ok() ? lead->summary : "", "", ""});
      }
    }
    if (orders.ok()) {
      for (const auto& o : *orders) {
        if (!FirstEmission(*cfg.workspace, "order.created", o.id)) continue;
        hub.Publish("order.created", {{"id", o.id}, {"lead_id", lead_id}, {"total", o.total}});
        QueueWebhook(*hooks, "order.created", ToJson(o), lead_id);
        std::string total;
        auto currencies = business::BuiltInCurrencies();
        auto profile = ProfileNow();
        if (currencies.ok() && profile)
          if (const auto* cur = (*currencies)->Find(profile->currency))
            total = business::FormatMoney(o.total, *cur, profile->language);
        // What was ordered (products, not people): the first lines, the rest in the lead.
        crm::Order full = o;
        {
          std::lock_guard<std::mutex> lock(store_mu);
          if (auto g = cfg.store->GetOrder(o.id); g.ok()) full = std::move(*g);
        }
        std::string what;
        for (size_t i = 0; i < full.lines.size() && i < 5; ++i) {
          char qty[32];
          snprintf(qty, sizeof qty, "%g", full.lines[i].qty);
          what += (what.empty() ? "" : "\n") + full.lines[i].name + " — " + qty + " " +
                  full.lines[i].unit;
        }
        if (full.lines.size() > 5) what += "\n…";
        QueueAlert(alerts.get(), AlertKind::kNewOrder, {lead_id, o.id, what, "", total});
      }
    }
  }
}

}  // namespace kira::web
