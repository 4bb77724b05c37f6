#include "telephony/acl.h"

#include <arpa/inet.h>

#include <cstring>

namespace kira::telephony {

namespace {

bool ParseIp(const std::string& s, bool* v6, std::array<uint8_t, 16>* out) {
  out->fill(0);
  in_addr a4;
  if (inet_pton(AF_INET, s.c_str(), &a4) == 1) {
    *v6 = false;
    std::memcpy(out->data(), &a4, 4);
    return true;
  }
  in6_addr a6;
  if (inet_pton(AF_INET6, s.c_str(), &a6) == 1) {
    *v6 = true;
    std::memcpy(out->data(), &a6, 16);
    return true;
  }
  return false;
}

}  // namespace

Status SourceAcl::Add(const std::string& entry) {
  std::string ip = entry;
  int prefix = -1;
  const auto slash = entry.find('/');
  if (slash != std::string::npos) {
    ip = entry.substr(0, slash);
    const std::string p = entry.substr(slash + 1);
    if (p.empty() || p.size() > 3 || p.find_first_not_of("0123456789") != std::string::npos)
      return Status::Invalid("sip.acl: '" + entry + "' has a bad prefix length");
    prefix = std::stoi(p);
  }
  Rule r;
  if (!ParseIp(ip, &r.v6, &r.addr))
    return Status::Invalid("sip.acl: '" + entry + "' is not an IP address or CIDR block");
  const int max = r.v6 ? 128 : 32;
  if (prefix < 0) prefix = max;
  if (prefix > max)
    return Status::Invalid("sip.acl: '" + entry + "' prefix is longer than " + std::to_string(max));
  r.prefix = prefix;
  rules_.push_back(r);
  return Status::Ok();
}

bool SourceAcl::Allows(const std::string& ip) const {
  bool v6 = false;
  std::array<uint8_t, 16> a;
  if (!ParseIp(ip, &v6, &a)) return false;
  // IPv4-mapped IPv6 (::ffff:a.b.c.d) is checked as IPv4.
  if (v6) {
    static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(a.data(), kMapped, 12) == 0) {
      std::memmove(a.data(), a.data() + 12, 4);
      std::memset(a.data() + 4, 0, 12);
      v6 = false;
    }
  }
  for (const Rule& r : rules_) {
    if (r.v6 != v6) continue;
    int bits = r.prefix;
    bool match = true;
    for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
      const uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
      if ((a[i] & mask) != (r.addr[i] & mask)) {
        match = false;
        break;
      }
    }
    if (match) return true;
  }
  return false;
}

}  // namespace kira::telephony
