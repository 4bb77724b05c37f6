#include "web/sealed_state.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <nlohmann/json.hpp>

namespace kira::web {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxSealedBytes = 32 * 1024;

}  // namespace

SealedState::SealedState(crm::WorkspaceStore& store, std::string key, std::string state_key,
                         std::string what)
    : store_(store),
      key_(std::move(key)),
      state_key_(std::move(state_key)),
      what_(std::move(what)) {}

Result<std::optional<std::string>> SealedState::Load() {
  if (key_.size() != crypto_secretbox_KEYBYTES)
    return Status::Internal(what_ + ": the key must be 32 bytes");
  KIRA_ASSIGN_OR_RETURN(auto blob, store_.GetState(state_key_));
  if (!blob || blob->empty()) return std::optional<std::string>{};
  if (blob->size() > kMaxSealedBytes) return Status::Internal("stored " + what_ + " too large");
  std::string raw(blob->size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), blob->data(),
                        blob->size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    return Status::Internal("stored " + what_ + " are not readable");
  raw.resize(len);
  std::string plain(len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  const auto* nonce = reinterpret_cast<const unsigned char*>(raw.data());
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 nonce + crypto_secretbox_NONCEBYTES,
                                 len - crypto_secretbox_NONCEBYTES, nonce,
                                 reinterpret_cast<const unsigned char*>(key_.data())) != 0)
    return Status::Internal("stored " + what_ + " do not open with this key (changed or tampered)");
  return std::optional<std::string>{std::move(plain)};
}

Status SealedState::Save(const std::string& plain) {
  if (key_.size() != crypto_secretbox_KEYBYTES)
    return Status::Internal(what_ + ": the key must be 32 bytes");
  std::string raw(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(raw.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), nonce,
                        reinterpret_cast<const unsigned char*>(key_.data()));
  std::string b64(sodium_base64_ENCODED_LEN(raw.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), nonce, raw.size(), sodium_base64_VARIANT_ORIGINAL);
  b64.resize(strlen(b64.c_str()));
  return store_.SetState(state_key_, b64);
}

Status SealedState::Clear() { return store_.SetState(state_key_, ""); }

TokenVault::TokenVault(crm::WorkspaceStore& store, std::string key, std::string state_key)
    : sealed_(store, std::move(key), std::move(state_key), "tokens") {}

Result<std::optional<OAuthTokens>> TokenVault::Load() {
  KIRA_ASSIGN_OR_RETURN(auto plain, sealed_.Load());
  if (!plain) return std::optional<OAuthTokens>{};
  Json j = Json::parse(*plain, nullptr, false);
  sodium_memzero(plain->data(), plain->size());
  if (j.is_discarded() || !j.is_object()) return Status::Internal("stored tokens broken");
  OAuthTokens t;
  t.access_token = j.value("access_token", "");
  t.refresh_token = j.value("refresh_token", "");
  t.expires_at_ms = j.value("expires_at_ms", int64_t{0});
  return std::optional<OAuthTokens>{t};
}

Status TokenVault::Save(const OAuthTokens& t) {
  std::string plain = Json{
      {"access_token", t.access_token},
      {"refresh_token", t.refresh_token},
      {"expires_at_ms",
       t.expires_at_ms}}.dump();
  Status s = sealed_.Save(plain);
  sodium_memzero(plain.data(), plain.size());
  return s;
}

Result<std::string> LoadOrCreateKeyFile(const std::string& path) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to start");
  std::string key(crypto_secretbox_KEYBYTES, '\0');
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd >= 0) {
    ssize_t n = ::read(fd, key.data(), key.size());
    ::close(fd);
    if (n != static_cast<ssize_t>(key.size()))
      return Status::Internal("key file " + path + " is not 32 bytes");
    return key;
  }
  randombytes_buf(key.data(), key.size());
  fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return Status::Internal("cannot create key file " + path);
  bool ok = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok) return Status::Internal("cannot write key file " + path);
  return key;
}

}  // namespace kira::web
