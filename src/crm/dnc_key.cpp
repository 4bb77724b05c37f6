// The per-install key of hashed do-not-call entries (dnc_key.h): 32 random bytes kept as hex
// in a file of the data directory, readable by its owner only, created once and never replaced;
// and the keyed hash of a forgotten number.
#include "crm/dnc_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

namespace kira::crm {

namespace {

constexpr size_t kSecretBytes = 32;
constexpr char kHex[] = "0123456789abcdef";

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;  // idempotent, thread-safe
  return ready;
}

std::string Hex(const unsigned char* p, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += kHex[p[i] >> 4];
    s += kHex[p[i] & 15];
  }
  return s;
}

Status Errno(const std::string& what, const std::string& path) {
  return Status::Io(what + " " + path + ": " + std::strerror(errno));
}

// The key file: exactly 64 lowercase hex digits and a newline.
Result<std::string> ReadSecret(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return Errno("cannot read the do-not-call key", path);
  char buf[2 * kSecretBytes + 2];
  ssize_t n = 0, got;
  while (n < static_cast<ssize_t>(sizeof buf) &&
         (got = ::read(fd, buf + n, sizeof buf - static_cast<size_t>(n))) > 0)
    n += got;
  struct stat st {};
  const bool loose = ::fstat(fd, &st) == 0 && (st.st_mode & 077) != 0;
  // Only its owner may read it: a copy readable by others is tightened, not refused.
  if (loose && ::fchmod(fd, 0600) != 0) {
    Status s = Errno("cannot make the do-not-call key private (chmod 600)", path);
    ::close(fd);
    return s;
  }
  ::close(fd);
  std::string hex(buf, static_cast<size_t>(std::max<ssize_t>(n, 0)));
  if (!hex.empty() && hex.back() == '\n') hex.pop_back();
  std::string raw;
  bool ok = hex.size() == 2 * kSecretBytes;
  for (size_t i = 0; ok && i < hex.size(); i += 2) {
    const char* hi = std::strchr(kHex, hex[i]);
    const char* lo = std::strchr(kHex, hex[i + 1]);
    ok = hex[i] && hex[i + 1] && hi && lo;
    if (ok) raw += static_cast<char>(((hi - kHex) << 4) | (lo - kHex));
  }
  if (!ok)
    return Status::Invalid(path + ": not a do-not-call key (expected 64 hex digits). Restore the " +
                           "file from a backup: a new key would stop the numbers of forgotten " +
                           "people who opted out from matching the do-not-call list");
  return raw;
}

}  // namespace

Result<std::string> LoadOrCreateDncSecret(const std::string& path) {
  if (!SodiumReady()) return Status::Internal("libsodium failed to initialise");
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return ReadSecret(path);
  // Created whole under a temporary name and linked into place: a second process starting at
  // the same moment either wins the link or reads the winner's key, never half a file.
  unsigned char raw[kSecretBytes];
  randombytes_buf(raw, sizeof raw);
  const std::string text = Hex(raw, sizeof raw) + "\n";
  sodium_memzero(raw, sizeof raw);
  const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." +
                          std::to_string(randombytes_uniform(1u << 30));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot create the do-not-call key", tmp);
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    Status s = Errno("cannot write the do-not-call key", tmp);
    ::unlink(tmp.c_str());
    return s;
  }
  const bool linked = ::link(tmp.c_str(), path.c_str()) == 0;
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (!linked && link_errno != EEXIST) {
    errno = link_errno;
    return Errno("cannot create the do-not-call key", path);
  }
  return ReadSecret(path);
}

std::string DncSecretPath(const std::string& db_path) {
  if (db_path.empty() || db_path == ":memory:" || db_path.rfind("file:", 0) == 0) return "";
  std::filesystem::path dir = std::filesystem::path(db_path).parent_path();
  return ((dir.empty() ? std::filesystem::path(".") : dir) / "dnc.key").string();
}

std::string RandomDncSecret() {
  (void)SodiumReady();
  std::string raw(kSecretBytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  return raw;
}

namespace {

std::string HashHex(const char* prefix, const std::string& normalized, const unsigned char* key,
                    size_t key_len) {
  static const bool sodium_ready = sodium_init() >= 0;  // idempotent, thread-safe
  (void)sodium_ready;
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(normalized.data()),
                     normalized.size(), key, key_len);
  static const char kHex[] = "0123456789abcdef";
  std::string hex = prefix;
  for (unsigned char b : out) {
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  return hex;
}

}  // namespace

std::string DncHashKey(const std::string& secret, const std::string& normalized) {
  // BLAKE2b-256 keyed with the install's secret (dnc.key in the data dir): the entry matches
  // the number it came from, and without the key file a copy of the database (an export, a
  // backup) cannot be searched for a number by hashing candidates.
  return HashHex("k:", normalized, reinterpret_cast<const unsigned char*>(secret.data()),
                 secret.size());
}

std::string LegacyDncHashKey(const std::string& normalized) {
  static const unsigned char kContext[] = "kira dnc forgotten v1";
  return HashHex("h:", normalized, kContext, sizeof kContext - 1);
}

}  // namespace kira::crm
