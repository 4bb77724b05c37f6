#include "web/proxy_list.h"

#include <arpa/inet.h>

#include <cstring>

namespace kira::web {
namespace {

// Parses an IPv4 or IPv6 address into 16 bytes (IPv4 v4-mapped); false if it is neither.
bool ToBytes(const std::string& s, std::array<uint8_t, 16>* out, bool* v4) {
  in_addr a4{};
  in6_addr a6{};
  if (inet_pton(AF_INET, s.c_str(), &a4) == 1) {
    out->fill(0);
    (*out)[10] = (*out)[11] = 0xff;
    std::memcpy(out->data() + 12, &a4, 4);
    *v4 = true;
    return true;
  }
  if (inet_pton(AF_INET6, s.c_str(), &a6) == 1) {
    std::memcpy(out->data(), &a6, 16);
    *v4 = false;
    return true;
  }
  return false;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

}  // namespace

Result<ProxyList> ProxyList::Parse(const std::vector<std::string>& entries) {
  ProxyList out;
  for (const std::string& raw : entries) {
    std::string e = Trim(raw);
    size_t slash = e.find('/');
    Net n;
    bool v4 = false;
    if (!ToBytes(e.substr(0, slash), &n.addr, &v4))
      return Status::Invalid("web.trusted_proxies: '" + raw +
                             "' is not an IP address or network (e.g. 10.0.0.0/8)");
    int max = v4 ? 32 : 128;
    int prefix = max;
    if (slash != std::string::npos) {
      std::string p = e.substr(slash + 1);
      if (p.empty() || p.size() > 3 || p.find_first_not_of("0123456789") != std::string::npos ||
          std::stoi(p) > max)
        return Status::Invalid("web.trusted_proxies: '" + raw + "' has a bad prefix length");
      prefix = std::stoi(p);
    }
    n.prefix = v4 ? prefix + 96 : prefix;
    out.nets_.push_back(n);
  }
  return out;
}

bool ProxyList::Contains(const std::string& ip) const {
  std::array<uint8_t, 16> a{};
  bool v4 = false;
  if (nets_.empty() || !ToBytes(ip, &a, &v4)) return false;
  for (const Net& n : nets_) {
    int bits = n.prefix, i = 0;
    bool match = true;
    for (; bits >= 8 && match; bits -= 8, ++i) match = a[i] == n.addr[i];
    if (match && bits > 0) {
      uint8_t mask = static_cast<uint8_t>(0xff << (8 - bits));
      match = (a[i] & mask) == (n.addr[i] & mask);
    }
    if (match) return true;
  }
  return false;
}

std::string ProxyList::ClientAddress(const std::string& peer,
                                     const std::vector<std::string>& forwarded_for) const {
  if (!Contains(peer)) return peer;
  std::vector<std::string> hops;
  for (const std::string& v : forwarded_for) {
    size_t pos = 0;
    while (pos <= v.size()) {
      size_t c = v.find(',', pos);
      if (c == std::string::npos) c = v.size();
      hops.push_back(Trim(v.substr(pos, c - pos)));
      pos = c + 1;
    }
  }
  std::string client = peer;
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    std::array<uint8_t, 16> a{};
    bool v4 = false;
    if (!ToBytes(*it, &a, &v4)) break;  // garbage: keep the last address we could trust
    client = *it;
    if (!Contains(*it)) break;
  }
  return client;
}

}  // namespace kira::web
