// Fuzzes the SIP INFO DTMF body parser (media::ParseDtmfRelay, application/dtmf-relay): any
// body yields nothing or one DTMF digit, and a digit found is really on a Signal line.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "media/dtmf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto digit = kira::media::ParseDtmfRelay(body);
  if (!digit) return 0;
  if (!kira::media::DigitToEvent(*digit)) std::abort();
  if (size > 1024) std::abort();
  bool found = false;
  for (size_t i = 0; i + 6 <= size && !found; ++i) {
    std::string_view s = body.substr(i, 6);
    found = (s[0] | 0x20) == 's' && (s[1] | 0x20) == 'i' && (s[2] | 0x20) == 'g' &&
            (s[3] | 0x20) == 'n' && (s[4] | 0x20) == 'a' && (s[5] | 0x20) == 'l';
  }
  if (!found) std::abort();
  return 0;
}
