// SqliteCrmStore::Tally: the dashboard's aggregates as GROUP BY queries over the created_at
// index, so a 30-day dashboard over 100,000 leads moves a few thousand rows out of SQLite
// instead of every lead.
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
                    ", channel, count(*) FROM leads WHERE created_at >= ? AND created_at < ? "
                    "GROUP BY 1, 2 ORDER BY 1, 2"));
    q->Bind(1, from).Bind(2, to);
    while ((r = q->Step()) == storage::Row::kRow)
      out.lead_slots.push_back({q->Int(0), q->Text(1), q->Int(2)});
    if (r == storage::Row::kError) return q->LastError().WithContext("tally leads by time");
  }
  {
    KIRA_ASSIGN_OR_RETURN(auto q,
                          Sql("SELECT qualification, outcome, reason, "
                              "assigned_to != '' OR status IN ('taken', 'vera_assigned'), count(*) "
                              "FROM leads WHERE created_at >= ? AND created_at < ? "
                              "GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"));
    q->Bind(1, from).Bind(2, to);
    while ((r = q->Step()) == storage::Row::kRow)
      out.lead_kinds.push_back({q->Text(0), q->Text(1), q->Text(2), q->Int(3) != 0, q->Int(4)});
    if (r == storage::Row::kError) return q->LastError().WithContext("tally leads by kind");
  }
  {
    KIRA_ASSIGN_OR_RETURN(
        auto q, Sql(std::string("SELECT ") + kSlot +
                    ", count(*), sum(total) FROM orders WHERE created_at >= ? AND created_at < ? "
                    "AND status != 'cancelled' GROUP BY 1 ORDER BY 1"));
    q->Bind(1, from).Bind(2, to);
    while ((r = q->Step()) == storage::Row::kRow)
      out.order_slots.push_back({q->Int(0), q->Int(1), q->Double(2)});
    if (r == storage::Row::kError) return q->LastError().WithContext("tally orders");
  }
  {
    KIRA_ASSIGN_OR_RETURN(
        auto q, Sql("SELECT status, last_result, count(*) FROM tasks WHERE kind = 'vera_call' "
                    "AND created_at >= ? AND created_at < ? GROUP BY 1, 2 ORDER BY 1, 2"));
    q->Bind(1, from).Bind(2, to);
    while ((r = q->Step()) == storage::Row::kRow)
      out.vera_tasks.push_back({q->Text(0), q->Text(1), q->Int(2)});
    if (r == storage::Row::kError) return q->LastError().WithContext("tally Vera's tasks");
  }
  return out;
}

}  // namespace kira::crm
