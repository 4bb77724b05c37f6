// CatalogStore conformance: imports are loaded, a failed import changes nothing, stock feeds
// attach to the products, and everything survives reopening.
#include "catalog/testing/catalog_store_conformance.h"

namespace kira::catalog {
namespace {

const char kCsv[] =
    "sku,name,category,brand,collection,format,color,surface,material,price,unit,box_m2,stock,"
    "status\n"
    "MT-GR,Керамогранит Монте Тиберио серый 60x60,Керамогранит,Kerama Marazzi,Монте Тиберио,"
    "60x60,серый,матовый,керамогранит,2690,м2,1.44,31.68,active\n"
    "MT-BG,Керамогранит Монте Тиберио бежевый 60x60,Керамогранит,Kerama Marazzi,Монте Тиберио,"
    "60x60,бежевый,матовый,керамогранит,2590,м2,1.44,0,active\n";

TEST_P(CatalogStoreConformance, AnEmptyStoreLoadsAnEmptyCatalog) {
  auto cat = store().Load({});
  ASSERT_TRUE(cat.ok()) << cat.status().ToString();
  EXPECT_EQ(cat->size(), 0u);
}

TEST_P(CatalogStoreConformance, ImportedProductsAndStockAreLoaded) {
  auto rep = store().ImportCatalog(kCsv, "catalog.csv");
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->rows, 2u);
  EXPECT_EQ(rep->inserted, 2u);
  auto stock = store().ImportStock("sku,qty,lead_days\nMT-BG,540,12\n", "distributor", "d.csv");
  ASSERT_TRUE(stock.ok()) << stock.status().ToString();
  auto cat = store().Load({});
  ASSERT_TRUE(cat.ok()) << cat.status().ToString();
  ASSERT_EQ(cat->size(), 2u);
  const Product* p = cat->Find("MT-GR");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->price, 2690);
  EXPECT_EQ(p->unit, "м2");
  auto d = cat->Distributor("MT-BG");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->qty, 540);
  EXPECT_EQ(d->lead_days, 12);
  EXPECT_FALSE(cat->Distributor("MT-GR").has_value());
}

TEST_P(CatalogStoreConformance, AFailedImportChangesNothing) {
  ASSERT_TRUE(store().ImportCatalog(kCsv, "catalog.csv").ok());
  std::string bad = std::string(kCsv) + "X-1,Плитка,Плитка,,,30x30,белый,,,abc,м2,1,1,active\n";
  auto rep = store().ImportCatalog(bad, "bad.csv");
  ASSERT_FALSE(rep.ok());
  EXPECT_NE(rep.status().message().find("bad.csv"), std::string::npos) << rep.status().message();
  auto cat = store().Load({});
  ASSERT_TRUE(cat.ok());
  EXPECT_EQ(cat->size(), 2u);
  EXPECT_EQ(cat->Find("X-1"), nullptr);
  EXPECT_FALSE(store().ImportStock("sku,qty,lead_days\nMT-BG,-5,1\n", "shop", "s.csv").ok());
}

TEST_P(CatalogStoreConformance, ImportsSurviveReopening) {
  if (!GetParam().persistent) GTEST_SKIP() << "not persistent";
  ASSERT_TRUE(store().ImportCatalog(kCsv, "catalog.csv").ok());
  Reopen();
  auto cat = store().Load({});
  ASSERT_TRUE(cat.ok());
  EXPECT_EQ(cat->size(), 2u);
}

}  // namespace
}  // namespace kira::catalog
