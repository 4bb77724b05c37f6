// WorkspaceStore: what the manager's workspace keeps beside the CRM records: its accounts and
// sessions, the webhook subscriptions with their outbox, and the store watcher's memory (which
// events were already announced, the newest lead seen). The web layer reads and writes these
// only through this interface; SqliteWorkspaceStore (the "web" tables of the shop's SQLite file)
// implements it, and a PostgreSQL store can implement it later behind the same conformance tests
// (crm/testing/workspace_store_conformance.h).
//
//   KIRA_ASSIGN_OR_RETURN(auto ws, crm::OpenSqliteWorkspaceStore(data_dir + "/kira.db"));
//   KIRA_ASSIGN_OR_RETURN(crm::User u, ws->AddUser({0, "olga", "admin", now}, hash));
//
// The store holds no policy: password hashing, session tokens, roles and the retry schedule of
// deliveries are the caller's (web/auth.h, web/webhooks.h); the store keeps what it is given.
// Thread safety: every method may be called from several threads at once, and each is atomic.
// Durability: a call that returns Ok has committed its write. Times are Unix milliseconds.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace kira::crm {

struct User {
  int64_t id = 0;
  std::string name;
  std::string role;  // "admin" | "manager"
  int64_t created_at = 0;
};

// A user with the stored password hash, for checking a login.
struct UserCredentials {
  User user;
  std::string password_hash;
};

// A session as stored: keyed by the hash of its cookie token (the token itself is never kept).
struct SessionRecord {
  std::string token_hash;
  std::string csrf;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  User user;
};

struct Webhook {
  int64_t id = 0;
  std::string url;     // http:// or https://
  std::string secret;  // HMAC key; never returned by the API after creation
  std::vector<std::string> events;
  bool active = true;
  int64_t created_at = 0;
};

// One outbox row: an event to deliver to one webhook.
struct WebhookDelivery {
  int64_t id = 0;
  int64_t webhook_id = 0;
  std::string event;
  std::string payload;
  std::string status;  // "pending", "delivered", "failed"
  int attempts = 0;
  int64_t next_attempt_at = 0;
  std::string last_error;
  int64_t created_at = 0;
  int64_t delivered_at = 0;
};

// A pending delivery that is due, with where it goes.
struct DueDelivery {
  int64_t id = 0;
  std::string event, payload, url, secret;
  int attempts = 0;
};

// The login limiter's budget for one key ("ua:<name>|<addr>", "a:<addr>", "u:<name>").
struct LoginLimit {
  std::string key;
  int limit = 0;  // failures (plus logins still being checked) allowed in the window
};

// A login's reserved attempts; `granted` false = refused until `retry_at`.
struct LoginReservation {
  bool granted = false;
  int64_t retry_at = 0;      // refused: when the oldest counted failure leaves the window
  std::vector<int64_t> ids;  // granted: what SettleLoginAttempt settles
};

// A reservation never settled (its node died mid-login) stops counting after this long.
inline constexpr int64_t kLoginReservationTtlMs = 60 * 1000;

class WorkspaceStore {
 public:
  virtual ~WorkspaceStore() = default;

  // Users. AddUser assigns the id; Conflict when the name is taken.
  virtual Result<User> AddUser(const User& u, const std::string& password_hash) = 0;
  // Replaces the hash and ends every session of that user (a new password signs them out).
  // NotFound for an unknown name.
  virtual Status SetPasswordHash(const std::string& name, const std::string& password_hash) = 0;
  virtual Result<std::vector<User>> ListUsers() = 0;           // by name
  virtual Result<User> FindUser(const std::string& name) = 0;  // NotFound names the user
  // nullopt for an unknown name (a login must not tell unknown names from wrong passwords).
  virtual Result<std::optional<UserCredentials>> FindCredentials(const std::string& name) = 0;

  // Sessions. CreateSession also deletes every session expired at `s.created_at`. FindSession
  // returns expired sessions too (the caller decides); nullopt for an unknown hash.
  virtual Status CreateSession(const SessionRecord& s) = 0;
  virtual Result<std::optional<SessionRecord>> FindSession(const std::string& token_hash) = 0;
  virtual Status DeleteSession(const std::string& token_hash) = 0;  // Ok when already gone

  // Webhooks. AddWebhook assigns the id. RemoveWebhook removes its outbox rows too; NotFound
  // for an unknown id.
  virtual Result<Webhook> AddWebhook(const Webhook& w) = 0;
  virtual Status RemoveWebhook(int64_t id) = 0;
  virtual Result<std::vector<Webhook>> ListWebhooks() = 0;  // by id

  // The outbox. Enqueue writes one pending row, due at `now`, per active webhook subscribed to
  // `event`, all or none; returns how many. `lead_id` names the lead the row is about (0 = none):
  // CrmStore::Forget deletes the rows of a forgotten person's leads by it.
  virtual Result<int> EnqueueDelivery(const std::string& event, const std::string& payload,
                                      int64_t now, int64_t lead_id = 0) = 0;
  virtual Result<std::vector<WebhookDelivery>> ListDeliveries(int limit) = 0;  // newest first
  // Pending rows with next_attempt_at <= now, the longest due first, at most `limit`.
  virtual Result<std::vector<DueDelivery>> ListDueDeliveries(int64_t now, int limit) = 0;
  // Like ListDueDeliveries, but each returned row is taken: its next_attempt_at moves to
  // `lease_until`, so no other caller (another node's sender) gets it until MarkDelivered or
  // MarkAttemptFailed settles it, or the lease ends (its sender died mid-delivery, and the row
  // is due again). Atomic across processes sharing the store: each due row goes to one caller.
  // The rows come in id order (the oldest event first).
  virtual Result<std::vector<DueDelivery>> ClaimDueDeliveries(int64_t now, int limit,
                                                              int64_t lease_until) = 0;
  virtual Status MarkDelivered(int64_t id, int attempts, int64_t at) = 0;
  // A failed attempt: the row stays pending until next_attempt_at, or is failed for good.
  virtual Status MarkAttemptFailed(int64_t id, int attempts, int64_t next_attempt_at,
                                   const std::string& error, bool give_up) = 0;

  // Login attempts, counted in the store so that every node sharing it enforces one limit
  // (the policy is web/auth.h's). ReserveLoginAttempt counts, for each key, the failures after
  // now - window_ms and the reservations younger than kLoginReservationTtlMs; unless a key has
  // reached its limit it reserves one attempt on every key, atomically across processes.
  virtual Result<LoginReservation> ReserveLoginAttempt(const std::vector<LoginLimit>& keys,
                                                       int64_t now, int64_t window_ms) = 0;
  // A failed login stays counted (at `now`); a successful one (or one the caller does not
  // count) is forgotten.
  virtual Status SettleLoginAttempt(const std::vector<int64_t>& ids, bool failed, int64_t now) = 0;

  // The watcher's memory. FirstEmission is true exactly once per (event, entity id), across
  // restarts and processes sharing the store.
  virtual Result<bool> FirstEmission(const std::string& event, int64_t entity_id) = 0;
  virtual Result<std::optional<std::string>> GetState(const std::string& key) = 0;
  virtual Status SetState(const std::string& key, const std::string& value) = 0;
};

// Opens the workspace tables in the SQLite file at `path` (":memory:" for tests), migrating
// their schema (component "web"). One connection guarded by a mutex.
Result<std::unique_ptr<WorkspaceStore>> OpenSqliteWorkspaceStore(const std::string& path);

}  // namespace kira::crm
