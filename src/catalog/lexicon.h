// Lexicon: the shop's words for its categories, colours, surfaces and materials in Russian and
// English, plus the categories it does not sell. Data, not code: built in (data/defaults/
// lexicon.yaml) and extended by the owner's lexicon.yaml beside the profile. "grey", "серый",
// "серая" all resolve to the catalog value "серый".
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace kira::catalog {

struct LexEntry {
  std::string value;                // the catalog's value, e.g. "серый", "Затирка"
  std::vector<std::string> ru, en;  // spoken forms and synonyms (any case form)
  std::string name_en;              // how the English agent says it ("grey")
  std::vector<std::string> match;   // looks only: words in product names that mean this look
  // Categories only: the grammatical gender of the Russian name ("m", "f", "n"; "pl" for a
  // plural noun), so phrases about a product agree with it: "Керамогранит … снят",
  // "Мозаика … снята". "" = not given (the dialog then uses "m").
  std::string gender;
};

struct Lexicon {
  std::vector<LexEntry> categories, colors, surfaces, materials;
  // Looks ("под дерево", "marble look"): the catalog has no such column, so each look lists
  // the words of product names and collections that carry it (wood, вуд, ламелла...).
  std::vector<LexEntry> looks;
  std::vector<LexEntry> not_sold;  // value = what it is ("обои"); ru/en = how callers say it
  // Related products to offer with a category ("Керамогранит" → "Затирка", "Клей").
  struct Related {
    std::string category;
    std::vector<std::string> offer;
  };
  std::vector<Related> related;
  // Words that never name a product ("у вас есть", "в наличии", "do you have"): search skips
  // them so they cannot pull unrelated items up.
  std::vector<std::string> filler;
};

// File format (YAML; every key below is the only one allowed at its place, unknown keys are
// errors naming the key and line):
//   categories | colors | surfaces | materials | looks | not_sold:   # lists of entries
//     - value: Керамогранит          # required; the catalog's value (not_sold: what it is)
//       name_en: porcelain tile      # optional
//       ru: [керамогранит, грес]     # optional lists of words or phrases
//       en: [porcelain tile, porcelain]
//       match: [wood, вуд, дуб]      # looks only, required there: name words with that look
//       gender: m                    # categories only: m, f, n or pl (Russian agreement)
//   related:
//     - category: Керамогранит
//       offer: [Затирка, Клей для плитки, Инструмент]
//   filler:
//     ru: [у вас есть, в наличии, сколько стоит]
//     en: [do you have, how much]
// `check_related`: related entries must name the file's own categories (off for a shop's
// file layered over the built-in lexicon, checked after the merge instead).
Result<Lexicon> LoadLexicon(const std::string& path, bool check_related = true);
// The same from text; `name` starts the error messages.
Result<Lexicon> ParseLexicon(const std::string& yaml, const std::string& name = "lexicon.yaml",
                             bool check_related = true);
// Invalid when a related entry names a category the lexicon does not have.
Status CheckRelated(const Lexicon& lex, const std::string& name);

// A refused lexicon taken apart for a UI that says it in its own language (the messages are
// English, for logs and the API): the line, the entry ("colors[0].ru[1]"), a problem code and
// what the message quotes. `name` is the name the text was parsed under (messages start with
// it). The one place that reads back the forms ParseLexicon and CheckRelated write.
struct LexiconError {
  size_t line = 0;      // 0 = not known
  std::string field;    // "colors[0].ru[1]"; "" = the text as a whole
  std::string code;     // one of LexiconErrorCodes(); "other" (YAML syntax, …) when not read
  std::string value;    // unknown_key, required: the key; duplicate, bad_gender,
                        // not_a_category: the value
  std::string allowed;  // unknown_key: the keys allowed there
};
// not_a_mapping, unknown_key, not_text, empty, not_a_list, required, duplicate, bad_gender,
// not_a_category, empty_file, other.
const char* const* LexiconErrorCodes();  // nullptr-terminated
LexiconError DescribeLexiconError(const std::string& message, const std::string& name);

// The Russian grammatical gender of a category ("m", "f", "n", "pl"): its entry's `gender`, else
// read from the name's ending — the first word when it is an adjective ("Настенная плитка" →
// f), else the noun's ("Затирка" → f, "Клей для плитки" → m, "Обои" → pl). A soft sign reads
// as masculine; write `gender` in the lexicon for such a word ("Смесь": f).
std::string CategoryGender(const Lexicon& lex, const std::string& category);

// Built-in words and a shop's own (lexicon_defaults.cpp). Every shop gets the built-in lexicon
// (DefaultsDir()/lexicon.yaml: a tile shop's categories, colours, surfaces, materials and looks
// in ru and en, related products, and the household categories a tile shop does not sell); a
// shop's lexicon.yaml extends it:
//   - categories, colors, surfaces, materials, looks, not_sold: an entry with the same value
//     (case-insensitive) in the same list replaces the built-in one; others are added;
//   - related: the shop's entry for a category replaces the built-in one;
//   - filler: the words add up.
Lexicon MergeLexicon(Lexicon base, const Lexicon& shop);
// The built-in lexicon extended by `shop_lexicon_path` when that file exists ("" or a missing
// file: the built-in one alone). `defaults_dir` "" = DefaultsDir().
Result<Lexicon> LoadShopLexicon(const std::string& shop_lexicon_path,
                                const std::string& defaults_dir = "");
// The same with the shop's lexicon given as text (an edit checked before it is written);
// `name` starts the error messages.
Result<Lexicon> ParseShopLexicon(const std::string& shop_yaml, const std::string& name,
                                 const std::string& defaults_dir = "");

}  // namespace kira::catalog
