// PostgreSQL (issue 12) measured in one run against what it replaces, on a real server
// started here (storage/testing/pg_server, fsync on: durable like SQLite's synchronous=FULL):
//   - CRM writes per second and the p99 of a dialog turn's writes, SQLite (arg 0) and
//     PostgreSQL (arg 1) side by side;
//   - `kira dialer plan` over 1,000,000 open tasks in PostgreSQL (target < 2 s);
//   - originations per second of one dialer node and of three, leasing tasks from one table;
//   - the web review queue and the 30-day dashboard over HTTP with 1,000,000 leads in
//     PostgreSQL (targets: queue p99 < 50 ms, dashboard p99 < 300 ms).
// The 1M tables are generated inside the server (INSERT … SELECT generate_series), about a
// minute each on 2 cores.
//
//   build/bench/pg_bench --benchmark_filter=DialogWrites
#include <benchmark/benchmark.h>
#include <sodium.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <thread>

#include "bench_util.h"
#include "catalog/catalog_store.h"
#include "crm/pg/pg_crm_store.h"
#include "crm/pg/pg_workspace_store.h"
#include "crm/sqlite/sqlite_crm_store.h"
#include "dialer/dialer.h"
#include "dialer/dialer_config.h"
#include "dialer/phone_zones.h"
#include "dialer/plan_store.h"
#include "dialer/plan_writer.h"
#include "dialer/planner.h"
#include "storage/pg.h"
#include "storage/testing/pg_server.h"
#include "web/testing/test_support.h"
#include "web/web_server.h"

