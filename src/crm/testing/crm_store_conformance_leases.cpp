// Conformance suite, part 5: task leases and the dialer's global limits (dial_leases.h).
#include <algorithm>

#include "crm/testing/crm_store_conformance.h"

namespace kira::crm {
namespace {

constexpr int64_t kT0 = 1764400000000;

int64_t NewCallTask(CrmStore& s, int n) {
  Task t;
  t.kind = TaskKind::kVeraCall;
  t.agent = "vera";
  t.phone = "+7916" + std::to_string(2000000 + n);
  t.not_before = kT0 - 1000;
  auto id = s.CreateTask(t);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  return id.ok() ? *id : 0;
}

LeaseClaim Claim(const std::string& node, int64_t now, DialLimits limits) {
  LeaseClaim c;
  c.node = node;
  c.now = now;
  c.lease_until = now + 60000;
  c.limits = std::move(limits);
  return c;
}

DialLimits Limits(int global, std::vector<TrunkLimit> trunks, double cps = 1000, int burst = 100) {
  DialLimits l;
  l.max_concurrent = global;
  l.trunks = std::move(trunks);
  l.calls_per_second = cps;
  l.burst = burst;
  return l;
}

TEST_P(CrmStoreConformance, LeasedClaimsFillTrunksInOrderAndStopAtTheirLimits) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(NewCallTask(store(), i));
  DialLimits lim = Limits(4, {{"a", 2}, {"b", 3}});
  std::vector<std::string> trunks;
  for (int i = 0; i < 4; ++i) {
    auto v = store().ClaimTaskLeased(ids[i], Claim(i % 2 ? "n2" : "n1", kT0, lim));
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    ASSERT_EQ(v->outcome, ClaimOutcome::kClaimed) << i;
    trunks.push_back(v->trunk);
  }
  EXPECT_EQ(trunks, (std::vector<std::string>{"a", "a", "b", "b"}));
  auto full = store().ClaimTaskLeased(ids[4], Claim("n3", kT0, lim));
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->outcome, ClaimOutcome::kConcurrency) << "the global limit counts every node";
  EXPECT_EQ(Name(store().GetTask(ids[4])->status), "open") << "a refused claim takes nothing";
  EXPECT_EQ(Name(store().GetTask(ids[0])->status), "in_progress");
  EXPECT_EQ(store().GetTask(ids[0])->attempts, 1);

  // A call ends: its slot is free for any node.
  Task done = *store().GetTask(ids[0]);
  done.status = TaskStatus::kDone;
  ASSERT_TRUE(store().UpdateTask(done).ok());
  auto next = store().ClaimTaskLeased(ids[4], Claim("n3", kT0 + 1, lim));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->outcome, ClaimOutcome::kClaimed);
  EXPECT_EQ(next->trunk, "a");
  auto again = store().ClaimTaskLeased(ids[4], Claim("n1", kT0 + 2, lim));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcome, ClaimOutcome::kTaken);
  EXPECT_EQ(store().ClaimTaskLeased(999999, Claim("n1", kT0, lim)).status().code(),
            Status::Code::kNotFound);
  LeaseClaim bad = Claim("", kT0, lim);
  EXPECT_EQ(store().ClaimTaskLeased(ids[5], bad).status().code(), Status::Code::kInvalid);
}

TEST_P(CrmStoreConformance, LeasedClaimsShareOneCallsPerSecondBucket) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(NewCallTask(store(), i));
  DialLimits lim = Limits(100, {{"main", 100}}, /*cps=*/2, /*burst=*/2);
  EXPECT_EQ(store().ClaimTaskLeased(ids[0], Claim("n1", kT0, lim))->outcome,
            ClaimOutcome::kClaimed);
  EXPECT_EQ(store().ClaimTaskLeased(ids[1], Claim("n2", kT0, lim))->outcome,
            ClaimOutcome::kClaimed);
  auto rate = store().ClaimTaskLeased(ids[2], Claim("n3", kT0 + 100, lim));
  ASSERT_TRUE(rate.ok());
  EXPECT_EQ(rate->outcome, ClaimOutcome::kRate) << "the burst of 2 is spent by two nodes";
  EXPECT_NEAR(rate->retry_at, kT0 + 500, 1) << "one token per 500 ms";
  EXPECT_EQ(Name(store().GetTask(ids[2])->status), "open");
  EXPECT_EQ(store().ClaimTaskLeased(ids[2], Claim("n3", kT0 + 501, lim))->outcome,
            ClaimOutcome::kClaimed);
  EXPECT_EQ(store().ClaimTaskLeased(ids[3], Claim("n1", kT0 + 501, lim))->outcome,
            ClaimOutcome::kRate);
}

