#include "catalog/lexicon.h"

#include <gtest/gtest.h>

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
