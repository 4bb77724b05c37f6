// Fuzzes kira::ParseIso (core/clock.h): any text either fails with a message or yields an
// instant inside [1970-01-01T00:00Z, 2101-01-01T00:00Z) that formats back to the same second.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/clock.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s(reinterpret_cast<const char*>(data), size);
  auto t = kira::ParseIso(s);
  if (!t.ok()) {
    if (t.status().message().empty()) std::abort();
    return 0;
  }
  const int64_t ms = kira::ToUnixMillis(*t);
  if (ms < 0 || ms >= 4133980800000LL) std::abort();  // 2101-01-01T00:00Z
  auto back = kira::ParseIso(kira::FormatIsoUtc(*t));
  if (!back.ok()) std::abort();
  if (kira::ToUnixMillis(*back) != ms / 1000 * 1000) std::abort();
  return 0;
}
