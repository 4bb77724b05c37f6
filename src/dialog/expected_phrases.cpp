// KiraSession::ExpectedPhrases: what the caller may say now, for the phone's recogniser. The
// shared base (intent examples, yes/no words, the lexicon, product names) plus the scenario's
// phrase templates for every stage (`heard_any`) and for the pending question
// (`heard_<expect>`), their {placeholders} filled from the scenario's word lists, the shop's
// lexicon and the products on offer — so an answer that carries more than was asked (a
// quantity with the product, "yes, I'll pick it up myself", "no, not ten but fifteen") is in
// the grammar too. Template syntax: speech/phrase_template.h.
#include <set>

#include "core/text.h"
#include "dialog/agent_policy.h"

namespace kira::dialog::policy {

namespace {

// Quantities callers say: every count to 30, then the round numbers.
std::vector<std::string> Counts() {
  std::vector<std::string> out;
  for (int n = 1; n <= 30; ++n) out.push_back(std::to_string(n));
  for (int n : {35, 40, 45, 50, 60, 70, 75, 80, 90, 100, 120, 150, 200, 250, 300, 400, 500, 1000})
    out.push_back(std::to_string(n));
  return out;
}

// A choice may not carry the template syntax's own characters.
std::string Clean(const std::string& s) {
  std::string out;
  for (char c : s) out += (c == '(' || c == ')' || c == '[' || c == ']' || c == '|') ? ' ' : c;
  return out;
}

}  // namespace

std::string RenderHeardTemplate(const std::string& tmpl,
                                const std::map<std::string, std::vector<std::string>>& fill) {
  std::string out;
  int depth = 0;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    char c = tmpl[i];
    if (c == '(' || c == '[') ++depth;
    if (c == ')' || c == ']') --depth;
    size_t close = c == '{' ? tmpl.find('}', i) : std::string::npos;
    auto it =
        close == std::string::npos ? fill.end() : fill.find(tmpl.substr(i + 1, close - i - 1));
    if (it == fill.end()) {
      out += c;
      continue;
    }
    std::set<std::string> seen;
    std::string alts;
    for (const auto& v : it->second) {
      std::string w = Clean(v);
      if (text::Trim(w).empty() || !seen.insert(w).second) continue;
      alts += (alts.empty() ? "" : "|") + w;
    }
    if (alts.empty()) return "";  // nothing to fill: the template cannot be said
    out += depth > 0 ? alts : "(" + alts + ")";
    i = close;
  }
  return out;
}

std::vector<std::string> KiraSession::ExpectedPhrases() const {
  std::vector<std::string> out = SessionBase::ExpectedPhrases();
  const bool ru = params_.language == "ru";
  const Phrases& ph = agent_.phrases;
  const catalog::Lexicon& lex = catalog().lexicon();
  std::map<std::string, std::vector<std::string>> fill;
  fill["yes"] = ph.List("yes_words");
  fill["no"] = ph.List("no_words");
  fill["number"] = Counts();
  fill["unit"] = ph.List("heard_unit_words");
  fill["name"] = ph.List("heard_first_names");
  fill["weekday"] = ph.List("heard_weekdays");
  fill["street"] = ph.List("heard_streets");
  for (int h = 1; h <= 12; ++h) fill["hour"].push_back(std::to_string(h));
  fill["ordinal"] = ph.List("heard_ordinals");
  for (const auto* list : {&lex.colors, &lex.surfaces, &lex.materials, &lex.looks})
    for (const auto& e : *list)
      for (const auto& w : ru ? e.ru : e.en) fill["attribute"].push_back(w);
  for (const auto& e : lex.categories)
    for (const auto& w : ru ? e.ru : e.en) fill["category"].push_back(w);
  // The products on offer now (the options of a clarifying question, the analogs), else the
  // one being discussed.
  for (const auto* c : candidates_) {
    fill["product"].push_back(SpokenName(*c));
    const std::pair<const char*, const std::string*> attributes[] = {
        {"color", &c->color}, {"surface", &c->surface}, {"collection", &c->collection}};
    for (const auto& [kind, value] : attributes)
      if (!value->empty()) fill["attribute"].push_back(AttrWord(kind, *value));
    out.push_back(c->format);
  }
  for (const auto& a : analogs_)
    if (a.product) fill["product"].push_back(SpokenName(*a.product));

  const std::string stage_key = "heard_" + std::string(ExpectName(Pending()));
  for (const std::string& key : {std::string("heard_any"), stage_key})
    for (const auto& t : ph.List(key)) {
      std::string r = RenderHeardTemplate(t, fill);
      if (!r.empty()) out.push_back(std::move(r));
    }
  return out;
}

}  // namespace kira::dialog::policy
