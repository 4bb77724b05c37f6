#include "web/recording_link.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>

namespace kira::web {
namespace {

constexpr const char* kStaffPath = "/api/conversations/";
constexpr const char* kStaffTail = "/recording";

}  // namespace

RecordingLinks::RecordingLinks(const std::string& key) {
  // A key of its own: HMAC(connectors' key, purpose), so a link's signature says nothing about
  // the key that seals the CRM secrets.
  const std::string purpose = "kira recording links v1";
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(purpose.data()),
                                purpose.size());
  crypto_auth_hmacsha256_final(&st, key_.data());
}

std::string RecordingLinks::Mac(int64_t conversation_id, int64_t exp_unix_s) const {
  std::string msg =
      "recording:" + std::to_string(conversation_id) + ":" + std::to_string(exp_unix_s);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key_.data(), key_.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(msg.data()),
                                msg.size());
  crypto_auth_hmacsha256_final(&st, mac);
  char hex[sizeof mac * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return hex;
}

std::string RecordingLinks::Sign(const std::string& staff_url, int64_t exp_unix_s) const {
  size_t at = staff_url.rfind(kStaffPath);
  const size_t tail = std::char_traits<char>::length(kStaffTail);
  if (at == std::string::npos || staff_url.size() < tail ||
      staff_url.compare(staff_url.size() - tail, tail, kStaffTail) != 0)
    return "";
  size_t from = at + std::char_traits<char>::length(kStaffPath);
  std::string id = staff_url.substr(from, staff_url.size() - tail - from);
  if (id.empty() || id.size() > 18 || !std::all_of(id.begin(), id.end(), ::isdigit)) return "";
  return staff_url.substr(0, at) + "/api/recordings/" + id + "?exp=" + std::to_string(exp_unix_s) +
         "&sig=" + Mac(std::stoll(id), exp_unix_s);
}

bool RecordingLinks::Verify(int64_t conversation_id, int64_t exp_unix_s, const std::string& sig_hex,
                            int64_t now_unix_s) const {
  if (exp_unix_s < now_unix_s) return false;
  std::string want = Mac(conversation_id, exp_unix_s);
  return sig_hex.size() == want.size() &&
         sodium_memcmp(sig_hex.data(), want.data(), want.size()) == 0;
}

}  // namespace kira::web
