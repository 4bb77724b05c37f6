// Accounts and sessions of the manager's workspace: users with roles (admin, manager) whose
// passwords are argon2id hashes (libsodium), server-side sessions keyed by a random cookie
// token (only its SHA-256 is stored), a CSRF token per session, and a login rate limiter.
// The tables live in the shop's SQLite database under the "web" migration component.
//
//   KIRA_ASSIGN_OR_RETURN(auto auth, web::Auth::Open(db_path, clock));
//   auth->AddUser("olga", "admin", password);
//   auto s = auth->Login("olga", password, "127.0.0.1");  // -> Session with token + csrf
//   auto who = auth->Resume(s->token);                     // -> the session, or NotFound
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "storage/sqlite.h"

namespace kira::web {

struct User {
  int64_t id = 0;
  std::string name;
  std::string role;  // "admin" | "manager"
  int64_t created_at = 0;
};

struct Session {
  std::string token;  // the cookie value; only set right after Login
  std::string csrf;   // must accompany every state-changing request
  User user;
  int64_t expires_at = 0;
};

struct AuthOptions {
  std::chrono::milliseconds session_ttl = std::chrono::hours(12);
  // Failed logins allowed per window, per client address and per user name.
  int max_failures = 5;
  std::chrono::milliseconds failure_window = std::chrono::minutes(15);
  // argon2id cost; "interactive" limits by default (libsodium's recommendation for logins).
  unsigned long long ops_limit = 0;  // 0 = crypto_pwhash_OPSLIMIT_INTERACTIVE
  size_t mem_limit = 0;              // 0 = crypto_pwhash_MEMLIMIT_INTERACTIVE
};

// Applies the "web" schema (users, sessions, webhooks, outbox, state) to `db`.
Status MigrateWeb(storage::Db& db);

// Hashes a password with argon2id; the result embeds salt and parameters.
Result<std::string> HashPassword(const std::string& password, const AuthOptions& opt = {});
bool VerifyPassword(const std::string& hash, const std::string& password);
// Random bytes as lowercase hex (2*n characters).
std::string RandomHex(size_t n);
// True when both strings are equal, in time independent of where they differ.
bool ConstantTimeEquals(const std::string& a, const std::string& b);

bool IsValidRole(const std::string& role);
// User names: 1–64 characters of letters, digits, '.', '_', '-', '@'.
Status ValidateUserName(const std::string& name);
// At least 8 characters.
Status ValidatePassword(const std::string& password);

class Auth {
 public:
  // Opens its own connection to the database file at `db_path` and migrates the web schema.
  static Result<std::unique_ptr<Auth>> Open(const std::string& db_path, const Clock& clock,
                                            AuthOptions opt = {});

  Result<User> AddUser(const std::string& name, const std::string& role,
                       const std::string& password);
  Status SetPassword(const std::string& name, const std::string& password);
  Result<std::vector<User>> ListUsers();
  Result<User> FindUser(const std::string& name);

  // Kinds of login failure, for the HTTP layer: kInvalid = wrong name or password,
  // kUnavailable = rate limited (retry_after_s is set).
  Result<Session> Login(const std::string& name, const std::string& password,
                        const std::string& client, int* retry_after_s = nullptr);
  // The live session for a cookie token, or NotFound (unknown, expired: the expired row is
  // deleted).
  Result<Session> Resume(const std::string& token);
  Status Logout(const std::string& token);

  const AuthOptions& options() const { return opt_; }

 private:
  Auth(std::unique_ptr<storage::Db> db, const Clock& clock, AuthOptions opt);
  bool RateLimited(const std::string& key, int64_t now, int* retry_after_s);
  void RecordFailure(const std::string& key, int64_t now);

  std::unique_ptr<storage::Db> db_;
  const Clock& clock_;
  AuthOptions opt_;
  std::mutex mu_;
  std::map<std::string, std::vector<int64_t>> failures_;  // key -> failure times (ms)
  std::string dummy_hash_;  // verified for unknown users so timing does not reveal names
};

}  // namespace kira::web
