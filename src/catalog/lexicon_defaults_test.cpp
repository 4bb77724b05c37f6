// The built-in lexicon: a shop with only a profile and a catalog gets it; a shop's lexicon.yaml
// extends it; a household category the catalog has is never "not sold".
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "catalog/catalog.h"
#include "catalog/lexicon.h"

namespace kira::catalog {
namespace {

namespace fs = std::filesystem;

const LexEntry* Find(const std::vector<LexEntry>& list, const std::string& value) {
  for (const auto& e : list)
    if (e.value == value) return &e;
  return nullptr;
}

bool Has(const std::vector<std::string>& words, const std::string& w) {
  return std::find(words.begin(), words.end(), w) != words.end();
}

struct TempFile {
  std::string path;
  explicit TempFile(const std::string& text) {
    path =
        (fs::temp_directory_path() / ("kira-lex-" + std::to_string(::getpid()) + ".yaml")).string();
    std::ofstream(path) << text;
  }
  ~TempFile() {
    std::error_code ec;
    fs::remove(path, ec);
  }
};

TEST(LexiconDefaults, BuiltInLexiconLoadsWithoutAShopFile) {
  auto lex = LoadShopLexicon("");
  ASSERT_TRUE(lex.ok()) << lex.status().ToString();
  auto missing = LoadShopLexicon("/nonexistent/lexicon.yaml");  // no file beside the profile
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  EXPECT_EQ(missing->not_sold.size(), lex->not_sold.size());
  EXPECT_GE(lex->categories.size(), 6u);
  EXPECT_NE(Find(lex->colors, "серый"), nullptr);
  EXPECT_FALSE(lex->related.empty());
  EXPECT_FALSE(lex->filler.empty());
  for (const char* v :
       {"линолеум", "ламинат", "обои", "краска", "раковина", "унитаз", "смеситель",
        "акриловая ванна", "двери", "окна", "мебель", "ковролин", "сантехника", "освещение"}) {
    const LexEntry* e = Find(lex->not_sold, v);
    ASSERT_NE(e, nullptr) << v;
    EXPECT_FALSE(e->ru.empty() || e->en.empty() || e->name_en.empty()) << v;
  }
}

TEST(LexiconDefaults, AShopLexiconExtendsAndOverridesTheBuiltInOne) {
  TempFile shop(R"(
colors:
  - {value: серый, name_en: dove grey, ru: [серый, мышиный], en: [dove grey]}
  - {value: мятный, name_en: mint, ru: [мятный, мятная], en: [mint]}
not_sold:
  - {value: сауна, name_en: sauna, ru: [сауна, баня], en: [sauna]}
related:
  - {category: Мозаика, offer: [Клей для плитки]}
filler:
  ru: [будьте добры]
)");
  auto base = LoadShopLexicon("");
  auto lex = LoadShopLexicon(shop.path);
  ASSERT_TRUE(lex.ok()) << lex.status().ToString();
  const LexEntry* grey = Find(lex->colors, "серый");
  ASSERT_NE(grey, nullptr);
  EXPECT_EQ(grey->name_en, "dove grey");  // the shop's entry replaced the built-in one
  EXPECT_TRUE(Has(grey->ru, "мышиный"));
  EXPECT_NE(Find(lex->colors, "мятный"), nullptr);  // added
  EXPECT_NE(Find(lex->colors, "белый"), nullptr);   // the built-in ones stay
  EXPECT_EQ(lex->colors.size(), base->colors.size() + 1);
  EXPECT_NE(Find(lex->not_sold, "сауна"), nullptr);
  EXPECT_NE(Find(lex->not_sold, "линолеум"), nullptr);
  EXPECT_TRUE(Has(lex->filler, "будьте добры"));
  EXPECT_TRUE(Has(lex->filler, "у вас есть"));
  // The shop's related entry names built-in categories and replaces the built-in one.
  auto mosaic = std::find_if(lex->related.begin(), lex->related.end(),
                             [](const Lexicon::Related& r) { return r.category == "Мозаика"; });
  ASSERT_NE(mosaic, lex->related.end());
  EXPECT_EQ(mosaic->offer, std::vector<std::string>{"Клей для плитки"});
  EXPECT_EQ(lex->related.size(), base->related.size());
}

TEST(LexiconDefaults, ARelatedCategoryNobodyKnowsIsAnErrorNamingTheShopFile) {
  TempFile shop("related:\n  - {category: Сауны, offer: [Затирка]}\n");
  auto lex = LoadShopLexicon(shop.path);
  ASSERT_FALSE(lex.ok());
  EXPECT_NE(lex.status().message().find(shop.path), std::string::npos) << lex.status().message();
  EXPECT_NE(lex.status().message().find("'Сауны'"), std::string::npos) << lex.status().message();
}

Product Item(const std::string& sku, const std::string& name, const std::string& category) {
  Product p;
  p.sku = sku;
  p.name = name;
  p.category = category;
  p.price = 100;
  p.unit = "м2";
  p.stock = 10;
  return p;
}

Catalog Shop(std::vector<Product> items) {
  auto lex = LoadShopLexicon("");  // a shop with only a profile and a catalog
  EXPECT_TRUE(lex.ok()) << lex.status().ToString();
  Catalog c(std::move(*lex));
  for (auto& p : items) c.Add(std::move(p));
  c.BuildIndex();
  return c;
}

TEST(LexiconDefaults, ATileShopDoesNotSellHouseholdCategories) {
  Catalog c = Shop({Item("T1", "Керамогранит Loft серый 60x60", "Керамогранит"),
                    Item("G1", "Затирка Ceresit CE 40 белая", "Затирка")});
  EXPECT_EQ(c.Extract("у вас есть линолеум").not_sold, "линолеум");
  EXPECT_EQ(c.Extract("нужен ламинат в спальню").not_sold, "ламинат");
  EXPECT_EQ(c.Extract("do you sell laminate flooring").not_sold, "ламинат");
  EXPECT_EQ(c.Extract("looking for a bathroom sink").not_sold, "раковина");
  EXPECT_EQ(c.Extract("сколько стоят обои").not_sold, "обои");
  EXPECT_EQ(c.Extract("нужен смеситель").not_sold, "смеситель");
  EXPECT_EQ(c.Extract("керамогранит серый").not_sold, "");
  // The bathroom a tile is for is not a bathtub.
  EXPECT_EQ(c.Extract("плитка для ванной").not_sold, "");
  EXPECT_EQ(c.Extract("плитку в ванную комнату").not_sold, "");
  EXPECT_EQ(c.Extract("нужна акриловая ванна").not_sold, "акриловая ванна");
  EXPECT_EQ(c.Extract("керамогранит серый").category, "Керамогранит");
}

TEST(LexiconDefaults, ACategoryTheCatalogHasIsNeverNotSold) {
  Catalog ru = Shop({Item("T1", "Керамогранит Loft серый 60x60", "Керамогранит"),
                     Item("L1", "Ламинат Дуб натуральный 33 класс", "Ламинат")});
  EXPECT_EQ(ru.Extract("у вас есть ламинат").not_sold, "");
  EXPECT_EQ(ru.Extract("у вас есть линолеум").not_sold, "линолеум");  // still not sold
  auto hits = ru.Search("ламинат");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].product->sku, "L1");
  Catalog en = Shop({Item("P1", "Porcelain tile Camden grey 60x60", "Porcelain"),
                     Item("L2", "Oak laminate 8mm", "Laminate flooring")});
  EXPECT_EQ(en.Extract("do you have laminate").not_sold, "");
  EXPECT_EQ(en.Extract("do you have linoleum").not_sold, "линолеум");
}

}  // namespace
}  // namespace kira::catalog
