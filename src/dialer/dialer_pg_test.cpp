// Several live dialers (as several `kira serve` nodes would run) sharing one PostgreSQL store
// (a real server: storage/testing/pg_server): the global limits hold for all nodes together,
// each task is dialled once, and the calls of a node that died are dialled again by the others
// once its leases end. Label pg.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "crm/pg/pg_crm_store.h"
#include "dialer/dialer.h"
#include "dialer/testing/test_util.h"
#include "storage/testing/pg_server.h"

namespace kira::dialer {
namespace {

using testing::Ms;

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

// A Tuesday morning in Moscow that moves on with real time, readable from any thread.
class RunningClock : public Clock {
 public:
  explicit RunningClock(int64_t start_ms)
      : start_(FromUnixMillis(start_ms)), real_(std::chrono::steady_clock::now()) {}
  TimePoint Now() const override {
    return start_ + std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - real_);
  }

 private:
  TimePoint start_;
  std::chrono::steady_clock::time_point real_;
};

// The phone network shared by every node: counts calls up at Originate and down when a call
// ends (before the dialer even learns of it), so its counts never exceed what the store saw.
class Network {
 public:
  struct Placed {
    int64_t task_id;
    std::string trunk;
    int64_t at_ms;
  };
  void Place(const CallRequest& req, Originator::Done done, int64_t at_ms) {
    std::lock_guard lock(mu_);
    placed_.push_back(Placed{req.task.id, req.trunk, at_ms});
    int live = ++live_[req.trunk];
    max_live_[req.trunk] = std::max(max_live_[req.trunk], live);
    int total = 0;
    for (const auto& [t, n] : live_) total += n;
    max_total_ = std::max(max_total_, total);
    calls_.push_back(Call{req.trunk, std::move(done), std::chrono::steady_clock::now()});
  }
  // Ends the calls older than `duration` as answered.
  void Finish(std::chrono::milliseconds duration) {
    std::vector<Originator::Done> ended;
    {
      std::lock_guard lock(mu_);
      auto now = std::chrono::steady_clock::now();
      while (!calls_.empty() && now - calls_.front().started >= duration) {
        --live_[calls_.front().trunk];
        ended.push_back(std::move(calls_.front().done));
        calls_.pop_front();
      }
    }
    for (auto& d : ended) d(CallResult{CallDisposition::kAnswered, ""});
  }
  std::vector<Placed> placed() {
    std::lock_guard lock(mu_);
    return placed_;
  }
  int max_total() {
    std::lock_guard lock(mu_);
    return max_total_;
  }
  std::map<std::string, int> max_live() {
    std::lock_guard lock(mu_);
    return max_live_;
  }

 private:
  struct Call {
    std::string trunk;
    Originator::Done done;
    std::chrono::steady_clock::time_point started;
  };
  std::mutex mu_;
  std::vector<Placed> placed_;
  std::deque<Call> calls_;
  std::map<std::string, int> live_, max_live_;
  int max_total_ = 0;
};

class NodeOriginator : public Originator {
 public:
  explicit NodeOriginator(Network* net) : net_(net) {}
  void Originate(const CallRequest& req, Done done) override {
    // The claim's time: what the shared bucket counted the call at.
    net_->Place(req, std::move(done), req.task.last_attempt_at);
  }

