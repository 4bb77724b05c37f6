// Importer: all-or-nothing writes, re-import updates in place, stock feeds.
#include "catalog/importer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "catalog/catalog_store.h"

namespace kira::catalog {
namespace {

const std::string kDemo = KIRA_DEMO_DIR;

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = storage::Db::Open(":memory:");
    ASSERT_TRUE(d.ok());
    db_ = std::move(d.value());
    ASSERT_TRUE(MigrateCatalog(*db_).ok());
  }
  // A fingerprint of both tables, to prove a failed import changed nothing.
  std::string Snapshot() {
    std::string out;
    auto st = db_->Prepare(
        "SELECT sku||'|'||name||'|'||price||'|'||stock||'|'||discontinued FROM products "
        "ORDER BY sku");
    while ((*st)->Step() == storage::Row::kRow) out += (*st)->Text(0) + "\n";
    auto d = db_->Prepare(
        "SELECT sku||'|'||qty||'|'||lead_days FROM distributor_stock ORDER "
        "BY sku");
    while ((*d)->Step() == storage::Row::kRow) out += (*d)->Text(0) + "\n";
    return out;
  }
  std::unique_ptr<storage::Db> db_;
};

const char* kHeader =
    "sku,name,category,brand,collection,format,color,surface,material,price,unit,box_m2,stock,"
    "status\n";

TEST_F(ImporterTest, DemoCatalogAndDistributorImport) {
  auto r = ImportCatalogFile(*db_, kDemo + "/catalog.csv");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_GE(r->rows, 250u);
  EXPECT_EQ(r->inserted, r->rows);
  EXPECT_EQ(r->updated, 0u);
  EXPECT_TRUE(r->warnings.empty());
  EXPECT_EQ(*CountProducts(*db_), r->rows);

  auto d = ImportStockFile(*db_, kDemo + "/distributor.csv", "distributor");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_GT(d->inserted, 20u);
  EXPECT_TRUE(d->warnings.empty()) << d->warnings[0];

  // Re-import: everything updated in place, nothing inserted.
  auto again = ImportCatalogFile(*db_, kDemo + "/catalog.csv");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->inserted, 0u);
  EXPECT_EQ(again->updated, r->rows);
  EXPECT_EQ(*CountProducts(*db_), r->rows);
}

TEST_F(ImporterTest, DemoYmlImportsAndUpdatesTheSameSkus) {
  ASSERT_TRUE(ImportCatalogFile(*db_, kDemo + "/catalog.csv").ok());
  auto y = ImportCatalogFile(*db_, kDemo + "/catalog.yml");
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->inserted, 0u);
  EXPECT_EQ(y->updated, y->rows);
  EXPECT_GT(y->not_in_file, 0u);
}

TEST_F(ImporterTest, ReimportUpdatesInPlace) {
  std::string v1 = std::string(kHeader) +
                   "A,Плитка А,Керамогранит,,,60x60,серый,,,1000,м2,1.44,10,active\n"
                   "B,Плитка Б,Керамогранит,,,60x60,серый,,,1100,м2,1.44,0,active\n";
  auto r1 = ImportCatalogContent(*db_, v1, "v1.csv");
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(r1->inserted, 2u);
  std::string v2 = std::string(kHeader) +
                   "B,Плитка Б новая,Керамогранит,,,60x60,серый,,,1200,м2,1.44,5,discontinued\n"
                   "C,Плитка В,Керамогранит,,,60x60,серый,,,900,м2,1.44,3,active\n";
  auto r2 = ImportCatalogContent(*db_, v2, "v2.csv");
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->rows, 2u);
  EXPECT_EQ(r2->inserted, 1u);
  EXPECT_EQ(r2->updated, 1u);
  EXPECT_EQ(r2->not_in_file, 1u);
  EXPECT_EQ(Snapshot(),
            "A|Плитка А|1000.0|10.0|0\nB|Плитка Б новая|1200.0|5.0|1\nC|Плитка В|900.0|3.0|0\n");
}

