// SourceAcl: which signalling sources may start calls (the PBX/trunk/Kamailio addresses).
// Entries are IPv4/IPv6 addresses or CIDR blocks: "127.0.0.0/8", "10.1.2.3", "::1/128".
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace kira::telephony {

class SourceAcl {
 public:
  // Invalid naming the entry for anything that is not an address or CIDR.
  Status Add(const std::string& entry);
  // `ip` in text form ("127.0.0.1", "::1"). False for unparsable input.
  bool Allows(const std::string& ip) const;
  bool empty() const { return rules_.empty(); }

 private:
  struct Rule {
    bool v6 = false;
    std::array<uint8_t, 16> addr{};
    int prefix = 0;
  };
  std::vector<Rule> rules_;
};

}  // namespace kira::telephony
