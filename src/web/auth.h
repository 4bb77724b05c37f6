// Accounts and sessions of the manager's workspace: users with roles (admin, manager) whose
// passwords are argon2id hashes (libsodium), server-side sessions keyed by a random cookie
// token (only its SHA-256 is stored), a CSRF token per session, and a login rate limiter.
//
// The limiter is keyed on user name + client address (so bad guesses for one account from an
// office behind one proxy do not lock out its colleagues), plus wider budgets per address
// (against trying many names) and per name (against guesses spread over many addresses). A login
// reserves its attempt before the password is checked, so parallel wrong logins cannot get past the
// limit; and at most max_parallel_hashes argon2id computations run at once (each takes mem_limit
// bytes), so a burst of logins cannot spike memory. Users, sessions and the limiter's counts
// are kept by a crm::WorkspaceStore (crm/workspace_store.h), so several nodes sharing one
// store (PostgreSQL) enforce one limit and know every session; Auth holds the policy.
//
//   KIRA_ASSIGN_OR_RETURN(auto ws, crm::OpenSqliteWorkspaceStore(db_path));
//   KIRA_ASSIGN_OR_RETURN(auto auth, web::Auth::Open(*ws, clock));
//   auth->AddUser("olga", "admin", password);
//   auto s = auth->Login("olga", password, "127.0.0.1");  // -> Session with token + csrf
//   auto who = auth->Resume(s->token);                     // -> the session, or NotFound
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "crm/workspace_store.h"

namespace kira::web {

using User = crm::User;

struct Session {
  std::string token;  // the cookie value; only set right after Login
  std::string csrf;   // must accompany every state-changing request
  User user;
  int64_t expires_at = 0;
};

struct AuthOptions {
  std::chrono::milliseconds session_ttl = std::chrono::hours(12);
  // Failed logins allowed per window for one user name from one client address ...
  int max_failures = 5;
  // ... for any names from one client address (trying many names) ...
  int max_failures_per_address = 50;
  // ... and for one user name from any address (a guessing attack spread over addresses).
  int max_failures_per_user = 50;
  std::chrono::milliseconds failure_window = std::chrono::minutes(15);
  // argon2id hash computations (logins, new passwords) running at once; others wait.
  int max_parallel_hashes = 2;
  // argon2id cost; "interactive" limits by default (libsodium's recommendation for logins).
  unsigned long long ops_limit = 0;  // 0 = crypto_pwhash_OPSLIMIT_INTERACTIVE
  size_t mem_limit = 0;              // 0 = crypto_pwhash_MEMLIMIT_INTERACTIVE
};

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
  // `store` is not owned and must outlive the Auth.
  static Result<std::unique_ptr<Auth>> Open(crm::WorkspaceStore& store, const Clock& clock,
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
  // Password verifications run so far, and the most that ever ran at once (for tests).
  uint64_t password_checks() const { return checks_.load(); }
  int peak_parallel_hashes() const { return peak_hashes_.load(); }

 private:
  Auth(crm::WorkspaceStore& store, const Clock& clock, AuthOptions opt);
  // Runs an argon2id computation under the hash semaphore.
  template <typename F>
  auto WithHashSlot(F f) -> decltype(f());

  crm::WorkspaceStore& store_;
  const Clock& clock_;
  AuthOptions opt_;
  std::mutex hash_mu_;
  std::condition_variable hash_cv_;
  int hashes_running_ = 0;
  std::atomic<uint64_t> checks_{0};
  std::atomic<int> peak_hashes_{0};
  std::string dummy_hash_;  // verified for unknown users so timing does not reveal names
};

}  // namespace kira::web
