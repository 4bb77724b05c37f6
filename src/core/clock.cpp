#include "core/clock.h"

#include <cstdio>
#include <ctime>

#include "core/tz.h"

namespace kira {

namespace {
class SystemClock : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};
}  // namespace

Clock& Clock::System() {
  static SystemClock c;
  return c;
}

std::string FormatIsoUtc(TimePoint t) {
  // Digits written by hand for years 0..9999 (a dry run of the dialer formats a million of
  // these: gmtime_r + strftime cost more than the rest of its line); strftime otherwise.
  const int64_t s = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  const int64_t days = FloorDiv(s, 86400), sod = s - days * 86400;
  int64_t y = 0;
  unsigned mo = 0, d = 0;
  CivilFromDays(days, &y, &mo, &d);
  if (y >= 0 && y <= 9999) {
    char buf[21] = "0000-00-00T00:00:00Z";
    auto put = [&buf](int at, int64_t v, int width) {
      for (int i = width - 1; i >= 0; --i, v /= 10) buf[at + i] = static_cast<char>('0' + v % 10);
    };
    put(0, y, 4);
    put(5, mo, 2);
    put(8, d, 2);
    put(11, sod / 3600, 2);
    put(14, sod / 60 % 60, 2);
    put(17, sod % 60, 2);
    return std::string(buf, 20);
  }
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

constexpr int kMinYear = 1970;
constexpr int kMaxYear = 2100;

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Reads exactly n ASCII digits at s[*i].
bool Digits(std::string_view s, size_t* i, int n, int* v) {
  if (*i + static_cast<size_t>(n) > s.size()) return false;
  int x = 0;
  for (int k = 0; k < n; ++k) {
    char c = s[*i + static_cast<size_t>(k)];
    if (c < '0' || c > '9') return false;
    x = x * 10 + (c - '0');
  }
  *i += static_cast<size_t>(n);
  *v = x;
  return true;
}

bool Expect(std::string_view s, size_t* i, char c) {
  if (*i < s.size() && s[*i] == c) {
    ++*i;
    return true;
  }
  return false;
}

}  // namespace

Result<TimePoint> ParseIso(std::string_view s) {
  constexpr size_t kMaxLen = 40;
  const std::string shown =
      s.size() > kMaxLen ? std::string(s.substr(0, kMaxLen)) + "…" : std::string(s);
  auto bad = [&](const std::string& why) {
    return Status::Invalid("'" + shown + "' is not a valid time: " + why);
  };
  const char* kForm = "expected YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM], e.g. 2026-12-01T10:00+03:00";
  if (s.size() > kMaxLen) return bad("longer than 40 characters");
  size_t i = 0;
  int y, mo, d, h, mi, sec = 0, ms = 0;
  if (!Digits(s, &i, 4, &y) || !Expect(s, &i, '-') || !Digits(s, &i, 2, &mo) ||
      !Expect(s, &i, '-') || !Digits(s, &i, 2, &d))
    return bad(kForm);
  if (!(Expect(s, &i, 'T') || Expect(s, &i, 't') || Expect(s, &i, ' '))) return bad(kForm);
  if (!Digits(s, &i, 2, &h) || !Expect(s, &i, ':') || !Digits(s, &i, 2, &mi)) return bad(kForm);
  if (Expect(s, &i, ':')) {
    if (!Digits(s, &i, 2, &sec)) return bad(kForm);
    if (Expect(s, &i, '.') || Expect(s, &i, ',')) {
      // Fractions of a second: milliseconds kept, finer digits ignored.
      int digits = 0;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (digits < 3) ms = ms * 10 + (s[i] - '0');
        ++digits;
        ++i;
      }
      if (digits == 0) return bad(kForm);
      for (int k = digits; k < 3; ++k) ms *= 10;
    }
  }
  int offset_min = 0;
  if (i < s.size()) {
    char c = s[i];
    if (c == 'Z' || c == 'z') {
      ++i;
    } else if (c == '+' || c == '-') {
      ++i;
      int oh = 0, om = 0;
      if (!Digits(s, &i, 2, &oh)) return bad(kForm);
      if (Expect(s, &i, ':')) {
        if (!Digits(s, &i, 2, &om)) return bad(kForm);
      } else if (i < s.size()) {
        if (!Digits(s, &i, 2, &om)) return bad(kForm);
      }
      if (oh > 14 || om > 59 || (oh == 14 && om > 0))
        return bad("the UTC offset must be between -14:00 and +14:00");
      offset_min = (oh * 60 + om) * (c == '+' ? 1 : -1);
    } else {
      return bad(kForm);
    }
  }
  if (i != s.size()) return bad("unexpected text after the time (" + std::string(kForm) + ")");
  if (y < kMinYear || y > kMaxYear)
    return bad("the year must be between " + std::to_string(kMinYear) + " and " +
               std::to_string(kMaxYear));
  if (mo < 1 || mo > 12) return bad("there is no month " + std::to_string(mo));
  if (d < 1 || d > DaysInMonth(y, mo))
    return bad("there is no day " + std::to_string(d) + " in month " + std::to_string(mo) + " of " +
               std::to_string(y));
  if (h > 23) return bad("the hour must be 00 to 23");
  if (mi > 59) return bad("the minute must be 00 to 59");
  // :60 only as a leap second at the end of a UTC day.
  if (sec > 60 || (sec == 60 && !(h == 23 && mi == 59))) return bad("the second must be 00 to 59");
  const int64_t unix_s = DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
                         static_cast<int64_t>(offset_min) * 60;
  if (unix_s < 0) return bad("before 1970-01-01T00:00Z");
  if (unix_s >= DaysFromCivil(kMaxYear + 1, 1, 1) * 86400) return bad("after the year 2100 (UTC)");
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(
      std::chrono::milliseconds(unix_s * 1000 + ms)));
}

int64_t ToUnixMillis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint FromUnixMillis(int64_t ms) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms)));
}

}  // namespace kira
