// Lexicon: the shop's words for its categories, colours, surfaces and materials in Russian and
// English, plus the categories it does not sell. Data the owner edits (lexicon.yaml beside the
// profile), not code: "grey"/"серый"/"серая" all resolve to the catalog value "серый".
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace kira::catalog {

struct LexEntry {
  std::string value;                 // the catalog's value, e.g. "серый", "Затирка"
  std::vector<std::string> ru, en;   // spoken forms and synonyms (any case form)
  std::string name_en;               // how the English agent says it ("grey")
};

struct Lexicon {
  std::vector<LexEntry> categories, colors, surfaces, materials;
  std::vector<LexEntry> not_sold;  // value = what it is ("обои"); ru/en = how callers say it
  // Related products to offer with a category ("Керамогранит" → "Затирка", "Клей").
  struct Related {
    std::string category;
    std::vector<std::string> offer;
  };
  std::vector<Related> related;
};

Result<Lexicon> LoadLexicon(const std::string& path);

}  // namespace kira::catalog
