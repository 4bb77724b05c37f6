// ProxyList: the reverse proxies whose X-Forwarded-For header is believed (web.trusted_proxies).
// A request from any other peer keeps its TCP peer address as the client address, whatever it
// claims; from a trusted proxy, the client is the right-most X-Forwarded-For entry that is not
// itself a trusted proxy (entries further left are written by the client and can be forged).
//
//   KIRA_ASSIGN_OR_RETURN(auto proxies, web::ProxyList::Parse({"127.0.0.1", "10.0.0.0/8"}));
//   std::string client = proxies.ClientAddress(req.remote_addr, {"203.0.113.7, 10.0.0.2"});
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace kira::web {

class ProxyList {
 public:
  // Entries are IPv4/IPv6 addresses or networks in CIDR form ("10.0.0.0/8", "fd00::/8").
  static Result<ProxyList> Parse(const std::vector<std::string>& entries);

  bool empty() const { return nets_.empty(); }
  bool Contains(const std::string& ip) const;
  // The client address of a request whose TCP peer is `peer` and whose X-Forwarded-For header
  // values (one per header line) are `forwarded_for`. Malformed entries end the walk.
  std::string ClientAddress(const std::string& peer,
                            const std::vector<std::string>& forwarded_for) const;

 private:
  struct Net {
    std::array<uint8_t, 16> addr{};  // IPv4 as v4-mapped IPv6
    int prefix = 128;
  };
  std::vector<Net> nets_;
};

}  // namespace kira::web