 private:
  Network* net_;
};

// Calls a node placed but that never end: the node is killed mid-call.
class DeadOriginator : public Originator {
 public:
  void Originate(const CallRequest& req, Done) override { ids.push_back(req.task.id); }
  std::vector<int64_t> ids;
};

// Calls that end when the test says, with the disposition it says.
class HeldOriginator : public Originator {
 public:
  void Originate(const CallRequest& req, Done done) override {
    ids.push_back(req.task.id);
    calls.push_back(std::move(done));
  }
  void End(size_t i, CallDisposition d, const std::string& outcome = "") {
    calls.at(i)(CallResult{d, outcome});
  }
  std::vector<int64_t> ids;
  std::vector<Done> calls;
};

class DialerPgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(g_server, nullptr);
    static int n = 0;
    db_ = "dialer_" + std::to_string(n++);
    ASSERT_TRUE(g_server->CreateDatabase(db_).ok());
    dir_ = ::testing::TempDir() + "/dialer_pg_" + db_;
    std::filesystem::create_directories(dir_);
    cfg_.caller_id = "+74950000000";
    cfg_.max_attempts = 3;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<crm::CrmStore> OpenStore(const Clock* clock) {
    crm::PgCrmOptions o;
    o.clock = clock;
    o.dnc_secret_path = dir_ + "/dnc.key";
    o.connections = 2;
    auto s = crm::OpenPgCrmStore(g_server->Conninfo(db_), o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }
  std::vector<int64_t> AddTasks(crm::CrmStore& s, int n) {
    std::vector<int64_t> ids;
    for (int i = 0; i < n; ++i) {
      crm::Task t;
      t.kind = crm::TaskKind::kVeraCall;
      t.agent = "vera";
      t.phone = "+7495" + std::to_string(3000000 + i);  // Moscow
      t.created_by = "test";
      auto id = s.CreateTask(t);
      EXPECT_TRUE(id.ok()) << id.status().ToString();
      if (id.ok()) ids.push_back(*id);
    }
    return ids;
  }

  std::string db_, dir_;
  DialerConfig cfg_;
  ZoneDb zones_;
  PhoneZoneResolver resolver_{&zones_};
};

// Three nodes dial 120 tasks at once, each from its own thread and store, through one
// PostgreSQL: never more calls at once than max_concurrent or a trunk's limit, never more
// originations in a second than the bucket allows, and every task dialled exactly once.
TEST_F(DialerPgTest, ThreeNodesHoldTheGlobalLimitsAndDialEachTaskOnce) {
  constexpr int kTasks = 120, kNodes = 3;
  RunningClock clock(Ms("2026-12-01T07:00:00Z"));  // 10:00 in Moscow, a Tuesday
  cfg_.max_concurrent = 6;
  cfg_.trunks = {TrunkConfig{"a", 2, ""}, TrunkConfig{"b", 6, ""}};
  cfg_.calls_per_second = 40;
  cfg_.burst = 4;
  auto seed = OpenStore(&clock);
  ASSERT_NE(seed, nullptr);
  std::vector<int64_t> ids = AddTasks(*seed, kTasks);
  Network net;
  std::vector<std::unique_ptr<crm::CrmStore>> stores;
  std::vector<std::unique_ptr<NodeOriginator>> originators;
  std::vector<std::unique_ptr<Dialer>> dialers;
  for (int n = 0; n < kNodes; ++n) {
    stores.push_back(OpenStore(&clock));
    ASSERT_NE(stores.back(), nullptr);
    originators.push_back(std::make_unique<NodeOriginator>(&net));
    DialerOptions o;
    o.node = "node" + std::to_string(n);
    o.lease_ms = 5000;
    o.refresh_ms = 200;
    dialers.push_back(std::make_unique<Dialer>(stores[n].get(), originators[n].get(), cfg_,
                                               &resolver_, &clock, o));
    ASSERT_TRUE(dialers.back()->Start().ok());
  }
  std::atomic<bool> stop{false};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int n = 0; n < kNodes; ++n) {
    threads.emplace_back([&, n] {
      while (!stop) {
        auto r = dialers[n]->Tick();
        if (!r.ok()) {
          ++errors;
          ADD_FAILURE() << r.status().ToString();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    net.Finish(std::chrono::milliseconds(40));
    auto done = seed->ListTasks(crm::TaskStatus::kDone, 0);
    ASSERT_TRUE(done.ok());
    if (done->size() == static_cast<size_t>(kTasks)) break;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << done->size() << " done";
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);

  std::vector<Network::Placed> placed = net.placed();
  ASSERT_EQ(placed.size(), static_cast<size_t>(kTasks)) << "each task dialled once";
  std::map<int64_t, int> per_task;
  for (const auto& p : placed) ++per_task[p.task_id];
  for (int64_t id : ids) EXPECT_EQ(per_task[id], 1) << "task " << id;
  EXPECT_LE(net.max_total(), cfg_.max_concurrent);
  EXPECT_GE(net.max_total(), 3) << "the nodes dialled in parallel";
  auto max_live = net.max_live();
  EXPECT_LE(max_live["a"], 2);
  EXPECT_LE(max_live["b"], 6);
  // The bucket: in any second, at most burst + rate originations across the nodes.
  std::vector<int64_t> at;
  for (const auto& p : placed) at.push_back(p.at_ms);
  std::sort(at.begin(), at.end());
  size_t most = 0;
  for (size_t i = 0, j = 0; i < at.size(); ++i) {
    while (at[i] - at[j] >= 1000) ++j;
    most = std::max(most, i - j + 1);
  }
  EXPECT_LE(most, static_cast<size_t>(cfg_.burst + cfg_.calls_per_second));
  for (const auto& d : dialers) EXPECT_EQ(d->in_flight(), 0);
  int originated = 0;
  for (const auto& d : dialers) originated += static_cast<int>(d->stats().originated);
  EXPECT_EQ(originated, kTasks);
}

// Node A claims calls and dies without a word (no result, no renewal). Node B, already
// running, leaves them alone while A's leases run, then dials each again once they end; B's
// own long call keeps its lease by renewing it, so node C starting later does not take it.
TEST_F(DialerPgTest, AKilledNodesCallsAreDialledAgainAfterItsLeases) {
  FakeClock clock(FromUnixMillis(Ms("2026-12-01T07:00:00Z")));
  cfg_.max_concurrent = 3;
  cfg_.trunks = {TrunkConfig{"main", 3, ""}};
  cfg_.retry_delays_ms = {1000};  // an interrupted call waits the retry delay like any other
  auto seed = OpenStore(&clock);
  ASSERT_NE(seed, nullptr);
  std::vector<int64_t> ids = AddTasks(*seed, 4);
  DialerOptions oa;
  oa.node = "a";
  oa.lease_ms = 30000;
  DialerOptions ob = oa;
  ob.node = "b";
  DialerOptions oc = oa;
  oc.node = "c";

  auto store_a = OpenStore(&clock);
  DeadOriginator dead;
  auto a = std::make_unique<Dialer>(store_a.get(), &dead, cfg_, &resolver_, &clock, oa);
  ASSERT_TRUE(a->Start().ok());
  ASSERT_EQ(*a->Tick(), 3) << "the global limit of 3 calls";
  ASSERT_EQ(dead.ids.size(), 3u);
  a.reset();  // kill -9: A's calls stay in_progress under its leases
  store_a.reset();

  auto store_b = OpenStore(&clock);
  Network net;
  NodeOriginator to_net_b(&net);
  Dialer b(store_b.get(), &to_net_b, cfg_, &resolver_, &clock, ob);
  ASSERT_TRUE(b.Start().ok());
  EXPECT_EQ(*b.Tick(), 0) << "A's three calls fill the limit while their leases run";
  clock.Advance(std::chrono::seconds(20));
  EXPECT_EQ(*b.Tick(), 0);
  clock.Advance(std::chrono::seconds(11));  // A's leases ended 1 s ago
  int dialled = *b.Tick();
  EXPECT_EQ(dialled, 3);
  std::vector<Network::Placed> placed = net.placed();
  ASSERT_EQ(placed.size(), 3u);
  std::vector<int64_t> again;
  for (const auto& p : placed) again.push_back(p.task_id);
  std::sort(again.begin(), again.end());
  std::vector<int64_t> was_dead = dead.ids;
  std::sort(was_dead.begin(), was_dead.end());
  EXPECT_EQ(again, was_dead) << "the killed node's calls first (they were due earliest)";
  for (int64_t id : was_dead) {
    crm::Task t = *seed->GetTask(id);
    EXPECT_EQ(crm::Name(t.status), "in_progress");
    EXPECT_EQ(t.attempts, 2) << "the interrupted attempt stays counted";
  }

  // B's calls go on for two minutes: its ticks renew the leases, so C, starting later and
  // ticking, sees no expired lease and the limit still full.
  auto store_c = OpenStore(&clock);
  NodeOriginator to_net_c(&net);
  Dialer c(store_c.get(), &to_net_c, cfg_, &resolver_, &clock, oc);
  ASSERT_TRUE(c.Start().ok());
  for (int i = 0; i < 12; ++i) {
    clock.Advance(std::chrono::seconds(10));
    ASSERT_TRUE(b.Tick().ok());
    ASSERT_EQ(*c.Tick(), 0) << "at +" << (i + 1) * 10 << " s";
  }
  for (int64_t id : was_dead) EXPECT_EQ(seed->GetTask(id)->attempts, 2);
  // The calls end: B applies the results, and the fourth task is dialled once, by whichever
  // node ticks first (B, in the same tick).
  net.Finish(std::chrono::milliseconds(0));
  int fourth = *b.Tick();
  fourth += *c.Tick();
  EXPECT_EQ(fourth, 1);
  EXPECT_EQ(net.placed().size(), 4u);
  net.Finish(std::chrono::milliseconds(0));
  ASSERT_TRUE(b.Tick().ok());
  ASSERT_TRUE(c.Tick().ok());
  for (int64_t id : ids) EXPECT_EQ(crm::Name(seed->GetTask(id)->status), "done") << id;
}

// A task left in progress without a lease (by a lone dialer, or a version before leases, that
// stopped mid-call) neither holds a line nor stays stuck: a node in lease mode reopens it at
// its start and dials it, once.
TEST_F(DialerPgTest, ATaskLeftInProgressWithoutALeaseIsDialledAgain) {
  FakeClock clock(FromUnixMillis(Ms("2026-12-01T07:00:00Z")));
  cfg_.max_concurrent = 1;
  cfg_.trunks = {TrunkConfig{"main", 1, ""}};
  cfg_.retry_delays_ms = {1000};
  auto seed = OpenStore(&clock);
  ASSERT_NE(seed, nullptr);
  const int64_t id = AddTasks(*seed, 1).at(0);
  ASSERT_TRUE(*seed->ClaimTask(id, Ms("2026-12-01T06:00:00Z")));  // an hour ago, then a crash
  DialerOptions o;
  o.node = "a";
  o.lease_ms = 30000;
  HeldOriginator calls;
  Dialer d(seed.get(), &calls, cfg_, &resolver_, &clock, o);
  ASSERT_TRUE(d.Start().ok());
  ASSERT_EQ(*d.Tick(), 1) << "reopened at start, and no stale call fills the limit of 1";
  EXPECT_EQ(calls.ids, (std::vector<int64_t>{id}));
  EXPECT_EQ(seed->GetTask(id)->attempts, 2);
  for (int i = 0; i < 4; ++i) {  // the call goes on, its lease renewed: not dialled twice
    clock.Advance(std::chrono::seconds(15));
    ASSERT_EQ(*d.Tick(), 0);
  }
  calls.End(0, CallDisposition::kAnswered);
  ASSERT_TRUE(d.Tick().ok());
  EXPECT_EQ(crm::Name(seed->GetTask(id)->status), "done");
  EXPECT_EQ(calls.ids.size(), 1u);
}

// Node A's call outlives its lease (A stalls: no tick renews it); node B reopens the task and
// dials it again, and B's call is answered. When A's call ends at last, busy, A's result is
// refused: B's answer stands, and A queues no retry of a task that is done.
TEST_F(DialerPgTest, AStalledNodesLateResultDoesNotOverwriteTheNewHolders) {
  FakeClock clock(FromUnixMillis(Ms("2026-12-01T07:00:00Z")));
  cfg_.max_concurrent = 2;
  cfg_.trunks = {TrunkConfig{"main", 2, ""}};
  cfg_.retry_delays_ms = {1000};
  auto seed = OpenStore(&clock);
  ASSERT_NE(seed, nullptr);
  const int64_t id = AddTasks(*seed, 1).at(0);
  DialerOptions oa;
  oa.node = "a";
  oa.lease_ms = 30000;
  DialerOptions ob = oa;
  ob.node = "b";

  auto store_a = OpenStore(&clock), store_b = OpenStore(&clock);
  HeldOriginator calls_a, calls_b;
  Dialer a(store_a.get(), &calls_a, cfg_, &resolver_, &clock, oa);
  Dialer b(store_b.get(), &calls_b, cfg_, &resolver_, &clock, ob);
  ASSERT_TRUE(a.Start().ok());
  ASSERT_EQ(*a.Tick(), 1);
  clock.Advance(std::chrono::seconds(31));  // A's lease has ended; A has not ticked
  ASSERT_TRUE(b.Start().ok());
  ASSERT_EQ(*b.Tick(), 1) << "B reopens the task and dials it again";
  calls_b.End(0, CallDisposition::kAnswered, "callback");
  ASSERT_TRUE(b.Tick().ok());
  ASSERT_EQ(crm::Name(seed->GetTask(id)->status), "done");

  calls_a.End(0, CallDisposition::kBusy);
  ASSERT_TRUE(a.Tick().ok());
  crm::Task t = *seed->GetTask(id);
  EXPECT_EQ(crm::Name(t.status), "done") << "A's late busy must not reopen B's answered call";
  EXPECT_EQ(t.last_result, "callback");
  EXPECT_EQ(t.attempts, 2);
  EXPECT_EQ(a.stats().results_refused, 1);
  EXPECT_EQ(a.stats().retries_scheduled, 0);
  EXPECT_EQ(a.in_flight(), 0);
  clock.Advance(std::chrono::seconds(5));
  EXPECT_EQ(*a.Tick(), 0) << "nothing left to dial";
  EXPECT_EQ(calls_a.ids.size() + calls_b.ids.size(), 2u);
}

}  // namespace
}  // namespace kira::dialer
