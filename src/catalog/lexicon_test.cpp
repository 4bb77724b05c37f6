#include "catalog/lexicon.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace kira::catalog {
namespace {

std::string ErrorOf(const std::string& yaml) {
  auto r = ParseLexicon(yaml, "lex.yaml");
  return r.ok() ? "OK" : r.status().message();
}

TEST(Lexicon, DemoLexiconLoads) {
  auto lex = LoadLexicon(std::string(KIRA_DEMO_DIR) + "/lexicon.yaml");
  ASSERT_TRUE(lex.ok()) << lex.status().message();
  EXPECT_GE(lex->categories.size(), 6u);
  EXPECT_GE(lex->colors.size(), 10u);
  EXPECT_GE(lex->not_sold.size(), 5u);
  EXPECT_FALSE(lex->filler.empty());
  bool grey = false;
  for (const auto& c : lex->colors)
    if (c.value == "серый") {
      grey = c.name_en == "grey" && !c.en.empty() && !c.ru.empty();
    }
  EXPECT_TRUE(grey);
  bool porcelain_related = false;
  for (const auto& r : lex->related)
    if (r.category == "Керамогранит") porcelain_related = r.offer.size() >= 2;
  EXPECT_TRUE(porcelain_related);
  for (const auto& c : lex->categories)
    EXPECT_FALSE(c.gender.empty()) << c.value << ": no gender, its phrases cannot agree";
}

TEST(Lexicon, StrictKeysAndTypes) {
  EXPECT_EQ(ErrorOf("colours:\n  - value: серый\n"),
            "lex.yaml line 1: the top level: unknown key 'colours' (allowed: categories, colors, "
            "filler, looks, materials, not_sold, related, surfaces)");
  EXPECT_EQ(ErrorOf("colors:\n  - value: серый\n    nme_en: grey\n"),
            "lex.yaml line 3: colors[0]: unknown key 'nme_en' (allowed: en, name_en, ru, value)");
  EXPECT_EQ(ErrorOf("colors:\n  - name_en: grey\n"),
            "lex.yaml line 2: colors[0]: 'value' is required");
  EXPECT_EQ(ErrorOf("colors:\n  - value: [a, b]\n"),
            "lex.yaml line 2: colors[0].value must be text");
  EXPECT_EQ(ErrorOf("colors:\n  - value: серый\n    ru: {a: b}\n"),
            "lex.yaml line 3: colors[0].ru must be a list");
  EXPECT_EQ(ErrorOf("colors: серый\n"), "lex.yaml line 1: colors must be a list of entries");
  EXPECT_EQ(ErrorOf("colors:\n  - value: серый\n  - value: Серый\n"),
            "lex.yaml line 3: colors[1]: value 'Серый' appears twice in colors");
  EXPECT_EQ(ErrorOf("filler:\n  de: [bitte]\n"),
            "lex.yaml line 2: filler: unknown key 'de' (allowed: en, ru)");
  EXPECT_EQ(ErrorOf("related:\n  - category: Керамогранит\n    offer: [Затирка]\n"),
            "lex.yaml: related[0].category 'Керамогранит' is not one of the categories");
  EXPECT_EQ(ErrorOf("categories:\n  - value: Керамогранит\nrelated:\n  - category: "
                    "Керамогранит\n    offer: [Обои]\n"),
            "lex.yaml: related[0].offer 'Обои' is not one of the categories");
  EXPECT_EQ(ErrorOf("looks:\n  - value: дерево\n    ru: [под дерево]\n"),
            "lex.yaml line 2: looks[0]: 'match' is required");
  EXPECT_EQ(ErrorOf("colors:\n  - value: серый\n    match: [grey]\n"),
            "lex.yaml line 3: colors[0]: unknown key 'match' (allowed: en, name_en, ru, value)");
  // A category's Russian gender (agreement in phrases): m, f, n or pl, categories only.
  EXPECT_EQ(ErrorOf("categories:\n  - value: Мозаика\n    gender: ж\n"),
            "lex.yaml line 3: categories[0].gender: 'ж' is not m, f, n or pl");
  EXPECT_EQ(ErrorOf("colors:\n  - value: серый\n    gender: m\n"),
            "lex.yaml line 3: colors[0]: unknown key 'gender' (allowed: en, name_en, ru, value)");
  EXPECT_EQ(ErrorOf(""), "lex.yaml: the file is empty");
  // Without one, the gender is read from the name.
  Lexicon none;
  for (auto [cat, g] : {std::pair{"Керамогранит", "m"}, std::pair{"Настенная плитка", "f"},
                        std::pair{"Затирка", "f"}, std::pair{"Клей для плитки", "m"},
                        std::pair{"Обои", "pl"}, std::pair{"Напольное покрытие", "n"},
                        std::pair{"Сантехника", "f"}, std::pair{"Ламинат", "m"}})
    EXPECT_EQ(CategoryGender(none, cat), g) << cat;
  LexEntry mix;
  mix.value = "Смесь";
  mix.gender = "f";
  none.categories.push_back(mix);
  EXPECT_EQ(CategoryGender(none, "смесь"), "f");
  EXPECT_NE(ErrorOf("colors: [\n").find("lex.yaml line 2:"), std::string::npos);
  EXPECT_EQ(ErrorOf("- a\n- b\n"), "lex.yaml line 1: the top level must be a mapping");
  EXPECT_FALSE(LoadLexicon("/nonexistent/lexicon.yaml").ok());
}

// Every kind of refused lexicon, through the real parser, read back for the UI's own language
// (DescribeLexiconError): a changed message fails here.
TEST(Lexicon, ErrorsAreTakenApartForTheUi) {
  struct Case {
    std::string yaml, code, field, value;
    size_t line;
  };
  const std::vector<Case> cases = {
      {"- a\n", "not_a_mapping", "", "", 1},
      {"colors:\n  - value: серый\n    nme_en: grey\n", "unknown_key", "colors[0]", "nme_en", 3},
      {"colors:\n  - value: [a, b]\n", "not_text", "colors[0].value", "", 2},
      {"colors:\n  - value: серый\n    ru: [серый, \"\"]\n", "empty", "colors[0].ru[1]", "", 3},
      {"colors:\n  - value: серый\n    ru: {a: b}\n", "not_a_list", "colors[0].ru", "", 3},
      {"colors: серый\n", "not_a_list", "colors", "", 1},
      {"colors:\n  - name_en: grey\n", "required", "colors[0]", "value", 2},
      {"colors:\n  - value: серый\n  - value: Серый\n", "duplicate", "colors[1]", "Серый", 3},
      {"categories:\n  - value: Мозаика\n    gender: ж\n", "bad_gender", "categories[0].gender",
       "ж", 3},
      {"related:\n  - category: Керамогранит\n    offer: [Затирка]\n", "not_a_category",
       "related[0].category", "Керамогранит", 0},
      {"", "empty_file", "", "", 0},
      {"colors: [\n", "other", "", "", 0},
  };
  std::set<std::string> seen;
  for (const auto& c : cases) {
    const std::string msg = ErrorOf(c.yaml);
    ASSERT_NE(msg, "OK") << c.yaml;
    LexiconError e = DescribeLexiconError(msg, "lex.yaml");
    EXPECT_EQ(e.code, c.code) << msg;
    EXPECT_EQ(e.field, c.field) << msg;
    EXPECT_EQ(e.value, c.value) << msg;
    if (c.code != "other") {
      EXPECT_EQ(e.line, c.line) << msg;
    }
    seen.insert(e.code);
  }
  EXPECT_EQ(
      DescribeLexiconError(ErrorOf("colors:\n  - value: серый\n    nme_en: grey\n"), "lex.yaml")
          .allowed,
      "en, name_en, ru, value");
  // A shop's lexicon over the built-in one: the related check names it so.
  auto shop =
      ParseShopLexicon("related:\n  - category: Обои\n    offer: [Затирка]\n", "lexicon.yaml");
  ASSERT_FALSE(shop.ok());
  LexiconError rel = DescribeLexiconError(shop.status().message(), "lexicon.yaml");
  EXPECT_EQ(rel.code, "not_a_category") << shop.status().message();
  EXPECT_EQ(rel.field, "related[0].category") << shop.status().message();
  for (const char* const* code = LexiconErrorCodes(); *code; ++code)
    EXPECT_TRUE(seen.count(*code)) << *code << " is never produced by a real lexicon";
}

// Issue 10, F9: a repeated key was silently replaced by the last one (core/yaml_strict.h).
TEST(Lexicon, DuplicateKeysAliasesAndControlCharactersAreErrors) {
  EXPECT_EQ(ErrorOf("colors:\n  - value: серый\n    ru: [серый]\n    ru: [серая]\n"),
            "lex.yaml line 4: duplicate key 'ru' (first at line 3); each key may appear once per "
            "mapping");
  EXPECT_EQ(ErrorOf("colors:\n  - value: серый\ncolors:\n  - value: белый\n"),
            "lex.yaml line 3: duplicate key 'colors' (first at line 1); each key may appear once "
            "per mapping");
  EXPECT_NE(ErrorOf("colors:\n  - value: серый\n    ru: &w [a, b]\n    en: *w\n").find("anchors"),
            std::string::npos);
  EXPECT_NE(ErrorOf("colors:\n  - value: \"се\\0рый\"\n").find("line 2: control character U+0000"),
            std::string::npos);
}

}  // namespace
}  // namespace kira::catalog