TEST_F(ImporterTest, FailedImportsChangeNothing) {
  ASSERT_TRUE(ImportCatalogFile(*db_, kDemo + "/catalog.csv").ok());
  ASSERT_TRUE(ImportStockFile(*db_, kDemo + "/distributor.csv", "distributor").ok());
  const std::string before = Snapshot();
  // The first row is a valid update of a real sku; the bad third row must undo it.
  const std::string bad_csv[] = {
      std::string(kHeader) +
          "SG622602R,Изменено,Керамогранит,,,60x60,,,,1,м2,,1,active\n"
          "NEW1,Новая,Керамогранит,,,60x60,,,,100,м2,,1,active\n"
          "NEW2,Новая,Керамогранит,,,60x60,,,,abc,м2,,1,active\n",
      std::string(kHeader) +
          "SG622602R,Изменено,Керамогранит,,,60x60,,,,1,м2,,1,active\n"
          "SG622602R,Изменено,Керамогранит,,,60x60,,,,1,м2,,1,active\n",
      std::string(kHeader) + "X,\"Открытая кавычка,Керамогранит,,,,,,,1,м2,,1,active\n",
      "sku,name\nX,Y\n",
      "",
      std::string(kHeader) + "X,Y,Керамогранит,,,,,,,1,м2,,1,\xC3\n",
      "<yml_catalog><shop><offers><offer id=\"1\">",
      "<yml_catalog><shop><categories><category id=\"1\">T</category></categories><offers>"
      "<offer id=\"SG622602R\"><price>1</price><categoryId>1</categoryId><name>n</name></offer>"
      "<offer id=\"2\"><categoryId>1</categoryId><name>n</name></offer>"
      "</offers></shop></yml_catalog>",
  };
  for (const auto& content : bad_csv) {
    auto r = ImportCatalogContent(*db_, content, "bad.csv");
    EXPECT_FALSE(r.ok()) << content;
    EXPECT_EQ(Snapshot(), before) << r.status().message();
  }
  auto e = ImportCatalogContent(*db_, bad_csv[0], "bad.csv");
  EXPECT_EQ(e.status().message(), "bad.csv line 4, field price: 'abc' is not a number");

  for (const std::string stock :
       {"sku,qty,lead_days\nSG622602R,5,3\nX,abc,3\n", "sku,qty,lead_days\nSG622602R,5,-3\n",
        "sku,qty\n\"SG622602R,5\n"}) {
    EXPECT_FALSE(ImportStockContent(*db_, stock, "distributor").ok());
    EXPECT_FALSE(ImportStockContent(*db_, stock, "shop").ok());
    EXPECT_EQ(Snapshot(), before);
  }
  // The shop's own feed must name the shop's products.
  auto unknown = ImportStockContent(*db_, "sku,qty\nSG622602R,3\nNOPE,1\n", "shop", "shop.csv");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(),
            "shop.csv line 3, field sku: 'NOPE' is not in the shop's catalog (import the "
            "catalog first)");
  EXPECT_EQ(Snapshot(), before);
  EXPECT_FALSE(ImportStockContent(*db_, "sku,qty\nA,1\n", "warehouse").ok());
  EXPECT_FALSE(ImportCatalogFile(*db_, "/nonexistent/catalog.csv").ok());
}

TEST_F(ImporterTest, DistributorFeedIsASnapshotAndWarnsOnUnknownSkus) {
  ASSERT_TRUE(ImportCatalogFile(*db_, kDemo + "/catalog.csv").ok());
  auto r1 = ImportStockContent(*db_, "sku,qty,lead_days\nSG622602R,100,3\nSG622600R,50,4\n",
                               "distributor", "d.csv");
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(r1->inserted, 2u);
  auto r2 = ImportStockContent(*db_, "sku,qty,lead_days\nSG622602R,80,5\nDIST-ONLY,10,7\n",
                               "distributor", "d.csv");
  ASSERT_TRUE(r2.ok()) << r2.status().message();
  EXPECT_EQ(r2->inserted, 1u);
  EXPECT_EQ(r2->updated, 1u);
  EXPECT_EQ(r2->removed, 1u);
  ASSERT_EQ(r2->warnings.size(), 1u);
  EXPECT_NE(r2->warnings[0].find("line 3 'DIST-ONLY'"), std::string::npos);
  auto cat = LoadCatalog(*db_, {});
  ASSERT_TRUE(cat.ok());
  auto d = cat->Distributor("SG622602R");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->qty, 80);
  EXPECT_EQ(d->lead_days, 5);
  EXPECT_FALSE(cat->Distributor("SG622600R"));

  auto shop = ImportStockContent(*db_, "sku,qty\nSG622602R,7.2\n", "shop");
  ASSERT_TRUE(shop.ok());
  EXPECT_EQ(shop->updated, 1u);
  auto cat2 = LoadCatalog(*db_, {});
  EXPECT_DOUBLE_EQ(cat2->Find("SG622602R")->stock, 7.2);
}

TEST_F(ImporterTest, FileImportUsesTheFileNameInErrors) {
  auto dir = std::filesystem::temp_directory_path() / "kira_catalog_importer_test";
  std::filesystem::create_directories(dir);
  auto path = dir / "my shop.csv";
  std::ofstream(path) << kHeader << "A,Плитка,Керамогранит,,,,,,,1,штуки,,1,active\n";
  auto r = ImportCatalogFile(*db_, path.string());
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "my shop.csv line 2, field unit: 'штуки' is not a known unit (use м2, шт, упак or "
            "кг)");
}

// A shop directory: catalog.csv first (the demo ships both), else catalog.yml; distributor.csv
// when present; NotFound without a catalog file.
TEST_F(ImporterTest, ShopDirImportsCatalogAndDistributor) {
  auto r = ImportShopDir(*db_, kDemo);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->catalog_path, kDemo + "/catalog.csv");
  EXPECT_GT(r->catalog.inserted, 0u);
  EXPECT_EQ(r->distributor_path, kDemo + "/distributor.csv");
  EXPECT_GT(r->distributor.rows, 0u);

  auto dir =
      std::filesystem::temp_directory_path() / ("kira-shopdir-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto none = ImportShopDir(*db_, dir.string());
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), Status::Code::kNotFound);
  std::filesystem::copy_file(kDemo + "/catalog.yml", dir / "catalog.yml");
  auto yml = ImportShopDir(*db_, dir.string());
  ASSERT_TRUE(yml.ok()) << yml.status().ToString();
  EXPECT_EQ(yml->catalog_path, (dir / "catalog.yml").string());
  EXPECT_TRUE(yml->distributor_path.empty());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kira::catalog
