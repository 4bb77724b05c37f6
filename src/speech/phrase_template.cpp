#include "speech/phrase_template.h"

#include <sstream>

#include "core/number_words.h"
#include "speech/asr.h"

namespace kira::speech {

std::vector<std::string> PhraseWords(std::string_view phrase) {
  std::vector<std::string> words;
  std::istringstream in(NormalizeTranscript(phrase));
  std::string w;
  while (in >> w) {
    bool digits =
        !w.empty() && w.size() <= 6 && w.find_first_not_of("0123456789") == std::string::npos;
    if (!digits) {
      words.push_back(w);
      continue;
    }
    std::istringstream nw(text::NumberToWords(std::stol(w), /*russian=*/false));
    std::string x;
    while (nw >> x) words.push_back(x);
  }
  return words;
}

Result<PhraseTemplate> ParsePhraseTemplate(std::string_view text) {
  if (text.size() > kMaxTemplateChars)
    return Status::Invalid("phrase template longer than " + std::to_string(kMaxTemplateChars) +
                           " characters");
  PhraseTemplate t;
  std::string literal;
  auto flush_literal = [&] {
    std::vector<std::string> words = PhraseWords(literal);
    literal.clear();
    for (auto& w : words) t.parts.push_back({{{std::move(w)}}, false});
  };
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == ')' || c == ']' || c == '|')
      return Status::Invalid("phrase template '" + std::string(text.substr(0, 80)) + "': '" +
                             std::string(1, c) + "' outside a group");
    if (c != '(' && c != '[') {
      literal += c;
      ++i;
      continue;
    }
    flush_literal();
    const char close = c == '(' ? ')' : ']';
    size_t end = text.find_first_of("()[]", i + 1);
    if (end == std::string_view::npos || text[end] != close)
      return Status::Invalid("phrase template '" + std::string(text.substr(0, 80)) +
                             "': unbalanced or nested '" + std::string(1, c) + "'");
    PhrasePart part;
    part.optional = c == '[';
    std::string_view body = text.substr(i + 1, end - i - 1);
    size_t start = 0;
    while (start <= body.size()) {
      size_t bar = body.find('|', start);
      if (bar == std::string_view::npos) bar = body.size();
      std::vector<std::string> words = PhraseWords(body.substr(start, bar - start));
      if (words.empty()) {
        part.optional = true;  // "(a|)" is "[a]"
      } else {
        part.alternatives.push_back(std::move(words));
      }
      if (part.alternatives.size() > kMaxTemplateAlternatives)
        return Status::Invalid("phrase template: a group has more than " +
                               std::to_string(kMaxTemplateAlternatives) + " alternatives");
      start = bar + 1;
    }
    if (!part.alternatives.empty()) t.parts.push_back(std::move(part));
    i = end + 1;
  }
  flush_literal();
  bool required = false;
  for (const auto& p : t.parts) required = required || !p.optional;
  if (!required)
    return Status::Invalid("phrase template '" + std::string(text.substr(0, 80)) +
                           "' accepts nothing but silence");
  return t;
}

std::vector<std::string> ExpandPhraseTemplate(const PhraseTemplate& t, size_t limit) {
  std::vector<std::string> out;
  std::vector<std::string> words;
  // Depth-first over the parts; an optional part first tries each alternative, then nothing.
  auto rec = [&](auto&& self, size_t i) -> void {
    if (out.size() >= limit) return;
    if (i == t.parts.size()) {
      std::string s;
      for (const auto& w : words) s += (s.empty() ? "" : " ") + w;
      out.push_back(std::move(s));
      return;
    }
    const PhrasePart& p = t.parts[i];
    for (const auto& alt : p.alternatives) {
      size_t mark = words.size();
      words.insert(words.end(), alt.begin(), alt.end());
      self(self, i + 1);
      words.resize(mark);
      if (out.size() >= limit) return;
    }
    if (p.optional) self(self, i + 1);
  };
  rec(rec, 0);
  return out;
}

}  // namespace kira::speech
