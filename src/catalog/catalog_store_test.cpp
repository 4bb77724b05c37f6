#include "catalog/catalog_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "catalog/importer.h"
#include "catalog/testing/catalog_store_conformance.h"
#include "catalog/testing/synthetic_catalog.h"
#include "core/text.h"

namespace kira::catalog {
namespace {

INSTANTIATE_TEST_SUITE_P(
    Sqlite, CatalogStoreConformance,
    ::testing::Values(
        CatalogStoreFactory{
            "file", [](const std::string& dir) { return OpenSqliteCatalogStore(dir + "/kira.db"); },
            true},
        CatalogStoreFactory{"memory",
                            [](const std::string&) { return OpenSqliteCatalogStore(":memory:"); },
                            false}),
    CatalogStoreFactoryName);

TEST(CatalogStore, MigrateIsIdempotentAndEmptyCatalogLoads) {
  auto db = storage::Db::Open(":memory:");
  ASSERT_TRUE(MigrateCatalog(**db).ok());
  ASSERT_TRUE(MigrateCatalog(**db).ok());
  EXPECT_EQ(*CountProducts(**db), 0u);
  auto cat = LoadCatalog(**db, {});
  ASSERT_TRUE(cat.ok());
  EXPECT_EQ(cat->size(), 0u);
  EXPECT_TRUE(cat->Search("плитка").empty());
}

TEST(CatalogStore, RoundTripThroughAFileDatabase) {
  auto dir = std::filesystem::temp_directory_path() / "kira_catalog_store_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "kira.db").string();
  std::vector<Product> generated = GenerateCatalog(2000, 3);
  {
    auto db = storage::Db::Open(path);
    ASSERT_TRUE(db.ok());
    auto r = ImportCatalogContent(**db, GenerateCatalogCsv(2000, 3), "synthetic.csv");
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->inserted, 2000u);
    ASSERT_TRUE(ImportStockContent(**db, GenerateDistributorCsv(generated, 3), "distributor").ok());
  }
  auto db = storage::Db::Open(path);
  auto cat = LoadCatalog(**db, {});
  ASSERT_TRUE(cat.ok());
  ASSERT_EQ(cat->size(), 2000u);
  for (size_t i = 0; i < generated.size(); i += 97) {
    const Product* p = cat->Find(generated[i].sku);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->name, generated[i].name);
    EXPECT_EQ(p->format, generated[i].format);
    EXPECT_DOUBLE_EQ(p->price, generated[i].price);
    EXPECT_EQ(p->box_m2.has_value(), generated[i].box_m2.has_value());
    EXPECT_EQ(p->discontinued, generated[i].discontinued);
    // Every generated item is found by its own name.
    SearchOptions opt;
    opt.limit = 50;
    auto hits = cat->Search(text::Canonical(p->name), opt);
    bool found = std::any_of(hits.begin(), hits.end(),
                             [&](const SearchHit& h) { return h.product->sku == p->sku; });
    EXPECT_TRUE(found) << p->name;
  }
  EXPECT_EQ(*CountProducts(**db), 2000u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kira::catalog

namespace kira::catalog {
namespace {

TEST(SyntheticCatalog, DeterministicValidAndVaried) {
  const std::string a = GenerateCatalogCsv(3000, 7), b = GenerateCatalogCsv(3000, 7);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, GenerateCatalogCsv(3000, 8));
  ImportReport rep;
  auto parsed = ParseCatalogCsv(a, &rep, "synthetic.csv");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  ASSERT_EQ(parsed->size(), 3000u);
  EXPECT_TRUE(rep.warnings.empty());
  size_t discontinued = 0, zero = 0, tiles = 0, grout = 0;
  for (const auto& p : *parsed) {
    discontinued += p.discontinued;
    zero += p.stock == 0;
    tiles += p.box_m2.has_value();
    grout += p.category == "Затирка";
  }
  EXPECT_GT(discontinued, 30u);
  EXPECT_GT(zero, 300u);
  EXPECT_GT(tiles, 2000u);
  EXPECT_GT(grout, 50u);
  auto stock = ParseStockCsv(GenerateDistributorCsv(*parsed, 7), nullptr);
  ASSERT_TRUE(stock.ok()) << stock.status().message();
  EXPECT_GT(stock->size(), 500u);
}

}  // namespace
}  // namespace kira::catalog
