// PgCrmStore::Tally: the dashboard's aggregates as GROUP BY queries, in one read-only snapshot
// so the counts agree with one another; the leads' from lead_tally (kept as leads are written)
// for the whole slots of the range. Text is ordered COLLATE "C" (bytes), the
// order CrmTallies documents and std::string compares in.
#include <algorithm>

#include "core/tz.h"
#include "crm/pg/store.h"

namespace kira::crm {
namespace {

// The slot start of a created_at (floor, also for times before 1970).
constexpr const char* kSlot = "(created_at - ((created_at % 900000) + 900000) % 900000)";
static_assert(kTallySlotMs == 900000, "kSlot's literal follows kTallySlotMs");
// LeadKindCount::by_manager (and lead_tally's, migration 6).
std::string ByManager() {
  return "(assigned_to <> '' OR status IN (" + SqlName(LeadStatus::kTaken) + ", " +
         SqlName(LeadStatus::kVeraAssigned) + "))";
}

}  // namespace

Result<CrmTallies> PgCrmStore::Tally(int64_t from, int64_t to) {
  if (to <= from) return Status::Invalid("tally range: 'to' must be after 'from'");
  const pg::Params range = pg::Params().Add(from).Add(to);
  // [whole_from, whole_to): the slots wholly inside the range (none when it is shorter).
  const int64_t whole_from = FloorDiv(from + kTallySlotMs - 1, kTallySlotMs) * kTallySlotMs;
  const int64_t whole_to = std::max(whole_from, FloorDiv(to, kTallySlotMs) * kTallySlotMs);
  const pg::Params cut = pg::Params().Add(from).Add(to).Add(whole_from).Add(whole_to);
  return With([&](pg::Conn& db) -> Result<CrmTallies> {
    CrmTallies out;
    KIRA_RETURN_IF_ERROR(db.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    // Ended by COMMIT below, or by ROLLBACK when a query fails.
    auto fail = [&db](const Status& s, const char* what) {
      (void)db.Exec("ROLLBACK");  // a broken connection is reported by `s` already
      return s.WithContext(what);
    };
    // The leads: the whole slots of the range from lead_tally (kept by triggers as leads are
    // written, migration 6), the parts of a slot at either end from the leads themselves.
    const std::string kinds =
        std::string(
            "SELECT slot, channel, qualification, outcome, reason, by_manager, n FROM lead_tally "
            "WHERE slot >= $3 AND slot < $4 "
            "UNION ALL SELECT ") +
        kSlot + ", channel, qualification, outcome, reason, " + ByManager() +
        ", 1 FROM leads WHERE created_at >= $1 AND created_at < $3 "
        "UNION ALL SELECT " +
        kSlot + ", channel, qualification, outcome, reason, " + ByManager() +
        ", 1 FROM leads WHERE created_at >= $4 AND created_at < $2";
    {
      auto r = db.Query("SELECT slot, channel COLLATE \"C\", sum(n)::bigint FROM (" + kinds +
                            ") k GROUP BY 1, 2 HAVING sum(n) <> 0 ORDER BY 1, 2",
                        cut);
      if (!r.ok()) return fail(r.status(), "tally leads");
      for (int i = 0; i < r->size(); ++i)
        out.lead_slots.push_back({r->Int(i, 0), r->Text(i, 1), r->Int(i, 2)});
    }
    {
      auto r = db.Query(
          "SELECT qualification COLLATE \"C\", outcome COLLATE \"C\", reason COLLATE \"C\", "
          "by_manager, sum(n)::bigint FROM (" +
              kinds + ") k GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4",
          cut);
      if (!r.ok()) return fail(r.status(), "tally leads");
      for (int i = 0; i < r->size(); ++i) {
        auto kind =
            ReadLeadKind(r->Text(i, 0), r->Text(i, 1), r->Text(i, 2), r->Bool(i, 3), r->Int(i, 4));
        if (!kind.ok()) return fail(kind.status(), "tally leads");
        out.lead_kinds.push_back(std::move(*kind));
      }
      SortLeadKinds(&out.lead_kinds);
    }
    {
      auto r = db.Query(std::string("SELECT ") + kSlot +
                            ", count(*), sum(total) FROM orders WHERE created_at >= $1 AND "
                            "created_at < $2 AND status <> " +
                            SqlName(OrderStatus::kCancelled) + " GROUP BY 1 ORDER BY 1",
                        range);
      if (!r.ok()) return fail(r.status(), "tally orders");
      for (int i = 0; i < r->size(); ++i)
        out.order_slots.push_back({r->Int(i, 0), r->Int(i, 1), r->Double(i, 2)});
    }
    {
      auto r = db.Query(
          "SELECT status COLLATE \"C\", last_result COLLATE \"C\", count(*) FROM tasks "
          "WHERE kind = " +
              SqlName(TaskKind::kVeraCall) +  // the partial index tasks_created's literal
              " AND created_at >= $1 AND created_at < $2 "
              "GROUP BY 1, 2 ORDER BY 1, 2",
          range);
      if (!r.ok()) return fail(r.status(), "tally Vera's tasks");
      for (int i = 0; i < r->size(); ++i) {
        auto status = ParseNamed(kTaskStatusTable, r->Text(i, 0), "task status");
        if (!status.ok()) return fail(status.status(), "tally Vera's tasks");
        out.vera_tasks.push_back({*status, r->Text(i, 1), r->Int(i, 2)});
      }
      SortVeraTasks(&out.vera_tasks);
    }
    KIRA_RETURN_IF_ERROR(db.Exec("COMMIT").WithContext("tally"));
    return out;
  });
}

}  // namespace kira::crm
