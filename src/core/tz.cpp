#include "core/tz.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>

namespace kira {

// Civil-date algorithms after H. Hinnant's public description ("chrono-Compatible Low-Level
// Date Algorithms"), written out here for the proleptic Gregorian calendar.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

namespace {

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Minimal cursor over a POSIX TZ string.
struct TzCursor {
  const std::string& s;
  size_t i = 0;
  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }

  bool Name() {
    if (peek() == '<') {
      size_t close = s.find('>', i);
      if (close == std::string::npos) return false;
      i = close + 1;
      return true;
    }
    size_t start = i;
    while (!done() && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z'))) ++i;
    return i - start >= 3;
  }
  bool Number(int* v, int max_digits) {
    size_t start = i;
    int n = 0;
    while (!done() && s[i] >= '0' && s[i] <= '9' && static_cast<int>(i - start) < max_digits)
      n = n * 10 + (s[i++] - '0');
    *v = n;
    return i > start;
  }
  // [+-]hh[:mm[:ss]] → seconds.
  bool Time(int* secs) {
    int sign = 1;
    if (peek() == '+' || peek() == '-') sign = s[i++] == '-' ? -1 : 1;
    int h = 0, m = 0, sec = 0;
    if (!Number(&h, 3)) return false;
    if (peek() == ':') {
      ++i;
      if (!Number(&m, 2)) return false;
      if (peek() == ':') {
        ++i;
        if (!Number(&sec, 2)) return false;
      }
    }
    *secs = sign * (h * 3600 + m * 60 + sec);
    return true;
  }
  bool Date(PosixTzRule::Date* d) {
    if (peek() == 'J') {
      ++i;
      d->kind = 'J';
      if (!Number(&d->a, 3) || d->a < 1 || d->a > 365) return false;
    } else if (peek() == 'M') {
      ++i;
      d->kind = 'M';
      if (!Number(&d->a, 2) || peek() != '.') return false;
      ++i;
      if (!Number(&d->b, 1) || peek() != '.') return false;
      ++i;
      if (!Number(&d->c, 1)) return false;
      if (d->a < 1 || d->a > 12 || d->b < 1 || d->b > 5 || d->c > 6) return false;
    } else {
      d->kind = 'D';
      if (!Number(&d->a, 3) || d->a > 365) return false;
    }
    d->time = 7200;
    if (peek() == '/') {
      ++i;
      if (!Time(&d->time)) return false;
    }
    return true;
  }
};

// Local midnight (as days since epoch) of a rule date in `year`.
int64_t RuleDay(const PosixTzRule::Date& d, int64_t year) {
  int64_t jan1 = DaysFromCivil(year, 1, 1);
  if (d.kind == 'J') {
    int day = d.a - 1;  // 0-based, Feb 29 never counted
    if (IsLeap(year) && d.a >= 60) ++day;
    return jan1 + day;
  }
  if (d.kind == 'D') return jan1 + d.a;
  // Month m, week w (5 = last), weekday c.
  int64_t first = DaysFromCivil(year, static_cast<unsigned>(d.a), 1);
  int64_t day = first + ((d.c - WeekdayFromDays(first)) + 7) % 7 + 7 * (d.b - 1);
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int len = kDays[d.a - 1] + (d.a == 2 && IsLeap(year) ? 1 : 0);
  while (day >= first + len) day -= 7;
  return day;
}

uint64_t Be(const std::string& b, size_t pos, int n) {
  uint64_t v = 0;
  for (int k = 0; k < n; ++k) v = (v << 8) | static_cast<unsigned char>(b[pos + k]);
  return v;
}

}  // namespace

bool PosixTzRule::Parse(const std::string& s, PosixTzRule* out) {
  TzCursor c{s};
  PosixTzRule r;
  int off = 0;
  if (!c.Name() || !c.Time(&off)) return false;
  r.std_offset = -off;  // POSIX offsets count west of UTC
  if (c.done()) {
    *out = r;
    return true;
  }
  if (!c.Name()) return false;
  r.has_dst = true;
  r.dst_offset = r.std_offset + 3600;
  if (!c.done() && c.peek() != ',') {
    if (!c.Time(&off)) return false;
    r.dst_offset = -off;
  }
  if (c.done()) {  // no rule: the POSIX default (US rules)
    r.start = {'M', 3, 2, 0, 7200};
    r.end = {'M', 11, 1, 0, 7200};
    *out = r;
    return true;
  }
  if (c.peek() != ',') return false;
  ++c.i;
  if (!c.Date(&r.start) || c.peek() != ',') return false;
  ++c.i;
  if (!c.Date(&r.end) || !c.done()) return false;
  *out = r;
  return true;
}

int PosixTzRule::OffsetAt(int64_t unix_sec) const {
  if (!has_dst) return std_offset;
  // Try the year of the instant (in standard local time) and its neighbours' boundaries.
  int64_t y;
  unsigned m, d;
  CivilFromDays(FloorDiv(unix_sec + std_offset, 86400), &y, &m, &d);
  int64_t s = RuleDay(start, y) * 86400 + start.time - std_offset;  // start given in std time
  int64_t e = RuleDay(end, y) * 86400 + end.time - dst_offset;      // end given in DST time
  bool in_dst = s < e ? (unix_sec >= s && unix_sec < e) : !(unix_sec >= e && unix_sec < s);
  return in_dst ? dst_offset : std_offset;
}

std::string TimeZone::DefaultZoneinfoDir() {
  if (const char* env = std::getenv("TZDIR"); env && *env) return env;
  return "/usr/share/zoneinfo";
}

Result<std::shared_ptr<const TimeZone>> TimeZone::Load(const std::string& name,
                                                       const std::string& zoneinfo_dir) {
  if (name.empty() || name.find("..") != std::string::npos || name[0] == '/')
    return Status::Invalid("time zone '" + name + "' is not an IANA zone name");
  std::string path = zoneinfo_dir + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("time zone '" + name + "': no file " + path);
  std::string bytes(kMaxFileBytes + 1, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(in.gcount()));
  if (bytes.size() > kMaxFileBytes)
    return Status::Invalid("time zone '" + name + "': " + path + " is larger than " +
                           std::to_string(kMaxFileBytes) + " bytes, not a TZif file");
  return FromTzif(name, bytes);
}

std::shared_ptr<const TimeZone> TimeZone::Utc() {
  static const std::shared_ptr<const TimeZone> utc = [] {
    auto tz = std::make_shared<TimeZone>();
    tz->name_ = "UTC";
    return tz;
  }();
  return utc;
}

Result<std::shared_ptr<const TimeZone>> FindZone(const std::string& name) {
  if (name == "UTC") return TimeZone::Utc();
  // Keyed by directory too, so a test (or an operator) pointing $TZDIR elsewhere gets that
  // directory's zones. Only successes are kept: the map is bounded by the files that exist.
  static std::mutex mu;
  static std::map<std::pair<std::string, std::string>, std::shared_ptr<const TimeZone>> cache;
  std::string dir = TimeZone::DefaultZoneinfoDir();
  auto key = std::make_pair(dir, name);
  {
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  auto tz = TimeZone::Load(name, dir);  // outside the lock: file I/O
  if (!tz.ok()) return tz.status();
  std::lock_guard<std::mutex> lock(mu);
  return cache.emplace(std::move(key), std::move(tz).value()).first->second;
}

Result<std::shared_ptr<const TimeZone>> TimeZone::FromTzif(const std::string& name,
                                                           const std::string& b) {
  auto bad = [&](const std::string& why) {
    return Status::Invalid("time zone '" + name + "': not a valid TZif file (" + why + ")");
  };
  if (b.size() < 44 || b.compare(0, 4, "TZif") != 0) return bad("no TZif header");
  auto counts = [&](size_t pos, uint64_t c[6]) {
    for (int k = 0; k < 6; ++k) c[k] = Be(b, pos + 20 + 4 * k, 4);
  };
  uint64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  counts(0, c);
  char version = b[4];
  size_t pos = 44;
  int tsize = 4;
  if (version >= '2') {
    // Skip the 32-bit block; the 64-bit one follows with its own header.
    pos += c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (b.size() < pos + 44 || b.compare(pos, 4, "TZif") != 0) return bad("no second header");
    counts(pos, c);
    pos += 44;
    tsize = 8;
  }
  uint64_t timecnt = c[3], typecnt = c[4];
  size_t need = timecnt * tsize + timecnt + typecnt * 6 + c[5] + c[2] * (tsize + 4) + c[1] + c[0];
  if (typecnt == 0 || b.size() < pos + need) return bad("truncated");
  auto tz = std::make_shared<TimeZone>();
  tz->name_ = name;
  std::vector<int> type_off(typecnt);
  size_t types_pos = pos + timecnt * tsize + timecnt;
  for (uint64_t k = 0; k < typecnt; ++k)
    type_off[k] = static_cast<int32_t>(static_cast<uint32_t>(Be(b, types_pos + 6 * k, 4)));
  tz->transitions_.reserve(timecnt);
  for (uint64_t k = 0; k < timecnt; ++k) {
    uint64_t raw = Be(b, pos + k * tsize, tsize);
    int64_t t = tsize == 8 ? static_cast<int64_t>(raw)
                           : static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(raw)));
    unsigned idx = static_cast<unsigned char>(b[pos + timecnt * tsize + k]);
    if (idx >= typecnt) return bad("transition type out of range");
    tz->transitions_.push_back(t);
    tz->offsets_after_.push_back(type_off[idx]);
  }
  tz->initial_offset_ = type_off[0];
  size_t end = pos + need;
  if (version >= '2' && end < b.size() && b[end] == '\n') {
    size_t nl = b.find('\n', end + 1);
    if (nl != std::string::npos && nl > end + 1) {
      if (!PosixTzRule::Parse(b.substr(end + 1, nl - end - 1), &tz->footer_))
        return bad("footer '" + b.substr(end + 1, nl - end - 1) + "'");
      tz->has_footer_ = true;
    }
  }
  return std::shared_ptr<const TimeZone>(std::move(tz));
}

