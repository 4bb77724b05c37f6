// The built-in lexicon and a shop's own, merged (lexicon.h).
#include <algorithm>
#include <filesystem>

#include "catalog/lexicon.h"
#include "core/defaults.h"
#include "core/text.h"

namespace kira::catalog {

namespace {

void MergeEntries(std::vector<LexEntry>* base, const std::vector<LexEntry>& shop) {
  for (const auto& e : shop) {
    const std::string v = text::Lower(e.value);
    auto it = std::find_if(base->begin(), base->end(),
                           [&](const LexEntry& b) { return text::Lower(b.value) == v; });
    if (it != base->end()) {
      std::string gender = it->gender;
      *it = e;
      if (it->gender.empty()) it->gender = gender;  // the shop's entry need not repeat it
    } else {
      base->push_back(e);
    }
  }
}

}  // namespace

Lexicon MergeLexicon(Lexicon base, const Lexicon& shop) {
  MergeEntries(&base.categories, shop.categories);
  MergeEntries(&base.colors, shop.colors);
  MergeEntries(&base.surfaces, shop.surfaces);
  MergeEntries(&base.materials, shop.materials);
  MergeEntries(&base.looks, shop.looks);
  MergeEntries(&base.not_sold, shop.not_sold);
  for (const auto& r : shop.related) {
    auto it = std::find_if(base.related.begin(), base.related.end(),
                           [&](const Lexicon::Related& b) { return b.category == r.category; });
    if (it != base.related.end()) {
      *it = r;
    } else {
      base.related.push_back(r);
    }
  }
  for (const auto& f : shop.filler)
    if (std::find(base.filler.begin(), base.filler.end(), f) == base.filler.end())
      base.filler.push_back(f);
  return base;
}

namespace {

// The shop's lexicon over the built-in one. Its own related entries are checked against every
// category and named by their place in the shop's file ("related[0]", not their place in the
// merged list); the built-in ones name built-in categories, which a shop cannot remove.
Result<Lexicon> MergeChecked(Lexicon base, const Lexicon& shop, const std::string& name) {
  Lexicon merged = MergeLexicon(std::move(base), shop);
  Lexicon check;
  check.categories = merged.categories;
  check.related = shop.related;
  KIRA_RETURN_IF_ERROR(CheckRelated(check, name + " (over the built-in lexicon)"));
  return merged;
}

}  // namespace

Result<Lexicon> LoadShopLexicon(const std::string& shop_lexicon_path,
                                const std::string& defaults_dir) {
  const std::string builtin =
      (defaults_dir.empty() ? DefaultsDir() : defaults_dir) + "/lexicon.yaml";
  KIRA_ASSIGN_OR_RETURN(Lexicon base, LoadLexicon(builtin));
  std::error_code ec;
  if (shop_lexicon_path.empty() || !std::filesystem::exists(shop_lexicon_path, ec)) return base;
  KIRA_ASSIGN_OR_RETURN(Lexicon shop, LoadLexicon(shop_lexicon_path, /*check_related=*/false));
  return MergeChecked(std::move(base), shop, shop_lexicon_path);
}

Result<Lexicon> ParseShopLexicon(const std::string& shop_yaml, const std::string& name,
                                 const std::string& defaults_dir) {
  const std::string builtin =
      (defaults_dir.empty() ? DefaultsDir() : defaults_dir) + "/lexicon.yaml";
  KIRA_ASSIGN_OR_RETURN(Lexicon base, LoadLexicon(builtin));
  KIRA_ASSIGN_OR_RETURN(Lexicon shop, ParseLexicon(shop_yaml, name, /*check_related=*/false));
  return MergeChecked(std::move(base), shop, name);
}

std::string CategoryGender(const Lexicon& lex, const std::string& category) {
  const std::string lower = text::Lower(category);
  for (const auto& c : lex.categories)
    if (!c.gender.empty() && text::Lower(c.value) == lower) return c.gender;
  std::string word = lower.substr(0, lower.find(' '));
  auto ends = [&](std::string_view s) {
    return word.size() >= s.size() && word.compare(word.size() - s.size(), s.size(), s) == 0;
  };
  // Adjectives first: "настенная", "напольное", "клеевые", "керамический".
  if (ends("ая") || ends("яя")) return "f";
  if (ends("ое") || ends("ее")) return "n";
  if (ends("ые") || ends("ие")) return "pl";
  if (ends("ый") || ends("ий") || ends("ой")) return "m";
  if (ends("а") || ends("я")) return "f";
  if (ends("о") || ends("е")) return "n";
  if (ends("ы") || ends("и")) return "pl";
  return "m";
}

}  // namespace kira::catalog