std::vector<int64_t> ClaimedIds(const LeasedBatch& b) {
  std::vector<int64_t> ids;
  for (const auto& c : b.claimed) ids.push_back(c.id);
  return ids;
}

// A batch claims as that many single claims would: in the candidates' order, at most `max`,
// each under the limits (lines per trunk, the global limit, the shared bucket); tasks no
// longer open, and unknown ids, are reported taken; the first refusal ends the batch and says
// why; what the batch did not reach stays open.
TEST_P(CrmStoreConformance, ABatchOfLeasedClaimsObeysTheLimitsInOrder) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 8; ++i) ids.push_back(NewCallTask(store(), i));
  DialLimits lim = Limits(5, {{"a", 2}, {"b", 2}});
  ASSERT_EQ(store().ClaimTaskLeased(ids[1], Claim("n2", kT0, lim))->outcome,
            ClaimOutcome::kClaimed);
  // ids[1] is n2's already; 999999 is no task; at most 2 of the rest.
  auto first = store().ClaimTasksLeased({ids[0], ids[1], 999999, ids[2], ids[3]}, 2,
                                        Claim("n1", kT0 + 1, lim));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(ClaimedIds(*first), (std::vector<int64_t>{ids[0], ids[2]}));
  EXPECT_EQ(first->claimed[0].trunk, "a");
  EXPECT_EQ(first->claimed[1].trunk, "b") << "trunk a is full with ids[1] and ids[0]";
  std::vector<int64_t> taken = first->taken;
  std::sort(taken.begin(), taken.end());
  EXPECT_EQ(taken, (std::vector<int64_t>{ids[1], 999999}));
  EXPECT_TRUE(first->skipped.empty());
  EXPECT_EQ(first->stopped, ClaimOutcome::kClaimed);
  EXPECT_EQ(Name(store().GetTask(ids[3])->status), "open") << "not reached: max was 2";
  EXPECT_EQ(store().GetTask(ids[0])->attempts, 1);

  // Lines for 1 more (b holds 2 - 1); then the trunks are full: the batch stops there.
  auto second = store().ClaimTasksLeased({ids[3], ids[4], ids[5]}, 3, Claim("n3", kT0 + 2, lim));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(ClaimedIds(*second), (std::vector<int64_t>{ids[3]}));
  EXPECT_EQ(second->stopped, ClaimOutcome::kConcurrency);
  EXPECT_EQ(Name(store().GetTask(ids[4])->status), "open") << "a refused claim takes nothing";
  EXPECT_EQ(Name(store().GetTask(ids[5])->status), "open");

  // The shared bucket: a burst of 2, then one token per 500 ms.
  DialLimits rate = Limits(100, {{"main", 100}}, /*cps=*/2, /*burst=*/2);
  auto fresh = NewCallTask(store(), 100);
  auto paced =
      store().ClaimTasksLeased({ids[4], ids[5], ids[6], fresh}, 4, Claim("n1", kT0 + 10000, rate));
  ASSERT_TRUE(paced.ok()) << paced.status().ToString();
  EXPECT_EQ(ClaimedIds(*paced), (std::vector<int64_t>{ids[4], ids[5]}));
  EXPECT_EQ(paced->stopped, ClaimOutcome::kRate);
  EXPECT_NEAR(paced->retry_at, kT0 + 10500, 1);
  EXPECT_EQ(Name(store().GetTask(ids[6])->status), "open");

  EXPECT_EQ(store().ClaimTasksLeased({ids[7]}, 0, Claim("n1", kT0, lim)).status().code(),
            Status::Code::kInvalid);
  EXPECT_EQ(store().ClaimTasksLeased({ids[7]}, 1, Claim("", kT0, lim)).status().code(),
            Status::Code::kInvalid);
  auto none = store().ClaimTasksLeased({}, 1, Claim("n1", kT0, lim));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->claimed.empty());
}

