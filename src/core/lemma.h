// Russian morphology from a Debian-packaged dictionary (hunspell-ru through libhunspell): the
// dictionary forms of a word, so "плиток", "коробок", "мешков" meet "плитка", "коробка",
// "мешок" where Snowball stems differ (fleeting vowels), and LemmaStem, the key that catalog
// phrases and category words are matched on.
//
//   text::Lemmas("плиток")     // {"плитка"}
//   text::LemmaStem("серую")   // text::Stem("серый")
//
// Thread-safe. The dictionary loads on first use (about 0.3 s) and answers are cached; a word
// the dictionary does not know (brands, "керамогранита") or a non-Cyrillic word has no lemma.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kira::text {

// Dictionary forms of one lower-case word, most likely first; empty when unknown.
std::vector<std::string> Lemmas(std::string_view lower_word);

// The Snowball stem of the word's first lemma, or of the word when it has none.
std::string LemmaStem(std::string_view lower_word);

// Keys a word may be matched on besides text::Stem(word): the stems of its lemmas and, for a
// long word the dictionary does not know, its stem stemmed again ("керамогранита" →
// "керамогранит" → "керамогран", the stem of "керамогранит"). No duplicates, Stem(word) first.
std::vector<std::string> StemKeys(std::string_view lower_word);

// The dictionary form of a proper noun ("Кирилла" → "Кирилл", "анну" → "Анна", "Москвы" →
// "Москва"), or "" when the dictionary knows no proper noun of that form. Any case in.
std::string ProperNounLemma(std::string_view word);

}  // namespace kira::text
