// Capacity: the dialer's admission limits in front of every origination — global and per-trunk
// concurrency and a calls-per-second token bucket. Used by the live Dialer and by the dry-run
// plan (which starts from the calls already in progress), so both give the same answers.
//
// Not thread-safe: owned by the dialer loop (or one plan run).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dialer/dialer_config.h"

namespace kira::dialer {

class TokenBucket {
 public:
  TokenBucket(double rate_per_s, int burst, int64_t now_ms);
  bool TryTake(int64_t now_ms);
  // The instant the next token is available (== now_ms when one is).
  int64_t NextTokenAt(int64_t now_ms);

 private:
  void Refill(int64_t now_ms);
  double rate_per_ms_;
  double burst_;
  double tokens_;
  int64_t last_ms_;
};

enum class AdmitVerdict { kAdmitted, kConcurrency, kRate };

struct Admit {
  AdmitVerdict verdict = AdmitVerdict::kAdmitted;
  int trunk = -1;           // index into config.trunks when admitted
  int64_t retry_at_ms = 0;  // for kRate: when a token is due; for kConcurrency: now
};

class Admission {
 public:
  Admission(const DialerConfig& cfg, int64_t now_ms);

  // A slot on the first trunk with room, and a token. Nothing is taken unless admitted.
  Admit TryAdmit(int64_t now_ms);
  void Release(int trunk);
  // Counts calls already in progress (found in the store at start) against the global limit.
  void Occupy(int calls);

  int in_flight() const { return in_flight_; }
  int trunk_in_flight(int trunk) const { return per_trunk_[static_cast<size_t>(trunk)]; }
  const TrunkConfig& trunk(int i) const { return cfg_.trunks[static_cast<size_t>(i)]; }
  // The caller ID for a trunk: its own, else the global one.
  const std::string& CallerId(int trunk) const;

 private:
  const DialerConfig& cfg_;
  TokenBucket bucket_;
  int in_flight_ = 0;
  std::vector<int> per_trunk_;
};

}  // namespace kira::dialer
