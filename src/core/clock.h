// Clock: the one source of "now", so tests (time windows, callbacks, retries) run on fake time.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace kira {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  static Clock& System();
};

class FakeClock : public Clock {
 public:
  explicit FakeClock(TimePoint t) : now_(t) {}
  TimePoint Now() const override { return now_; }
  void Set(TimePoint t) { now_ = t; }
  void Advance(std::chrono::milliseconds d) { now_ += d; }

 private:
  TimePoint now_;
};

// Unix seconds <-> ISO 8601 UTC ("2026-12-01T06:00:00Z").
std::string FormatIsoUtc(TimePoint t);
// Accepts "YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]"; without a zone, UTC.
bool ParseIso(const std::string& s, TimePoint* out);
int64_t ToUnixMillis(TimePoint t);
TimePoint FromUnixMillis(int64_t ms);

}  // namespace kira
