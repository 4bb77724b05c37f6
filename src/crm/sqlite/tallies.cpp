// SqliteCrmStore::Tally: the dashboard's aggregates. Orders and Vera's tasks are GROUP BY
// queries. Leads are one scan of the created_at index, counted here: SQLite's GROUP BY always
// sorts, and sorting 100,000 leads cost 110-180 ms of CPU where the ordered scan costs 25-40
// (measured on the web_bench database); the scan visits slots in order, so a slot's channels
// are flushed when the next slot begins.
#include <algorithm>
#include <map>
#include <tuple>

#include "crm/sqlite/store.h"

namespace kira::crm {
namespace {

// The slot start of a created_at (floor, also for times before 1970).
constexpr const char* kSlot = "((created_at - ((created_at % 900000) + 900000) % 900000))";
static_assert(kTallySlotMs == 900000, "kSlot's literal follows kTallySlotMs");

}  // namespace

Result<CrmTallies> SqliteCrmStore::Tally(int64_t from, int64_t to) {
  if (to <= from) return Status::Invalid("tally range: 'to' must be after 'from'");
  std::lock_guard lock(mu_);
  CrmTallies out;
  storage::Row r;
  {
    KIRA_ASSIGN_OR_RETURN(
        auto q, Sql(std::string("SELECT ") + kSlot +
                    ", channel, qualification, outcome, reason, "
                    "assigned_to != '' OR status IN (" +
                    SqlName(LeadStatus::kTaken) + ", " + SqlName(LeadStatus::kVeraAssigned) +
                    ") "
                    "FROM leads WHERE created_at >= ? AND created_at < ? ORDER BY created_at"));
    q->Bind(1, from).Bind(2, to);
    int64_t slot = 0;
    std::map<std::string, int64_t> channels;  // of `slot`
    std::map<std::tuple<std::string, std::string, std::string, bool>, int64_t> kinds;
    auto flush = [&] {
      for (const auto& [channel, n] : channels) out.lead_slots.push_back({slot, channel, n});
      channels.clear();
    };
    while ((r = q->Step()) == storage::Row::kRow) {
      if (q->Int(0) != slot) {
        flush();
        slot = q->Int(0);
      }
      ++channels[q->Text(1)];
      ++kinds[{q->Text(2), q->Text(3), q->Text(4), q->Int(5) != 0}];
    }
    if (r == storage::Row::kError) return q->LastError().WithContext("tally leads");
    flush();
    for (const auto& [k, n] : kinds) {
      KIRA_ASSIGN_OR_RETURN(auto kind, ReadLeadKind(std::get<0>(k), std::get<1>(k), std::get<2>(k),
                                                    std::get<3>(k), n));
      out.lead_kinds.push_back(std::move(kind));
    }
    SortLeadKinds(&out.lead_kinds);
  }
  {
    KIRA_ASSIGN_OR_RETURN(
        auto q, Sql(std::string("SELECT ") + kSlot +
                    ", count(*), sum(total) FROM orders WHERE created_at >= ? AND created_at < ? "
                    "AND status != " +
                    SqlName(OrderStatus::kCancelled) + " GROUP BY 1 ORDER BY 1"));
    q->Bind(1, from).Bind(2, to);
    while ((r = q->Step()) == storage::Row::kRow)
      out.order_slots.push_back({q->Int(0), q->Int(1), q->Double(2)});
    if (r == storage::Row::kError) return q->LastError().WithContext("tally orders");
  }
  {
    KIRA_ASSIGN_OR_RETURN(auto q,
                          Sql("SELECT status, last_result, count(*) FROM tasks WHERE kind = " +
                              SqlName(TaskKind::kVeraCall) +
                              " AND created_at >= ? AND created_at < ? GROUP BY 1, 2"));
    q->Bind(1, from).Bind(2, to);
    while ((r = q->Step()) == storage::Row::kRow) {
      KIRA_ASSIGN_OR_RETURN(auto status, ParseNamed(kTaskStatusTable, q->Text(0), "task status"));
      out.vera_tasks.push_back({status, q->Text(1), q->Int(2)});
    }
    if (r == storage::Row::kError) return q->LastError().WithContext("tally Vera's tasks");
    SortVeraTasks(&out.vera_tasks);
  }
  return out;
}

}  // namespace kira::crm
