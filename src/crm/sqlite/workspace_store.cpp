// SqliteWorkspaceStore: the WorkspaceStore over one SQLite connection to the shop's database,
// in the tables of the "web" migration component (web_users, web_sessions, web_webhooks,
// web_outbox, web_emitted, web_state; their names and version 1 predate this file, so existing
// databases open unchanged). One mutex serialises the connection, so each call is atomic.
#include "crm/workspace_store.h"

#include <algorithm>
#include <mutex>

#include "storage/sqlite.h"

namespace kira::crm {
namespace {

const std::vector<storage::Migration>& WorkspaceMigrations() {
  static const std::vector<storage::Migration> steps = {
      {1, R"sql(
CREATE TABLE web_users(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL);
CREATE TABLE web_sessions(
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES web_users(id) ON DELETE CASCADE,
  csrf TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL);
CREATE INDEX web_sessions_expires ON web_sessions(expires_at);
CREATE TABLE web_webhooks(
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  events TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL);
CREATE TABLE web_outbox(
  id INTEGER PRIMARY KEY,
  webhook_id INTEGER NOT NULL REFERENCES web_webhooks(id) ON DELETE CASCADE,
  event TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  delivered_at INTEGER NOT NULL DEFAULT 0);
CREATE INDEX web_outbox_due ON web_outbox(status, next_attempt_at);
CREATE TABLE web_emitted(
  event TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  PRIMARY KEY(event, entity_id));
CREATE TABLE web_state(key TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql"},
      // The login limiter's counts, shared by the processes on this file (workspace_store.h).
      {2, R"sql(
CREATE TABLE web_login_attempts(
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  at INTEGER NOT NULL,
  failed INTEGER NOT NULL DEFAULT 0);
CREATE INDEX web_login_attempts_key ON web_login_attempts(key, at);
CREATE INDEX web_login_attempts_at ON web_login_attempts(at);
)sql"},
      // The lead each outbox row is about, so forgetting a person deletes their rows
      // (CrmStore::Forget). Rows queued before: read from the webhooks' envelope ("data" holds
      // the lead, a lead's id, or an order with its lead); the connectors' rows carry the number,
      // which Forget matches in the payload.
      {3, R"sql(
ALTER TABLE web_outbox ADD COLUMN lead_id INTEGER NOT NULL DEFAULT 0;
UPDATE web_outbox SET lead_id = CAST(COALESCE(
    CASE WHEN event = 'lead.created' THEN json_extract(payload, '$.data.id') END,
    json_extract(payload, '$.data.lead_id'), json_extract(payload, '$.data.order.lead_id'), 0)
  AS INTEGER) WHERE json_valid(payload);
CREATE INDEX web_outbox_lead ON web_outbox(lead_id) WHERE lead_id <> 0;
)sql"},
  };
  return steps;
}

// Webhook events are stored as one comma-separated column.
std::string JoinEvents(const std::vector<std::string>& ev) {
  std::string s;
  for (const auto& e : ev) s += (s.empty() ? "" : ",") + e;
  return s;
}

std::vector<std::string> SplitEvents(const std::string& s) {
  std::vector<std::string> out;
  size_t b = 0;
  while (b <= s.size()) {
    size_t e = s.find(',', b);
    if (e == std::string::npos) e = s.size();
    if (e > b) out.push_back(s.substr(b, e - b));
    b = e + 1;
  }
  return out;
}

User ReadUser(storage::Stmt& st, int first) {
  return {st.Int(first), st.Text(first + 1), st.Text(first + 2), st.Int(first + 3)};
}

// Steps a query to its end, collecting one record per row; a step error is returned.
template <typename T, typename F>
Result<std::vector<T>> Collect(storage::Stmt& st, F read) {
  std::vector<T> out;
  storage::Row r;
  while ((r = st.Step()) == storage::Row::kRow) out.push_back(read(st));
  if (r == storage::Row::kError) return st.LastError();
  return out;
}

class SqliteWorkspaceStore final : public WorkspaceStore {
 public:
  explicit SqliteWorkspaceStore(std::unique_ptr<storage::Db> db) : db_(std::move(db)) {}

  Result<User> AddUser(const User& u, const std::string& password_hash) override {
    std::lock_guard<std::mutex> lock(mu_);
    {
      KIRA_ASSIGN_OR_RETURN(auto q, db_->Prepare("SELECT 1 FROM web_users WHERE name = ?"));
      q->Bind(1, u.name);
      if (q->Step() == storage::Row::kRow)
        return Status::Conflict("user '" + u.name + "' already exists");
    }
    KIRA_ASSIGN_OR_RETURN(auto st, db_->Prepare("INSERT INTO web_users(name, role, password_hash, "
                                                "created_at) VALUES(?, ?, ?, ?)"));
    st->Bind(1, u.name).Bind(2, u.role).Bind(3, password_hash).Bind(4, u.created_at);
    KIRA_RETURN_IF_ERROR(st->Exec());
    User out = u;
    out.id = db_->LastInsertId();
    return out;
  }

  Status SetPasswordHash(const std::string& name, const std::string& password_hash) override {
    std::lock_guard<std::mutex> lock(mu_);
    storage::Transaction tx(*db_);
    KIRA_RETURN_IF_ERROR(tx.status());
    KIRA_ASSIGN_OR_RETURN(auto st,
                          db_->Prepare("UPDATE web_users SET password_hash = ? WHERE name = ?"));
    st->Bind(1, password_hash).Bind(2, name);
    KIRA_RETURN_IF_ERROR(st->Exec());
    if (db_->Changes() == 0) return Status::NotFound("no user '" + name + "'");
    KIRA_ASSIGN_OR_RETURN(auto del, db_->Prepare("DELETE FROM web_sessions WHERE user_id = "
                                                 "(SELECT id FROM web_users WHERE name = ?)"));
    del->Bind(1, name);
    KIRA_RETURN_IF_ERROR(del->Exec());
    return tx.Commit();
  }

  Result<std::vector<User>> ListUsers() override {
    std::lock_guard<std::mutex> lock(mu_);
    KIRA_ASSIGN_OR_RETURN(
        auto st, db_->Prepare("SELECT id, name, role, created_at FROM web_users ORDER BY name"));
    return Collect<User>(*st, [](storage::Stmt& s) { return ReadUser(s, 0); });
  }

  Result<User> FindUser(const std::string& name) override {
    KIRA_ASSIGN_OR_RETURN(auto c, FindCredentials(name));
    if (!c) return Status::NotFound("no user '" + name + "'");
    return c->user;
  }

  Result<std::optional<UserCredentials>> FindCredentials(const std::string& name) override {
    std::lock_guard<std::mutex> lock(mu_);
    KIRA_ASSIGN_OR_RETURN(auto st, db_->Prepare("SELECT id, name, role, created_at, "
                                                "password_hash FROM web_users WHERE name = ?"));
    st->Bind(1, name);
    storage::Row r = st->Step();
    if (r == storage::Row::kError) return st->LastError();
    if (r == storage::Row::kDone) return std::optional<UserCredentials>();
    return std::optional<UserCredentials>(UserCredentials{ReadUser(*st, 0), st->Text(4)});
  }

  Status CreateSession(const SessionRecord& s) override {
    std::lock_guard<std::mutex> lock(mu_);
    storage::Transaction tx(*db_);
    KIRA_RETURN_IF_ERROR(tx.status());
    KIRA_ASSIGN_OR_RETURN(auto st, db_->Prepare("INSERT INTO web_sessions(token_hash, user_id, "
                                                "csrf, created_at, expires_at) "
                                                "VALUES(?, ?, ?, ?, ?)"));
    st->Bind(1, s.token_hash).Bind(2, s.user.id).Bind(3, s.csrf).Bind(4, s.created_at);
    st->Bind(5, s.expires_at);
    KIRA_RETURN_IF_ERROR(st->Exec());
    KIRA_ASSIGN_OR_RETURN(auto sweep,
                          db_->Prepare("DELETE FROM web_sessions WHERE expires_at <= ?"));
    sweep->Bind(1, s.created_at);
    KIRA_RETURN_IF_ERROR(sweep->Exec());
    return tx.Commit();
  }

  Result<std::optional<SessionRecord>> FindSession(const std::string& token_hash) override {
    std::lock_guard<std::mutex> lock(mu_);
    KIRA_ASSIGN_OR_RETURN(auto st, db_->Prepare("SELECT s.csrf, s.created_at, s.expires_at, "
                                                "u.id, u.name, u.role, u.created_at "
                                                "FROM web_sessions s JOIN web_users u "
                                                "ON u.id = s.user_id WHERE s.token_hash = ?"));
    st->Bind(1, token_hash);
    storage::Row r = st->Step();
    if (r == storage::Row::kError) return st->LastError();
    if (r == storage::Row::kDone) return std::optional<SessionRecord>();
    return std::optional<SessionRecord>(
        SessionRecord{token_hash, st->Text(0), st->Int(1), st->Int(2), ReadUser(*st, 3)});
  }

  Status DeleteSession(const std::string& token_hash) override {
    std::lock_guard<std::mutex> lock(mu_);
    KIRA_ASSIGN_OR_RETURN(auto st, db_->Prepare("DELETE FROM web_sessions WHERE token_hash = ?"));
    st->Bind(1, token_hash);
    return st->Exec();
  }

  Result<Webhook> AddWebhook(const Webhook& w) override {
    std::lock_guard<std::mutex> lock(mu_);
    KIRA_ASSIGN_OR_RETURN(auto st, db_->Prepare("INSERT INTO web_webhooks(url, secret, events, "
                                                "active, created_at) VALUES(?, ?, ?, ?, ?)"));
    st->Bind(1, w.url).Bind(2, w.secret).Bind(3, JoinEvents(w.events)).Bind(4, w.active ? 1 : 0);
    st->Bind(5, w.created_at);
    KIRA_RETURN_IF_ERROR(st->Exec());
    Webhook out = w;
    out.id = db_->LastInsertId();
    return out;
  }

  Status RemoveWebhook(int64_t id) override {
    std::lock_guard<std::mutex> lock(mu_);
    KIRA_ASSIGN_OR_RETURN(auto st, db_->Prepare("DELETE FROM web_webhooks WHERE id = ?"));
    st->Bind(1, id);
    KIRA_RETURN_IF_ERROR(st->Exec());
    if (db_->Changes() == 0) return Status::NotFound("no webhook " + std::to_string(id));
    return Status::Ok();
  }

  Result<std::vector<Webhook>> ListWebhooks() override {
    std::lock_guard<std::mutex> lock(mu_);
    KIRA_ASSIGN_OR_RETURN(auto st, db_->Prepare("SELECT id, url, secret, events, active, "
                                                "created_at FROM web_webhooks ORDER BY id"));
    return Collect<Webhook>(*st, [](storage::Stmt& s) {
      return Webhook{s.Int(0),      s.Text(1), s.Text(2), SplitEvents(s.Text(3)),
                     s.Int(4) != 0, s.Int(5)};
    });
  }

  Result<int> EnqueueDelivery(const std::string& event, const std::string& payload, int64_t now,
                              int64_t lead_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    storage::Transaction tx(*db_);
    KIRA_RETURN_IF_ERROR(tx.status());
    KIRA_ASSIGN_OR_RETURN(auto hooks,
                          db_->Prepare("SELECT id, events FROM web_webhooks WHERE active = 1"));
    std::vector<int64_t> ids;
    storage::Row r;
    while ((r = hooks->Step()) == storage::Row::kRow) {
      auto ev = SplitEvents(hooks->Text(1));
      if (std::find(ev.begin(), ev.end(), event) != ev.end()) ids.push_back(hooks->Int(0));
    }
    if (r == storage::Row::kError) return hooks->LastError();
    hooks.reset();
    if (ids.empty()) return 0;
    KIRA_ASSIGN_OR_RETURN(auto ins,
                          db_->Prepare("INSERT INTO web_outbox(webhook_id, event, payload, "
                                       "next_attempt_at, created_at, lead_id) "
                                       "VALUES(?, ?, ?, ?, ?, ?)"));
    for (int64_t id : ids) {
      ins->Reset();
      ins->Bind(1, id).Bind(2, event).Bind(3, payload).Bind(4, now).Bind(5, now).Bind(6, lead_id);
      KIRA_RETURN_IF_ERROR(ins->Exec());
    }
    KIRA_RETURN_IF_ERROR(tx.Commit());
    return static_cast<int>(ids.size());
  }

  Result<std::vector<WebhookDelivery>> ListDeliveries(int limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    KIRA_ASSIGN_OR_RETURN(auto st,
                          db_->Prepare("SELECT id, webhook_id, event, payload, status, attempts, "
                                       "next_attempt_at, last_error, created_at, delivered_at "
                                       "FROM web_outbox ORDER BY id DESC LIMIT ?"));
    st->Bind(1, limit);
    return Collect<WebhookDelivery>(*st, [](storage::Stmt& s) {
      return WebhookDelivery{
          s.Int(0), s.Int(1),  s.Text(2), s.Text(3), s.Text(4), static_cast<int>(s.Int(5)),
          s.Int(6), s.Text(7), s.Int(8),  s.Int(9)};
    });
  }

  Result<std::vector<DueDelivery>> ListDueDeliveries(int64_t now, int limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    KIRA_ASSIGN_OR_RETURN(
        auto st, db_->Prepare("SELECT o.id, o.event, o.payload, w.url, w.secret, o.attempts "
                              "FROM web_outbox o JOIN web_webhooks w ON w.id = o.webhook_id "
                              "WHERE o.status = 'pending' AND o.next_attempt_at <= ? "
                              "ORDER BY o.next_attempt_at LIMIT ?"));
    st->Bind(1, now).Bind(2, limit);
    return Collect<DueDelivery>(*st, [](storage::Stmt& s) {
      return DueDelivery{s.Int(0),  s.Text(1), s.Text(2),
                         s.Text(3), s.Text(4), static_cast<int>(s.Int(5))};
    });
  }

  Result<std::vector<DueDelivery>> ClaimDueDeliveries(int64_t now, int limit,
                                                      int64_t lease_until) override {
    std::lock_guard<std::mutex> lock(mu_);
    // BEGIN IMMEDIATE: another process on the same file waits, then sees the moved rows.
    storage::Transaction tx(*db_);
    KIRA_RETURN_IF_ERROR(tx.status());
    KIRA_ASSIGN_OR_RETURN(
        auto st, db_->Prepare("SELECT o.id, o.event, o.payload, w.url, w.secret, o.attempts "
                              "FROM web_outbox o JOIN web_webhooks w ON w.id = o.webhook_id "
                              "WHERE o.status = 'pending' AND o.next_attempt_at <= ? "
                              "ORDER BY o.next_attempt_at, o.id LIMIT ?"));
    st->Bind(1, now).Bind(2, limit);
    KIRA_ASSIGN_OR_RETURN(auto due, Collect<DueDelivery>(*st, [](storage::Stmt& s) {
                            return DueDelivery{s.Int(0),  s.Text(1), s.Text(2),
                                               s.Text(3), s.Text(4), static_cast<int>(s.Int(5))};
                          }));
    KIRA_ASSIGN_OR_RETURN(auto up,
                          db_->Prepare("UPDATE web_outbox SET next_attempt_at = ? WHERE id = ?"));
    for (const DueDelivery& d : due) {
      up->Bind(1, lease_until).Bind(2, d.id);
      KIRA_RETURN_IF_ERROR(up->Exec());
    }
    KIRA_RETURN_IF_ERROR(tx.Commit());
    std::sort(due.begin(), due.end(),
              [](const DueDelivery& a, const DueDelivery& b) { return a.id < b.id; });
    return due;
  }

  Status MarkDelivered(int64_t id, int attempts, int64_t at) override {
    std::lock_guard<std::mutex> lock(mu_);
    KIRA_ASSIGN_OR_RETURN(auto up, db_->Prepare("UPDATE web_outbox SET status = 'delivered', "
                                                "attempts = ?, delivered_at = ?, "
                                                "last_error = '' WHERE id = ?"));
    up->Bind(1, attempts).Bind(2, at).Bind(3, id);
    return up->Exec();
  }

  Status MarkAttemptFailed(int64_t id, int attempts, int64_t next_attempt_at,
                           const std::string& error, bool give_up) override {
    std::lock_guard<std::mutex> lock(mu_);
    KIRA_ASSIGN_OR_RETURN(auto up, db_->Prepare("UPDATE web_outbox SET status = ?, "
                                                "attempts = ?, next_attempt_at = ?, "
                                                "last_error = ? WHERE id = ?"));
    up->Bind(1, give_up ? "failed" : "pending").Bind(2, attempts).Bind(3, next_attempt_at);
    up->Bind(4, error).Bind(5, id);
    return up->Exec();
  }

  Result<LoginReservation> ReserveLoginAttempt(const std::vector<LoginLimit>& keys, int64_t now,
                                               int64_t window_ms) override {
    std::lock_guard<std::mutex> lock(mu_);
    storage::Transaction tx(*db_);
    KIRA_RETURN_IF_ERROR(tx.status());
    {
      KIRA_ASSIGN_OR_RETURN(auto del, db_->Prepare("DELETE FROM web_login_attempts WHERE "
                                                   "(failed AND at <= ?) OR (NOT failed AND "
                                                   "at <= ?)"));
      del->Bind(1, now - window_ms).Bind(2, now - kLoginReservationTtlMs);
      KIRA_RETURN_IF_ERROR(del->Exec());
    }
    LoginReservation out;
    KIRA_ASSIGN_OR_RETURN(auto count,
                          db_->Prepare("SELECT count(*), min(CASE WHEN failed THEN at END) "
                                       "FROM web_login_attempts WHERE key = ?"));
    for (const LoginLimit& k : keys) {
      count->Bind(1, k.key);
      if (count->Step() != storage::Row::kRow) return count->LastError();
      const int64_t n = count->Int(0);
      const bool none_failed = count->IsNull(1);
      const int64_t oldest = count->Int(1);
      count->Reset();
      if (n >= k.limit) {
        out.retry_at = none_failed ? now + 1000 : oldest + window_ms;
        return out;
      }
    }
    KIRA_ASSIGN_OR_RETURN(auto ins,
                          db_->Prepare("INSERT INTO web_login_attempts(key, at) VALUES(?, ?)"));
    for (const LoginLimit& k : keys) {
      ins->Bind(1, k.key).Bind(2, now);
      KIRA_RETURN_IF_ERROR(ins->Exec());
      out.ids.push_back(db_->LastInsertId());
    }
    KIRA_RETURN_IF_ERROR(tx.Commit());
    out.granted = true;
    return out;
  }

  Status SettleLoginAttempt(const std::vector<int64_t>& ids, bool failed, int64_t now) override {
    std::lock_guard<std::mutex> lock(mu_);
    KIRA_ASSIGN_OR_RETURN(
        auto st,
        db_->Prepare(failed ? "UPDATE web_login_attempts SET failed = 1, at = ? WHERE id = ?"
                            : "DELETE FROM web_login_attempts WHERE ? >= 0 AND id = ?"));
    for (int64_t id : ids) {
      st->Bind(1, now).Bind(2, id);
      KIRA_RETURN_IF_ERROR(st->Exec());
    }
    return Status::Ok();
  }

  Result<bool> FirstEmission(const std::string& event, int64_t entity_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    KIRA_ASSIGN_OR_RETURN(
        auto st, db_->Prepare("INSERT OR IGNORE INTO web_emitted(event, entity_id) VALUES(?, ?)"));
    st->Bind(1, event).Bind(2, entity_id);
    KIRA_RETURN_IF_ERROR(st->Exec());
    return db_->Changes() > 0;
  }

  Result<std::optional<std::string>> GetState(const std::string& key) override {
    std::lock_guard<std::mutex> lock(mu_);
    KIRA_ASSIGN_OR_RETURN(auto st, db_->Prepare("SELECT value FROM web_state WHERE key = ?"));
    st->Bind(1, key);
    storage::Row r = st->Step();
    if (r == storage::Row::kError) return st->LastError();
    if (r == storage::Row::kDone) return std::optional<std::string>();
    return std::optional<std::string>(st->Text(0));
  }

  Status SetState(const std::string& key, const std::string& value) override {
    std::lock_guard<std::mutex> lock(mu_);
    KIRA_ASSIGN_OR_RETURN(
        auto st, db_->Prepare("INSERT OR REPLACE INTO web_state(key, value) VALUES(?, ?)"));
    st->Bind(1, key).Bind(2, value);
    return st->Exec();
  }

 private:
  std::mutex mu_;
  std::unique_ptr<storage::Db> db_;
};

}  // namespace

Result<std::unique_ptr<WorkspaceStore>> OpenSqliteWorkspaceStore(const std::string& path) {
  KIRA_ASSIGN_OR_RETURN(auto db, storage::Db::Open(path));
  KIRA_RETURN_IF_ERROR(storage::Migrate(*db, "web", WorkspaceMigrations()));
  return std::unique_ptr<WorkspaceStore>(new SqliteWorkspaceStore(std::move(db)));
}

}  // namespace kira::crm
