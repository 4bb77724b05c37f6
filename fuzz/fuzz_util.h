// Shared by the fuzz targets: invariants every parser output must keep.
#pragma once

#include <cstdlib>
#include <string_view>

namespace kira::fuzz {

// Aborts (a libFuzzer crash) unless the text is valid UTF-8 without NUL or other control
// characters except tab and line breaks: what every accepted import must hold (F10).
inline void CheckCleanText(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) std::abort();
    if (c == 0xC2 && i + 1 < s.size()) {
      const unsigned char n = static_cast<unsigned char>(s[i + 1]);
      if (n >= 0x80 && n <= 0x9F) std::abort();
    }
  }
}

inline void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace kira::fuzz
