// Catalog benchmarks over a generated 100,000-item catalog: CSV import into SQLite, loading and
// indexing, search latency (p50/p99 over realistic caller phrases), analogs.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>

#include "catalog/catalog_store.h"
#include "catalog/importer.h"
#include "catalog/testing/synthetic_catalog.h"
#include "core/text.h"

namespace {

using namespace kira;
constexpr size_t kItems = 100000;

// Microseconds of CPU this thread used: on a shared, loaded machine the wall clock of a
// ~100 µs call mostly measures the scheduler, so both are reported.
double ThreadCpuUs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e6 + double(ts.tv_nsec) / 1e3;
}

struct Percentiles {
  std::vector<double> wall, cpu;
  void Report(benchmark::State& state) {
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    state.counters["p50_us"] = wall[wall.size() / 2];
    state.counters["p99_us"] = wall[wall.size() * 99 / 100];
    state.counters["cpu_p50_us"] = cpu[cpu.size() / 2];
    state.counters["cpu_p99_us"] = cpu[cpu.size() * 99 / 100];
  }
};

template <typename F>
void Timed(Percentiles& p, F&& f) {
  double c0 = ThreadCpuUs();
  auto t0 = std::chrono::steady_clock::now();
  f();
  auto t1 = std::chrono::steady_clock::now();
  p.cpu.push_back(ThreadCpuUs() - c0);
  p.wall.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
}

const std::string& Csv() {
  static const std::string csv = catalog::GenerateCatalogCsv(kItems, 42);
  return csv;
}

std::filesystem::path TempDir() {
  auto dir = std::filesystem::temp_directory_path() / "kira_catalog_bench";
  std::filesystem::create_directories(dir);
  return dir;
}

catalog::Lexicon DemoLexicon() {
  auto lex = catalog::LoadLexicon(std::string(KIRA_DEMO_DIR) + "/lexicon.yaml");
  return lex.ok() ? lex.value() : catalog::Lexicon{};
}

// A file database holding the imported 100k catalog (built once).
storage::Db& ImportedDb() {
  static std::unique_ptr<storage::Db> db = [] {
    auto path = TempDir() / "loaded.db";
    std::filesystem::remove(path);
    auto d = storage::Db::Open(path.string());
    auto r = catalog::ImportCatalogContent(**d, Csv(), "synthetic.csv");
    if (!r.ok()) std::abort();
    auto products = catalog::GenerateCatalog(kItems, 42);
    if (!catalog::ImportStockContent(**d, catalog::GenerateDistributorCsv(products, 42),
                                     "distributor")
             .ok())
      std::abort();
    return std::move(d.value());
  }();
  return *db;
}

const catalog::Catalog& Loaded() {
  static catalog::Catalog cat =
      std::move(catalog::LoadCatalog(ImportedDb(), DemoLexicon()).value());
  return cat;
}

