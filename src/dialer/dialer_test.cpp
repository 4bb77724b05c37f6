// The live dialer against the real SQLite store, a fake clock and a recording Originator (a test
// double of the phone network: it records each call and lets the test decide how it ends).
#include "dialer/dialer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "crm/sqlite/sqlite_crm_store.h"
#include "dialer/testing/test_util.h"

namespace kira::dialer {
namespace {

using testing::Ms;

class RecordingOriginator : public Originator {
 public:
  struct Call {
    CallRequest req;
    Done done;
  };
  void Originate(const CallRequest& req, Done done) override {
    calls.push_back(Call{req, std::move(done)});
    count.fetch_add(1);
  }
  // Ends the oldest unfinished call.
  void Finish(CallDisposition d, const std::string& outcome = "") {
    ASSERT_LT(finished, calls.size());
    calls[finished++].done(CallResult{d, outcome});
  }
  std::vector<Call> calls;
  std::atomic<int> count{0};
  size_t finished = 0;
};

class DialerTest : public ::testing::Test {
 protected:
  DialerTest() {
    crm::SqliteCrmOptions o;
    o.clock = &clock_;
    o.synchronous_full = false;
    auto s = crm::OpenSqliteCrmStore(":memory:", o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    cfg_.retry_delays_ms = {15 * 60 * 1000, 60 * 60 * 1000};
    cfg_.max_attempts = 3;
    cfg_.caller_id = "+74950000000";
  }

  int64_t AddTask(const std::string& phone, const std::string& source = "inbound",
                  const std::string& tz = "") {
    crm::Contact c;
    c.phone = phone;
    auto cid = store_->UpsertContact(c);
    EXPECT_TRUE(cid.ok()) << cid.status().ToString();
    crm::Lead l;
    l.contact_id = cid.value();
    l.channel = source == "web_form" ? "web" : "phone";
    l.source = source;
    auto lid = store_->CreateLead(l);
    EXPECT_TRUE(lid.ok()) << lid.status().ToString();
    crm::Task t;
    t.lead_id = lid.value();
    t.kind = crm::TaskKind::kVeraCall;
    t.agent = "vera";
    t.phone = phone;
    t.timezone = tz;
    t.created_by = "test";
    auto id = store_->CreateTask(t);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.value();
  }

  std::unique_ptr<Dialer> MakeDialer() {
    auto d = std::make_unique<Dialer>(store_.get(), &net_, cfg_, &resolver_, &clock_);
    EXPECT_TRUE(d->Start().ok());
    return d;
  }
  int Tick(Dialer& d) {
    auto r = d.Tick();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : -1;
  }
  crm::Task Task(int64_t id) { return store_->GetTask(id).value(); }
  void At(const std::string& iso) { clock_.Set(FromUnixMillis(Ms(iso))); }

  FakeClock clock_{FromUnixMillis(Ms("2026-12-01T05:00:00Z"))};  // a Tuesday
  std::unique_ptr<crm::CrmStore> store_;
  DialerConfig cfg_;
  ZoneDb db_;
  PhoneZoneResolver resolver_{&db_};
  RecordingOriginator net_;
};

TEST_F(DialerTest, DialsEachNumberWhenItsWindowOpens) {
  int64_t moscow = AddTask("+74951234567");
  int64_t kamchatka = AddTask("+74152123456");
  int64_t mobile = AddTask("+79161234567");
  auto d = MakeDialer();
  EXPECT_EQ(Tick(*d), 1);  // 05:00Z: 17:00 in Kamchatka, 08:00 in Moscow
  ASSERT_EQ(net_.calls.size(), 1u);
  EXPECT_EQ(net_.calls[0].req.task.id, kamchatka);
  EXPECT_EQ(net_.calls[0].req.zones, "Asia/Kamchatka");
  EXPECT_EQ(net_.calls[0].req.caller_id, "+74950000000");
  EXPECT_EQ(crm::Name(Task(kamchatka).status), "in_progress");
  EXPECT_EQ(Task(kamchatka).attempts, 1);
  At("2026-12-01T05:59:59Z");
  EXPECT_EQ(Tick(*d), 0);
  At("2026-12-01T06:00:00Z");
  EXPECT_EQ(Tick(*d), 1);
  EXPECT_EQ(net_.calls[1].req.task.id, moscow);
  At("2026-12-01T06:59:00Z");
  EXPECT_EQ(Tick(*d), 0);  // the mobile waits for Kaliningrad's 09:00
  At("2026-12-01T07:00:00Z");
  EXPECT_EQ(Tick(*d), 1);
  EXPECT_EQ(net_.calls[2].req.task.id, mobile);
}

// The profile's calling window saved on the settings page reaches a running dialer: a wider
// one releases a waiting call at once, a narrower one holds the next back.
TEST_F(DialerTest, AWindowChangedOnTheSettingsPageIsTakenWithoutARestart) {
  int64_t first = AddTask("+74951234567");
  auto d = MakeDialer();
  EXPECT_EQ(Tick(*d), 0);  // 05:00Z is 08:00 in Moscow, before the window's 09:00
  business::CallingWindow w = cfg_.window;
  w.weekdays.start_min = 8 * 60;
  d->SetCallingWindow(w);
  EXPECT_EQ(Tick(*d), 1);
  EXPECT_EQ(net_.calls.at(0).req.task.id, first);

  w.weekdays.start_min = 10 * 60;
  d->SetCallingWindow(w);
  int64_t second = AddTask("+74957654321");
  At("2026-12-01T05:30:00Z");  // 08:30 in Moscow
  EXPECT_EQ(Tick(*d), 0);
  At("2026-12-01T06:30:00Z");  // 09:30: inside the old window, not the new one
  EXPECT_EQ(Tick(*d), 0);
  At("2026-12-01T07:00:00Z");  // 10:00
  EXPECT_EQ(Tick(*d), 1);
  EXPECT_EQ(net_.calls.at(1).req.task.id, second);
}

TEST_F(DialerTest, TheLeadsOwnZoneIsUsed) {
  int64_t id = AddTask("+79161234567", "inbound", "Asia/Vladivostok");
  At("2026-12-01T00:00:00Z");  // 10:00 in Vladivostok, 02:00 in Kaliningrad
  auto d = MakeDialer();
  EXPECT_EQ(Tick(*d), 1);
  EXPECT_EQ(net_.calls.at(0).req.task.id, id);
}

TEST_F(DialerTest, DoNotCallIsCheckedAtTheMomentOfDialing) {
  int64_t id = AddTask("+74951234567");
  At("2026-12-01T05:30:00Z");
  auto d = MakeDialer();  // the planner's snapshot has no entry
  EXPECT_EQ(Tick(*d), 0);
  ASSERT_TRUE(store_->AddDnc(crm::DncEntry{"8 495 123-45-67", "opt_out", "test", 0}).ok());
  At("2026-12-01T06:00:00Z");
  EXPECT_EQ(Tick(*d), 0);
  EXPECT_TRUE(net_.calls.empty());
  EXPECT_EQ(crm::Name(Task(id).status), "cancelled");
  EXPECT_EQ(Task(id).last_result, "dnc");
  EXPECT_EQ(d->stats().closed_dnc, 1);
  EXPECT_EQ(d->in_flight(), 0);  // the reserved line was given back
}

TEST_F(DialerTest, RetriesAfterDelaysThenEndsNoAnswer) {
  int64_t id = AddTask("+74951234567");
  int64_t lead = Task(id).lead_id;
  At("2026-12-01T06:00:00Z");
  auto d = MakeDialer();
  EXPECT_EQ(Tick(*d), 1);
  net_.Finish(CallDisposition::kBusy);
  At("2026-12-01T06:01:00Z");
  EXPECT_EQ(Tick(*d), 0);
  EXPECT_EQ(crm::Name(Task(id).status), "open");
  EXPECT_EQ(Task(id).last_result, "busy");
  At("2026-12-01T06:14:59Z");
  EXPECT_EQ(Tick(*d), 0);
  At("2026-12-01T06:15:00Z");
  EXPECT_EQ(Tick(*d), 1);  // second attempt after 15 min
  EXPECT_EQ(Task(id).attempts, 2);
  net_.Finish(CallDisposition::kNoAnswer);
  At("2026-12-01T07:14:00Z");
  EXPECT_EQ(Tick(*d), 0);
  At("2026-12-01T07:15:00Z");
  EXPECT_EQ(Tick(*d), 1);  // third after 1 h
  net_.Finish(CallDisposition::kNoAnswer);
  At("2026-12-01T12:00:00Z");
  EXPECT_EQ(Tick(*d), 0);
  crm::Task t = Task(id);
  EXPECT_EQ(crm::Name(t.status), "done");
  EXPECT_EQ(t.last_result, "no_answer");
  EXPECT_EQ(t.attempts, 3);
  EXPECT_EQ(store_->GetLead(lead).value().outcome, crm::Outcome::kNoAnswer);
  EXPECT_EQ(net_.calls.size(), 3u);
}

TEST_F(DialerTest, RetriesStayInsideTheWindow) {
  int64_t id = AddTask("+74951234567");
  At("2026-12-01T16:50:00Z");  // 19:50 MSK
  auto d = MakeDialer();
  EXPECT_EQ(Tick(*d), 1);
  net_.Finish(CallDisposition::kNoAnswer);
  At("2026-12-01T17:05:00Z");  // retry due, but 20:05 MSK
  EXPECT_EQ(Tick(*d), 0);
  At("2026-12-02T05:59:59Z");
  EXPECT_EQ(Tick(*d), 0);
  At("2026-12-02T06:00:00Z");
  EXPECT_EQ(Tick(*d), 1);
  EXPECT_EQ(Task(id).attempts, 2);
}

TEST_F(DialerTest, ConcurrencyLimitsGlobalAndPerTrunk) {
  cfg_.max_concurrent = 3;
  cfg_.trunks = {TrunkConfig{"a", 1, "+74951110000"}, TrunkConfig{"b", 5, ""}};
  for (int i = 0; i < 6; ++i) AddTask("+7495123456" + std::to_string(i));
  At("2026-12-01T06:00:00Z");
  auto d = MakeDialer();
  EXPECT_EQ(Tick(*d), 3);
  EXPECT_EQ(d->in_flight(), 3);
  EXPECT_EQ(net_.calls[0].req.trunk, "a");
  EXPECT_EQ(net_.calls[0].req.caller_id, "+74951110000");
  EXPECT_EQ(net_.calls[1].req.trunk, "b");
  EXPECT_EQ(net_.calls[1].req.caller_id, "+74950000000");
  EXPECT_EQ(Tick(*d), 0);  // every line busy
  net_.Finish(CallDisposition::kAnswered, "order_placed");
  EXPECT_EQ(Tick(*d), 1);  // the freed line is used at once
  EXPECT_EQ(net_.calls[3].req.trunk, "a");
  EXPECT_EQ(crm::Name(Task(net_.calls[0].req.task.id).status), "done");
  EXPECT_EQ(Task(net_.calls[0].req.task.id).last_result, "order_placed");
}

TEST_F(DialerTest, CallsPerSecondAreLimited) {
  cfg_.calls_per_second = 2;
  cfg_.burst = 2;
  for (int i = 0; i < 6; ++i) AddTask("+7495123456" + std::to_string(i));
  At("2026-12-01T06:00:00Z");
  auto d = MakeDialer();
  EXPECT_EQ(Tick(*d), 2);
  clock_.Advance(std::chrono::milliseconds(499));
  EXPECT_EQ(Tick(*d), 0);
  clock_.Advance(std::chrono::milliseconds(1));
  EXPECT_EQ(Tick(*d), 1);
  clock_.Advance(std::chrono::milliseconds(1000));
  EXPECT_EQ(Tick(*d), 2);
  EXPECT_EQ(net_.calls.size(), 5u);
}

TEST_F(DialerTest, WebFormLeadsAskForConsentFirst) {
  int64_t web = AddTask("+74951234567", "web_form");
  int64_t inbound = AddTask("+74951234568", "inbound");
  At("2026-12-01T06:00:00Z");
  auto d = MakeDialer();
  EXPECT_EQ(Tick(*d), 2);
  for (const auto& c : net_.calls) {
    EXPECT_EQ(c.req.consent_required, c.req.task.id == web) << c.req.task.id;
    EXPECT_TRUE(c.req.task.id == web || c.req.task.id == inbound);
  }
}

TEST_F(DialerTest, AFormSentAtTwoAmIsCalledAtNineWithConsentFirst) {
  At("2026-11-30T23:00:00Z");  // 02:00 MSK: the web form arrives
  int64_t id = AddTask("+74951234567", "web_form");
  auto d = MakeDialer();
  At("2026-11-30T23:10:00Z");
  EXPECT_EQ(Tick(*d), 0);
  At("2026-12-01T05:59:00Z");
  EXPECT_EQ(Tick(*d), 0);
  At("2026-12-01T06:00:00Z");  // 09:00 MSK
  EXPECT_EQ(Tick(*d), 1);
  ASSERT_EQ(net_.calls.size(), 1u);
  EXPECT_EQ(net_.calls[0].req.task.id, id);
  EXPECT_TRUE(net_.calls[0].req.consent_required);
}

TEST_F(DialerTest, SecretaryEndsWithATextFollowUp) {
  int64_t id = AddTask("+74951234567");
  At("2026-12-01T06:00:00Z");
  auto d = MakeDialer();
  EXPECT_EQ(Tick(*d), 1);
  net_.Finish(CallDisposition::kSecretary);
  EXPECT_EQ(Tick(*d), 0);
  crm::Task t = Task(id);
  EXPECT_EQ(crm::Name(t.status), "done");
  EXPECT_EQ(t.last_result, "secretary");
  EXPECT_EQ(store_->GetLead(t.lead_id).value().outcome, crm::Outcome::kSecretary);
  auto all = store_->ListTasks(crm::TaskStatus::kOpen, t.lead_id);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(crm::Name(all->at(0).kind), "text_followup");
  EXPECT_EQ(all->at(0).agent, "");
  // The follow-up is the manager's: the dialer never calls it.
  At("2026-12-01T07:00:00Z");
  ASSERT_TRUE(d->Refresh().ok());
  EXPECT_EQ(Tick(*d), 0);
}

TEST_F(DialerTest, DeadlinesAndBadNumbersCloseTasks) {
  int64_t late = AddTask("+74951234567");
  crm::Task t = Task(late);
  t.deadline = Ms("2026-12-01T05:30:00Z");
  ASSERT_TRUE(store_->UpdateTask(t).ok());
  int64_t bad = AddTask("12345");
  auto d = MakeDialer();  // 05:00Z, window opens 06:00Z
  EXPECT_EQ(Tick(*d), 0);
  EXPECT_EQ(crm::Name(Task(late).status), "failed");
  EXPECT_EQ(Task(late).last_result, "deadline_passed");
  EXPECT_EQ(crm::Name(Task(bad).status), "failed");
  EXPECT_EQ(Task(bad).last_result, "bad_number");
}

TEST_F(DialerTest, InterruptedCallsAreReopenedAndTakenTasksSkipped) {
  int64_t a = AddTask("+74951234567");
  int64_t b = AddTask("+74951234568");
  ASSERT_TRUE(store_->ClaimTask(a, Ms("2026-12-01T04:00:00Z")).value());  // a crash mid-call
  At("2026-12-01T06:00:00Z");
  auto d = MakeDialer();
  EXPECT_EQ(crm::Name(Task(a).status), "open");
  EXPECT_EQ(Task(a).last_result, "interrupted");
  // Another dialer takes b after our refresh: ClaimTask fails and b is not dialed twice.
  ASSERT_TRUE(store_->ClaimTask(b, Ms("2026-12-01T06:00:00Z")).value());
  EXPECT_EQ(Tick(*d), 1);
  EXPECT_EQ(net_.calls.at(0).req.task.id, a);
  EXPECT_EQ(net_.calls.at(0).req.task.attempts, 2);
  EXPECT_EQ(d->stats().claim_lost, 1);
  EXPECT_EQ(d->in_flight(), 1);
}

TEST_F(DialerTest, NewTasksArriveWithARefresh) {
  At("2026-12-01T06:00:00Z");
  auto d = MakeDialer();
  EXPECT_EQ(Tick(*d), 0);
  AddTask("+74951234567");
  EXPECT_EQ(Tick(*d), 0);  // not loaded yet
  clock_.Advance(std::chrono::seconds(30));
  EXPECT_EQ(Tick(*d), 1);
}

TEST_F(DialerTest, RunLoopDialsUntilStopped) {
  int64_t id = AddTask("+74951234567");
  At("2026-12-01T06:00:00Z");
  auto d = MakeDialer();
  {
    std::jthread loop([&](std::stop_token st) { d->Run(st, std::chrono::milliseconds(1)); });
    for (int i = 0; i < 5000 && net_.count.load() == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }  // the jthread asks Run to stop and joins
  ASSERT_EQ(net_.calls.size(), 1u);
  EXPECT_EQ(net_.calls[0].req.task.id, id);
}

}  // namespace
}  // namespace kira::dialer
