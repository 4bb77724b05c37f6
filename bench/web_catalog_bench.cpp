// The workspace's catalog page over 100,000 products (issue 13: p99 < 50 ms per page), end to
// end — an HTTP request to a running WebServer on loopback, through auth, paging, search and
// filters, and JSON. Part of web_bench (its main is in web_bench.cpp); p50/p99/max per request
// are counters in milliseconds.
#include <benchmark/benchmark.h>
#include <sodium.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <random>
#include <string>

#include "bench_util.h"
#include "catalog/catalog_store.h"
#include "catalog/testing/synthetic_catalog.h"
#include "crm/crm_store.h"
#include "crm/workspace_store.h"
#include "web/testing/test_support.h"
#include "web/web_server.h"

namespace {

using namespace kira;
namespace fs = std::filesystem;

constexpr size_t kProducts = 100000;

// 100,000 generated products imported through the real importer, then a server on a free port.
struct CatalogFixture {
  fs::path dir;
  std::unique_ptr<crm::CrmStore> store;
  std::unique_ptr<crm::WorkspaceStore> workspace;
  std::unique_ptr<catalog::CatalogStore> catalog;
  std::unique_ptr<web::WebServer> server;
  std::unique_ptr<web::testing::Client> client;
  std::vector<std::string> words;  // search words taken from product names

  CatalogFixture() {
    dir = fs::temp_directory_path() / ("kira-web-catalog-bench-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::string path = (dir / "kira.db").string();
    auto s = crm::OpenSqliteCrmStore(path);
    auto ws = crm::OpenSqliteWorkspaceStore(path);
    auto cs = catalog::OpenSqliteCatalogStore(path);
    if (!s.ok() || !ws.ok() || !cs.ok()) std::abort();
    store = std::move(*s);
    workspace = std::move(*ws);
    catalog = std::move(*cs);
    if (!catalog->ImportCatalog(catalog::GenerateCatalogCsv(kProducts, 42), "synthetic.csv").ok())
      std::abort();
    web::WebConfig cfg;
    cfg.port = 0;
    cfg.data_dir = dir.string();
    cfg.store = store.get();
    cfg.workspace = workspace.get();
    cfg.catalog = catalog.get();
    cfg.profile.timezone = "Europe/Moscow";
    cfg.auth.ops_limit = crypto_pwhash_OPSLIMIT_MIN;
    cfg.auth.mem_limit = crypto_pwhash_MEMLIMIT_MIN;
    server = std::make_unique<web::WebServer>(std::move(cfg));
    if (!server->Start().ok()) std::abort();
    if (!server->auth()->AddUser("bench", "manager", "bench password").ok()) std::abort();
    client = std::make_unique<web::testing::Client>(server->port());
    if (!client->Login("bench", "bench password")) std::abort();
    words = {"серый",   "бежевый 60x60", "керамогранит матовый", "затирка белая", "клей",
             "мозаика", "30x60",         "белый глянцевый"};
  }
  ~CatalogFixture() {
    client.reset();
    server.reset();
    fs::remove_all(dir);
  }
};

CatalogFixture& F() {
  static CatalogFixture f;
  return f;
}

void RunGet(benchmark::State& state, const std::function<std::string(std::mt19937&)>& url) {
  CatalogFixture& f = F();
  std::mt19937 rng(7);
  bench::Latencies lat("ms");
  size_t bytes = 0;
  for (auto _ : state) {
    std::string u = url(rng);
    auto t = std::chrono::steady_clock::now();
    auto r = f.client->Get(u);
    lat.Add(std::chrono::steady_clock::now() - t);
    if (!r || r->status != 200) {
      state.SkipWithError(("GET " + u + " failed").c_str());
      break;
    }
    bytes += r->body.size();
  }
  state.counters["bytes_per_req"] =
      benchmark::Counter(static_cast<double>(bytes), benchmark::Counter::kAvgIterations);
  lat.Report(state);
}

std::string Enc(const std::string& s) {
  std::string out;
  char buf[4];
  for (unsigned char c : s) {
    if (isalnum(c)) {
      out += static_cast<char>(c);
    } else {
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// The page as it opens: the first 50 of 100,000.
void BM_CatalogFirstPage(benchmark::State& state) {
  RunGet(state, [](std::mt19937&) { return std::string("/api/catalog/products?limit=50"); });
}
// A random deep page with the in-stock and "only active" filters (a full pass over the list).
void BM_CatalogFilteredDeepPage(benchmark::State& state) {
  RunGet(state, [](std::mt19937& rng) {
    return "/api/catalog/products?limit=50&in_stock=1&discontinued=hide&offset=" +
           std::to_string(50 * (rng() % 1000));
  });
}
// A category filter with a deep page.
void BM_CatalogCategoryPage(benchmark::State& state) {
  RunGet(state, [](std::mt19937& rng) {
    return "/api/catalog/products?limit=50&category=" + Enc("Керамогранит") +
           "&offset=" + std::to_string(50 * (rng() % 20));
  });
}
// Free-text search, first or second page, with filters.
void BM_CatalogSearchPage(benchmark::State& state) {
  RunGet(state, [](std::mt19937& rng) {
    const auto& w = F().words[rng() % F().words.size()];
    return "/api/catalog/products?limit=50&q=" + Enc(w) + (rng() % 2 ? "&in_stock=1" : "") +
           "&offset=" + std::to_string(50 * (rng() % 2));
  });
}
// The category filter's list (counts over the whole catalog).
void BM_CatalogCategories(benchmark::State& state) {
  RunGet(state, [](std::mt19937&) { return std::string("/api/catalog/categories"); });
}

BENCHMARK(BM_CatalogFirstPage)->Iterations(300)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CatalogFilteredDeepPage)->Iterations(300)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CatalogCategoryPage)->Iterations(300)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CatalogSearchPage)->Iterations(300)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CatalogCategories)->Iterations(100)->Unit(benchmark::kMillisecond);

}  // namespace