TEST_P(CrmStoreConformance, ExpiredLeasesAreReleasedAndLiveOnesRenewed) {
  int64_t a = NewCallTask(store(), 1), b = NewCallTask(store(), 2), c = NewCallTask(store(), 3);
  DialLimits lim = Limits(10, {{"main", 10}});
  ASSERT_EQ(store().ClaimTaskLeased(a, Claim("dead", kT0, lim))->outcome, ClaimOutcome::kClaimed);
  ASSERT_EQ(store().ClaimTaskLeased(b, Claim("alive", kT0, lim))->outcome, ClaimOutcome::kClaimed);
  ASSERT_EQ(store().ClaimTaskLeased(c, Claim("restarted", kT0, lim))->outcome,
            ClaimOutcome::kClaimed);
  // "alive" renews its call; another node's renewal of the same task does nothing.
  EXPECT_EQ(*store().RenewTaskLeases("alive", {b, a}, kT0 + 120000), 1);
  EXPECT_EQ(*store().RenewTaskLeases("other", {b}, kT0 + 999999), 0);
  EXPECT_TRUE(store().ReleaseTaskLeases(kT0 + 30000, "")->empty()) << "no lease has ended";
  auto own = store().ReleaseTaskLeases(kT0 + 30000, "restarted");
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  EXPECT_EQ(*own, (std::vector<int64_t>{c}));
  auto expired = store().ReleaseTaskLeases(kT0 + 60001, "");
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(*expired, (std::vector<int64_t>{a})) << "b was renewed";
  Task t = *store().GetTask(a);
  EXPECT_EQ(Name(t.status), "open");
  EXPECT_EQ(t.last_result, "interrupted");
  EXPECT_EQ(t.attempts, 1) << "the interrupted attempt stays counted";
  EXPECT_EQ(Name(store().GetTask(b)->status), "in_progress");
  // The released task is claimed again, by a live node, counting a second attempt.
  auto v = store().ClaimTaskLeased(a, Claim("alive", kT0 + 60002, lim));
  ASSERT_EQ(v->outcome, ClaimOutcome::kClaimed);
  EXPECT_EQ(store().GetTask(a)->attempts, 2);
  EXPECT_EQ(store().ReleaseTaskLeases(kT0 + 200000, "")->size(), 2u) << "a and b";
}

// A task in progress without a lease — a lone dialer's ClaimTask, or a row from before leases,
// whose process is gone — holds no line and is reopened at the next release, its attempt
// counted once; claimed again under a lease, it is not reopened while that lease lives.
TEST_P(CrmStoreConformance, ATaskInProgressWithoutALeaseIsReopenedAndHoldsNoLine) {
  int64_t old = NewCallTask(store(), 1), fresh = NewCallTask(store(), 2);
  ASSERT_TRUE(*store().ClaimTask(old, kT0 - 3600000));
  DialLimits one = Limits(1, {{"main", 1}});
  auto v = store().ClaimTaskLeased(fresh, Claim("n1", kT0, one));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->outcome, ClaimOutcome::kClaimed) << "a task without a lease is no call in progress";
  auto released = store().ReleaseTaskLeases(kT0 + 1, "");
  ASSERT_TRUE(released.ok()) << released.status().ToString();
  EXPECT_EQ(*released, (std::vector<int64_t>{old})) << "fresh's lease lives";
  Task t = *store().GetTask(old);
  EXPECT_EQ(Name(t.status), "open");
  EXPECT_EQ(t.last_result, "interrupted");
  EXPECT_EQ(t.attempts, 1) << "the lost attempt stays counted, once";
  DialLimits two = Limits(2, {{"main", 2}});
  ASSERT_EQ(store().ClaimTaskLeased(old, Claim("n2", kT0 + 2, two))->outcome,
            ClaimOutcome::kClaimed);
  EXPECT_EQ(store().GetTask(old)->attempts, 2);
  EXPECT_TRUE(store().ReleaseTaskLeases(kT0 + 30000, "")->empty()) << "both leases live";
  EXPECT_EQ(store().ClaimTaskLeased(NewCallTask(store(), 3), Claim("n3", kT0 + 3, two))->outcome,
            ClaimOutcome::kConcurrency)
      << "the two leased calls fill the limit of 2";
}

