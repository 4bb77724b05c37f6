#include "speech/asr.h"

#include <cctype>

namespace kira::speech {

std::string NormalizeTranscript(std::string_view s) {
  std::string out;
  bool space = false;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (std::isalnum(c) || c == '\'' || c == '-') {
        if (space && !out.empty()) out.push_back(' ');
        space = false;
        out.push_back(char(std::tolower(c)));
      } else {
        space = true;  // punctuation and whitespace separate words
      }
      ++i;
      continue;
    }
    // UTF-8 sequence: lower-case Cyrillic А-Я (D0 90..D0 AF) and Ё (D0 81); keep others.
    size_t len = (c >= 0xF0) ? 4 : (c >= 0xE0) ? 3 : (c >= 0xC0) ? 2 : 1;
    if (i + len > s.size()) break;
    std::string ch(s.substr(i, len));
    if (len == 2 && uint8_t(ch[0]) == 0xD0) {
      uint8_t b = uint8_t(ch[1]);
      if (b >= 0x90 && b <= 0x9F)
        ch[1] = char(b + 0x20);
      else if (b >= 0xA0 && b <= 0xAF)
        ch = std::string("\xD1") + char(b - 0x20);
      else if (b == 0x81)
        ch = "\xD1\x91";
    }
    if (len == 3 && ch == "\xE2\x80\xA6") {  // "…" separates like punctuation
      space = true;
    } else if (len == 2 && uint8_t(ch[0]) == 0xC2) {  // «» and nbsp etc.
      space = true;
    } else if (len == 3 && uint8_t(ch[0]) == 0xE2 && uint8_t(ch[1]) == 0x80) {  // dashes, quotes
      space = true;
    } else {
      if (space && !out.empty()) out.push_back(' ');
      space = false;
      out += ch;
    }
    i += len;
  }
  // Strip leading/trailing hyphens/apostrophes left alone by punctuation ("- да -").
  std::string cleaned;
  size_t start = 0;
  while (start <= out.size()) {
    size_t end = out.find(' ', start);
    if (end == std::string::npos) end = out.size();
    std::string w = out.substr(start, end - start);
    while (!w.empty() && (w.front() == '-' || w.front() == '\'')) w.erase(w.begin());
    while (!w.empty() && (w.back() == '-' || w.back() == '\'')) w.pop_back();
    if (!w.empty()) {
      if (!cleaned.empty()) cleaned.push_back(' ');
      cleaned += w;
    }
    start = end + 1;
  }
  return cleaned;
}

}  // namespace kira::speech
