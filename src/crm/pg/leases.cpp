// PgCrmStore: task leases and the dialer's global limits shared by every node (dial_leases.h).
#include <map>
#include <set>

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
  KIRA_ASSIGN_OR_RETURN(LeasedBatch b, ClaimTasksLeased({id}, 1, c));
  ClaimVerdict v;
  if (!b.claimed.empty()) {
    v.outcome = ClaimOutcome::kClaimed;
    v.trunk = b.claimed[0].trunk;
  } else if (b.stopped != ClaimOutcome::kClaimed) {
    v.outcome = b.stopped;
    v.retry_at = b.retry_at;
  } else if (!b.taken.empty()) {
    KIRA_ASSIGN_OR_RETURN(Task t, GetTask(id));  // NotFound for an unknown id
    (void)t;
  }
  return v;  // kTaken: no longer open, or another node is claiming it right now
}

Result<LeasedBatch> PgCrmStore::ClaimTasksLeased(const std::vector<int64_t>& ids, int max,
                                                 const LeaseClaim& c) {
  KIRA_RETURN_IF_ERROR(CheckLeaseClaim(c));
  if (max < 1) return Status::Invalid("lease claim: a batch of " + std::to_string(max) + " tasks");
  if (ids.empty()) return LeasedBatch{};
  const std::string candidates = IdArray(ids);
  return With([&](pg::Conn& db) -> Result<LeasedBatch> {
    LeasedBatch out;
    pg::Transaction tx(db);
    KIRA_RETURN_IF_ERROR(tx.status());
    // The first `max` candidates still open, each locked for this claim. A row another node's
    // claim holds is skipped, not waited for: that node takes it, this one the next ones.
    KIRA_ASSIGN_OR_RETURN(
        auto locked,
        db.Query("SELECT t.id FROM unnest($1::bigint[]) WITH ORDINALITY AS c(id, n) JOIN tasks t "
                 "ON t.id = c.id WHERE t.status=" +
                     kOpen + " ORDER BY c.n LIMIT $2 FOR UPDATE OF t SKIP LOCKED",
                 pg::Params().Add(candidates).Add(max)));
    std::set<int64_t> mine;
    for (int i = 0; i < locked.size(); ++i) mine.insert(locked.Int(i, 0));
    // The others: closed or claimed by now (taken), or held by a claim in flight (skipped) up
    // to the last candidate locked; beyond it, not reached unless already taken.
    KIRA_ASSIGN_OR_RETURN(auto state,
                          db.Query("SELECT c.id, t.status FROM unnest($1::bigint[]) AS c(id) "
                                   "LEFT JOIN tasks t ON t.id = c.id",
                                   pg::Params().Add(candidates)));
    std::map<int64_t, bool> open;
    for (int i = 0; i < state.size(); ++i)
      open[state.Int(i, 0)] = !state.IsNull(i, 1) && state.Text(i, 1) == Name(TaskStatus::kOpen);
    const bool full = static_cast<int>(mine.size()) == max;
    size_t reached = ids.size();
    if (full) {
      for (size_t i = 0; i < ids.size(); ++i)
        if (mine.count(ids[i])) reached = i + 1;
    }
    std::vector<int64_t> order;  // the locked ones, in the candidates' order
    for (size_t i = 0; i < ids.size(); ++i) {
      if (mine.count(ids[i])) {
        order.push_back(ids[i]);
      } else if (!open[ids[i]]) {
        out.taken.push_back(ids[i]);
      } else if (i < reached) {
        out.skipped.push_back(ids[i]);
      }
    }
    if (order.empty()) {
      KIRA_RETURN_IF_ERROR(tx.Commit());
      return out;
    }
    // Every node's calls in progress and the shared bucket, one claim at a time.
    KIRA_RETURN_IF_ERROR(db.Query(kLockDialLimits).status());
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
    std::map<std::string, std::vector<int64_t>> by_trunk;
    for (int64_t id : order) {
      DialAdmission a = DecideDialAdmission(c.limits, in_progress, bucket, c.now);
      if (a.outcome != ClaimOutcome::kClaimed) {
        out.stopped = a.outcome;
        out.retry_at = a.retry_at;
        break;
      }
      ++in_progress[a.trunk];
      bucket = a.bucket;
      by_trunk[a.trunk].push_back(id);
      out.claimed.push_back({id, a.trunk});
    }
    if (out.claimed.empty()) return out;  // the transaction rolls back: nothing taken
    for (const auto& [trunk, claimed] : by_trunk) {
      KIRA_RETURN_IF_ERROR(db.Query("UPDATE tasks SET status=" + kInProgress +
                                        ", attempts=attempts+1, last_attempt_at=$1, claimed_by=$2, "
                                        "lease_until=$3, trunk=$4 WHERE id = ANY($5::bigint[])",
                                    pg::Params()
                                        .Add(c.now)
                                        .Add(c.node)
                                        .Add(c.lease_until)
                                        .Add(trunk)
                                        .Add(IdArray(claimed)))
                               .status());
    }
    KIRA_RETURN_IF_ERROR(
        db.Query("INSERT INTO dial_buckets(name, tokens, last_ms) VALUES($1,$2,$3) "
                 "ON CONFLICT(name) DO UPDATE SET tokens=excluded.tokens, last_ms=excluded.last_ms",
                 pg::Params().Add(kDialBucket).Add(bucket.tokens).Add(bucket.last_ms))
            .status());
    KIRA_RETURN_IF_ERROR(tx.Commit());
    return out;
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
