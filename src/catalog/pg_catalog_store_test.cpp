// The PostgreSQL CatalogStore against a real server (storage/testing/pg_server: one server for
// the binary, a fresh database per test): the shared conformance suite, a generated catalog
// of 2,000 products with its distributor feed loaded back as imported, and two nodes importing
// at once. Label pg.
#include "catalog/pg_catalog_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "catalog/testing/catalog_store_conformance.h"
#include "catalog/testing/synthetic_catalog.h"
#include "storage/testing/pg_server.h"

namespace kira::catalog {
namespace {

namespace fs = std::filesystem;

storage::testing::PgServer* g_server = nullptr;

class PgEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    auto s = storage::testing::PgServer::Start();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    g_server = std::move(*s).release();
  }
  void TearDown() override {
    delete g_server;
    g_server = nullptr;
  }
};
const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new PgEnvironment);

// A database per scratch directory, named in a file there so reopening finds it.
Result<std::string> DatabaseFor(const std::string& dir) {
  if (!g_server) return Status::Unavailable("no PostgreSQL test server");
  static std::atomic<int> counter{0};
  const fs::path marker = fs::path(dir) / "database";
  std::string name;
  if (fs::exists(marker)) {
    std::ifstream(marker) >> name;
  } else {
    name = "cat_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    KIRA_RETURN_IF_ERROR(g_server->CreateDatabase(name));
    std::ofstream(marker) << name;
  }
  return g_server->Uri(name);
}

Result<std::unique_ptr<CatalogStore>> OpenInDir(const std::string& dir) {
  KIRA_ASSIGN_OR_RETURN(std::string uri, DatabaseFor(dir));
  return OpenCatalogStore(uri);  // chosen by the postgres:// URL, as `kira --db` does
}

INSTANTIATE_TEST_SUITE_P(Postgres, CatalogStoreConformance,
                         ::testing::Values(CatalogStoreFactory{"postgres", OpenInDir, true}),
                         CatalogStoreFactoryName);

class PgCatalogStoreTest : public CatalogStoreConformance {};
INSTANTIATE_TEST_SUITE_P(Postgres, PgCatalogStoreTest,
                         ::testing::Values(CatalogStoreFactory{"postgres", OpenInDir, true}),
                         CatalogStoreFactoryName);

TEST_P(PgCatalogStoreTest, AGeneratedCatalogLoadsBackAsImported) {
  std::vector<Product> generated = GenerateCatalog(2000, 3);
  auto rep = store().ImportCatalog(GenerateCatalogCsv(2000, 3), "synthetic.csv");
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->inserted, 2000u);
  auto stock = store().ImportStock(GenerateDistributorCsv(generated, 3), "distributor", "d.csv");
  ASSERT_TRUE(stock.ok()) << stock.status().ToString();
  Reopen();
  auto cat = store().Load({});
  ASSERT_TRUE(cat.ok()) << cat.status().ToString();
  ASSERT_EQ(cat->size(), 2000u);
  for (size_t i = 0; i < generated.size(); i += 37) {
    const Product* p = cat->Find(generated[i].sku);
    ASSERT_NE(p, nullptr) << generated[i].sku;
    EXPECT_EQ(p->name, generated[i].name);
    EXPECT_EQ(p->format, generated[i].format);
    EXPECT_DOUBLE_EQ(p->price, generated[i].price);
    EXPECT_DOUBLE_EQ(p->stock, generated[i].stock);
    EXPECT_EQ(p->box_m2.has_value(), generated[i].box_m2.has_value());
    EXPECT_EQ(p->discontinued, generated[i].discontinued);
  }
  // Replace: a file listing half the products removes the others, in one transaction.
  std::string half = GenerateCatalogCsv(1000, 3);
  CatalogImportOptions replace;
  replace.replace = true;
  auto r2 = store().ImportCatalog(half, "half.csv", replace);
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ(r2->updated, 1000u);
  EXPECT_EQ(r2->removed, 1000u);
  EXPECT_EQ(store().Load({})->size(), 1000u);
}

// Two nodes import different catalogs at the same moment: each import is whole, one after
// the other, so the result is exactly one of the two files, never a mix.
TEST_P(PgCatalogStoreTest, ImportsFromTwoNodesAtOnceAreEachWhole) {
  auto other = OpenInDir(dir_);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  CatalogImportOptions replace;
  replace.replace = true;
  const std::string a = GenerateCatalogCsv(1500, 11), b = GenerateCatalogCsv(900, 12);
  std::atomic<int> failures{0};
  std::thread t1([&] { failures += !store().ImportCatalog(a, "a.csv", replace).ok(); });
  std::thread t2([&] { failures += !(*other)->ImportCatalog(b, "b.csv", replace).ok(); });
  t1.join();
  t2.join();
  EXPECT_EQ(failures.load(), 0);
  auto cat = store().Load({});
  ASSERT_TRUE(cat.ok());
  EXPECT_TRUE(cat->size() == 1500u || cat->size() == 900u) << cat->size();
}

}  // namespace
}  // namespace kira::catalog
