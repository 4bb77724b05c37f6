// Task leases and the dialer's global limits, kept in the CRM store so that several dialer
// nodes sharing one database (issue 12) obey one set of limits and never lose a task to a node
// that died. ClaimTaskLeased (crm_store.h) is one atomic step: count every node's calls in
// progress (tasks in_progress whose lease has not ended), pick the first trunk with room, take
// a calls-per-second token from the shared bucket, and claim the task for `node` until
// `lease_until`. The node renews the leases of its calls; a task whose lease ended is reopened
// by any node (ReleaseTaskLeases), so a killed node's calls are dialled again. A task in progress
// without a lease (lease_until 0: a lone dialer's ClaimTask, or a row from before leases) is an
// ended lease: it holds no line and is reopened like a dead node's.
//
// DecideDialAdmission is the one place both stores take the decision from, given the counts
// and the bucket they read inside their transaction.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "crm/outcome.h"

namespace kira::crm {

struct TrunkLimit {
  std::string name;
  int max_concurrent = 0;
};

// The limits every node passes (dialer.yaml); the bucket is shared by all nodes.
struct DialLimits {
  int max_concurrent = 0;          // calls in progress, all trunks and nodes together
  std::vector<TrunkLimit> trunks;  // tried in order; at least one
  double calls_per_second = 0;
  int burst = 1;
};

struct LeaseClaim {
  std::string node;  // who holds the lease (DialerOptions::node)
  int64_t now = 0;
  int64_t lease_until = 0;  // > now
  DialLimits limits;
};

enum class ClaimOutcome {
  kClaimed,      // the task is this node's, on `trunk`
  kTaken,        // the task is no longer open (another node claimed or closed it)
  kConcurrency,  // every trunk (or the global limit) is full: try when a call ends
  kRate,         // no token until retry_at
};

struct ClaimVerdict {
  ClaimOutcome outcome = ClaimOutcome::kTaken;
  std::string trunk;     // kClaimed: the trunk's name
  int64_t retry_at = 0;  // kRate: when the next token is due
};

// What one CrmStore::ClaimTasksLeased did with its candidates. A candidate in none of the three
// lists was not reached (the batch was full, or the limits stopped it) and is still open.
struct LeasedBatch {
  struct Claimed {
    int64_t id = 0;
    std::string trunk;
  };
  std::vector<Claimed> claimed;  // in the candidates' order
  std::vector<int64_t> taken;    // no longer open (another node claimed or closed it), or unknown
  std::vector<int64_t> skipped;  // another node was claiming it at that moment: not waited for
  // kClaimed unless the limits stopped the batch: kConcurrency, or kRate until retry_at.
  ClaimOutcome stopped = ClaimOutcome::kClaimed;
  int64_t retry_at = 0;
};

// The shared token bucket as stored: tokens at last_ms (a new bucket is full).
struct RateBucket {
  double tokens = 0;
  int64_t last_ms = 0;
};

struct DialAdmission {
  ClaimOutcome outcome = ClaimOutcome::kClaimed;  // kClaimed, kConcurrency or kRate
  std::string trunk;
  int64_t retry_at = 0;
  RateBucket bucket;  // the bucket after taking the token (kClaimed)
};

// `in_progress`: calls in progress with a live lease by trunk name (any name; all count towards
// the global limit). Nothing is taken unless the outcome is kClaimed.
DialAdmission DecideDialAdmission(const DialLimits& limits,
                                  const std::map<std::string, int64_t>& in_progress,
                                  RateBucket bucket, int64_t now);

// Invalid, naming the field, unless the claim has a node, a lease after `now`, at least one
// trunk and positive limits.
Status CheckLeaseClaim(const LeaseClaim& c);

// The kConflict of CrmStore::UpdateTaskIf when the stored task (status `now_status`, claimed by
// `holder`) is not what `node` expected (`expect`): names the task, both statuses and both nodes.
Status TaskWriteConflict(int64_t id, TaskStatus expect, const std::string& node,
                         TaskStatus now_status, const std::string& holder);

// The name of the stored bucket (one per database).
inline constexpr char kDialBucket[] = "calls";

}  // namespace kira::crm
