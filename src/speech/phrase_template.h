// PhraseTemplate: one expected phrase with choices, so a recogniser's grammar can take what a
// caller may say at a dialog stage without listing every combination:
//
//   "[i need|i'll take] (one|two|twenty five) (boxes|square meters) [please]"
//
// Words outside brackets are said as written; "(a|b c)" is exactly one of the alternatives;
// "[a|b c]" is one of them or nothing. Groups do not nest. Digits are spelled out as English
// words ("60" → "sixty") and everything is normalised like a transcript (NormalizeTranscript).
// A plain phrase is a template with no groups, so phrase lists stay as they were.
//
//   auto t = speech::ParsePhraseTemplate("(yes|yeah) [i'll pick it up myself]");
//   t->parts.size() == 2; t->parts[1].optional == true
//   speech::ExpandPhraseTemplate(*t, 10)  → {"yes", "yes i'll pick it up myself", "yeah", ...}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace kira::speech {

constexpr size_t kMaxTemplateChars = 16 * 1024;
constexpr size_t kMaxTemplateAlternatives = 2000;  // per group

struct PhrasePart {
  std::vector<std::vector<std::string>> alternatives;  // each a sequence of words
  bool optional = false;
};

struct PhraseTemplate {
  std::vector<PhrasePart> parts;
};

// Invalid for unbalanced or nested brackets, an empty template or one past the limits.
Result<PhraseTemplate> ParsePhraseTemplate(std::string_view text);

// At most `limit` plain phrases the template accepts (in order, first choices first), for
// engines that take a flat phrase list.
std::vector<std::string> ExpandPhraseTemplate(const PhraseTemplate& t, size_t limit);

// The normalised words of a plain phrase, digits spelled out in English.
std::vector<std::string> PhraseWords(std::string_view phrase);

}  // namespace kira::speech
