// Shared by the benchmarks: per-operation latencies reported as percentiles (Google Benchmark's
// own statistics are means), and the outcome mix used to generate realistic leads.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace kira::bench {

inline const char* kChannels[] = {"phone", "chat", "web"};
inline const char* kOutcomes[] = {"non_targeted",       "info_only", "order_placed", "qualified",
                                  "callback_scheduled", "prank",     "transferred",  "abusive"};
inline const char* kReasons[] = {"discontinued", "out_of_stock", "not_sold", "small_quantity",
                                 "unclear"};

// Per-operation latencies → p50/p99/max counters in µs ("us") or ms ("ms").
class Latencies {
 public:
  explicit Latencies(std::string unit = "us") : unit_(std::move(unit)) {}
  void Add(std::chrono::steady_clock::duration d) {
    double us = std::chrono::duration<double, std::micro>(d).count();
    v_.push_back(unit_ == "ms" ? us / 1000 : us);
  }
  // Counters p50_us, p99_us, max_us; `prefix` names a second set ("turn_p99_us").
  void Report(benchmark::State& state, const std::string& prefix = "") {
    if (v_.empty()) return;
    std::sort(v_.begin(), v_.end());
    auto at = [&](double q) { return v_[static_cast<size_t>(q * (v_.size() - 1))]; };
    state.counters[prefix + "p50_" + unit_] = at(0.50);
    state.counters[prefix + "p99_" + unit_] = at(0.99);
    state.counters[prefix + "max_" + unit_] = v_.back();
  }

 private:
  std::string unit_;
  std::vector<double> v_;
};

}  // namespace kira::bench
