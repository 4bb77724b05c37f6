// Text utilities for Russian and English speech-like input: UTF-8 handling, case folding,
// normalisation, transliteration, number words and edit distance. Everything the NLU and the
// catalog search share lives here so they agree on what a "word" is.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace kira::text {

// Decodes UTF-8 into code points; invalid bytes become U+FFFD.
std::u32string Decode(std::string_view s);
std::string Encode(std::u32string_view s);
bool IsValidUtf8(std::string_view s);
// Windows-1251 (the encoding of a Russian Excel CSV) to UTF-8. The one byte the code page
// leaves undefined (0x98) is an error naming its line ("line 3: byte 0x98 is not a
// Windows-1251 character").
Result<std::string> Windows1251ToUtf8(std::string_view in);

// Lower-cases Latin and Cyrillic, maps ё to е.
std::string Lower(std::string_view s);

// Lower-cases, maps ё→е, turns punctuation into spaces (keeps digits, letters, '.' and ','
// between digits), collapses spaces, and rewrites "60 x 60", "60х60", "60*60" as "60x60".
std::string Normalize(std::string_view s);

// Splits normalised text on spaces.
std::vector<std::string> Tokens(std::string_view normalized);

// Replaces Russian and English number words with digits: "шестьдесят на шестьдесят" →
// "60 на 60", "twenty five" → "25", "полтора" → "1.5". Input should be normalised.
std::string NumberWordsToDigits(std::string_view normalized);

// Normalize + NumberWordsToDigits: the canonical form of a caller utterance.
std::string Canonical(std::string_view s);

// Latin → Cyrillic phonetic transliteration ("monte" → "монте") and back ("тиберио" →
// "tiberio"), used to match brand names spelled either way.
std::string ToCyrillic(std::string_view lower_latin);
std::string ToLatin(std::string_view lower_cyrillic);
bool HasCyrillic(std::string_view s);
// Cyrillic letters written for the Latin ones they look like ("см" → "cm", "ре" → "pe"); ""
// when a letter has no Latin look-alike.
std::string CyrillicLookAlikes(std::string_view lower_cyrillic);
// Script-independent sound-alike key for fuzzy brand/name matching: "Ceresit", "церезит" and
// "Церезит" share one key; so do "Marazzi" and "Марацци".
std::string PhoneticKey(std::string_view lower_word);
bool HasLatin(std::string_view s);

// Levenshtein distance over code points, stopping early once it exceeds max.
int EditDistance(std::string_view a, std::string_view b, int max = 3);

// Snowball stem of one lower-case word (Russian for Cyrillic, English for Latin).
std::string Stem(std::string_view word);

// Parses a decimal with '.' or ',' as separator ("1 250,50"); Invalid, quoting the text, on
// anything else.
Result<double> ParseDecimal(std::string_view s);

// Formats a number for speech: "1250", "2.5" → "2,5" in Russian, "2.5" in English.
std::string FormatNumber(double v, bool russian);

// Russian plural choice: 1 → 0 (one), 2–4 → 1 (few), else 2 (many); 21 → one, 11–14 → many.
int RussianPluralIndex(long long n);

std::string Trim(std::string_view s);

}  // namespace kira::text
