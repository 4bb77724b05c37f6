#include "dialer/capacity.h"

#include <algorithm>
#include <cmath>

namespace kira::dialer {

TokenBucket::TokenBucket(double rate_per_s, int burst, int64_t now_ms)
    : rate_per_ms_(rate_per_s / 1000.0),
      burst_(std::max(1, burst)),
      tokens_(std::max(1, burst)),
      last_ms_(now_ms) {}

void TokenBucket::Refill(int64_t now_ms) {
  if (now_ms <= last_ms_) return;
  tokens_ = std::min(burst_, tokens_ + static_cast<double>(now_ms - last_ms_) * rate_per_ms_);
  last_ms_ = now_ms;
}

bool TokenBucket::TryTake(int64_t now_ms) {
  Refill(now_ms);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

int64_t TokenBucket::NextTokenAt(int64_t now_ms) {
  Refill(now_ms);
  if (tokens_ >= 1.0) return now_ms;
  return std::max(now_ms,
                  last_ms_ + static_cast<int64_t>(std::ceil((1.0 - tokens_) / rate_per_ms_)));
}

Admission::Admission(const DialerConfig& cfg, int64_t now_ms)
    : cfg_(cfg), bucket_(cfg.calls_per_second, cfg.burst, now_ms), per_trunk_(cfg.trunks.size()) {}

Admit Admission::TryAdmit(int64_t now_ms) {
  Admit a;
  if (in_flight_ >= cfg_.max_concurrent) {
    a.verdict = AdmitVerdict::kConcurrency;
    a.retry_at_ms = now_ms;
    return a;
  }
  int trunk = -1;
  for (size_t i = 0; i < cfg_.trunks.size(); ++i) {
    if (per_trunk_[i] < cfg_.trunks[i].max_concurrent) {
      trunk = static_cast<int>(i);
      break;
    }
  }
  if (trunk < 0) {
    a.verdict = AdmitVerdict::kConcurrency;
    a.retry_at_ms = now_ms;
    return a;
  }
  if (!bucket_.TryTake(now_ms)) {
    a.verdict = AdmitVerdict::kRate;
    a.retry_at_ms = bucket_.NextTokenAt(now_ms);
    return a;
  }
  ++in_flight_;
  ++per_trunk_[static_cast<size_t>(trunk)];
  a.trunk = trunk;
  return a;
}

void Admission::Release(int trunk) {
  if (trunk < 0 || static_cast<size_t>(trunk) >= per_trunk_.size()) return;
  if (per_trunk_[static_cast<size_t>(trunk)] > 0) --per_trunk_[static_cast<size_t>(trunk)];
  if (in_flight_ > 0) --in_flight_;
}

void Admission::Occupy(int calls) { in_flight_ += std::max(0, calls); }

const std::string& Admission::CallerId(int trunk) const {
  const auto& t = cfg_.trunks[static_cast<size_t>(trunk)];
  return t.caller_id.empty() ? cfg_.caller_id : t.caller_id;
}

}  // namespace kira::dialer