void BM_ImportCsv100k(benchmark::State& state) {
  const std::string& csv = Csv();
  for (auto _ : state) {
    state.PauseTiming();
    auto path = TempDir() / "import.db";
    std::filesystem::remove(path);
    std::filesystem::remove(path.string() + "-wal");
    auto db = storage::Db::Open(path.string());
    state.ResumeTiming();
    auto r = catalog::ImportCatalogContent(**db, csv, "synthetic.csv");
    if (!r.ok() || r->inserted != kItems) state.SkipWithError("import failed");
  }
  state.counters["rows"] = kItems;
}
BENCHMARK(BM_ImportCsv100k)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_ReimportCsv100k(benchmark::State& state) {
  storage::Db& db = ImportedDb();
  for (auto _ : state) {
    auto r = catalog::ImportCatalogContent(db, Csv(), "synthetic.csv");
    if (!r.ok() || r->updated != kItems) state.SkipWithError("re-import failed");
  }
}
BENCHMARK(BM_ReimportCsv100k)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_ParseCsv100k(benchmark::State& state) {
  for (auto _ : state) {
    auto r = catalog::ParseCatalogCsv(Csv(), nullptr);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ParseCsv100k)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_LoadCatalog100k(benchmark::State& state) {
  storage::Db& db = ImportedDb();
  catalog::Lexicon lex = DemoLexicon();
  for (auto _ : state) {
    auto cat = catalog::LoadCatalog(db, lex);
    if (!cat.ok() || cat->size() != kItems) state.SkipWithError("load failed");
    benchmark::DoNotOptimize(cat);
  }
}
BENCHMARK(BM_LoadCatalog100k)->Unit(benchmark::kMillisecond)->Iterations(3);

const std::vector<std::string>& Queries() {
  static const std::vector<std::string> q = [] {
    std::vector<std::string> raw = {
        "монте тиберио серый шестьдесят на шестьдесят",
        "у вас есть керамогранит kerama marazzi серый 60 на 120",
        "церезит белая затирка",
        "затирка литокол серая в наличии",
        "итальон рома лаппатированный",
        "эстима лофт бежевый 30 на 60 сколько стоит",
        "grey porcelain tile sixty by sixty",
        "do you have white grout",
        "клей для плитки юнис двадцать пять килограмм",
        "крестики для плитки два миллиметра",
        "плиткорез ручной",
        "монте тибирио серый",  // typo
        "калакатта белый полированный 60 на 120",
        "витра травертино бежевый матовый",
        "шахтинская плитка доломиты",
        "хочу серую плитку в ванную двадцать на шестьдесят",
        "атлас конкорд мармо белый 120 на 120",
        "beige matt porcelain thirty by sixty",
        "graphite structured tile 60 by 60",
        "нужна затирка эпоксидная черная",
    };
    std::vector<std::string> out;
    for (const auto& s : raw) out.push_back(text::Canonical(s));
    return out;
  }();
  return q;
}

void BM_Search100k(benchmark::State& state) {
  const catalog::Catalog& cat = Loaded();
  const auto& queries = Queries();
  cat.Search(queries[0]);  // this thread's scratch buffers
  Percentiles pc;
  size_t i = 0, hits = 0;
  for (auto _ : state) {
    Timed(pc, [&] { hits += !cat.Search(queries[i++ % queries.size()]).empty(); });
  }
  pc.Report(state);
  state.counters["hit_rate"] = double(hits) / double(pc.wall.size());
}
BENCHMARK(BM_Search100k)->Unit(benchmark::kMicrosecond);

// Probe F1: one word of state.range(0) letters (600 cost 15.5 s and 1.56 GB before the search
// limits, 900 cost 79 s and 3.7 GB). Now words over SearchLimits::max_word_letters are dropped.
void BM_SearchLongWord100k(benchmark::State& state) {
  const catalog::Catalog& cat = Loaded();
  std::string q;
  for (int64_t i = 0; i < state.range(0); ++i) q += i % 2 ? "а" : "б";
  q = text::Canonical(q);
  for (auto _ : state) benchmark::DoNotOptimize(cat.Search(q));
}
BENCHMARK(BM_SearchLongWord100k)->Arg(600)->Arg(900)->Unit(benchmark::kMicrosecond);

void BM_Extract100k(benchmark::State& state) {
  const catalog::Catalog& cat = Loaded();
  const auto& queries = Queries();
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(cat.Extract(queries[i++ % queries.size()]));
}
BENCHMARK(BM_Extract100k)->Unit(benchmark::kMicrosecond);

void BM_FindAnalogs100k(benchmark::State& state) {
  const catalog::Catalog& cat = Loaded();
  std::vector<const catalog::Product*> targets;
  for (const auto& p : cat.products())
    if (p.discontinued && p.category == "Керамогранит") targets.push_back(&p);
  Percentiles pc;
  size_t i = 0;
  for (auto _ : state) {
    Timed(pc,
          [&] { benchmark::DoNotOptimize(cat.FindAnalogs(*targets[i++ % targets.size()], 3)); });
  }
  pc.Report(state);
}
BENCHMARK(BM_FindAnalogs100k)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
