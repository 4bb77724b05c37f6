// The PostgreSQL CrmStore and WorkspaceStore against a real server (storage/testing/pg_server:
// one server for the binary, a fresh database per test): the shared conformance suites, tasks
// claimed exactly once by several nodes at once, and a server restart under the store.
#include "crm/pg/pg_crm_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "crm/pg/pg_workspace_store.h"
#include "crm/testing/crm_store_conformance.h"
#include "crm/testing/workspace_store_conformance.h"
#include "storage/pg.h"
#include "storage/testing/pg_server.h"

namespace kira::crm {
namespace {

namespace fs = std::filesystem;

storage::testing::PgServer* g_server = nullptr;

// Starts the one server of this binary before any test and stops it after the last.
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

// A fresh database for a scratch directory, created at its first open and named in a file
// there, so reopening the directory reopens the database. The names count up in this process:
// the CrmStore and WorkspaceStore suites reuse directory names once a test has removed its own.
Result<std::string> DatabaseFor(const std::string& dir) {
  if (!g_server) return Status::Unavailable("no PostgreSQL test server");
  static std::atomic<int> counter{0};
  const fs::path marker = fs::path(dir) / "database";
  std::string name;
  if (fs::exists(marker)) {
    std::ifstream(marker) >> name;
  } else {
    name = "conf_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    KIRA_RETURN_IF_ERROR(g_server->CreateDatabase(name));
    std::ofstream(marker) << name;
  }
  return g_server->Conninfo(name);
}

Result<std::unique_ptr<CrmStore>> OpenInDir(const std::string& dir, int connections = 4) {
  KIRA_ASSIGN_OR_RETURN(std::string conninfo, DatabaseFor(dir));
  PgCrmOptions o;
  o.dnc_secret_path = dir + "/dnc.key";
  o.connections = connections;
  return OpenPgCrmStore(conninfo, o);
}

INSTANTIATE_TEST_SUITE_P(Postgres, CrmStoreConformance,
                         ::testing::Values(CrmStoreFactory{
                             "postgres", [](const std::string& dir) { return OpenInDir(dir); },
                             /*persistent=*/true}),
                         CrmStoreFactoryName);

// The PG-only tests use the conformance fixture for its scratch directory and store.
class PgCrmStoreTest : public CrmStoreConformance {};
INSTANTIATE_TEST_SUITE_P(Postgres, PgCrmStoreTest,
                         ::testing::Values(CrmStoreFactory{
                             "postgres", [](const std::string& dir) { return OpenInDir(dir); },
                             /*persistent=*/true}),
                         CrmStoreFactoryName);

INSTANTIATE_TEST_SUITE_P(Postgres, WorkspaceStoreConformance,
                         ::testing::Values(WorkspaceStoreFactory{
                             "postgres",
                             [](const std::string& dir) -> Result<std::unique_ptr<WorkspaceStore>> {
                               KIRA_ASSIGN_OR_RETURN(std::string conninfo, DatabaseFor(dir));
                               return OpenPgWorkspaceStore(conninfo);
                             },
                             /*persistent=*/true}),
                         WorkspaceStoreFactoryName);

constexpr int64_t kNow = 1764400000000;

// Four nodes (each its own store and pool of connections, as four `kira serve` processes
// would have) list the same 500 due tasks and race to claim them: each task is claimed by
// exactly one node, once, and the losers see false.
TEST_P(PgCrmStoreTest, FourNodesClaimEveryDueTaskExactlyOnce) {
  constexpr int kTasks = 500, kNodes = 4;
  for (int i = 0; i < kTasks; ++i) {
    Task t;
    t.kind = crm::TaskKind::kVeraCall;
    t.agent = "vera";
    t.phone = "+7916" + std::to_string(1000000 + i);
    t.not_before = kNow - 1000 + i % 7;
    ASSERT_TRUE(store().CreateTask(t).ok());
  }
  std::vector<std::unique_ptr<CrmStore>> nodes;
  for (int n = 0; n < kNodes; ++n) {
    auto s = OpenInDir(dir_, 2);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    nodes.push_back(std::move(*s));
  }
  std::mutex mu;
  std::map<int64_t, std::vector<int>> claimed_by;  // task → the nodes whose claim succeeded
  std::atomic<int> lost{0}, errors{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int n = 0; n < kNodes; ++n) {
    threads.emplace_back([&, n] {
      while (!go) std::this_thread::yield();
      // Like the dialer: list what is due, claim it, list again until nothing is left. Each
      // node walks its list from a different end so claims collide in the middle too.
      for (;;) {
        auto due = nodes[n]->ListDueTasks(kNow, 200);
        if (!due.ok()) {
          ++errors;
          return;
        }
        if (due->empty()) return;
        if (n % 2) std::reverse(due->begin(), due->end());
        for (const Task& t : *due) {
          auto won = nodes[n]->ClaimTask(t.id, kNow);
          if (!won.ok()) {
            ++errors;
          } else if (*won) {
            std::lock_guard lock(mu);
            claimed_by[t.id].push_back(n);
          } else {
            ++lost;
          }
        }
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(claimed_by.size(), static_cast<size_t>(kTasks));
  std::vector<int> per_node(kNodes, 0);
  for (const auto& [id, by] : claimed_by) {
    EXPECT_EQ(by.size(), 1u) << "task " << id << " claimed " << by.size() << " times";
    for (int n : by) ++per_node[n];
  }
  auto tasks = store().ListTasks(std::nullopt, 0);
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->size(), static_cast<size_t>(kTasks));
  for (const Task& t : *tasks) {
    EXPECT_EQ(crm::Name(t.status), "in_progress") << t.id;
    EXPECT_EQ(t.attempts, 1) << t.id;
    EXPECT_EQ(t.last_attempt_at, kNow) << t.id;
  }
  EXPECT_TRUE(store().ListDueTasks(kNow, 10)->empty());
  // The race was real: nodes lost claims to one another.
  EXPECT_GT(lost.load(), 0);
  std::cout << "[ claims ] " << kTasks << " tasks, " << kNodes << " nodes: won";
  for (int n : per_node) std::cout << " " << n;
  std::cout << ", lost " << lost.load() << "\n";
}

LeaseClaim BigClaim(const std::string& node) {
  LeaseClaim c;
  c.node = node;
  c.now = kNow;
  c.lease_until = kNow + 60000;
  c.limits.max_concurrent = 100000;
  c.limits.trunks = {{"main", 100000}};
  c.limits.calls_per_second = 1e9;
  c.limits.burst = 100000;
  return c;
}

// Four nodes claim the same 600 due tasks in batches (ClaimTasksLeased: 16 out of 32
// candidates, all nodes walking the list in the same order): each task is claimed exactly
// once, with one attempt and the node that claimed it as its holder.
TEST_P(PgCrmStoreTest, FourNodesClaimBatchesEachTaskExactlyOnce) {
  constexpr int kTasks = 600, kNodes = 4;
  for (int i = 0; i < kTasks; ++i) {
    Task t;
    t.kind = crm::TaskKind::kVeraCall;
    t.agent = "vera";
    t.phone = "+7916" + std::to_string(1000000 + i);
    t.not_before = kNow - 1000;
    ASSERT_TRUE(store().CreateTask(t).ok());
  }
  std::vector<std::unique_ptr<CrmStore>> nodes;
  for (int n = 0; n < kNodes; ++n) {
    auto s = OpenInDir(dir_, 2);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    nodes.push_back(std::move(*s));
  }
  std::mutex mu;
  std::map<int64_t, std::vector<int>> claimed_by;
  std::atomic<int> errors{0}, skipped{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int n = 0; n < kNodes; ++n) {
    threads.emplace_back([&, n] {
      while (!go) std::this_thread::yield();
      const LeaseClaim claim = BigClaim("node" + std::to_string(n));
      for (;;) {
        auto due = nodes[n]->ListDueTasks(kNow, 200);
        if (!due.ok()) {
          ++errors;
          return;
        }
        if (due->empty()) return;
        for (size_t i = 0; i < due->size(); i += 32) {
          std::vector<int64_t> ids;
          for (size_t k = i; k < std::min(due->size(), i + 32); ++k) ids.push_back((*due)[k].id);
          auto b = nodes[n]->ClaimTasksLeased(ids, 16, claim);
          if (!b.ok()) {
            ++errors;
            continue;
          }
          skipped += static_cast<int>(b->skipped.size());
          std::lock_guard lock(mu);
          for (const auto& c : b->claimed) claimed_by[c.id].push_back(n);
        }
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(claimed_by.size(), static_cast<size_t>(kTasks));
  for (const auto& [id, by] : claimed_by)
    EXPECT_EQ(by.size(), 1u) << "task " << id << " claimed " << by.size() << " times";
  auto tasks = store().ListTasks(std::nullopt, 0);
  ASSERT_TRUE(tasks.ok());
  for (const Task& t : *tasks) {
    EXPECT_EQ(crm::Name(t.status), "in_progress") << t.id;
    EXPECT_EQ(t.attempts, 1) << t.id;
  }
  std::cout << "[ claims ] " << kTasks << " tasks, " << kNodes << " nodes in batches: skipped "
            << skipped.load() << " held by another node's claim\n";
}

// A batch claim does not wait for tasks another claim holds at that moment (FOR UPDATE SKIP
// LOCKED): it takes the next ones and reports the held ones skipped, still open; once that
// claim ends without taking them, they are claimed as usual.
TEST_P(PgCrmStoreTest, ABatchClaimSkipsTheTasksAnotherClaimHolds) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 4; ++i) {
    Task t;
    t.kind = crm::TaskKind::kVeraCall;
    t.agent = "vera";
    t.phone = "+7916" + std::to_string(3000000 + i);
    auto id = store().CreateTask(t);
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  auto conninfo = DatabaseFor(dir_);
  ASSERT_TRUE(conninfo.ok());
  auto other = storage::pg::Conn::Open(*conninfo);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  ASSERT_TRUE((*other)
                  ->Exec("BEGIN; SELECT id FROM tasks WHERE id IN (" + std::to_string(ids[0]) +
                         ", " + std::to_string(ids[1]) + ") FOR UPDATE")
                  .ok());
  auto claim = std::async(std::launch::async,
                          [&] { return store().ClaimTasksLeased(ids, 2, BigClaim("n1")); });
  if (claim.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    ASSERT_TRUE((*other)->Exec("ROLLBACK").ok());
    claim.wait();
    FAIL() << "the claim waited for the rows another claim holds";
  }
  auto b = claim.get();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  std::vector<int64_t> got;
  for (const auto& c : b->claimed) got.push_back(c.id);
  EXPECT_EQ(got, (std::vector<int64_t>{ids[2], ids[3]}));
  EXPECT_EQ(b->skipped, (std::vector<int64_t>{ids[0], ids[1]}));
  EXPECT_TRUE(b->taken.empty());
  EXPECT_EQ(crm::Name(store().GetTask(ids[0])->status), "open");
  ASSERT_TRUE((*other)->Exec("ROLLBACK").ok());
  auto again = store().ClaimTasksLeased(ids, 4, BigClaim("n2"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  got.clear();
  for (const auto& c : again->claimed) got.push_back(c.id);
  EXPECT_EQ(got, (std::vector<int64_t>{ids[0], ids[1]}));
  EXPECT_EQ(again->taken.size(), 2u) << "ids[2] and ids[3] are n1's";
}

// The server dies under the store: the call in flight is kUnavailable, nothing is retried
// behind the caller's back, and once the server is back the next call works on a fresh
// connection, with every committed write still there.
TEST_P(PgCrmStoreTest, ServerRestartIsUnavailableThenTheStoreReconnects) {
  Lead l;
  l.channel = "phone";
  l.summary = "плитка 60×60";
  auto lead = store().CreateLead(l);
  ASSERT_TRUE(lead.ok()) << lead.status().ToString();
  // Several pooled connections, all of which the restart breaks.
  std::vector<std::thread> busy;
  for (int i = 0; i < 4; ++i)
    busy.emplace_back([&] {
      for (int k = 0; k < 20; ++k) EXPECT_TRUE(store().GetLead(*lead).ok());
    });
  for (auto& t : busy) t.join();

  ASSERT_TRUE(g_server->Kill().ok());
  auto during = store().GetLead(*lead);
  EXPECT_EQ(during.status().code(), Status::Code::kUnavailable) << during.status().ToString();
  auto write = store().AppendTurn(1, "agent", "x", kNow);
  EXPECT_EQ(write.status().code(), Status::Code::kUnavailable) << write.status().ToString();

  ASSERT_TRUE(g_server->Restart().ok());
  auto after = store().GetLead(*lead);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->summary, "плитка 60×60");
  // Every pooled connection is a fresh one: a burst of calls sees no stale connection.
  std::atomic<int> failed{0};
  busy.clear();
  for (int i = 0; i < 4; ++i)
    busy.emplace_back([&] {
      for (int k = 0; k < 20; ++k)
        if (!store().GetLead(*lead).ok()) ++failed;
    });
  for (auto& t : busy) t.join();
  EXPECT_EQ(failed.load(), 0);
}

// Two nodes hold copies of one dnc.key: a number forgotten through one still matches the
// do-not-call list through the other. A node with a different key is refused at open.
TEST_P(PgCrmStoreTest, ForgottenOptOutMatchesOnEveryNodeWithTheSameKey) {
  DncEntry d;
  d.phone = "+79161234567";
  d.reason = "opt_out";
  ASSERT_TRUE(store().AddDnc(d).ok());
  auto forgot = store().Forget("+79161234567");
  ASSERT_TRUE(forgot.ok()) << forgot.status().ToString();
  EXPECT_TRUE(forgot->dnc_hashed);

  auto same_key = OpenInDir(dir_);
  ASSERT_TRUE(same_key.ok());
  EXPECT_TRUE(*(*same_key)->IsDnc("8 916 123-45-67"));

  const std::string other_dir = dir_ + "/other";
  fs::create_directories(other_dir);
  auto conninfo = DatabaseFor(dir_);
  ASSERT_TRUE(conninfo.ok());
  PgCrmOptions o;
  o.dnc_secret_path = other_dir + "/dnc.key";
  auto other_key = OpenPgCrmStore(*conninfo, o);
  EXPECT_EQ(other_key.status().code(), Status::Code::kInvalid);
  EXPECT_NE(other_key.status().message().find("not the do-not-call key this database"),
            std::string::npos)
      << other_key.status().ToString();
}

// The queue filtered by outcome and reason (migration 7): over 20,000 leads in pg_bench's mix
// (one in eight non-targeted, their reasons spread over five), the store's page and its capped
// count are each one range of leads_outcome_reason_created, and they find what a plain count
// finds. Before the index, PostgreSQL counted through a BitmapAnd of the one-column indexes.
TEST_P(PgCrmStoreTest, OutcomeAndReasonFilterReadsItsOwnIndex) {
  auto conninfo = DatabaseFor(dir_);
  ASSERT_TRUE(conninfo.ok());
  auto db = storage::pg::Conn::Open(*conninfo);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  storage::pg::Conn& c = **db;
  ASSERT_TRUE(c.Exec(R"sql(
INSERT INTO leads(channel, source, status, qualification, outcome, reason, created_at, updated_at)
  SELECT 'phone', 'inbound', 'new',
         CASE WHEN (i * 13) % 8 = 0 THEN 'non_targeted' ELSE 'targeted' END,
         (ARRAY['non_targeted','info_only','order_placed','qualified','callback_scheduled',
                'prank','transferred','abusive'])[1 + (i * 13) % 8],
         CASE WHEN (i * 13) % 8 = 0 THEN (ARRAY['discontinued','out_of_stock','not_sold',
              'small_quantity','unclear'])[1 + (i * 17) % 5] ELSE '' END,
         1764400000000 + i * 1000, 1764400000000 + i * 1000
  FROM generate_series(1, 20000) i;
)sql")
                  .ok());
  ASSERT_TRUE(c.Exec("VACUUM ANALYZE leads").ok());  // as autovacuum leaves a table
  auto scans = [&]() -> int64_t {
    auto r = c.Query(
        "SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = "
        "'leads_outcome_reason_created'");
    return r.ok() && r->size() == 1 ? r->Int(0, 0) : -1;
  };
  const int64_t before = scans();
  ASSERT_GE(before, 0) << "migration 7 made no index leads_outcome_reason_created";

  LeadFilter f;
  f.outcome = Outcome::kNonTargeted;
  f.non_targeted_reason = NonTargetedReason::kDiscontinued;
  f.limit = 50;
  auto page = store().ListLeads(f);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  auto n = store().CountLeadsUpTo(f, 10000);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  auto plain = c.Query(
      "SELECT count(*), max(id) FROM leads WHERE outcome = 'non_targeted' AND reason = "
      "'discontinued'");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*n, plain->Int(0, 0));
  EXPECT_EQ(plain->Int(0, 0), 500);
  ASSERT_EQ(page->size(), 50u);
  EXPECT_EQ(page->front().id, plain->Int(0, 1)) << "newest first";
  for (const Lead& l : *page) {
    EXPECT_EQ(l.outcome, Outcome::kNonTargeted);
    EXPECT_EQ(l.non_targeted_reason, NonTargetedReason::kDiscontinued);
  }
  // A server process reports its index scans once it is idle, at most a second or so later.
  int64_t after = before;
  for (int i = 0; i < 100 && after < before + 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    after = scans();
  }
  EXPECT_GE(after, before + 2) << "the page and the count each read the index";
}

TEST_P(PgCrmStoreTest, OpeningRefusesBadOptionsAndNamesAnUnreachableServer) {
  PgCrmOptions o;
  auto no_key = OpenPgCrmStore(g_server->Conninfo("postgres"), o);
  EXPECT_EQ(no_key.status().code(), Status::Code::kInvalid);
  EXPECT_NE(no_key.status().message().find("dnc.key"), std::string::npos);
  o.dnc_secret_path = dir_ + "/dnc.key";
  o.connections = 0;
  EXPECT_EQ(OpenPgCrmStore(g_server->Conninfo("postgres"), o).status().code(),
            Status::Code::kInvalid);
  o.connections = 4;
  auto down = OpenPgCrmStore("host=127.0.0.1 port=1 dbname=x connect_timeout=2", o);
  EXPECT_EQ(down.status().code(), Status::Code::kUnavailable) << down.status().ToString();
}

}  // namespace
}  // namespace kira::crm