int TimeZone::OffsetAt(int64_t t) const {
  if (transitions_.empty()) return has_footer_ ? footer_.OffsetAt(t) : initial_offset_;
  if (t < transitions_.front()) return initial_offset_;
  if (t >= transitions_.back() && has_footer_) return footer_.OffsetAt(t);
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  return offsets_after_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

int64_t TimeZone::LocalToUtc(int64_t local) const {
  // Candidates: the offsets in force a day either side cover every real-world transition.
  int o1 = OffsetAt(local - 86400), o2 = OffsetAt(local + 86400);
  int64_t u1 = local - o1, u2 = local - o2;
  bool v1 = OffsetAt(u1) == o1, v2 = OffsetAt(u2) == o2;
  if (v1 && v2) return std::min(u1, u2);  // ambiguous: first occurrence
  if (v1) return u1;
  if (v2) return u2;
  // A gap: the local time was skipped; find the jump between the two candidates.
  int64_t lo = std::min(u1, u2), hi = std::max(u1, u2);
  int before = OffsetAt(lo);
  while (hi - lo > 1) {
    int64_t mid = lo + (hi - lo) / 2;
    (OffsetAt(mid) == before ? lo : hi) = mid;
  }
  return hi;
}

std::string DayKey(int64_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

bool ZoneExists(const std::string& zone) { return FindZone(zone).ok(); }

CivilTime ToCivil(const TimeZone& zone, TimePoint t) {
  int64_t unix_sec = FloorDiv(ToUnixMillis(t), 1000);
  int offset = zone.OffsetAt(unix_sec);
  int64_t local = unix_sec + offset;
  int64_t days = FloorDiv(local, 86400);
  int64_t secs = local - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  CivilTime c;
  c.year = static_cast<int>(y);
  c.month = static_cast<int>(m);
  c.day = static_cast<int>(d);
  c.hour = static_cast<int>(secs / 3600);
  c.minute = static_cast<int>(secs / 60 % 60);
  c.second = static_cast<int>(secs % 60);
  c.weekday = WeekdayFromDays(days);
  c.utc_offset_s = offset;
  return c;
}

TimePoint FromCivil(const TimeZone& zone, int year, int month, int day, int hour, int minute) {
  // Normalise the month first (DaysFromCivil is linear in the day, not the month).
  int64_t y = year + FloorDiv(month - 1, 12);
  unsigned m = static_cast<unsigned>(month - 1 - FloorDiv(month - 1, 12) * 12 + 1);
  int64_t days = DaysFromCivil(y, m, 1) + (day - 1);
  int64_t local = days * 86400 + int64_t{hour} * 3600 + int64_t{minute} * 60;
  return FromUnixMillis(zone.LocalToUtc(local) * 1000);
}

namespace {
const TimeZone& ZoneOrUtc(const std::string& zone, std::shared_ptr<const TimeZone>* keep) {
  auto tz = FindZone(zone);
  *keep = tz.ok() ? std::move(tz).value() : TimeZone::Utc();
  return **keep;
}
}  // namespace

CivilTime ToCivil(const std::string& zone, TimePoint t) {
  std::shared_ptr<const TimeZone> keep;
  return ToCivil(ZoneOrUtc(zone, &keep), t);
}

TimePoint FromCivil(const std::string& zone, int year, int month, int day, int hour, int minute) {
  std::shared_ptr<const TimeZone> keep;
  return FromCivil(ZoneOrUtc(zone, &keep), year, month, day, hour, minute);
}

}  // namespace kira
