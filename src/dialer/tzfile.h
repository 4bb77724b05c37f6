// TimeZone: UTC offsets of one IANA zone, read from the system tz database (TZif files under
// /usr/share/zoneinfo, RFC 8536) including the POSIX-TZ footer rule for instants after the last
// listed transition. libstdc++ 12 has no C++20 chrono zones and localtime_r depends on the
// process-wide TZ, so the dialer reads the files itself: a loaded TimeZone is immutable and
// safe to share between threads.
//
//   auto tz = TimeZone::Load("Asia/Kamchatka");
//   int off = tz->OffsetAt(unix_seconds);            // 43200 (UTC+12)
//   int64_t utc = tz->LocalToUtc(local_wall_seconds);
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace kira::dialer {

// A POSIX TZ rule ("EST5EDT,M3.2.0,M11.1.0", "<+03>-3"): the zone's behaviour after the
// last transition in the file.
struct PosixTzRule {
  int std_offset = 0;  // seconds east of UTC
  bool has_dst = false;
  int dst_offset = 0;
  // A rule date: kind 'J' (Julian 1..365, no leap day), 'D' (0..365), 'M' (month.week.weekday).
  struct Date {
    char kind = 'M';
    int a = 0, b = 0, c = 0;  // J/D: a = day; M: a = month, b = week, c = weekday
    int time = 7200;          // seconds after local midnight, may be negative or > 24 h
  };
  Date start, end;

  // Parses the footer text; false when it is not a valid POSIX TZ string.
  static bool Parse(const std::string& s, PosixTzRule* out);
  int OffsetAt(int64_t unix_sec) const;
};

class TimeZone {
 public:
  // Loads `name` (e.g. "Europe/Moscow") from `zoneinfo_dir`. Errors name the zone and file.
  static Result<std::shared_ptr<const TimeZone>> Load(
      const std::string& name, const std::string& zoneinfo_dir = DefaultZoneinfoDir());
  // Parses TZif bytes (tests feed synthetic files through this).
  static Result<std::shared_ptr<const TimeZone>> FromTzif(const std::string& name,
                                                          const std::string& bytes);
  // $TZDIR or /usr/share/zoneinfo.
  static std::string DefaultZoneinfoDir();

  const std::string& name() const { return name_; }
  // Seconds east of UTC in force at `unix_sec`.
  int OffsetAt(int64_t unix_sec) const;
  // The UTC instant of a local wall-clock time given as seconds since 1970-01-01T00:00 local.
  // An ambiguous time (clocks going back) maps to its first occurrence; a time that does not
  // exist (clocks going forward) maps to the moment of the jump.
  int64_t LocalToUtc(int64_t local_sec) const;

 private:
  std::string name_;
  std::vector<int64_t> transitions_;  // ascending UTC seconds
  std::vector<int> offsets_after_;    // offset in force from transitions_[i]
  int initial_offset_ = 0;            // before the first transition
  bool has_footer_ = false;
  PosixTzRule footer_;
};

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d);
// 0 = Sunday … 6 = Saturday.
inline int WeekdayFromDays(int64_t z) {
  return static_cast<int>(z >= -4 ? (z + 4) % 7 : (z + 5) % 7 + 6);
}

}  // namespace kira::dialer
