// Small checks shared by every parser of outside input (imports, shop YAML, request bodies):
// which characters count as control characters, and how limits are written in messages.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kira {

// Control characters text from outside may not hold (issue 10, F10: a NUL cut a stored name
// short for every reader): C0 other than tab, LF and CR; DEL; C1 (U+0080–U+009F, UTF-8
// C2 80–C2 9F). Returns the code point of the one starting at s[i], or -1. Line breaks are left
// to the caller (they may end a record).
int ControlAt(std::string_view s, size_t i);
// The first control character of s as ControlAt sees it (-1 when none); *at gets its offset.
int FirstControl(std::string_view s, size_t* at = nullptr);
// "U+0000 (NUL)", "U+001B (ESC)", "U+0085".
std::string ControlName(int cp);
// "3,000,000": numbers in limit messages.
std::string GroupDigits(size_t n);

}  // namespace kira
