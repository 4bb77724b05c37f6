#include "web/auth.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "core/log.h"

namespace kira::web {
namespace {

std::string Sha256Hex(const std::string& s) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

bool InitSodium() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

}  // namespace

Result<std::string> HashPassword(const std::string& password, const AuthOptions& opt) {
  if (!InitSodium()) return Status::Internal("libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  unsigned long long ops = opt.ops_limit ? opt.ops_limit : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  size_t mem = opt.mem_limit ? opt.mem_limit : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    return Status::Internal("password hashing ran out of memory");
  return std::string(out);
}

bool VerifyPassword(const std::string& hash, const std::string& password) {
  if (!InitSodium()) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string RandomHex(size_t n) {
  InitSodium();
  std::string bytes(n, '\0');
  randombytes_buf(bytes.data(), n);
  std::string hex(2 * n + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(bytes.data()), n);
  hex.resize(2 * n);
  return hex;
}

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool IsValidRole(const std::string& role) { return role == "admin" || role == "manager"; }

Status ValidateUserName(const std::string& name) {
  if (name.empty() || name.size() > 64)
    return Status::Invalid("user name must be 1 to 64 characters");
  for (unsigned char c : name)
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '-' && c != '@')
      return Status::Invalid("user name '" + name +
                             "' may contain only letters, digits, '.', '_', '-', '@'");
  return Status::Ok();
}

Status ValidatePassword(const std::string& password) {
  if (password.size() < 8) return Status::Invalid("password must be at least 8 characters");
  if (password.size() > 1024) return Status::Invalid("password is longer than 1024 characters");
  return Status::Ok();
}

Auth::Auth(crm::WorkspaceStore& store, const Clock& clock, AuthOptions opt)
    : store_(store), clock_(clock), opt_(opt) {}

template <typename F>
auto Auth::WithHashSlot(F f) -> decltype(f()) {
  {
    std::unique_lock<std::mutex> lock(hash_mu_);
    int cap = std::max(1, opt_.max_parallel_hashes);
    hash_cv_.wait(lock, [&] { return hashes_running_ < cap; });
    ++hashes_running_;
    int peak = peak_hashes_.load();
    while (hashes_running_ > peak && !peak_hashes_.compare_exchange_weak(peak, hashes_running_)) {
    }
  }
  struct Release {
    Auth* a;
    ~Release() {
      {
        std::lock_guard<std::mutex> lock(a->hash_mu_);
        --a->hashes_running_;
      }
      a->hash_cv_.notify_one();
    }
  } release{this};
  return f();
}

Result<std::unique_ptr<Auth>> Auth::Open(crm::WorkspaceStore& store, const Clock& clock,
                                         AuthOptions opt) {
  if (!InitSodium()) return Status::Internal("libsodium failed to initialise");
  std::unique_ptr<Auth> a(new Auth(store, clock, opt));
  KIRA_ASSIGN_OR_RETURN(a->dummy_hash_, HashPassword(RandomHex(16), opt));
  return a;
}

Result<User> Auth::AddUser(const std::string& name, const std::string& role,
                           const std::string& password) {
  KIRA_RETURN_IF_ERROR(ValidateUserName(name));
  if (!IsValidRole(role))
    return Status::Invalid("role '" + role + "' is not one of: admin, manager");
  KIRA_RETURN_IF_ERROR(ValidatePassword(password));
  KIRA_ASSIGN_OR_RETURN(std::string hash,
                        WithHashSlot([&] { return HashPassword(password, opt_); }));
  return store_.AddUser({0, name, role, ToUnixMillis(clock_.Now())}, hash);
}

Status Auth::SetPassword(const std::string& name, const std::string& password) {
  KIRA_RETURN_IF_ERROR(ValidatePassword(password));
  KIRA_ASSIGN_OR_RETURN(std::string hash,
                        WithHashSlot([&] { return HashPassword(password, opt_); }));
  return store_.SetPasswordHash(name, hash);
}

Result<std::vector<User>> Auth::ListUsers() { return store_.ListUsers(); }

Result<User> Auth::FindUser(const std::string& name) { return store_.FindUser(name); }

Result<Session> Auth::Login(const std::string& name, const std::string& password,
                            const std::string& client, int* retry_after_s) {
  int64_t now = ToUnixMillis(clock_.Now());
  // Check and reserve in one step, in the store: parallel logins, on this node or any other
  // sharing the store, see each other's reservations and failures.
  const std::vector<crm::LoginLimit> keys = {{"ua:" + name + "|" + client, opt_.max_failures},
                                             {"a:" + client, opt_.max_failures_per_address},
                                             {"u:" + name, opt_.max_failures_per_user}};
  KIRA_ASSIGN_OR_RETURN(crm::LoginReservation held,
                        store_.ReserveLoginAttempt(keys, now, opt_.failure_window.count()));
  if (!held.granted) {
    int ra = static_cast<int>(std::max<int64_t>(1, (held.retry_at - now + 999) / 1000));
    if (retry_after_s) *retry_after_s = ra;
    return Status::Unavailable("too many failed sign-in attempts; try again in " +
                               std::to_string(ra) + " s");
  }
  bool ok = false;
  auto finish = [&] {
    // A settle that fails leaves the reservation to expire (kLoginReservationTtlMs).
    Status s = store_.SettleLoginAttempt(held.ids, !ok, now);
    if (!s.ok()) log::Warn("auth", "login attempt not settled: " + s.message());
  };
  std::string hash;
  User u;
  auto creds = store_.FindCredentials(name);
  Status looked_up = creds.status();
  if (creds.ok() && *creds) {
    u = (*creds)->user;
    hash = (*creds)->password_hash;
  }
  if (!looked_up.ok()) {
    ok = true;  // not the caller's failure: release the reservation without counting it
    finish();
    return looked_up;
  }
  ++checks_;
  ok = WithHashSlot([&] { return VerifyPassword(hash.empty() ? dummy_hash_ : hash, password); }) &&
       !hash.empty();
  finish();
  if (!ok) return Status::Invalid("wrong user name or password");
  Session s;
  s.token = RandomHex(32);
  s.csrf = RandomHex(32);
  s.user = u;
  s.expires_at = now + opt_.session_ttl.count();
  // The store also sweeps the expired sessions of anyone on each login.
  KIRA_RETURN_IF_ERROR(store_.CreateSession({Sha256Hex(s.token), s.csrf, now, s.expires_at, u}));
  return s;
}

Result<Session> Auth::Resume(const std::string& token) {
  if (token.size() != 64) return Status::NotFound("no session");
  int64_t now = ToUnixMillis(clock_.Now());
  std::string th = Sha256Hex(token);
  KIRA_ASSIGN_OR_RETURN(auto rec, store_.FindSession(th));
  if (!rec) return Status::NotFound("no session");
  if (rec->expires_at <= now) {
    // The session is gone either way; a failed delete is swept by the next login.
    Status gone = store_.DeleteSession(th);
    if (!gone.ok()) log::Warn("auth", "cannot delete an expired session: " + gone.message());
    return Status::NotFound("session expired");
  }
  Session s;
  s.csrf = rec->csrf;
  s.expires_at = rec->expires_at;
  s.user = rec->user;
  return s;
}

Status Auth::Logout(const std::string& token) { return store_.DeleteSession(Sha256Hex(token)); }

}  // namespace kira::web
