// PlanStore against a real SQLite store: the paged dry run gives, entry for entry, what the
// plan over every open task read at once gives, whatever the page size (calls in progress
// occupying lines, the shared rate, web-form consent, do-not-call, other agents' tasks).
#include "dialer/plan_store.h"

#include <gtest/gtest.h>

#include <map>

#include "crm/sqlite/sqlite_crm_store.h"
#include "dialer/testing/test_util.h"

namespace kira::dialer {
namespace {

using testing::Ms;

struct Line {
  int64_t task_id;
  Verdict verdict;
  Reason reason;
  int64_t next_allowed_ms;
  int trunk;
  bool consent;
  bool operator==(const Line& o) const {
    return task_id == o.task_id && verdict == o.verdict && reason == o.reason &&
           next_allowed_ms == o.next_allowed_ms && trunk == o.trunk && consent == o.consent;
  }
};

Line LineOf(const PlanEntry& e) {
  return Line{e.task->id, e.decision.verdict,         e.decision.reason, e.decision.next_allowed_ms,
              e.trunk,    e.decision.consent_required};
}

class PlanStoreTest : public ::testing::Test {
 protected:
  PlanStoreTest() {
    crm::SqliteCrmOptions o;
    o.synchronous_full = false;
    auto s = crm::OpenSqliteCrmStore(":memory:", o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    cfg_.calls_per_second = 2;
    cfg_.burst = 3;
  }

  // The plan as `kira dialer plan` made it before pages: every task read at once.
  std::vector<Line> AllAtOnce(int64_t now) {
    ZoneDb zones;
    PhoneZoneResolver resolver(&zones, cfg_.default_region);
    DncSnapshot dnc(*store_->ListDnc());
    Planner planner(cfg_, &resolver, &dnc);
    auto open = store_->ListTasks(crm::TaskStatus::kOpen);
    auto busy = store_->ListTasks(crm::TaskStatus::kInProgress);
    EXPECT_TRUE(open.ok() && busy.ok());
    int in_progress = 0;
    for (const auto& t : *busy) in_progress += IsDialerTask(t) ? 1 : 0;
    auto web = WebFormLeadIds(*store_);
    EXPECT_TRUE(web.ok());
    std::vector<Line> out;
    for (const auto& e :
         Plan(planner, *open, now, in_progress, [&](int64_t lead) { return web->count(lead) > 0; }))
      out.push_back(LineOf(e));
    return out;
  }

  Result<std::vector<Line>> Paged(int64_t now, int page) {
    ZoneDb zones;
    PhoneZoneResolver resolver(&zones, cfg_.default_region);
    DncSnapshot dnc(*store_->ListDnc());
    Planner planner(cfg_, &resolver, &dnc);
    std::vector<Line> out;
    KIRA_RETURN_IF_ERROR(PlanStore(
        *store_, planner, now, [&](const PlanEntry& e) { out.push_back(LineOf(e)); }, page));
    return out;
  }

  std::unique_ptr<crm::CrmStore> store_;
  DialerConfig cfg_;
};

TEST_F(PlanStoreTest, PagesPlanWhatOneReadOfEveryTaskPlans) {
  const int64_t now = Ms("2026-12-01T06:00:00Z");  // 09:00 in Moscow, a Tuesday
  const char* phones[] = {"+74951234567", "+79161234567", "+73432123456",
                          "+74012123456", "+74232123456", "12"};
  for (int i = 0; i < 40; ++i) {
    crm::Lead l;
    l.channel = "phone";
    l.source = i % 3 == 0 ? "web_form" : "inbound";
    auto lead = store_->CreateLead(l);
    ASSERT_TRUE(lead.ok()) << lead.status().ToString();
    crm::Task t;
    t.lead_id = i % 5 == 4 ? 0 : *lead;
    t.kind = crm::TaskKind::kVeraCall;
    t.agent = i % 7 == 6 ? "" : "vera";  // a manager's task is not the dialer's
    t.phone = std::string(phones[i % 6]).substr(0, 9) + std::to_string(100 + i);
    if (i % 6 == 5) t.phone = "12";
    t.not_before = i % 4 == 3 ? now + 3600000 : 0;
    t.attempts = i % 8 == 2 ? 1 : 0;
    t.last_attempt_at = t.attempts ? now - 60000 : 0;
    auto id = store_->CreateTask(t);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    if (i % 9 == 0) ASSERT_TRUE(*store_->ClaimTask(*id, now - 1000));  // a call in progress
    if (i == 10) {
      crm::DncEntry d;
      d.phone = t.phone;
      d.reason = "opt_out";
      ASSERT_TRUE(store_->AddDnc(d).ok());
    }
  }
  // 6 lines of which the calls in progress hold 4: the lines run out first; then 100 lines:
  // the burst of 3 tokens does.
  for (int lines : {6, 100}) {
    cfg_.max_concurrent = lines;
    auto want = AllAtOnce(now);
    ASSERT_GT(want.size(), 20u);
    std::map<Reason, int> reasons;
    for (const Line& l : want) ++reasons[l.reason];
    // The cases the pages must carry over: lines taken, the rate, consent, do-not-call.
    EXPECT_EQ(reasons[Reason::kDue], lines == 6 ? 2 : 3);
    EXPECT_GT(reasons[lines == 6 ? Reason::kConcurrency : Reason::kRate], 0);
    EXPECT_GT(reasons[Reason::kDnc], 0);
    EXPECT_GT(reasons[Reason::kNotBefore], 0);
    int consent = 0;
    for (const Line& l : want) consent += l.consent ? 1 : 0;
    EXPECT_GT(consent, 0);
    for (int page : {1, 3, 7, 40, kPlanPage}) {
      auto got = Paged(now, page);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_TRUE(*got == want) << lines << " lines, page " << page;
    }
  }
  EXPECT_EQ(Paged(now, 0).status().code(), Status::Code::kInvalid);
}

}  // namespace
}  // namespace kira::dialer
