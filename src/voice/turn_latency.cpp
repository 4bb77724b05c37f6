#include "voice/turn_latency.h"

#include <algorithm>
#include <cmath>

namespace kira::voice {

void LatencyLog::Add(const TurnLatency& t) {
  std::lock_guard<std::mutex> lock(mu_);
  turns_.push_back(t);
}

std::vector<TurnLatency> LatencyLog::Turns(const std::string& kind) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (kind.empty()) return turns_;
  std::vector<TurnLatency> out;
  for (const auto& t : turns_)
    if (t.kind == kind) out.push_back(t);
  return out;
}

size_t LatencyLog::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return turns_.size();
}

void LatencyLog::AddCutoff() {
  std::lock_guard<std::mutex> lock(mu_);
  ++cutoffs_;
}

int LatencyLog::cutoffs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cutoffs_;
}

int64_t LatencyLog::Percentile(std::vector<int64_t> v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  // Nearest-rank.
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * double(v.size())));
  if (rank == 0) rank = 1;
  return v[std::min(rank, v.size()) - 1];
}

}  // namespace kira::voice
