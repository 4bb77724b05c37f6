// WindowSchedule: when a callee with a given set of possible time zones may be called. The
// profile's calling window (weekdays / weekends, callee's local time) is turned into UTC
// intervals per zone and intersected across the set — a number that may be in Kaliningrad or in
// Kamchatka is called only while it is a decent hour in both. Built once per zone set for a
// horizon of days and then answered by binary search, so the planner's per-task cost is tiny.
//
//   WindowSchedule w(db, db.Members(set), profile.calling_window);
//   int64_t t = w.NextOpen(now_sec);   // == now_sec when open now; kNever when never
//
// Not thread-safe (it extends its cache); one per planner.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "business/profile.h"
#include "dialer/zone_db.h"

namespace kira::dialer {

inline constexpr int64_t kNever = INT64_MAX;

class WindowSchedule {
 public:
  WindowSchedule(const ZoneDb& db, std::vector<ZoneId> zones, business::CallingWindow window,
                 int horizon_days = 35, int max_search_days = 366);

  // The earliest UTC second >= t at which the window is open in every zone, or kNever when it
  // does not open within max_search_days.
  int64_t NextOpen(int64_t t);
  bool IsOpen(int64_t t) { return NextOpen(t) == t; }
  // When the open interval containing t closes (t must be open).
  int64_t CloseAfter(int64_t t);

 private:
  void Build(int64_t t);  // makes [t, t + horizon) covered, keeping what is built
  std::vector<std::pair<int64_t, int64_t>> ZoneIntervals(const TimeZone& tz, int64_t first_day,
                                                         int64_t last_day) const;

  const ZoneDb& db_;
  std::vector<ZoneId> zones_;
  business::CallingWindow window_;
  int horizon_days_;
  int max_search_days_;
  int64_t built_from_ = 0, built_to_ = -1;         // UTC seconds covered exactly
  std::vector<std::pair<int64_t, int64_t>> open_;  // [start, end) ascending, disjoint
};

}  // namespace kira::dialer
