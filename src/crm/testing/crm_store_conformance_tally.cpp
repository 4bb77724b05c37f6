// Conformance suite, part 4: CrmStore::Tally against a plain computation over the records the
// store lists (ListLeads, ListOrders, ListTasks), on leads spread over slot and range edges.
#include <algorithm>
#include <map>
#include <tuple>

#include "crm/testing/crm_store_conformance.h"

namespace kira::crm {
namespace {

constexpr int64_t kT0 = 1764400000000;  // 2025-11-29, on a quarter hour
constexpr int64_t kMin = 60000;

int64_t SlotOf(int64_t t) {
  int64_t r = ((t % kTallySlotMs) + kTallySlotMs) % kTallySlotMs;
  return t - r;
}

// The tallies the slow way: every record, counted one by one.
CrmTallies Plain(CrmStore& s, int64_t from, int64_t to) {
  std::map<std::tuple<int64_t, std::string>, int64_t> slots;
  std::map<std::tuple<Qualification, std::optional<Outcome>, std::string, bool>, int64_t> kinds;
  std::map<int64_t, std::pair<int64_t, double>> orders;
  std::map<std::tuple<TaskStatus, std::string>, int64_t> vera;
  LeadFilter f;
  f.limit = kMaxLeadPage;
  for (;;) {
    auto page = s.ListLeads(f);
    EXPECT_TRUE(page.ok());
    if (!page.ok() || page->empty()) break;
    for (const Lead& l : *page) {
      if (l.created_at < from || l.created_at >= to) continue;
      ++slots[{SlotOf(l.created_at), l.channel}];
      bool by_manager = !l.assigned_to.empty() || l.status == LeadStatus::kTaken ||
                        l.status == LeadStatus::kVeraAssigned;
      ++kinds[{l.qualification, l.outcome, StoredReason(l), by_manager}];
    }
    f.before_id = page->back().id;
  }
  for (const Order& o : *s.ListOrders(0))
    if (o.created_at >= from && o.created_at < to && o.status != OrderStatus::kCancelled) {
      auto& [n, v] = orders[SlotOf(o.created_at)];
      ++n;
      v += o.total;
    }
  for (const Task& t : *s.ListTasks(std::nullopt, 0))
    if (t.kind == crm::TaskKind::kVeraCall && t.created_at >= from && t.created_at < to)
      ++vera[{t.status, t.last_result}];
  CrmTallies out;
  for (const auto& [k, n] : slots) out.lead_slots.push_back({std::get<0>(k), std::get<1>(k), n});
  for (const auto& [k, n] : kinds)
    out.lead_kinds.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k), n});
  for (const auto& [slot, nv] : orders) out.order_slots.push_back({slot, nv.first, nv.second});
  for (const auto& [k, n] : vera) out.vera_tasks.push_back({std::get<0>(k), std::get<1>(k), n});
  return out;
}

int64_t Sum(const std::vector<LeadSlotCount>& v) {
  int64_t n = 0;
  for (const auto& c : v) n += c.n;
  return n;
}

