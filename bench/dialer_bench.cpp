// Dialer benchmarks: the dry-run plan over 1,000,000 open tasks (target < 2 s), single planner
// decisions per second, the plan including loading the tasks from SQLite, and the live Dialer's
// originations per second against a real SQLite store (target: policy must not limit 170/s).
//
//   ./dialer_bench --benchmark_filter=Plan
//   KIRA_BENCH_LARGE=1 ./dialer_bench --benchmark_filter=Sqlite   # 1M tasks loaded from SQLite
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "core/clock.h"
#include "crm/sqlite/sqlite_crm_store.h"
#include "dialer/dialer.h"
#include "dialer/planner.h"

namespace kira::dialer {
namespace {

const int64_t kAt = 1796104800000;  // 2026-12-01T06:00:00Z, a Tuesday

// Russian numbers as a shop sees them: mostly mobiles, the rest landlines all over the country,
// a few leads with their own zone, some with preferred times and earlier attempts.
std::vector<crm::Task> MakeTasks(size_t n, uint32_t seed = 42) {
  static const char* kAbc[] = {"495", "499", "812", "401", "843", "846", "343", "383", "391",
                               "395", "423", "415", "861", "863", "351", "473", "381", "302"};
  static const char* kOwn[] = {"Europe/Moscow", "Asia/Yekaterinburg", "Asia/Novosibirsk",
                               "Asia/Vladivostok", "Europe/Kaliningrad"};
  std::mt19937 rng(seed);
  std::vector<crm::Task> tasks(n);
  for (size_t i = 0; i < n; ++i) {
    crm::Task& t = tasks[i];
    t.id = static_cast<int64_t>(i + 1);
    t.lead_id = static_cast<int64_t>(i % 50000 + 1);
    t.kind = crm::TaskKind::kVeraCall;
    t.agent = "vera";
    char buf[16];
    uint32_t r = rng() % 100;
    uint32_t sub = rng() % 10000000;
    if (r < 60) {
      std::snprintf(buf, sizeof buf, "+79%02u%07u", static_cast<unsigned>(rng() % 100), sub);
    } else {
      std::snprintf(buf, sizeof buf, "+7%s%07u", kAbc[rng() % std::size(kAbc)], sub);
    }
    t.phone = buf;
    if (r % 20 == 0) t.timezone = kOwn[rng() % std::size(kOwn)];
    if (rng() % 3 == 0) t.not_before = kAt + static_cast<int64_t>(rng() % (3 * 86400)) * 1000;
    if (rng() % 4 == 0) {
      t.attempts = 1 + static_cast<int>(rng() % 3);
      t.last_attempt_at = kAt - static_cast<int64_t>(rng() % 7200) * 1000;
      t.last_result = "no_answer";
    }
  }
  return tasks;
}

std::vector<crm::DncEntry> MakeDnc(const std::vector<crm::Task>& tasks) {
  std::vector<crm::DncEntry> out;
  for (size_t i = 0; i < tasks.size(); i += 100) out.push_back({tasks[i].phone, "import", "", 0});
  return out;
}

void CountVerdicts(benchmark::State& state, const std::vector<PlanEntry>& plan) {
  int64_t c[3] = {0, 0, 0};
  for (const auto& e : plan) ++c[static_cast<int>(e.decision.verdict)];
  state.counters["dial"] = static_cast<double>(c[0]);
  state.counters["wait"] = static_cast<double>(c[1]);
  state.counters["close"] = static_cast<double>(c[2]);
}

// Tasks already in memory, planner caches warm (the steady state of a running dialer).
void BM_Plan1M_InMemory(benchmark::State& state) {
  auto tasks = MakeTasks(static_cast<size_t>(state.range(0)));
  auto dnc_entries = MakeDnc(tasks);
  DialerConfig cfg;
  ZoneDb db;
  PhoneZoneResolver resolver(&db);
  DncSnapshot dnc(dnc_entries);
  Planner planner(cfg, &resolver, &dnc);
  std::vector<PlanEntry> plan;
  for (auto _ : state) {
    plan = Plan(planner, tasks, kAt, 0, [](int64_t lead) { return lead % 3 == 0; });
    benchmark::DoNotOptimize(plan.data());
  }
  CountVerdicts(state, plan);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Plan1M_InMemory)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(3);

// Everything from scratch: tz files read, numbers classified by libphonenumber, DNC set built.
void BM_Plan1M_Cold(benchmark::State& state) {
  auto tasks = MakeTasks(static_cast<size_t>(state.range(0)));
  auto dnc_entries = MakeDnc(tasks);
  DialerConfig cfg;
  for (auto _ : state) {
    ZoneDb db;
    PhoneZoneResolver resolver(&db);
    DncSnapshot dnc(dnc_entries);
    Planner planner(cfg, &resolver, &dnc);
    auto plan = Plan(planner, tasks, kAt, 0, [](int64_t lead) { return lead % 3 == 0; });
    benchmark::DoNotOptimize(plan.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Plan1M_Cold)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(3);

// One decision at a time, as the live dialer makes them.
void BM_PlannerDecision(benchmark::State& state) {
  auto tasks = MakeTasks(100000);
  auto dnc_entries = MakeDnc(tasks);
  DialerConfig cfg;
  ZoneDb db;
  PhoneZoneResolver resolver(&db);
  DncSnapshot dnc(dnc_entries);
  Planner planner(cfg, &resolver, &dnc);
  size_t i = 0;
  int64_t now = kAt;
  for (auto _ : state) {
    Decision d = planner.Evaluate(tasks[i], now, false);
    benchmark::DoNotOptimize(d);
    if (++i == tasks.size()) i = 0;
    now += 7;  // time moves on
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PlannerDecision);

std::string TempDir(const char* name) {
  auto dir = std::filesystem::temp_directory_path() /
             (std::string(name) + "-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::unique_ptr<crm::CrmStore> OpenStore(const std::string& path, const Clock* clock,
                                         bool durable = false) {
  crm::SqliteCrmOptions o;
  o.clock = clock;
  o.synchronous_full = durable;
  auto s = crm::OpenSqliteCrmStore(path, o);
  if (!s.ok()) std::fprintf(stderr, "%s\n", s.status().ToString().c_str());
  return s.ok() ? std::move(s).value() : nullptr;
}

// Fills a store with leads and `n` open tasks through the CrmStore interface.
bool Fill(crm::CrmStore& crm, const std::vector<crm::Task>& tasks, size_t leads) {
  for (size_t i = 0; i < leads; ++i) {
    crm::Contact c;
    c.phone = "+7495" + std::to_string(1000000 + i);
    auto cid = crm.UpsertContact(c);
    if (!cid.ok()) return false;
    crm::Lead l;
    l.contact_id = cid.value();
    l.source = i % 3 == 0 ? "web_form" : "inbound";
    if (!crm.CreateLead(l).ok()) return false;
  }
  for (crm::Task t : tasks) {
    t.id = 0;
    t.lead_id = t.lead_id % static_cast<int64_t>(leads) + 1;
    if (!crm.CreateTask(t).ok()) return false;
  }
  return true;
}

// The plan as `kira dialer plan` runs it: tasks, DNC and leads read from SQLite, then planned.
void BM_Plan_WithSqliteLoad(benchmark::State& state) {
  size_t n = static_cast<size_t>(state.range(0));
  std::string dir = TempDir("kira-dialer-bench");
  auto tasks = MakeTasks(n);
  {
    auto crm = OpenStore(dir + "/kira.db", nullptr);
    if (!crm || !Fill(*crm, tasks, 5000)) {
      state.SkipWithError("cannot fill the store");
      return;
    }
    for (const auto& e : MakeDnc(tasks)) (void)crm->AddDnc(e);
  }
  DialerConfig cfg;
  for (auto _ : state) {
    auto crm = OpenStore(dir + "/kira.db", nullptr);
    auto open = crm->ListTasks(crm::TaskStatus::kOpen);
    auto dnc_list = crm->ListDnc();
    if (!open.ok() || !dnc_list.ok()) {
      state.SkipWithError("load failed");
      break;
    }
    ZoneDb db;
    PhoneZoneResolver resolver(&db);
    DncSnapshot dnc(*dnc_list);
    Planner planner(cfg, &resolver, &dnc);
    auto plan = Plan(planner, *open, kAt, 0, [](int64_t lead) { return lead % 3 == 0; });
    benchmark::DoNotOptimize(plan.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_Plan_WithSqliteLoad)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();
// Filling a million tasks through CrmStore::CreateTask takes minutes: only on request.
const bool kLarge = [] {
  if (const char* e = std::getenv("KIRA_BENCH_LARGE"); e && *e == '1') {
    benchmark::RegisterBenchmark("BM_Plan_WithSqliteLoad", BM_Plan_WithSqliteLoad)
        ->Arg(1000000)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1)
        ->UseRealTime();
  }
  return true;
}();

// Answers every call at once, so the benchmark measures the dialer and the store, not a network.
class InstantOriginator : public Originator {
 public:
  void Originate(const CallRequest& req, Done done) override {
    benchmark::DoNotOptimize(req.task.id);
    done(CallResult{CallDisposition::kAnswered, "qualified"});
  }
};

// The live path per origination: planner verdict, admission, DNC read, lead read, claim, and
// (on the next tick) the result written back with an audit entry.
// range(0): 1 = synchronous=FULL (every commit fsync'ed, the store's default), 0 = NORMAL.
void BM_DialerOriginations(benchmark::State& state) {
  std::string dir = TempDir("kira-dialer-live");
  FakeClock clock(FromUnixMillis(kAt));
  auto crm = OpenStore(dir + "/kira.db", &clock, state.range(0) == 1);
  size_t n = 20000;
  auto tasks = MakeTasks(n, 7);
  for (auto& t : tasks) {
    t.not_before = 0;
    t.attempts = 0;
    t.last_attempt_at = 0;
    t.timezone = "Europe/Moscow";  // all due now
  }
  if (!crm || !Fill(*crm, tasks, 1000)) {
    state.SkipWithError("cannot fill the store");
    return;
  }
  DialerConfig cfg;
  cfg.max_concurrent = 1000000;
  cfg.trunks = {TrunkConfig{"default", 1000000, ""}};
  cfg.calls_per_second = 1e9;
  cfg.burst = 1000000;
  ZoneDb db;
  PhoneZoneResolver resolver(&db);
  InstantOriginator net;
  DialerOptions opts;
  opts.max_per_tick = 100;
  opts.refresh_ms = INT64_MAX / 4;
  Dialer dialer(crm.get(), &net, cfg, &resolver, &clock, opts);
  if (!dialer.Start().ok()) {
    state.SkipWithError("start failed");
    return;
  }
  int64_t total = 0;
  for (auto _ : state) {
    auto r = dialer.Tick();  // applies the previous tick's results, then dials up to 100
    if (!r.ok() || r.value() == 0) {
      state.SkipWithError("ran out of tasks; lower the iteration count");
      break;
    }
    total += r.value();
  }
  state.SetItemsProcessed(total);
  state.counters["originations/s"] =
      benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_DialerOriginations)
    ->Arg(0)
    ->Arg(1)
    ->Iterations(150)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace kira::dialer

BENCHMARK_MAIN();
