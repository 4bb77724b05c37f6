// PgCrmStore: task leases and the dialer's global limits shared by every node (dial_leases.h).
#include "crm/pg/store.h"

namespace kira::crm {

namespace {

// Every limited claim of every node takes this transaction-scoped advisory lock first, so the
// count of calls in progress and the bucket are read and written by one claim at a time. A
// claim is a few short statements: hundreds per second, above any trunk's call rate.
constexpr char kLockDialLimits[] = "SELECT pg_advisory_xact_lock(hashtext('kira.dial_limits'))";

// The task statuses the lease queries name, as literals: the partial index tasks_leases is
// written with 'in_progress'.
const std::string kOpen = SqlName(TaskStatus::kOpen);
const std::string kInProgress = SqlName(TaskStatus::kInProgress);

std::string IdArray(const std::vector<int64_t>& ids) {
  std::string s = "{";
  for (size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + std::to_string(ids[i]);
  return s + "}";
}

}  // namespace

Result<ClaimVerdict> PgCrmStore::ClaimTaskLeased(int64_t id, const LeaseClaim& c) {
  KIRA_RETURN_IF_ERROR(CheckLeaseClaim(c));
  return With([&](pg::Conn& db) -> Result<ClaimVerdict> {
    pg::Transaction tx(db);
    KIRA_RETURN_IF_ERROR(tx.status());
    KIRA_RETURN_IF_ERROR(db.Query(kLockDialLimits).status());
    KIRA_ASSIGN_OR_RETURN(auto open,
                          db.Query("SELECT status FROM tasks WHERE id=$1", pg::Params().Add(id)));
    if (open.size() == 0) return Status::NotFound("task " + std::to_string(id) + " not found");
    ClaimVerdict v;
    KIRA_ASSIGN_OR_RETURN(TaskStatus status,
                          ParseNamed(kTaskStatusTable, open.Text(0, 0), "task status"));
    if (status != TaskStatus::kOpen) return v;  // kTaken; the transaction rolls back
    KIRA_ASSIGN_OR_RETURN(auto busy,
                          db.Query("SELECT trunk, count(*) FROM tasks WHERE status=" + kInProgress +
                                       " AND lease_until>$1 GROUP BY trunk",
                                   pg::Params().Add(c.now)));
    std::map<std::string, int64_t> in_progress;
    for (int i = 0; i < busy.size(); ++i) in_progress[busy.Text(i, 0)] = busy.Int(i, 1);
    KIRA_ASSIGN_OR_RETURN(auto b, db.Query("SELECT tokens, last_ms FROM dial_buckets WHERE name=$1",
                                           pg::Params().Add(kDialBucket)));
    RateBucket bucket{static_cast<double>(std::max(1, c.limits.burst)), c.now};
    if (b.size() == 1) bucket = RateBucket{b.Double(0, 0), b.Int(0, 1)};
    DialAdmission a = DecideDialAdmission(c.limits, in_progress, bucket, c.now);
    v.outcome = a.outcome;
    v.retry_at = a.retry_at;
    if (a.outcome != ClaimOutcome::kClaimed) return v;
    KIRA_RETURN_IF_ERROR(
        db.Query("UPDATE tasks SET status=" + kInProgress +
                     ", attempts=attempts+1, last_attempt_at=$1, claimed_by=$2, lease_until=$3, "
                     "trunk=$4 WHERE id=$5 AND status=" +
                     kOpen,
                 pg::Params().Add(c.now).Add(c.node).Add(c.lease_until).Add(a.trunk).Add(id))
            .status());
    KIRA_RETURN_IF_ERROR(
        db.Query("INSERT INTO dial_buckets(name, tokens, last_ms) VALUES($1,$2,$3) "
                 "ON CONFLICT(name) DO UPDATE SET tokens=excluded.tokens, last_ms=excluded.last_ms",
                 pg::Params().Add(kDialBucket).Add(a.bucket.tokens).Add(a.bucket.last_ms))
            .status());
    KIRA_RETURN_IF_ERROR(tx.Commit());
    v.trunk = a.trunk;
    return v;
  });
}

Result<int> PgCrmStore::RenewTaskLeases(const std::string& node, const std::vector<int64_t>& ids,
                                        int64_t lease_until) {
  if (ids.empty()) return 0;
  return With([&](pg::Conn& db) -> Result<int> {
    KIRA_ASSIGN_OR_RETURN(
        auto r,
        db.Query("UPDATE tasks SET lease_until=$1 WHERE id = ANY($2::bigint[]) AND status=" +
                     kInProgress + " AND claimed_by=$3 AND lease_until>0",
                 pg::Params().Add(lease_until).Add(IdArray(ids)).Add(node)));
    return static_cast<int>(r.affected());
  });
}

Result<std::vector<int64_t>> PgCrmStore::ReleaseTaskLeases(int64_t now, const std::string& node) {
  return With([&](pg::Conn& db) -> Result<std::vector<int64_t>> {
    KIRA_ASSIGN_OR_RETURN(
        auto r, db.Query("UPDATE tasks SET status=" + kOpen +
                             ", last_result='interrupted', lease_until=0, claimed_by='' WHERE "
                             "status=" +
                             kInProgress +
                             " AND (lease_until<$1 OR ($2<>'' AND claimed_by=$2)) "
                             "RETURNING id",
                         pg::Params().Add(now).Add(node)));
    std::vector<int64_t> ids;
    for (int i = 0; i < r.size(); ++i) ids.push_back(r.Int(i, 0));
    return ids;
  });
}

}  // namespace kira::crm
