// Time zones: the one place Kira turns instants into a zone's civil time and back. TimeZone
// holds the UTC offsets of one IANA zone, read from the system tz database (TZif files, RFC
// 8536, under $TZDIR or /usr/share/zoneinfo) including the POSIX-TZ footer rule for instants
// after the last listed transition. libstdc++ 12 has no C++20 chrono zones, and localtime_r /
// mktime depend on the process-wide TZ (switching it per call races with every getenv), so
// Kira reads the files itself: a loaded TimeZone is immutable and safe to share between threads.
//
//   auto tz = FindZone("Asia/Kamchatka");              // cached; Result<shared_ptr<const …>>
//   int off = (*tz)->OffsetAt(unix_seconds);            // 43200 (UTC+12)
//   int64_t utc = (*tz)->LocalToUtc(local_wall_seconds);
//   CivilTime c = ToCivil("Europe/Moscow", now);        // c.hour, c.weekday, …
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace kira {

// ---- Calendar arithmetic (proleptic Gregorian, days since 1970-01-01) ----

// Division rounding towards minus infinity (b > 0): FloorDiv(-1, 86400) == -1.
inline int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d);
// 0 = Sunday … 6 = Saturday.
inline int WeekdayFromDays(int64_t z) {
  return static_cast<int>(z >= -4 ? (z + 4) % 7 : (z + 5) % 7 + 6);
}
// "YYYY-MM-DD" of a day number.
std::string DayKey(int64_t days);

// ---- One zone ----

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
  // The largest TZif file Load reads (real ones are under 4 KiB; the biggest, with leap
  // seconds, under 10 KiB).
  static constexpr size_t kMaxFileBytes = 256 * 1024;

  // Loads `name` (e.g. "Europe/Moscow") from `zoneinfo_dir`, uncached. Errors name the zone
  // and file. Most callers want FindZone (cached).
  static Result<std::shared_ptr<const TimeZone>> Load(
      const std::string& name, const std::string& zoneinfo_dir = DefaultZoneinfoDir());
  // Parses TZif bytes (tests feed synthetic files through this).
  static Result<std::shared_ptr<const TimeZone>> FromTzif(const std::string& name,
                                                          const std::string& bytes);
  // UTC (offset 0, no transitions), without reading a file.
  static std::shared_ptr<const TimeZone> Utc();
  // $TZDIR or /usr/share/zoneinfo.
  static std::string DefaultZoneinfoDir();

  const std::string& name() const { return name_; }
  // Seconds east of UTC in force at `unix_sec`.
  int OffsetAt(int64_t unix_sec) const;
  // Local wall-clock milliseconds (since 1970-01-01T00:00 local) of a UTC instant in ms.
  int64_t ToLocalMs(int64_t utc_ms) const {
    return utc_ms + int64_t{OffsetAt(FloorDiv(utc_ms, 1000))} * 1000;
  }
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

// The zone `name` from the tz database in $TZDIR (read at each call) or /usr/share/zoneinfo,
// loaded once per directory and kept for the process's life. Thread-safe. "UTC" always exists.
Result<std::shared_ptr<const TimeZone>> FindZone(const std::string& name);

// ---- Civil time in a zone ----

struct CivilTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int weekday = 0;  // 0 = Sunday … 6 = Saturday
  long utc_offset_s = 0;
};

bool ZoneExists(const std::string& zone);
CivilTime ToCivil(const TimeZone& zone, TimePoint t);
// Civil date-time in the zone → instant. Month, day, hour and minute overflow is normalised
// (day 32 → next month); a skipped local time maps to the moment of the jump, a repeated one
// to its first occurrence.
TimePoint FromCivil(const TimeZone& zone, int year, int month, int day, int hour, int minute);
// By zone name; a zone the tz database lacks is read as UTC, as glibc read TZ=<unknown>.
// Callers that can report a bad zone use FindZone.
CivilTime ToCivil(const std::string& zone, TimePoint t);
TimePoint FromCivil(const std::string& zone, int year, int month, int day, int hour, int minute);

}  // namespace kira
