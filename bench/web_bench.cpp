// Workspace HTTP API benchmarks (issue 4): the review queue with 100,000 leads (p99 < 50 ms per
// page) and the dashboard aggregates (< 200 ms), measured end to end — an HTTP request to a
// running WebServer on loopback, through auth, the store and JSON. Each benchmark reports
// p50/p99/max per request as counters (milliseconds).
//
//   build-*/bench/web_bench
#include <benchmark/benchmark.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>
#include <vector>

#include "bench_util.h"
#include "catalog/catalog_store.h"
#include "crm/crm_store.h"
#include "crm/sqlite/schema.h"
#include "crm/workspace_store.h"
#include "storage/sqlite.h"
#include "web/dashboard.h"
#include "web/testing/test_support.h"
#include "web/web_server.h"

namespace {

using namespace kira;
namespace fs = std::filesystem;
using bench::kChannels;
using bench::kOutcomes;
using bench::kReasons;

constexpr int kLeads = 100000;
constexpr int kOrders = 3000;
constexpr int kVeraTasks = 2000;
const char* kVera[] = {"order_placed", "refused", "no_answer", "secretary", "qualified"};

// 100,000 leads over the last 30 days, orders and Vera's tasks, written in one transaction
// straight into the CRM schema to keep set-up short; then a server on a free port.
struct Fixture {
  fs::path dir;
  std::unique_ptr<crm::CrmStore> store;
  std::unique_ptr<crm::WorkspaceStore> workspace;
  std::unique_ptr<catalog::CatalogStore> catalog;
  std::unique_ptr<web::WebServer> server;
  std::unique_ptr<web::testing::Client> client;

