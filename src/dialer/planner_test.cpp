#include "dialer/planner.h"

#include <gtest/gtest.h>

#include "dialer/testing/test_util.h"

namespace kira::dialer {
namespace {

using testing::Iso;
using testing::Ms;

class PlannerTest : public ::testing::Test {
 protected:
  crm::Task MakeTask(const std::string& phone, const std::string& tz = "") {
    crm::Task t;
    t.id = ++next_id_;
    t.lead_id = t.id;
    t.agent = "vera";
    t.phone = phone;
    t.timezone = tz;
    return t;
  }
  Decision Eval(const crm::Task& t, const std::string& at, bool web_form = false) {
    return planner_.Evaluate(t, Ms(at), web_form);
  }
  std::string Next(const Decision& d) { return d.next_allowed_ms ? Iso(d.next_allowed_ms) : "-"; }

  int64_t next_id_ = 0;
  DialerConfig cfg_;
  ZoneDb db_;
  PhoneZoneResolver resolver_{&db_};
  std::vector<crm::DncEntry> dnc_entries_{{"8 (495) 000-00-01", "opt_out", "test", 0}};
  DncSnapshot dnc_{dnc_entries_};
  Planner planner_{cfg_, &resolver_, &dnc_};
};

TEST_F(PlannerTest, DialsInsideTheWindow) {
  auto t = MakeTask("+74951234567");
  Decision d = Eval(t, "2026-12-01T06:00:00Z");
  EXPECT_EQ(d.verdict, Verdict::kDial);
  EXPECT_EQ(d.reason, Reason::kDue);
  EXPECT_EQ(Next(d), "2026-12-01T06:00:00Z");
  EXPECT_EQ(db_.SetNames(d.zones), "Europe/Moscow");
}

TEST_F(PlannerTest, WaitsForTheWindowToOpen) {
  auto t = MakeTask("+74951234567");
  Decision d = Eval(t, "2026-12-01T05:00:00Z");
  EXPECT_EQ(d.verdict, Verdict::kWait);
  EXPECT_EQ(d.reason, Reason::kWindow);
  EXPECT_EQ(Next(d), "2026-12-01T06:00:00Z");
  // Kamchatka at the same instant is 17:00 local: open.
  EXPECT_EQ(Eval(MakeTask("+74152123456"), "2026-12-01T05:00:00Z").verdict, Verdict::kDial);
  // Kaliningrad: 07:00 local, opens at 07:00Z.
  EXPECT_EQ(Next(Eval(MakeTask("+74012123456"), "2026-12-01T05:00:00Z")), "2026-12-01T07:00:00Z");
}

TEST_F(PlannerTest, AWebFormAtTwoAmIsCalledWhenTheWindowOpens) {
  // Submitted 02:00 MSK (23:00Z the day before); the dialer looks at it ten minutes later.
  auto t = MakeTask("+74951234567");
  t.created_at = Ms("2026-11-30T23:00:00Z");
  Decision d = Eval(t, "2026-11-30T23:10:00Z", /*web_form=*/true);
  EXPECT_EQ(d.verdict, Verdict::kWait);
  EXPECT_EQ(d.reason, Reason::kWindow);
  EXPECT_EQ(Next(d), "2026-12-01T06:00:00Z");
  EXPECT_TRUE(d.consent_required);
  EXPECT_FALSE(Eval(t, "2026-12-01T06:00:00Z", false).consent_required);
}

TEST_F(PlannerTest, ThePreferredTimeWinsInsideTheWindow) {
  auto t = MakeTask("+74951234567");
  t.not_before = Ms("2026-12-01T10:30:00Z");  // 13:30 MSK
  Decision d = Eval(t, "2026-12-01T06:00:00Z");
  EXPECT_EQ(d.verdict, Verdict::kWait);
  EXPECT_EQ(d.reason, Reason::kNotBefore);
  EXPECT_EQ(Next(d), "2026-12-01T10:30:00Z");
  EXPECT_EQ(Eval(t, "2026-12-01T10:30:00Z").verdict, Verdict::kDial);
  // A preferred 22:00 MSK is outside the window: the next opening after it.
  t.not_before = Ms("2026-12-01T19:00:00Z");
  d = Eval(t, "2026-12-01T06:00:00Z");
  EXPECT_EQ(d.reason, Reason::kWindow);
  EXPECT_EQ(Next(d), "2026-12-02T06:00:00Z");
}

TEST_F(PlannerTest, MobileNumbersWaitForEveryZoneUnlessTheLeadHasOne) {
  auto mobile = MakeTask("+79161234567");
  // 00:00Z Tuesday: 10:00 in Vladivostok but 02:00 in Kaliningrad.
  Decision d = Eval(mobile, "2026-12-01T00:00:00Z");
  EXPECT_EQ(d.verdict, Verdict::kWait);
  EXPECT_EQ(Next(d), "2026-12-01T07:00:00Z");  // 09:00 Kaliningrad, 19:00 Kamchatka
  EXPECT_EQ(d.zone_source, ZoneSource::kCountry);
  auto own = MakeTask("+79161234567", "Asia/Vladivostok");
  d = Eval(own, "2026-12-01T00:00:00Z");
  EXPECT_EQ(d.verdict, Verdict::kDial);
  EXPECT_EQ(d.zone_source, ZoneSource::kOwnZone);
}

TEST_F(PlannerTest, DoNotCallClosesTheTask) {
  auto t = MakeTask("+74950000001");  // listed as "8 (495) 000-00-01"
  Decision d = Eval(t, "2026-12-01T06:00:00Z");
  EXPECT_EQ(d.verdict, Verdict::kClose);
  EXPECT_EQ(d.reason, Reason::kDnc);
}

TEST_F(PlannerTest, RetriesWaitTheConfiguredDelaysInsideWindows) {
  auto t = MakeTask("+74951234567");
  t.attempts = 1;
  t.last_attempt_at = Ms("2026-12-01T06:00:00Z");
  t.last_result = "busy";
  Decision d = Eval(t, "2026-12-01T06:10:00Z");
  EXPECT_EQ(d.reason, Reason::kRetryDelay);
  EXPECT_EQ(Next(d), "2026-12-01T06:15:00Z");  // 15 min
  t.attempts = 2;
  t.last_attempt_at = Ms("2026-12-01T06:15:00Z");
  EXPECT_EQ(Next(Eval(t, "2026-12-01T06:20:00Z")), "2026-12-01T07:15:00Z");  // 1 h
  t.attempts = 3;
  t.last_attempt_at = Ms("2026-12-01T16:30:00Z");  // 19:30 MSK; +3 h is 22:30
  d = Eval(t, "2026-12-01T16:35:00Z");
  EXPECT_EQ(d.reason, Reason::kWindow);
  EXPECT_EQ(Next(d), "2026-12-02T06:00:00Z");
  t.attempts = cfg_.max_attempts;
  d = Eval(t, "2026-12-02T08:00:00Z");
  EXPECT_EQ(d.verdict, Verdict::kClose);
  EXPECT_EQ(d.reason, Reason::kMaxAttempts);
}

TEST_F(PlannerTest, DeadlinesAreRespected) {
  auto t = MakeTask("+74951234567");
  t.deadline = Ms("2026-12-01T05:30:00Z");  // before the window opens at 06:00Z
  Decision d = Eval(t, "2026-12-01T04:00:00Z");
  EXPECT_EQ(d.verdict, Verdict::kClose);
  EXPECT_EQ(d.reason, Reason::kDeadlinePassed);
  t.deadline = Ms("2026-12-01T08:00:00Z");
  EXPECT_EQ(Eval(t, "2026-12-01T04:00:00Z").verdict, Verdict::kWait);
  EXPECT_EQ(Eval(t, "2026-12-01T07:00:00Z").verdict, Verdict::kDial);
}

TEST_F(PlannerTest, BadNumbersAreClosed) {
  Decision d = Eval(MakeTask("12"), "2026-12-01T06:00:00Z");
  EXPECT_EQ(d.verdict, Verdict::kClose);
  EXPECT_EQ(d.reason, Reason::kBadNumber);
}

TEST_F(PlannerTest, PlanAppliesConcurrencyAndRate) {
  cfg_.max_concurrent = 3;
  cfg_.trunks = {TrunkConfig{"a", 2, "+74950000010"}, TrunkConfig{"b", 5, ""}};
  cfg_.caller_id = "+74950000000";
  std::vector<crm::Task> tasks;
  for (int i = 0; i < 5; ++i) tasks.push_back(MakeTask("+74951234567"));
  tasks.push_back(MakeTask("+74951234567"));
  tasks.back().status = crm::TaskStatus::kInProgress;  // not listed
  auto plan = Plan(planner_, tasks, Ms("2026-12-01T06:00:00Z"), 0, [](int64_t) { return false; });
  ASSERT_EQ(plan.size(), 5u);
  EXPECT_EQ(plan[0].decision.verdict, Verdict::kDial);
  EXPECT_EQ(plan[0].trunk, 0);
  EXPECT_EQ(plan[1].trunk, 0);
  EXPECT_EQ(plan[2].trunk, 1);  // trunk a is full
  EXPECT_EQ(plan[3].decision.reason, Reason::kConcurrency);
  EXPECT_EQ(plan[4].decision.reason, Reason::kConcurrency);
  // Calls already in progress take lines.
  plan = Plan(planner_, tasks, Ms("2026-12-01T06:00:00Z"), 2, [](int64_t) { return false; });
  EXPECT_EQ(plan[0].decision.verdict, Verdict::kDial);
  EXPECT_EQ(plan[1].decision.reason, Reason::kConcurrency);

  cfg_.max_concurrent = 100;
  cfg_.trunks = {TrunkConfig{}};
  cfg_.calls_per_second = 2;
  cfg_.burst = 2;
  plan = Plan(planner_, tasks, Ms("2026-12-01T06:00:00Z"), 0, [](int64_t) { return false; });
  EXPECT_EQ(plan[1].decision.verdict, Verdict::kDial);
  EXPECT_EQ(plan[2].decision.reason, Reason::kRate);
  EXPECT_EQ(plan[2].decision.next_allowed_ms, Ms("2026-12-01T06:00:00Z") + 500);
  EXPECT_EQ(plan[3].decision.next_allowed_ms, Ms("2026-12-01T06:00:00Z") + 1000);
  EXPECT_EQ(plan[4].decision.next_allowed_ms, Ms("2026-12-01T06:00:00Z") + 1500);
}

TEST(DialerConfigTest, ParsesAndRejectsWithTheKey) {
  auto c = ParseDialerConfig(
      "caller_id: '+74951234567'\nmax_concurrent: 50\ncalls_per_second: 10\nburst: 5\n"
      "max_attempts: 3\nretry_delays: [10m, 2h30m]\n"
      "trunks:\n  - {name: main, max_concurrent: 30, caller_id: '+74950000000'}\n",
      "dialer.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->max_concurrent, 50);
  EXPECT_EQ(c->retry_delays_ms, (std::vector<int64_t>{600000, 9000000}));
  EXPECT_EQ(c->RetryDelayMs(1), 600000);
  EXPECT_EQ(c->RetryDelayMs(5), 9000000);
  EXPECT_EQ(c->trunks.at(0).name, "main");
  auto bad = ParseDialerConfig("max_concurent: 5\n", "dialer.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("max_concurent"), std::string::npos);
  bad = ParseDialerConfig("retry_delays: [15 minutes]\n", "dialer.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("15 minutes"), std::string::npos);
  bad = ParseDialerConfig("max_concurrent: many\n", "dialer.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("max_concurrent"), std::string::npos);
  bad = ParseDialerConfig("trunks:\n  - {name: x, colour: red}\n", "dialer.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("trunks[0].colour"), std::string::npos);
  bad = ParseDialerConfig("calls_per_second: 0\n", "dialer.yaml");
  EXPECT_FALSE(bad.ok());
  bad = ParseDialerConfig("max_concurrent: 2\nmax_concurrent: 20\n", "dialer.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("duplicate key 'max_concurrent'"), std::string::npos)
      << bad.status().message();
  int64_t ms = 0;
  EXPECT_TRUE(ParseDuration("1d", &ms));
  EXPECT_EQ(ms, 86400000);
  EXPECT_FALSE(ParseDuration("5", &ms));
  EXPECT_FALSE(ParseDuration("h", &ms));
}

TEST(TokenBucketTest, RefillsAtTheRate) {
  TokenBucket b(10, 2, 0);
  EXPECT_TRUE(b.TryTake(0));
  EXPECT_TRUE(b.TryTake(0));
  EXPECT_FALSE(b.TryTake(0));
  EXPECT_EQ(b.NextTokenAt(0), 100);
  EXPECT_FALSE(b.TryTake(99));
  EXPECT_TRUE(b.TryTake(100));
  EXPECT_TRUE(b.TryTake(10000));
  EXPECT_TRUE(b.TryTake(10000));
  EXPECT_FALSE(b.TryTake(10000));  // burst caps the bucket
}

}  // namespace
}  // namespace kira::dialer
