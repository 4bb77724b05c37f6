// NumberToWords: an integer spelled as a person says it (and a recogniser delivers it) — the
// inverse of text::NumberWordsToDigits (core/text.h), which reads back every number it spells
// up to 999,999. Used by the noisy replay of `kira eval`.
//
//   text::NumberToWords(25, /*russian=*/true)    → "двадцать пять"
//   text::NumberToWords(2000, /*russian=*/true)  → "две тысячи"
//   text::NumberToWords(115, /*russian=*/false)  → "one hundred fifteen"
#pragma once

#include <cstdint>
#include <string>

namespace kira::text {

// Cardinal, masculine (feminine only where Russian requires it: "две тысячи").
std::string NumberToWords(int64_t n, bool russian);

}  // namespace kira::text