TEST_P(CrmStoreConformance, TallyMatchesAPlainCount) {
  const char* channels[] = {"phone", "chat", "web"};
  const std::optional<Outcome> outcomes[] = {Outcome::kNonTargeted, Outcome::kQualified,
                                             Outcome::kOrderPlaced, std::nullopt};
  const std::optional<NonTargetedReason> reasons[] = {NonTargetedReason::kDiscontinued,
                                                      std::nullopt, std::nullopt, std::nullopt};
  // 40 leads every 7 minutes from kT0 - 1 min: slot edges, and both ends of the range below.
  std::vector<int64_t> ids;
  for (int i = 0; i < 40; ++i) {
    Lead l;
    l.channel = channels[i % 3];
    l.outcome = outcomes[i % 4];
    l.non_targeted_reason = reasons[i % 4];
    l.qualification = !l.outcome                            ? Qualification::kUnknown
                      : *l.outcome == Outcome::kNonTargeted ? Qualification::kNonTargeted
                                                            : Qualification::kTargeted;
    if (i % 5 == 0) l.assigned_to = "olga";
    if (i % 6 == 0) l.status = LeadStatus::kVeraAssigned;
    l.created_at = kT0 - kMin + i * 7 * kMin;
    auto id = store().CreateLead(l);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    ids.push_back(*id);
    if (i % 4 == 2) {
      Order o;
      o.lead_id = *id;
      o.total = 1000 + i;
      o.created_at = l.created_at + kMin;
      o.lines.push_back({"A", "a", 1, "шт", 1000.0 + i});
      auto oid = store().CreateOrder(o);
      ASSERT_TRUE(oid.ok()) << oid.status().ToString();
      if (i % 8 == 2) {
        ASSERT_TRUE(store().UpdateOrderStatus(*oid, crm::OrderStatus::kCancelled).ok());
      }
    }
    if (i % 3 == 1) {
      Task t;
      t.lead_id = *id;
      t.kind = i % 9 == 1 ? TaskKind::kCallback : TaskKind::kVeraCall;
      t.agent = t.kind == crm::TaskKind::kVeraCall ? "vera" : "";
      t.status = i % 2 ? TaskStatus::kDone : TaskStatus::kOpen;
      t.last_result = i % 2 ? "refused" : "";
      t.created_at = l.created_at + 2 * kMin;
      ASSERT_TRUE(store().CreateTask(t).ok());
    }
  }
  // The range starts on lead 0's slot end and ends exactly on lead 30's time (excluded).
  int64_t from = kT0, to = kT0 - kMin + 30 * 7 * kMin;
  auto got = store().Tally(from, to);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  CrmTallies want = Plain(store(), from, to);
  EXPECT_EQ(got->lead_slots, want.lead_slots);
  EXPECT_EQ(got->lead_kinds, want.lead_kinds);
  EXPECT_EQ(got->order_slots, want.order_slots);
  EXPECT_EQ(got->vera_tasks, want.vera_tasks);
  EXPECT_EQ(Sum(got->lead_slots), 29);  // leads 1..29
  EXPECT_FALSE(got->order_slots.empty());
  EXPECT_FALSE(got->vera_tasks.empty());
  for (const auto& s : got->lead_slots) EXPECT_EQ(s.slot % kTallySlotMs, 0);

  // An empty range, a range before everything, and a reversed one.
  auto none = store().Tally(kT0 - 100 * kMin, kT0 - 50 * kMin);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->lead_slots.empty() && none->lead_kinds.empty() && none->order_slots.empty());
  EXPECT_EQ(store().Tally(to, from).status().code(), Status::Code::kInvalid);
}

// A store may keep its tallies as leads are written (PostgreSQL does, migration 6): what an
// update or a Forget changes is counted again, for ranges cut inside slots, on slot edges,
// shorter than a slot and covering everything.
TEST_P(CrmStoreConformance, TallyFollowsUpdatesAndForgetting) {
  const char* channels[] = {"phone", "chat", "web"};
  std::vector<int64_t> ids;
  for (int i = 0; i < 24; ++i) {
    Lead l;
    l.channel = channels[i % 3];
    l.contact_id = NewContact("+7916555" + std::to_string(1000 + i));
    l.created_at = kT0 + i * 11 * kMin;
    auto id = store().CreateLead(l);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    ids.push_back(*id);
  }
  // Conversations end: outcomes, reasons; managers take some; one changes channel.
  for (int i = 0; i < 24; i += 2) {
    auto l = store().GetLead(ids[i]);
    ASSERT_TRUE(l.ok());
    l->outcome = i % 4 == 0 ? Outcome::kNonTargeted : Outcome::kOrderPlaced;
    l->qualification = i % 4 == 0 ? Qualification::kNonTargeted : Qualification::kTargeted;
    if (i % 4 == 0) l->non_targeted_reason = NonTargetedReason::kDiscontinued;
    if (i % 3 == 0) l->status = LeadStatus::kTaken;
    if (i == 6) l->channel = "web";
    ASSERT_TRUE(store().UpdateLead(*l).ok());
  }
  auto summary_only = store().GetLead(ids[1]);  // no kind changes
  ASSERT_TRUE(summary_only.ok());
  summary_only->summary = "перезвонить";
  ASSERT_TRUE(store().UpdateLead(*summary_only).ok());
  auto forgotten = store().Forget("+79165551003");
  ASSERT_TRUE(forgotten.ok()) << forgotten.status().ToString();
  ASSERT_TRUE(forgotten->found);

  const int64_t end = kT0 + 24 * 11 * kMin;
  const int64_t slot0 = SlotOf(kT0) + kTallySlotMs;
  for (auto [from, to] : std::vector<std::pair<int64_t, int64_t>>{
           {kT0 - kMin, end},                  // everything
           {kT0 + 5 * kMin, end - 17 * kMin},  // cut inside slots at both ends
           {slot0, slot0 + 8 * kTallySlotMs},  // on slot edges
           {slot0 + kMin, slot0 + 14 * kMin},  // inside one slot
           {slot0 - kMin, slot0 + kMin}}) {    // across one edge
    SCOPED_TRACE(std::to_string(from - kT0) + ".." + std::to_string(to - kT0));
    auto got = store().Tally(from, to);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    CrmTallies want = Plain(store(), from, to);
    EXPECT_EQ(got->lead_slots, want.lead_slots);
    EXPECT_EQ(got->lead_kinds, want.lead_kinds);
  }
  auto all = store().Tally(kT0 - kMin, end);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Sum(all->lead_slots), 23);  // one forgotten
}

}  // namespace
}  // namespace kira::crm
