// PgWorkspaceStore: the WorkspaceStore on PostgreSQL, in the tables of the "web" migration
// component, named as in the SQLite store (crm/sqlite/workspace_store.cpp).
#include <algorithm>

#include "crm/pg/pg_workspace_store.h"
#include "storage/pg.h"
#include "storage/pg_pool.h"

namespace kira::crm {
namespace {

namespace pg = storage::pg;

const std::vector<pg::Migration>& WorkspaceMigrations() {
  static const std::vector<pg::Migration> steps = {
      {1, R"sql(
CREATE TABLE web_users(
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL);
CREATE TABLE web_sessions(
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES web_users(id) ON DELETE CASCADE,
  csrf TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL);
CREATE INDEX web_sessions_expires ON web_sessions(expires_at);
CREATE INDEX web_sessions_user ON web_sessions(user_id);
CREATE TABLE web_webhooks(
  id BIGSERIAL PRIMARY KEY,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  events TEXT NOT NULL,             -- comma-separated, as in the SQLite store
  active BOOLEAN NOT NULL DEFAULT TRUE,
  created_at BIGINT NOT NULL);
CREATE TABLE web_outbox(
  id BIGSERIAL PRIMARY KEY,
  webhook_id BIGINT NOT NULL REFERENCES web_webhooks(id) ON DELETE CASCADE,
  event TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  delivered_at BIGINT NOT NULL DEFAULT 0);
CREATE INDEX web_outbox_due ON web_outbox(next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX web_outbox_webhook ON web_outbox(webhook_id);
CREATE TABLE web_emitted(
  event TEXT NOT NULL,
  entity_id BIGINT NOT NULL,
  PRIMARY KEY(event, entity_id));
CREATE TABLE web_state(key TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql"},
      // The login limiter's counts, shared by every node (workspace_store.h).
      {2, R"sql(
CREATE TABLE web_login_attempts(
  id BIGSERIAL PRIMARY KEY,
  key TEXT NOT NULL,
  at BIGINT NOT NULL,
  failed BOOLEAN NOT NULL DEFAULT false);
CREATE INDEX web_login_attempts_key ON web_login_attempts(key, at);
CREATE INDEX web_login_attempts_at ON web_login_attempts(at);
)sql"},
      // The lead each outbox row is about (as in the SQLite store): CrmStore::Forget deletes a
      // forgotten person's rows by it. Rows queued before: read from the webhooks' envelope; the
      // connectors' rows carry the number, which Forget matches in the payload.
      {3, R"sql(
ALTER TABLE web_outbox ADD COLUMN lead_id BIGINT NOT NULL DEFAULT 0;
UPDATE web_outbox SET lead_id = x.id::bigint FROM (
  SELECT o.id AS row_id, COALESCE(
      CASE WHEN o.event = 'lead.created' THEN o.payload::jsonb #>> '{data,id}' END,
      o.payload::jsonb #>> '{data,lead_id}', o.payload::jsonb #>> '{data,order,lead_id}') AS id
  FROM web_outbox o WHERE o.event IN ('lead.created', 'conversation.ended', 'order.created',
                                      'order.status_changed', 'alert.telegram', 'alert.email')) x
  WHERE web_outbox.id = x.row_id AND x.id ~ '^[0-9]{1,18}$';
CREATE INDEX web_outbox_lead ON web_outbox(lead_id) WHERE lead_id <> 0;
)sql"},
  };
  return steps;
}

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

User ReadUser(const pg::Rows& r, int i, int first) {
  return {r.Int(i, first), r.Text(i, first + 1), r.Text(i, first + 2), r.Int(i, first + 3)};
}

class PgWorkspaceStore final : public WorkspaceStore {
 public:
  PgWorkspaceStore(std::string conninfo, int connections)
      : pool_(std::move(conninfo), connections) {}
  void AddIdle(std::unique_ptr<pg::Conn> c) { pool_.Add(std::move(c)); }

  Result<User> AddUser(const User& u, const std::string& password_hash) override {
    return pool_.With([&](pg::Conn& db) -> Result<User> {
      // ON CONFLICT: two nodes adding the same name at once get one row and one Conflict.
      KIRA_ASSIGN_OR_RETURN(
          auto r,
          db.Query("INSERT INTO web_users(name, role, password_hash, created_at) "
                   "VALUES($1, $2, $3, $4) ON CONFLICT(name) DO NOTHING RETURNING id",
                   pg::Params().Add(u.name).Add(u.role).Add(password_hash).Add(u.created_at)));
      if (r.size() == 0) return Status::Conflict("user '" + u.name + "' already exists");
      User out = u;
      out.id = r.Int(0, 0);
      return out;
    });
  }

  Status SetPasswordHash(const std::string& name, const std::string& password_hash) override {
    return pool_.With([&](pg::Conn& db) -> Status {
      pg::Transaction tx(db);
      KIRA_RETURN_IF_ERROR(tx.status());
      KIRA_ASSIGN_OR_RETURN(
          auto r, db.Query("UPDATE web_users SET password_hash = $1 WHERE name = $2 RETURNING id",
                           pg::Params().Add(password_hash).Add(name)));
      if (r.size() == 0) return Status::NotFound("no user '" + name + "'");
      KIRA_RETURN_IF_ERROR(
          db.Query("DELETE FROM web_sessions WHERE user_id = $1", pg::Params().Add(r.Int(0, 0)))
              .status());
      return tx.Commit();
    });
  }

  Result<std::vector<User>> ListUsers() override {
    return pool_.With([&](pg::Conn& db) -> Result<std::vector<User>> {
      KIRA_ASSIGN_OR_RETURN(auto r, db.Query("SELECT id, name, role, created_at FROM web_users "
                                             "ORDER BY name COLLATE \"C\""));
      std::vector<User> out;
      for (int i = 0; i < r.size(); ++i) out.push_back(ReadUser(r, i, 0));
      return out;
    });
  }

  Result<User> FindUser(const std::string& name) override {
    KIRA_ASSIGN_OR_RETURN(auto c, FindCredentials(name));
    if (!c) return Status::NotFound("no user '" + name + "'");
    return c->user;
  }

  Result<std::optional<UserCredentials>> FindCredentials(const std::string& name) override {
    return pool_.With([&](pg::Conn& db) -> Result<std::optional<UserCredentials>> {
      KIRA_ASSIGN_OR_RETURN(auto r, db.Query("SELECT id, name, role, created_at, password_hash "
                                             "FROM web_users WHERE name = $1",
                                             pg::Params().Add(name)));
      if (r.size() == 0) return std::optional<UserCredentials>();
      return std::optional<UserCredentials>(UserCredentials{ReadUser(r, 0, 0), r.Text(0, 4)});
    });
  }

  Status CreateSession(const SessionRecord& s) override {
    return pool_.With([&](pg::Conn& db) -> Status {
      pg::Transaction tx(db);
      KIRA_RETURN_IF_ERROR(tx.status());
      KIRA_RETURN_IF_ERROR(db.Query("INSERT INTO web_sessions(token_hash, user_id, csrf, "
                                    "created_at, expires_at) VALUES($1, $2, $3, $4, $5)",
                                    pg::Params()
                                        .Add(s.token_hash)
                                        .Add(s.user.id)
                                        .Add(s.csrf)
                                        .Add(s.created_at)
                                        .Add(s.expires_at))
                               .status());
      KIRA_RETURN_IF_ERROR(db.Query("DELETE FROM web_sessions WHERE expires_at <= $1",
                                    pg::Params().Add(s.created_at))
                               .status());
      return tx.Commit();
    });
  }

  Result<std::optional<SessionRecord>> FindSession(const std::string& token_hash) override {
    return pool_.With([&](pg::Conn& db) -> Result<std::optional<SessionRecord>> {
      KIRA_ASSIGN_OR_RETURN(
          auto r, db.Query("SELECT s.csrf, s.created_at, s.expires_at, u.id, u.name, u.role, "
                           "u.created_at FROM web_sessions s JOIN web_users u "
                           "ON u.id = s.user_id WHERE s.token_hash = $1",
                           pg::Params().Add(token_hash)));
      if (r.size() == 0) return std::optional<SessionRecord>();
      return std::optional<SessionRecord>(
          SessionRecord{token_hash, r.Text(0, 0), r.Int(0, 1), r.Int(0, 2), ReadUser(r, 0, 3)});
    });
  }

  Status DeleteSession(const std::string& token_hash) override {
    return pool_.With([&](pg::Conn& db) -> Status {
      return db
          .Query("DELETE FROM web_sessions WHERE token_hash = $1", pg::Params().Add(token_hash))
          .status();
    });
  }

  Result<Webhook> AddWebhook(const Webhook& w) override {
    return pool_.With([&](pg::Conn& db) -> Result<Webhook> {
      KIRA_ASSIGN_OR_RETURN(
          auto r, db.Query("INSERT INTO web_webhooks(url, secret, events, active, created_at) "
                           "VALUES($1, $2, $3, $4, $5) RETURNING id",
                           pg::Params()
                               .Add(w.url)
                               .Add(w.secret)
                               .Add(JoinEvents(w.events))
                               .Add(w.active)
                               .Add(w.created_at)));
      Webhook out = w;
      out.id = r.Int(0, 0);
      return out;
    });
  }

  Status RemoveWebhook(int64_t id) override {
    return pool_.With([&](pg::Conn& db) -> Status {
      KIRA_ASSIGN_OR_RETURN(
          auto r, db.Query("DELETE FROM web_webhooks WHERE id = $1", pg::Params().Add(id)));
      if (r.affected() == 0) return Status::NotFound("no webhook " + std::to_string(id));
      return Status::Ok();
    });
  }

  Result<std::vector<Webhook>> ListWebhooks() override {
    return pool_.With([&](pg::Conn& db) -> Result<std::vector<Webhook>> {
      KIRA_ASSIGN_OR_RETURN(auto r, db.Query("SELECT id, url, secret, events, active, created_at "
                                             "FROM web_webhooks ORDER BY id"));
      std::vector<Webhook> out;
      for (int i = 0; i < r.size(); ++i) {
        out.push_back(Webhook{r.Int(i, 0), r.Text(i, 1), r.Text(i, 2), SplitEvents(r.Text(i, 3)),
                              r.Bool(i, 4), r.Int(i, 5)});
      }
      return out;
    });
  }

  Result<int> EnqueueDelivery(const std::string& event, const std::string& payload, int64_t now,
                              int64_t lead_id) override {
    return pool_.With([&](pg::Conn& db) -> Result<int> {
      pg::Transaction tx(db);
      KIRA_RETURN_IF_ERROR(tx.status());
      KIRA_ASSIGN_OR_RETURN(
          auto hooks, db.Query("SELECT id, events FROM web_webhooks WHERE active ORDER BY id"));
      int n = 0;
      for (int i = 0; i < hooks.size(); ++i) {
        auto ev = SplitEvents(hooks.Text(i, 1));
        if (std::find(ev.begin(), ev.end(), event) == ev.end()) continue;
        KIRA_RETURN_IF_ERROR(
            db.Query("INSERT INTO web_outbox(webhook_id, event, payload, next_attempt_at, "
                     "created_at, lead_id) VALUES($1, $2, $3, $4, $5, $6)",
                     pg::Params()
                         .Add(hooks.Int(i, 0))
                         .Add(event)
                         .Add(payload)
                         .Add(now)
                         .Add(now)
                         .Add(lead_id))
                .status());
        ++n;
      }
      if (n == 0) return 0;
      KIRA_RETURN_IF_ERROR(tx.Commit());
      return n;
    });
  }

  Result<std::vector<WebhookDelivery>> ListDeliveries(int limit) override {
    return pool_.With([&](pg::Conn& db) -> Result<std::vector<WebhookDelivery>> {
      KIRA_ASSIGN_OR_RETURN(auto r,
                            db.Query("SELECT id, webhook_id, event, payload, status, attempts, "
                                     "next_attempt_at, last_error, created_at, delivered_at "
                                     "FROM web_outbox ORDER BY id DESC LIMIT $1",
                                     pg::Params().Add(limit)));
      std::vector<WebhookDelivery> out;
      for (int i = 0; i < r.size(); ++i) {
        out.push_back(WebhookDelivery{r.Int(i, 0), r.Int(i, 1), r.Text(i, 2), r.Text(i, 3),
                                      r.Text(i, 4), static_cast<int>(r.Int(i, 5)), r.Int(i, 6),
                                      r.Text(i, 7), r.Int(i, 8), r.Int(i, 9)});
      }
      return out;
    });
  }

  Result<std::vector<DueDelivery>> ListDueDeliveries(int64_t now, int limit) override {
    return pool_.With([&](pg::Conn& db) -> Result<std::vector<DueDelivery>> {
      KIRA_ASSIGN_OR_RETURN(auto r,
                            db.Query("SELECT o.id, o.event, o.payload, w.url, w.secret, o.attempts "
                                     "FROM web_outbox o JOIN web_webhooks w ON w.id = o.webhook_id "
                                     "WHERE o.status = 'pending' AND o.next_attempt_at <= $1 "
                                     "ORDER BY o.next_attempt_at, o.id LIMIT $2",
                                     pg::Params().Add(now).Add(limit)));
      std::vector<DueDelivery> out;
      for (int i = 0; i < r.size(); ++i) {
        out.push_back(DueDelivery{r.Int(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3),
                                  r.Text(i, 4), static_cast<int>(r.Int(i, 5))});
      }
      return out;
    });
  }

  Result<std::vector<DueDelivery>> ClaimDueDeliveries(int64_t now, int limit,
                                                      int64_t lease_until) override {
    return pool_.With([&](pg::Conn& db) -> Result<std::vector<DueDelivery>> {
      // SKIP LOCKED: senders on other nodes claiming at the same moment pass over the rows
      // this one has locked and take the next ones, instead of waiting and getting nothing.
      KIRA_ASSIGN_OR_RETURN(
          auto r, db.Query("WITH due AS (SELECT id FROM web_outbox WHERE status = 'pending' AND "
                           "next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2 "
                           "FOR UPDATE SKIP LOCKED) "
                           "UPDATE web_outbox o SET next_attempt_at = $3 FROM due, web_webhooks w "
                           "WHERE o.id = due.id AND w.id = o.webhook_id "
                           "RETURNING o.id, o.event, o.payload, w.url, w.secret, o.attempts",
                           pg::Params().Add(now).Add(limit).Add(lease_until)));
      std::vector<DueDelivery> out;
      for (int i = 0; i < r.size(); ++i) {
        out.push_back(DueDelivery{r.Int(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3),
                                  r.Text(i, 4), static_cast<int>(r.Int(i, 5))});
      }
      std::sort(out.begin(), out.end(),
                [](const DueDelivery& a, const DueDelivery& b) { return a.id < b.id; });
      return out;
    });
  }

  Status MarkDelivered(int64_t id, int attempts, int64_t at) override {
    return pool_.With([&](pg::Conn& db) -> Status {
      return db
          .Query(
              "UPDATE web_outbox SET status = 'delivered', attempts = $1, delivered_at = $2, "
              "last_error = '' WHERE id = $3",
              pg::Params().Add(attempts).Add(at).Add(id))
          .status();
    });
  }

  Status MarkAttemptFailed(int64_t id, int attempts, int64_t next_attempt_at,
                           const std::string& error, bool give_up) override {
    return pool_.With([&](pg::Conn& db) -> Status {
      return db
          .Query(
              "UPDATE web_outbox SET status = $1, attempts = $2, next_attempt_at = $3, "
              "last_error = $4 WHERE id = $5",
              pg::Params()
                  .Add(give_up ? "failed" : "pending")
                  .Add(attempts)
                  .Add(next_attempt_at)
                  .Add(error)
                  .Add(id))
          .status();
    });
  }

  Result<LoginReservation> ReserveLoginAttempt(const std::vector<LoginLimit>& keys, int64_t now,
                                               int64_t window_ms) override {
    return pool_.With([&](pg::Conn& db) -> Result<LoginReservation> {
      pg::Transaction tx(db);
      KIRA_RETURN_IF_ERROR(tx.status());
      // Logins of every node check and reserve one at a time (they are few).
      KIRA_RETURN_IF_ERROR(
          db.Query("SELECT pg_advisory_xact_lock(hashtext('kira.login_attempts'))").status());
      KIRA_RETURN_IF_ERROR(
          db.Query("DELETE FROM web_login_attempts WHERE (failed AND at <= $1) OR "
                   "(NOT failed AND at <= $2)",
                   pg::Params().Add(now - window_ms).Add(now - kLoginReservationTtlMs))
              .status());
      LoginReservation out;
      for (const LoginLimit& k : keys) {
        KIRA_ASSIGN_OR_RETURN(auto r,
                              db.Query("SELECT count(*), min(at) FILTER (WHERE failed) FROM "
                                       "web_login_attempts WHERE key = $1",
                                       pg::Params().Add(k.key)));
        if (r.Int(0, 0) >= k.limit) {
          out.retry_at = r.IsNull(0, 1) ? now + 1000 : r.Int(0, 1) + window_ms;
          return out;  // refused; the transaction rolls back
        }
      }
      for (const LoginLimit& k : keys) {
        KIRA_ASSIGN_OR_RETURN(auto r, db.Query("INSERT INTO web_login_attempts(key, at) "
                                               "VALUES($1, $2) RETURNING id",
                                               pg::Params().Add(k.key).Add(now)));
        out.ids.push_back(r.Int(0, 0));
      }
      KIRA_RETURN_IF_ERROR(tx.Commit());
      out.granted = true;
      return out;
    });
  }

  Status SettleLoginAttempt(const std::vector<int64_t>& ids, bool failed, int64_t now) override {
    if (ids.empty()) return Status::Ok();
    std::string list = "{";
    for (size_t i = 0; i < ids.size(); ++i) list += (i ? "," : "") + std::to_string(ids[i]);
    list += "}";
    return pool_.With([&](pg::Conn& db) -> Status {
      if (failed) {
        return db
            .Query(
                "UPDATE web_login_attempts SET failed = true, at = $1 "
                "WHERE id = ANY($2::bigint[])",
                pg::Params().Add(now).Add(list))
            .status();
      }
      return db
          .Query("DELETE FROM web_login_attempts WHERE id = ANY($1::bigint[])",
                 pg::Params().Add(list))
          .status();
    });
  }

  Result<bool> FirstEmission(const std::string& event, int64_t entity_id) override {
    return pool_.With([&](pg::Conn& db) -> Result<bool> {
      KIRA_ASSIGN_OR_RETURN(auto r,
                            db.Query("INSERT INTO web_emitted(event, entity_id) VALUES($1, $2) "
                                     "ON CONFLICT DO NOTHING",
                                     pg::Params().Add(event).Add(entity_id)));
      return r.affected() > 0;
    });
  }

  Result<std::optional<std::string>> GetState(const std::string& key) override {
    return pool_.With([&](pg::Conn& db) -> Result<std::optional<std::string>> {
      KIRA_ASSIGN_OR_RETURN(
          auto r, db.Query("SELECT value FROM web_state WHERE key = $1", pg::Params().Add(key)));
      if (r.size() == 0) return std::optional<std::string>();
      return std::optional<std::string>(r.Text(0, 0));
    });
  }

  Status SetState(const std::string& key, const std::string& value) override {
    return pool_.With([&](pg::Conn& db) -> Status {
      return db
          .Query(
              "INSERT INTO web_state(key, value) VALUES($1, $2) "
              "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
              pg::Params().Add(key).Add(value))
          .status();
    });
  }

 private:
  pg::Pool pool_;
};

}  // namespace

Result<std::unique_ptr<WorkspaceStore>> OpenPgWorkspaceStore(const std::string& conninfo,
                                                             int connections) {
  if (connections < 1 || connections > 64) {
    return Status::Invalid("postgresql workspace: connections must be 1..64, got " +
                           std::to_string(connections));
  }
  KIRA_ASSIGN_OR_RETURN(auto db, pg::Conn::Open(conninfo));
  KIRA_RETURN_IF_ERROR(pg::Migrate(*db, "web", WorkspaceMigrations()).WithContext("workspace"));
  auto store = std::make_unique<PgWorkspaceStore>(conninfo, connections);
  store->AddIdle(std::move(db));
  return std::unique_ptr<WorkspaceStore>(std::move(store));
}

}  // namespace kira::crm