namespace {

using namespace kira;
namespace fs = std::filesystem;
namespace pg = storage::pg;

constexpr int64_t kAt = 1796104800000;  // 2026-12-01T06:00:00Z, a Tuesday
constexpr int kTasks = 1000000;
constexpr int kLeads = 1000000;

struct Env {
  std::unique_ptr<storage::testing::PgServer> server;
  fs::path dir;
  Env() {
    storage::testing::PgServerOptions o;
    o.durable = true;
    auto s = storage::testing::PgServer::Start(o);
    if (!s.ok()) {
      std::fprintf(stderr, "pg_bench: %s\n", s.status().ToString().c_str());
      std::abort();
    }
    server = std::move(*s);
    dir = fs::temp_directory_path() / ("kira-pg-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
  }
  ~Env() { fs::remove_all(dir); }
  // A new database and the CRM store on it.
  std::unique_ptr<crm::CrmStore> Crm(const std::string& db, int connections = 4) {
    if (!server->CreateDatabase(db).ok()) std::abort();
    return Open(db, connections);
  }
  std::unique_ptr<crm::CrmStore> Open(const std::string& db, int connections = 4) {
    crm::PgCrmOptions o;
    o.dnc_secret_path = (dir / "dnc.key").string();
    o.connections = connections;
    auto s = crm::OpenPgCrmStore(server->Conninfo(db), o);
    if (!s.ok()) {
      std::fprintf(stderr, "pg_bench: %s\n", s.status().ToString().c_str());
      std::abort();
    }
    return std::move(*s);
  }
  void Sql(const std::string& db, const std::string& sql) {
    auto c = pg::Conn::Open(server->Conninfo(db));
    if (!c.ok()) std::abort();
    Status s = (*c)->Exec(sql);
    if (!s.ok()) {
      std::fprintf(stderr, "pg_bench: %s\n", s.ToString().c_str());
      std::abort();
    }
  }
};

Env& E() {
  static Env e;
  return e;
}

// ---- writes: what one inbound dialog writes, on each store ----

std::unique_ptr<crm::CrmStore> WriteStore(benchmark::State& state) {
  static int n = 0;
  std::string name = "writes" + std::to_string(n++);
  if (state.range(0) == 1) return E().Crm(name);
  crm::SqliteCrmOptions o;  // synchronous=FULL: durable at each commit, like PostgreSQL here
  auto s = crm::OpenSqliteCrmStore((E().dir / (name + ".db")).string(), o);
  if (!s.ok()) std::abort();
  return std::move(*s);
}

// Contact, lead, conversation, 6 turns of caller + agent, end, lead update: 17 writes. The
// counters: writes/s (items_per_second), p99 of one store call, and p99 of one dialog turn's
// writes (the caller's utterance and Kira's answer: two AppendTurn).
void BM_DialogWrites(benchmark::State& state) {
  auto store = WriteStore(state);
  bench::Latencies call, turn;
  int64_t n = 0;
  auto timed = [&](auto&& fn) {
    auto t = std::chrono::steady_clock::now();
    bool ok = fn();
    call.Add(std::chrono::steady_clock::now() - t);
    if (!ok) state.SkipWithError("store call failed");
  };
  for (auto _ : state) {
    crm::Contact person;
    person.phone = "+7903" + std::to_string(1000000 + n++);
    int64_t contact = 0, lead = 0, conv = 0;
    timed([&] {
      auto r = store->UpsertContact(person);
      contact = r.ok() ? *r : 0;
      return r.ok();
    });
    crm::Lead l;
    l.contact_id = contact;
    l.channel = "phone";
    timed([&] {
      auto r = store->CreateLead(l);
      lead = r.ok() ? *r : 0;
      return r.ok();
    });
    crm::Conversation c;
    c.lead_id = lead;
    c.agent = "kira";
    timed([&] {
      auto r = store->StartConversation(c);
      conv = r.ok() ? *r : 0;
      return r.ok();
    });
    for (int i = 0; i < 6; ++i) {
      auto t = std::chrono::steady_clock::now();
      timed([&] { return store->AppendTurn(conv, "caller", "Плитка 60x60 есть?", 0).ok(); });
      timed([&] { return store->AppendTurn(conv, "agent", "Да, 86 м² на складе.", 0).ok(); });
      turn.Add(std::chrono::steady_clock::now() - t);
    }
    c.id = conv;
    c.outcome = crm::Outcome::kInfoOnly;
    c.summary = "Спросил о наличии плитки 60x60.";
    timed([&] { return store->EndConversation(c).ok(); });
    l.id = lead;
    l.outcome = crm::Outcome::kInfoOnly;
    timed([&] { return store->UpdateLead(l).ok(); });
  }
  state.SetItemsProcessed(state.iterations() * 17);
  call.Report(state);
  turn.Report(state, "turn_");
}
BENCHMARK(BM_DialogWrites)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("postgres")
    ->MinTime(3)
    ->Unit(benchmark::kMicrosecond);

// ---- dialer plan over 1M tasks ----

// 1,000,000 open tasks like dialer_bench's (mobiles and landlines all over Russia, some with
// their own zone, a time set or attempts made), 50,000 leads of which a third came from the web
// form, and 10,000 numbers on the do-not-call list.
void FillTasks() {
  static bool done = [] {
    auto crm = E().Crm("plan");
    E().Sql("plan", R"sql(
INSERT INTO contacts(phone, phone_key, created_at)
  SELECT '+7495' || lpad(i::text, 7, '0'), '+7495' || lpad(i::text, 7, '0'), 0
  FROM generate_series(1, 50000) i;
INSERT INTO leads(contact_id, channel, source, created_at, updated_at)
  SELECT i, 'phone', CASE WHEN i % 3 = 0 THEN 'web_form' ELSE 'inbound' END, 0, 0
  FROM generate_series(1, 50000) i;
INSERT INTO tasks(lead_id, kind, agent, phone, timezone, not_before, attempts, last_attempt_at,
                  last_result, status, created_by, created_at)
  SELECT i % 50000 + 1, 'vera_call', 'vera',
         CASE WHEN i % 100 < 60 THEN '+79' || lpad(((i::bigint * 7919) % 1000000000)::text, 9, '0')
              ELSE '+7' || (ARRAY['495','499','812','401','843','846','343','383','391','395',
                                  '423','415','861','863','351','473','381','302'])[1 + i % 18]
                   || lpad(((i::bigint * 104729) % 10000000)::text, 7, '0') END,
         CASE WHEN i % 20 = 0 THEN (ARRAY['Europe/Moscow','Asia/Yekaterinburg',
              'Asia/Novosibirsk','Asia/Vladivostok','Europe/Kaliningrad'])[1 + i % 5] ELSE '' END,
         CASE WHEN i % 3 = 0 THEN 1796104800000 + ((i::bigint * 37) % 259200) * 1000 ELSE 0 END,
         CASE WHEN i % 4 = 0 THEN 1 + i % 3 ELSE 0 END,
         CASE WHEN i % 4 = 0 THEN 1796104800000 - (i % 7200) * 1000 ELSE 0 END,
         CASE WHEN i % 4 = 0 THEN 'no_answer' ELSE '' END,
         'open', 'bench', 0
  FROM generate_series(1, 1000000) i;
ANALYZE;
)sql");
    auto phones = crm->ListTasks(crm::TaskStatus::kOpen);
    if (!phones.ok()) std::abort();
    std::vector<crm::DncEntry> dnc;
    for (size_t i = 0; i < phones->size(); i += 100) {
      crm::DncEntry e;
      e.phone = (*phones)[i].phone;
      e.reason = "asked";
      e.source = "bench";
      e.added_at = kAt;
      dnc.push_back(e);
    }
    if (!crm->ImportDnc(dnc).ok()) std::abort();
    return true;
  }();
  (void)done;
}

// What `kira dialer plan` does (app/cmd_dialer.cpp): open the store, read the do-not-call
// list, then plan the tasks a page at a time (dialer::PlanStore: the calls in progress, the
// web-form leads, the open tasks by id) and write each line.
void BM_DialerPlan1M(benchmark::State& state) {
  FillTasks();
  dialer::DialerConfig cfg;
  int64_t planned = 0;
  // Where the time goes, summed over the iterations: reading the do-not-call list; reading,
  // planning and writing the tasks.
  double dnc_ms = 0, plan_ms = 0;
  auto lap = [t = std::chrono::steady_clock::now()](double* into) mutable {
    auto now = std::chrono::steady_clock::now();
    *into += std::chrono::duration<double, std::milli>(now - t).count();
    t = now;
  };
  for (auto _ : state) {
    double opened = 0;
    lap(&opened);
    auto crm = E().Open("plan", 1);
    auto dnc_list = crm->ListDnc();
    lap(&dnc_ms);
    if (!dnc_list.ok()) {
      state.SkipWithError("load failed");
      break;
    }
    dialer::ZoneDb zones;
    dialer::PhoneZoneResolver resolver(&zones, cfg.default_region);
    dialer::DncSnapshot dnc(*dnc_list);
    dialer::Planner planner(cfg, &resolver, &dnc);
    dialer::PlanWriter writer(zones, cfg, false);
    std::string out;
    planned = 0;
    Status s = dialer::PlanStore(*crm, planner, kAt, [&](const dialer::PlanEntry& e) {
      writer.Append(e, &out);
      ++planned;
      if (out.size() > (1 << 16)) out.clear();
    });
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
    out += writer.Summary(kAt);
    benchmark::DoNotOptimize(out.data());
    lap(&plan_ms);
  }
  const double n = std::max<double>(1, static_cast<double>(state.iterations()));
  state.counters["dnc_ms"] = dnc_ms / n;
  state.counters["plan_ms"] = plan_ms / n;
  state.counters["tasks"] = static_cast<double>(planned);
  state.SetItemsProcessed(state.iterations() * planned);
}
BENCHMARK(BM_DialerPlan1M)->Iterations(3)->Unit(benchmark::kMillisecond);

// ---- originations per second: one dialer node against three on one PostgreSQL ----

// Answers every call at once: the nodes and the shared store are measured, not a network.
class InstantOriginator : public dialer::Originator {
 public:
  void Originate(const dialer::CallRequest& req, Done done) override {
    benchmark::DoNotOptimize(req.task.id);
    done(dialer::CallResult{dialer::CallDisposition::kAnswered, "qualified"});
  }
};

// range(0) dialer nodes (threads, each with its own store and connections, as `kira serve`
// processes would) in lease mode dial 3,000 due tasks in Moscow through one PostgreSQL until
// every one is done. Limits far above what is reached, so each origination costs what the
// nodes and the store do: the do-not-call check, its share of a batch claim (ClaimTasksLeased:
// rows locked with SKIP LOCKED, then the shared limits' advisory lock, the count of calls in
// progress, the bucket) and the result written back (UpdateTaskIf).
// originations/s = tasks / wall time of the whole run.
void BM_LeasedOriginations(benchmark::State& state) {
  const int nodes = static_cast<int>(state.range(0));
  constexpr int kDial = 3000;
  static int run = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string db = "originate" + std::to_string(run++);
    auto seed = E().Crm(db, 1);
    E().Sql(db,
            "INSERT INTO tasks(lead_id, kind, agent, phone, timezone, not_before, status, "
            "created_by, created_at) SELECT NULL, 'vera_call', 'vera', '+7495' || "
            "lpad(i::text, 7, '0'), 'Europe/Moscow', 0, 'open', 'bench', 0 "
            "FROM generate_series(1, " +
                std::to_string(kDial) + ") i; ANALYZE;");
    dialer::DialerConfig cfg;
    cfg.max_concurrent = 100000;
    cfg.trunks = {dialer::TrunkConfig{"default", 100000, ""}};
    cfg.calls_per_second = 1e9;
    cfg.burst = 100000;
    FakeClock clock(FromUnixMillis(kAt));  // 09:00 in Moscow, a Tuesday; never moves
    dialer::ZoneDb zones;
    dialer::PhoneZoneResolver resolver(&zones, cfg.default_region);
    std::vector<std::unique_ptr<crm::CrmStore>> stores;
    std::vector<std::unique_ptr<InstantOriginator>> nets;
    std::vector<std::unique_ptr<dialer::Dialer>> dialers;
    for (int i = 0; i < nodes; ++i) {
      stores.push_back(E().Open(db, 2));
      nets.push_back(std::make_unique<InstantOriginator>());
      dialer::DialerOptions o;
      o.node = "node" + std::to_string(i);
      o.max_per_tick = 50;
      o.refresh_ms = INT64_MAX / 4;  // each node loads the task table once, at Start
      dialers.push_back(std::make_unique<dialer::Dialer>(stores[i].get(), nets[i].get(), cfg,
                                                         &resolver, &clock, o));
      if (!dialers.back()->Start().ok()) {
        state.SkipWithError("start failed");
        return;
      }
    }
    state.ResumeTiming();
    std::vector<std::thread> threads;
    for (int i = 0; i < nodes; ++i) {
      threads.emplace_back([&, i] {
        dialer::Dialer& d = *dialers[i];
        for (int idle = 0; idle < 3;) {  // until a tick dials nothing and nothing is in flight
          auto r = d.Tick();
          if (!r.ok()) std::abort();
          idle = (*r == 0 && d.in_flight() == 0) ? idle + 1 : 0;
        }
      });
    }
    for (auto& t : threads) t.join();
    state.PauseTiming();
    auto done = seed->ListTasks(crm::TaskStatus::kDone);
    int64_t originated = 0, lost = 0, skipped = 0;
    for (const auto& d : dialers) {
      originated += d->stats().originated;
      lost += d->stats().claim_lost;
      skipped += d->stats().claim_skipped;
    }
    state.counters["claims_lost"] = static_cast<double>(lost);
    state.counters["claims_skipped"] = static_cast<double>(skipped);
    if (!done.ok() || done->size() != static_cast<size_t>(kDial) || originated != kDial) {
      state.SkipWithError("not every task was dialled exactly once");
      return;
    }
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kDial);
  state.counters["originations/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * kDial), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_LeasedOriginations)
    ->Arg(1)
    ->Arg(3)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// ---- the web workspace over 1M leads ----

struct Web {
  std::unique_ptr<crm::CrmStore> store;
  std::unique_ptr<crm::WorkspaceStore> workspace;
  std::unique_ptr<catalog::CatalogStore> catalog;
  std::unique_ptr<web::WebServer> server;
  std::unique_ptr<web::testing::Client> client;

  Web() {
    store = E().Crm("web", 8);
    int64_t now = ToUnixMillis(Clock::System().Now());
    int64_t t0 = now - 30LL * 86400000 + 60000;
    // 1M leads over the last 30 days, the outcome mix and statuses of web_bench; an order per
    // 100 leads, a Vera call per 50.
    E().Sql("web",
            "INSERT INTO contacts(phone, phone_key, created_at) SELECT '+7916' || "
            "lpad(i::text, 7, '0'), '+7916' || lpad(i::text, 7, '0'), " +
                std::to_string(t0) + " + i::bigint * 2590 FROM generate_series(1, " +
                std::to_string(kLeads) + ") i");
    E().Sql("web", R"sql(
INSERT INTO leads(contact_id, channel, source, status, qualification, outcome, reason, summary,
                  assigned_to, created_at, updated_at)
  SELECT c.id, (ARRAY['phone','chat','web'])[1 + c.id % 3], 'inbound',
         (ARRAY['new','taken','closed','closed'])[1 + (c.id * 7) % 4],
         CASE WHEN (c.id * 13) % 8 = 0 THEN 'non_targeted' ELSE 'targeted' END,
         (ARRAY['non_targeted','info_only','order_placed','qualified','callback_scheduled',
                'prank','transferred','abusive'])[1 + (c.id * 13) % 8],
         CASE WHEN (c.id * 13) % 8 = 0 THEN (ARRAY['discontinued','out_of_stock','not_sold',
              'small_quantity','unclear'])[1 + (c.id * 17) % 5] ELSE '' END,
         'Спрашивал плитку 60x60 серую, около 20 м², доставка в пятницу.',
         CASE WHEN (c.id * 7) % 4 = 1 THEN 'olga' ELSE '' END, c.created_at, c.created_at
  FROM contacts c ORDER BY c.id;
INSERT INTO orders(lead_id, status, total, created_at)
  SELECT id, 'confirmed', 1000 + (id * 31) % 90000, created_at + 60000 FROM leads
  WHERE id % 100 = 0;
INSERT INTO tasks(lead_id, kind, agent, status, last_result, created_at)
  SELECT id, 'vera_call', 'vera', 'done',
         (ARRAY['qualified','no_answer','callback_scheduled','voicemail'])[1 + id % 4],
         created_at + 3600000 FROM leads WHERE id % 50 = 1;
ANALYZE;
)sql");
    auto ws = crm::OpenPgWorkspaceStore(E().server->Conninfo("web"));
    auto cs = catalog::OpenSqliteCatalogStore(":memory:");
    if (!ws.ok() || !cs.ok()) std::abort();
    workspace = std::move(*ws);
    catalog = std::move(*cs);
    web::WebConfig cfg;
    cfg.port = 0;
    cfg.data_dir = E().dir.string();
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
};

Web& W() {
  static Web w;
  return w;
}

void RunGet(benchmark::State& state, const std::function<std::string(std::mt19937&)>& url) {
  Web& w = W();
  std::mt19937 rng(7);
  bench::Latencies lat("ms");
  for (auto _ : state) {
    std::string u = url(rng);
    auto t = std::chrono::steady_clock::now();
    auto r = w.client->Get(u);
    lat.Add(std::chrono::steady_clock::now() - t);
    if (!r || r->status != 200) {
      state.SkipWithError(("GET " + u + " failed").c_str());
      break;
    }
  }
  lat.Report(state);
}

void BM_PgQueueFirstPage(benchmark::State& state) {
  RunGet(state, [](std::mt19937&) { return std::string("/api/leads?limit=50"); });
}
void BM_PgQueueDeepPage(benchmark::State& state) {
  RunGet(state, [](std::mt19937& rng) {
    return "/api/leads?limit=50&before_id=" + std::to_string(1 + rng() % kLeads);
  });
}
void BM_PgQueueFilteredDeepPage(benchmark::State& state) {
  RunGet(state, [](std::mt19937& rng) {
    return "/api/leads?status=new&outcome=non_targeted&channel=phone&limit=50&before_id=" +
           std::to_string(1 + rng() % kLeads);
  });
}
void BM_PgQueueReasonFilter(benchmark::State& state) {
  RunGet(state, [](std::mt19937&) {
    return std::string("/api/leads?outcome=non_targeted&reason=discontinued&limit=50");
  });
}
void BM_PgDashboard30Days(benchmark::State& state) {
  RunGet(state, [](std::mt19937&) { return std::string("/api/dashboard"); });
}
BENCHMARK(BM_PgQueueFirstPage)->Iterations(300)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PgQueueDeepPage)->Iterations(300)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PgQueueFilteredDeepPage)->Iterations(300)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PgQueueReasonFilter)->Iterations(300)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PgDashboard30Days)->Iterations(30)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
