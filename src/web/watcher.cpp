// The store watcher of WebServer: finds leads, ended conversations and orders written by
// anyone (this process or another, e.g. `kira chat`), pushes them to the browsers as
// server-sent events and queues webhooks. Each event is emitted once: web_emitted remembers
// what was sent, web_state the newest lead seen, so a restart neither repeats nor floods.
#include <algorithm>

#include "core/log.h"
#include "web/server_impl.h"

namespace kira::web {
namespace {

constexpr int64_t kWatchNewLeadMs = 2 * 3600 * 1000;  // conversations/orders of a new lead

}  // namespace

Status WebServer::Impl::StartWatcher() {
  {
    std::lock_guard<std::mutex> lock(db_mu);
    KIRA_ASSIGN_OR_RETURN(auto st,
                          db->Prepare("SELECT value FROM web_state WHERE key = 'last_lead_id'"));
    if (st->Step() == storage::Row::kRow)
      ParseId(st->Text(0), &last_lead_id);
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
    std::lock_guard<std::mutex> lock(db_mu);
    KIRA_ASSIGN_OR_RETURN(auto st, db->Prepare("INSERT OR REPLACE INTO web_state(key, value) "
                                               "VALUES('last_lead_id', ?)"));
    st->Bind(1, std::to_string(last_lead_id));
    KIRA_RETURN_IF_ERROR(st->Exec());
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
  return Status::Ok();
}

void WebServer::Impl::StopWatcher() {
  {
    std::lock_guard<std::mutex> lock(watch_mu);
    watch_stop = true;
  }
  watch_cv.notify_all();
  if (watcher.joinable()) watcher.join();
}

void WebServer::Impl::Watch(int64_t lead_id, int64_t until_ms) {
  std::lock_guard<std::mutex> lock(watch_mu);
  int64_t& u = watched[lead_id];
  u = std::max(u, until_ms);
}

namespace {

// True the first time (event, id) is seen on this database.
bool FirstEmission(storage::Db& db, const std::string& event, int64_t id) {
  auto st = db.Prepare("INSERT OR IGNORE INTO web_emitted(event, entity_id) VALUES(?, ?)");
  if (!st.ok()) return false;
  (*st)->Bind(1, event).Bind(2, id);
  if (!(*st)->Exec().ok()) return false;
  return db.Changes() > 0;
}

}  // namespace

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
    bool first;
    {
      std::lock_guard<std::mutex> lock(db_mu);
      first = FirstEmission(*db, "lead.created", l.id);
    }
    if (first) {
      Status s = hooks->Enqueue("lead.created", j.dump());
      if (!s.ok()) log::Warn("web", "webhook queue: " + s.message());
    }
    Watch(l.id, now + kWatchNewLeadMs);
    last_lead_id = std::max(last_lead_id, l.id);
  }
  if (!fresh.empty()) {
    std::lock_guard<std::mutex> lock(db_mu);
    auto st = db->Prepare("INSERT OR REPLACE INTO web_state(key, value) VALUES('last_lead_id', ?)");
    if (st.ok()) {
      (*st)->Bind(1, std::to_string(last_lead_id));
      (void)(*st)->Exec();
    }
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
        bool first;
        {
          std::lock_guard<std::mutex> lock(db_mu);
          first = FirstEmission(*db, "conversation.ended", c.id);
        }
        if (!first) continue;
        Json j;
        {
          std::lock_guard<std::mutex> lock(store_mu);
          auto full = cfg.store->GetConversation(c.id);
          j = ToJson(full.ok() ? *full : c);
        }
        hub.Publish("conversation.ended",
                    {{"id", c.id}, {"lead_id", lead_id}, {"outcome", c.outcome}});
        (void)hooks->Enqueue("conversation.ended", j.dump());
      }
    }
    if (orders.ok()) {
      for (const auto& o : *orders) {
        bool first;
        {
          std::lock_guard<std::mutex> lock(db_mu);
          first = FirstEmission(*db, "order.created", o.id);
        }
        if (!first) continue;
        hub.Publish("order.created", {{"id", o.id}, {"lead_id", lead_id}, {"total", o.total}});
        (void)hooks->Enqueue("order.created", ToJson(o).dump());
      }
    }
  }
}

}  // namespace kira::web
