// FindAnalogs over the demo catalog: in-stock substitutes with reasons.
#include <gtest/gtest.h>

#include <algorithm>

#include "catalog/catalog_store.h"
#include "catalog/importer.h"

namespace kira::catalog {
namespace {

Catalog LoadDemo() {
  auto db = storage::Db::Open(":memory:");
  const std::string demo = KIRA_DEMO_DIR;
  EXPECT_TRUE(ImportCatalogFile(**db, demo + "/catalog.csv").ok());
  auto lex = LoadLexicon(demo + "/lexicon.yaml");
  auto cat = LoadCatalog(**db, *lex);
  EXPECT_TRUE(cat.ok());
  return std::move(cat.value());
}

bool Has(const Analog& a, const std::string& code) {
  return std::find(a.reasons.begin(), a.reasons.end(), code) != a.reasons.end();
}

TEST(Analogs, DiscontinuedTileGetsInStockSameFormatAndColour) {
  Catalog cat = LoadDemo();
  size_t checked = 0;
  for (const Product& p : cat.products()) {
    if (!p.discontinued) continue;
    auto analogs = cat.FindAnalogs(p, 3);
    ASSERT_FALSE(analogs.empty()) << p.sku;
    for (const auto& a : analogs) {
      EXPECT_NE(a.product->sku, p.sku);
      EXPECT_GT(a.product->stock, 0);
      EXPECT_FALSE(a.product->discontinued);
      EXPECT_EQ(a.product->category, p.category);
      EXPECT_TRUE(Has(a, "category"));
      EXPECT_EQ(std::count_if(a.reasons.begin(), a.reasons.end(),
                              [](const std::string& r) { return r.rfind("price_", 0) == 0; }),
                1);
    }
    // The best analog shares the format and the colour whenever the shop has such an item.
    bool exists = std::any_of(cat.products().begin(), cat.products().end(), [&](const Product& q) {
      return q.stock > 0 && !q.discontinued && q.category == p.category && q.format == p.format &&
             q.color == p.color;
    });
    if (exists) {
      EXPECT_EQ(analogs[0].product->format, p.format) << p.sku;
      EXPECT_EQ(analogs[0].product->color, p.color) << p.sku;
      EXPECT_TRUE(Has(analogs[0], "format"));
      EXPECT_TRUE(Has(analogs[0], "color"));
    }
    for (size_t i = 1; i < analogs.size(); ++i) EXPECT_GE(analogs[i - 1].score, analogs[i].score);
    ++checked;
  }
  EXPECT_GE(checked, 10u);
}

TEST(Analogs, ReasonsAndPriceCodes) {
  Catalog cat{Lexicon{}};
  auto tile = [](std::string sku, std::string color, std::string fmt, double price, double stock) {
    Product p;
    p.sku = sku;
    p.name = "Плитка " + sku;
    p.category = "Керамогранит";
    p.format = fmt;
    p.color = color;
    p.surface = "матовый";
    p.material = "керамогранит";
    p.brand = "B";
    p.price = price;
    p.unit = "м2";
    p.stock = stock;
    return p;
  };
  Product gone = tile("OLD", "серый", "60x60", 2000, 0);
  gone.discontinued = true;
  cat.Add(gone);
  cat.Add(tile("SAME", "серый", "60x60", 2050, 10));
  cat.Add(tile("CHEAP", "серый", "60x60", 1500, 10));
  cat.Add(tile("DEAR", "серый", "60x60", 2600, 10));
  cat.Add(tile("OTHERFMT", "серый", "30x60", 2000, 10));
  cat.Add(tile("NOSTOCK", "серый", "60x60", 2000, 0));
  Product glue = tile("GLUE", "серый", "", 500, 10);
  glue.category = "Клей для плитки";
  cat.Add(glue);
  cat.BuildIndex();
  auto a = cat.FindAnalogs(*cat.Find("OLD"), 10);
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[0].product->sku, "SAME");
  EXPECT_EQ(a[0].reasons, (std::vector<std::string>{"category", "format", "color", "surface",
                                                    "material", "brand", "price_similar"}));
  EXPECT_TRUE(Has(a[1], "price_lower"));
  EXPECT_EQ(a[1].product->sku, "CHEAP");
  EXPECT_TRUE(Has(a[2], "price_higher"));
  EXPECT_EQ(a[3].product->sku, "OTHERFMT");
  EXPECT_FALSE(Has(a[3], "format"));
  EXPECT_TRUE(cat.FindAnalogs(*cat.Find("OLD"), 0).empty());
  Product unknown = tile("X", "серый", "60x60", 100, 0);
  unknown.category = "Обои";
  EXPECT_TRUE(cat.FindAnalogs(unknown, 3).empty());
}

TEST(Related, GroutInTheTilesColourThenAdhesiveAndTools) {
  Catalog cat = LoadDemo();
  const Product* tile = cat.Find("SG622602R");  // grey porcelain
  ASSERT_NE(tile, nullptr);
  auto rel = cat.FindRelated(*tile, 1);
  ASSERT_EQ(rel.size(), 3u);
  EXPECT_EQ(rel[0].category, "Затирка");
  EXPECT_EQ(rel[0].product->category, "Затирка");
  EXPECT_EQ(rel[0].product->color, "серый");
  EXPECT_EQ(rel[0].reasons, (std::vector<std::string>{"related", "color"}));
  EXPECT_EQ(rel[1].category, "Клей для плитки");
  EXPECT_EQ(rel[2].category, "Инструмент");
  for (const auto& c : rel) {
    EXPECT_GT(c.product->stock, 0);
    EXPECT_FALSE(c.product->discontinued);
  }
  EXPECT_EQ(cat.FindRelated(*tile, 2).size(), 6u);
  // Nothing is related to a tool in the demo lexicon.
  EXPECT_TRUE(cat.FindRelated(*cat.Find("TL-PR-600")).empty());
}

}  // namespace
}  // namespace kira::catalog
