// Clock: the one source of "now", so tests (time windows, callbacks, retries) run on fake time.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

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
// ISO 8601 time: "YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH[:MM]]" ('T' or a space between date and
// time; without a zone, UTC). Refused, with a message saying why: anything else (including
// trailing text), impossible dates ("2030-02-31", "2027-02-29"), hours past 23, offsets past
// ±14:00, and instants outside [1970-01-01T00:00Z, 2101-01-01T00:00Z) — the years Kira can
// schedule in; later dates also overflow the nanosecond clock (year 2262).
Result<TimePoint> ParseIso(std::string_view s);
int64_t ToUnixMillis(TimePoint t);
TimePoint FromUnixMillis(int64_t ms);

}  // namespace kira