  Fixture() {
    dir = fs::temp_directory_path() / ("kira-web-bench-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::string path = (dir / "kira.db").string();
    Fill(path);
    auto s = crm::OpenSqliteCrmStore(path);
    if (!s.ok()) std::abort();
    store = std::move(*s);
    auto ws = crm::OpenSqliteWorkspaceStore(path);
    auto cs = catalog::OpenSqliteCatalogStore(path);
    if (!ws.ok() || !cs.ok()) std::abort();
    workspace = std::move(*ws);
    catalog = std::move(*cs);
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
  }
  ~Fixture() {
    client.reset();
    server.reset();
    store.reset();
    workspace.reset();
    catalog.reset();
    fs::remove_all(dir);
  }

  static void Fill(const std::string& p) {
    auto db = storage::Db::Open(p);
    if (!db.ok()) std::abort();
    if (!storage::Migrate(**db, "crm", crm::CrmMigrations()).ok()) std::abort();
    std::mt19937 rng(42);
    storage::Transaction tx(**db);
    auto contact =
        (*db)->Prepare("INSERT INTO contacts(phone, phone_key, created_at) VALUES(?, ?, ?)");
    auto lead = (*db)->Prepare(
        "INSERT INTO leads(contact_id, channel, source, status, qualification, outcome, reason, "
        "summary, assigned_to, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    auto order = (*db)->Prepare(
        "INSERT INTO orders(lead_id, status, total, created_at) VALUES(?, 'confirmed', ?, ?)");
    auto task = (*db)->Prepare(
        "INSERT INTO tasks(lead_id, kind, agent, status, last_result, created_at) "
        "VALUES(?, 'vera_call', 'vera', 'done', ?, ?)");
    if (!contact.ok() || !lead.ok() || !order.ok() || !task.ok()) std::abort();
    int64_t now = ToUnixMillis(Clock::System().Now());
    int64_t t0 = now - 30LL * 86400000 + 60000;
    for (int i = 0; i < kLeads; ++i) {
      int64_t at = t0 + static_cast<int64_t>(i) * 25900;
      std::string phone = "+7916" + std::to_string(1000000 + i);
      (*contact)->Bind(1, phone).Bind(2, phone).Bind(3, at);
      if (!(*contact)->Exec().ok()) std::abort();
      const char* outcome = kOutcomes[rng() % std::size(kOutcomes)];
      bool nt = std::string(outcome) == "non_targeted";
      int st = rng() % 4;
      (*lead)->Bind(1, (*db)->LastInsertId()).Bind(2, kChannels[rng() % 3]).Bind(3, "inbound");
      (*lead)->Bind(4, st == 0 ? "new" : st == 1 ? "taken" : "closed");
      (*lead)->Bind(5, nt ? "non_targeted" : "targeted").Bind(6, outcome);
      (*lead)->Bind(7, nt ? kReasons[rng() % std::size(kReasons)] : "");
      (*lead)->Bind(8, "Спрашивал плитку 60x60 серую, около 20 м², доставка в пятницу.");
      (*lead)->Bind(9, st == 1 ? "olga" : "").Bind(10, at).Bind(11, at);
      if (!(*lead)->Exec().ok()) std::abort();
      int64_t lead_id = (*db)->LastInsertId();
      if (i % (kLeads / kOrders) == 0) {
        (*order)->Bind(1, lead_id).Bind(2, 1000.0 + rng() % 90000).Bind(3, at + 60000);
        if (!(*order)->Exec().ok()) std::abort();
      }
      if (i % (kLeads / kVeraTasks) == 1) {
        (*task)->Bind(1, lead_id).Bind(2, kVera[rng() % std::size(kVera)]).Bind(3, at + 3600000);
        if (!(*task)->Exec().ok()) std::abort();
      }
    }
    contact->reset();
    lead->reset();
    order->reset();
    task->reset();
    if (!tx.Commit().ok()) std::abort();
  }
};

Fixture& F() {
  static Fixture f;
  return f;
}

void RunGet(benchmark::State& state, const std::function<std::string(std::mt19937&)>& url) {
  Fixture& f = F();
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

void BM_QueueFirstPage(benchmark::State& state) {
  RunGet(state, [](std::mt19937&) { return std::string("/api/leads?limit=50"); });
}
void BM_QueueNewFirstPage(benchmark::State& state) {
  RunGet(state, [](std::mt19937&) { return std::string("/api/leads?status=new&limit=50"); });
}
void BM_QueueDeepPage(benchmark::State& state) {
  RunGet(state, [](std::mt19937& rng) {
    return "/api/leads?limit=50&before_id=" + std::to_string(1 + rng() % kLeads);
  });
}
void BM_QueueFilteredDeepPage(benchmark::State& state) {
  RunGet(state, [](std::mt19937& rng) {
    return "/api/leads?status=new&outcome=non_targeted&channel=phone&limit=50&before_id=" +
           std::to_string(1 + rng() % kLeads);
  });
}
void BM_QueueReasonFilter(benchmark::State& state) {
  RunGet(state, [](std::mt19937&) {
    return std::string("/api/leads?outcome=non_targeted&reason=discontinued&limit=50");
  });
}
void BM_LeadPage(benchmark::State& state) {
  RunGet(state,
         [](std::mt19937& rng) { return "/api/leads/" + std::to_string(1 + rng() % kLeads); });
}
void BM_Dashboard30Days(benchmark::State& state) {
  RunGet(state, [](std::mt19937&) { return std::string("/api/dashboard"); });
}
void BM_Dashboard7DaysByDay(benchmark::State& state) {
  RunGet(state, [](std::mt19937&) {
    int64_t now = ToUnixMillis(Clock::System().Now());
    return "/api/dashboard?from=" + std::to_string(now - 7LL * 86400000) +
           "&to=" + std::to_string(now);
  });
}
void BM_Dashboard30DaysByWeek(benchmark::State& state) {
  RunGet(state, [](std::mt19937&) { return std::string("/api/dashboard?period=week"); });
}

// The aggregation alone, without HTTP: the store's tallies (SQL in SQLite), and the whole
// dashboard from them.
void BM_TallyDirect(benchmark::State& state) {
  Fixture& f = F();
  bench::Latencies lat("ms");
  int64_t now = ToUnixMillis(Clock::System().Now());
  for (auto _ : state) {
    auto t = std::chrono::steady_clock::now();
    auto r = f.store->Tally(now - 30LL * 86400000, now);
    lat.Add(std::chrono::steady_clock::now() - t);
    if (!r.ok()) state.SkipWithError(r.status().message().c_str());
  }
  lat.Report(state);
}
void BM_DashboardStoreDirect(benchmark::State& state) {
  Fixture& f = F();
  auto tz = FindZone("Europe/Moscow");
  if (!tz.ok()) std::abort();
  bench::Latencies lat("ms");
  int64_t now = ToUnixMillis(Clock::System().Now());
  for (auto _ : state) {
    auto t = std::chrono::steady_clock::now();
    auto r = web::BuildDashboard(*f.store, nullptr, {now - 30LL * 86400000, now, "day"}, **tz, "");
    lat.Add(std::chrono::steady_clock::now() - t);
    if (!r.ok()) state.SkipWithError(r.status().message().c_str());
  }
  lat.Report(state);
}

BENCHMARK(BM_QueueFirstPage)->Iterations(300)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QueueNewFirstPage)->Iterations(300)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QueueDeepPage)->Iterations(300)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QueueFilteredDeepPage)->Iterations(300)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QueueReasonFilter)->Iterations(300)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LeadPage)->Iterations(300)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Dashboard30Days)->Iterations(30)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Dashboard7DaysByDay)->Iterations(30)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Dashboard30DaysByWeek)->Iterations(30)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TallyDirect)->Iterations(20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DashboardStoreDirect)->Iterations(20)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