// A node whose lease ended must not overwrite the result of the node that dialled the task
// again, nor close a queued task another node has claimed meanwhile (UpdateTaskIf).
TEST_P(CrmStoreConformance, AWriteByANodeThatNoLongerHoldsTheTaskIsRefused) {
  int64_t a = NewCallTask(store(), 1), queued = NewCallTask(store(), 2),
          other = NewCallTask(store(), 3);
  DialLimits lim = Limits(1, {{"main", 1}});
  ASSERT_EQ(store().ClaimTaskLeased(a, Claim("old", kT0, lim))->outcome, ClaimOutcome::kClaimed);
  // "old" stops renewing; its lease ends, a live node reopens the task and claims it.
  ASSERT_EQ(*store().ReleaseTaskLeases(kT0 + 60001, ""), (std::vector<int64_t>{a}));
  ASSERT_EQ(store().ClaimTaskLeased(a, Claim("new", kT0 + 60002, lim))->outcome,
            ClaimOutcome::kClaimed);

  // "old"'s call ends at last: its result is refused, naming both nodes; nothing is written.
  Task late = *store().GetTask(a);
  late.status = TaskStatus::kDone;
  late.last_result = "answered";
  Status s = store().UpdateTaskIf(late, TaskStatus::kInProgress, "old");
  EXPECT_EQ(s.code(), Status::Code::kConflict) << s.ToString();
  EXPECT_NE(s.message().find("'new'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("'old'"), std::string::npos) << s.message();
  Task held = *store().GetTask(a);
  EXPECT_EQ(Name(held.status), "in_progress");
  EXPECT_EQ(held.last_result, "interrupted");
  EXPECT_EQ(held.attempts, 2);

  // The holder's own result is written, and ends its lease: the line is free for another call.
  Task busy = held;
  busy.status = TaskStatus::kOpen;
  busy.last_result = "busy";
  ASSERT_TRUE(store().UpdateTaskIf(busy, TaskStatus::kInProgress, "new").ok());
  EXPECT_EQ(store().GetTask(a)->last_result, "busy");
  EXPECT_EQ(store().ClaimTaskLeased(other, Claim("new", kT0 + 60003, lim))->outcome,
            ClaimOutcome::kClaimed)
      << "the ended call no longer counts against the limit of 1";
  // Now open again (a retry): "old" still does not hold it.
  EXPECT_EQ(store().UpdateTaskIf(late, TaskStatus::kInProgress, "old").code(),
            Status::Code::kConflict);
  EXPECT_EQ(store().GetTask(a)->last_result, "busy");

  // Closing a queued task: only while it is still open.
  Task dnc = *store().GetTask(queued);
  dnc.status = TaskStatus::kCancelled;
  dnc.last_result = "dnc";
  ASSERT_TRUE(store().UpdateTaskIf(dnc, TaskStatus::kOpen, "old").ok());
  EXPECT_EQ(Name(store().GetTask(queued)->status), "cancelled");
  Task claimed = *store().GetTask(other);
  claimed.status = TaskStatus::kFailed;
  s = store().UpdateTaskIf(claimed, TaskStatus::kOpen, "old");
  EXPECT_EQ(s.code(), Status::Code::kConflict) << s.ToString();
  EXPECT_NE(s.message().find("in_progress"), std::string::npos) << s.message();
  EXPECT_EQ(Name(store().GetTask(other)->status), "in_progress");

  Task missing = late;
  missing.id = 999999;
  EXPECT_EQ(store().UpdateTaskIf(missing, TaskStatus::kInProgress, "old").code(),
            Status::Code::kNotFound);
}

}  // namespace
}  // namespace kira::crm
