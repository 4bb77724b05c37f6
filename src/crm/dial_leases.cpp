#include "crm/dial_leases.h"

#include <algorithm>
#include <cmath>

#include "crm/crm_store.h"

namespace kira::crm {

Status CheckLeaseClaim(const LeaseClaim& c) {
  if (c.node.empty()) return Status::Invalid("lease claim: node is empty");
  if (c.lease_until <= c.now) {
    return Status::Invalid("lease claim: lease_until " + std::to_string(c.lease_until) +
                           " is not after now " + std::to_string(c.now));
  }
  if (c.limits.trunks.empty()) return Status::Invalid("lease claim: no trunks");
  if (c.limits.max_concurrent <= 0 || c.limits.calls_per_second <= 0) {
    return Status::Invalid("lease claim: max_concurrent and calls_per_second must be positive");
  }
  for (const TrunkLimit& t : c.limits.trunks) {
    if (t.name.empty()) return Status::Invalid("lease claim: a trunk has no name");
  }
  return Status::Ok();
}

Status TaskWriteConflict(int64_t id, TaskStatus expect, const std::string& node,
                         TaskStatus now_status, const std::string& holder) {
  const std::string task = "task " + std::to_string(id);
  const std::string refused = ": node '" + node + "' may not write it";
  if (expect == TaskStatus::kInProgress && now_status == TaskStatus::kInProgress) {
    return Status::Conflict(task + " is held by node '" + holder + "', not '" + node +
                            "' (its lease ended and the task was dialled again)" + refused);
  }
  std::string why =
      std::string(" is ") + std::string(Name(now_status)) + ", not " + std::string(Name(expect));
  if (expect == TaskStatus::kInProgress) why += " (its lease ended and the task was reopened)";
  if (now_status == TaskStatus::kInProgress && !holder.empty())
    why += " (claimed by node '" + holder + "')";
  return Status::Conflict(task + why + refused);
}

DialAdmission DecideDialAdmission(const DialLimits& limits,
                                  const std::map<std::string, int64_t>& in_progress,
                                  RateBucket bucket, int64_t now) {
  DialAdmission a;
  int64_t total = 0;
  for (const auto& [trunk, n] : in_progress) total += n;
  if (total >= limits.max_concurrent) {
    a.outcome = ClaimOutcome::kConcurrency;
    return a;
  }
  for (const TrunkLimit& t : limits.trunks) {
    auto it = in_progress.find(t.name);
    if ((it == in_progress.end() ? 0 : it->second) < t.max_concurrent) {
      a.trunk = t.name;
      break;
    }
  }
  if (a.trunk.empty()) {
    a.outcome = ClaimOutcome::kConcurrency;
    return a;
  }
  // The same refill as dialer::TokenBucket: rate per ms, capped at the burst.
  const double burst = std::max(1, limits.burst);
  const double rate_per_ms = limits.calls_per_second / 1000.0;
  if (now > bucket.last_ms) {
    bucket.tokens =
        std::min(burst, bucket.tokens + static_cast<double>(now - bucket.last_ms) * rate_per_ms);
    bucket.last_ms = now;
  }
  if (bucket.tokens < 1.0) {
    a.outcome = ClaimOutcome::kRate;
    a.trunk.clear();
    a.retry_at = rate_per_ms > 0
                     ? std::max(now, bucket.last_ms + static_cast<int64_t>(std::ceil(
                                                          (1.0 - bucket.tokens) / rate_per_ms)))
                     : now + 1000;
    return a;
  }
  bucket.tokens -= 1.0;
  a.bucket = bucket;
  return a;
}

Result<LeasedBatch> CrmStore::ClaimTasksLeased(const std::vector<int64_t>& ids, int max,
                                               const LeaseClaim& c) {
  if (max < 1) return Status::Invalid("lease claim: a batch of " + std::to_string(max) + " tasks");
  LeasedBatch out;
  for (int64_t id : ids) {
    if (static_cast<int>(out.claimed.size()) >= max) break;
    auto v = ClaimTaskLeased(id, c);
    if (v.status().code() == Status::Code::kNotFound) {
      out.taken.push_back(id);
      continue;
    }
    KIRA_RETURN_IF_ERROR(v.status());
    if (v->outcome == ClaimOutcome::kClaimed) {
      out.claimed.push_back({id, v->trunk});
    } else if (v->outcome == ClaimOutcome::kTaken) {
      out.taken.push_back(id);
    } else {
      out.stopped = v->outcome;
      out.retry_at = v->retry_at;
      break;
    }
  }
  return out;
}

}  // namespace kira::crm
