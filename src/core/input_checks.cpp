#include "core/input_checks.h"

#include <cstdio>

namespace kira {

int ControlAt(std::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return c;
  if (c == 0xC2 && i + 1 < s.size()) {
    const unsigned char n = static_cast<unsigned char>(s[i + 1]);
    if (n >= 0x80 && n <= 0x9F) return n;  // U+0080..U+009F
  }
  return -1;
}

int FirstControl(std::string_view s, size_t* at) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (int cp = ControlAt(s, i); cp >= 0) {
      if (at) *at = i;
      return cp;
    }
  }
  return -1;
}

std::string ControlName(int cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", cp);
  std::string out = buf;
  if (cp == 0) out += " (NUL)";
  if (cp == 0x1B) out += " (ESC)";
  if (cp == 0x7F) out += " (DEL)";
  return out;
}

std::string GroupDigits(size_t n) {
  std::string d = std::to_string(n), out;
  for (size_t k = 0; k < d.size(); ++k) {
    if (k > 0 && (d.size() - k) % 3 == 0) out += ',';
    out += d[k];
  }
  return out;
}

}  // namespace kira
