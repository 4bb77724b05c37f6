// SqliteCrmStore: task leases and the dialer's global limits (dial_leases.h). Several
// processes may share one SQLite file on one machine: BEGIN IMMEDIATE serializes the claims.
#include <map>

#include "crm/sqlite/store.h"

namespace kira::crm {
namespace {

// The task statuses the lease queries name, as literals: the partial index tasks_leases is
// written with 'in_progress'.
const std::string kOpen = SqlName(TaskStatus::kOpen);
const std::string kInProgress = SqlName(TaskStatus::kInProgress);

}  // namespace

Result<ClaimVerdict> SqliteCrmStore::ClaimTaskLeased(int64_t id, const LeaseClaim& c) {
  KIRA_RETURN_IF_ERROR(CheckLeaseClaim(c));
  std::lock_guard lock(mu_);
  storage::Transaction tx(*db_);
  KIRA_RETURN_IF_ERROR(tx.status());
  ClaimVerdict v;
  {
    KIRA_ASSIGN_OR_RETURN(auto q, Sql("SELECT status FROM tasks WHERE id=?"));
    q->Bind(1, id);
    storage::Row r = q->Step();
    if (r == storage::Row::kError) return q->LastError().WithContext("claim task");
    if (r != storage::Row::kRow)
      return Status::NotFound("task " + std::to_string(id) + " not found");
    KIRA_ASSIGN_OR_RETURN(TaskStatus status,
                          ParseNamed(kTaskStatusTable, q->Text(0), "task status"));
    if (status != TaskStatus::kOpen) return v;  // kTaken
  }
  std::map<std::string, int64_t> in_progress;
  {
    KIRA_ASSIGN_OR_RETURN(auto q, Sql("SELECT trunk, count(*) FROM tasks WHERE status=" +
                                      kInProgress + " AND lease_until>? GROUP BY trunk"));
    q->Bind(1, c.now);
    storage::Row r;
    while ((r = q->Step()) == storage::Row::kRow) in_progress[q->Text(0)] = q->Int(1);
    if (r == storage::Row::kError) return q->LastError().WithContext("count calls in progress");
  }
  RateBucket bucket{static_cast<double>(std::max(1, c.limits.burst)), c.now};
  {
    KIRA_ASSIGN_OR_RETURN(auto q, Sql("SELECT tokens, last_ms FROM dial_buckets WHERE name=?"));
    q->Bind(1, std::string(kDialBucket));
    storage::Row r = q->Step();
    if (r == storage::Row::kError) return q->LastError().WithContext("read the call bucket");
    if (r == storage::Row::kRow) bucket = RateBucket{q->Double(0), q->Int(1)};
  }
  DialAdmission a = DecideDialAdmission(c.limits, in_progress, bucket, c.now);
  v.outcome = a.outcome;
  v.retry_at = a.retry_at;
  if (a.outcome != ClaimOutcome::kClaimed) return v;
  {
    KIRA_ASSIGN_OR_RETURN(auto q, Sql("UPDATE tasks SET status=" + kInProgress +
                                      ", attempts=attempts+1, last_attempt_at=?, claimed_by=?, "
                                      "lease_until=?, trunk=? WHERE id=? AND status=" +
                                      kOpen));
    q->Bind(1, c.now).Bind(2, c.node).Bind(3, c.lease_until).Bind(4, a.trunk).Bind(5, id);
    KIRA_RETURN_IF_ERROR(q->Exec().WithContext("claim task"));
  }
  {
    KIRA_ASSIGN_OR_RETURN(auto q,
                          Sql("INSERT INTO dial_buckets(name, tokens, last_ms) VALUES(?,?,?) "
                              "ON CONFLICT(name) DO UPDATE SET tokens=excluded.tokens, "
                              "last_ms=excluded.last_ms"));
    q->Bind(1, std::string(kDialBucket)).Bind(2, a.bucket.tokens).Bind(3, a.bucket.last_ms);
    KIRA_RETURN_IF_ERROR(q->Exec().WithContext("take a call token"));
  }
  KIRA_RETURN_IF_ERROR(tx.Commit());
  v.trunk = a.trunk;
  return v;
}

Result<int> SqliteCrmStore::RenewTaskLeases(const std::string& node,
                                            const std::vector<int64_t>& ids, int64_t lease_until) {
  if (ids.empty()) return 0;
  std::lock_guard lock(mu_);
  storage::Transaction tx(*db_);
  KIRA_RETURN_IF_ERROR(tx.status());
  KIRA_ASSIGN_OR_RETURN(auto q, Sql("UPDATE tasks SET lease_until=? WHERE id=? AND status=" +
                                    kInProgress + " AND claimed_by=? AND lease_until>0"));
  int renewed = 0;
  for (int64_t id : ids) {
    q->Bind(1, lease_until).Bind(2, id).Bind(3, node);
    KIRA_RETURN_IF_ERROR(q->Exec().WithContext("renew task lease"));
    renewed += db_->Changes();
  }
  KIRA_RETURN_IF_ERROR(tx.Commit());
  return renewed;
}

Result<std::vector<int64_t>> SqliteCrmStore::ReleaseTaskLeases(int64_t now,
                                                               const std::string& node) {
  std::lock_guard lock(mu_);
  KIRA_ASSIGN_OR_RETURN(
      auto q,
      Sql("UPDATE tasks SET status=" + kOpen +
          ", last_result='interrupted', lease_until=0, claimed_by='' WHERE status=" + kInProgress +
          " AND (lease_until<?1 OR (?2<>'' AND claimed_by=?2)) "
          "RETURNING id"));
  q->Bind(1, now).Bind(2, node);
  std::vector<int64_t> ids;
  storage::Row r;
  while ((r = q->Step()) == storage::Row::kRow) ids.push_back(q->Int(0));
  if (r == storage::Row::kError) return q->LastError().WithContext("release task leases");
  return ids;
}

}  // namespace kira::crm
