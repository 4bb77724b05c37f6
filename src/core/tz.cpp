#include "core/tz.h"

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <mutex>

namespace kira {

namespace {
std::mutex g_tz_mu;

// Runs f with TZ set to zone, restoring the previous TZ.
template <typename F>
auto WithZone(const std::string& zone, F f) {
  std::lock_guard<std::mutex> lock(g_tz_mu);
  const char* old = std::getenv("TZ");
  std::string saved = old ? old : "";
  setenv("TZ", zone.c_str(), 1);
  tzset();
  auto r = f();
  if (old)
    setenv("TZ", saved.c_str(), 1);
  else
    unsetenv("TZ");
  tzset();
  return r;
}
}  // namespace

bool ZoneExists(const std::string& zone) {
  if (zone == "UTC") return true;
  if (zone.empty() || zone.find("..") != std::string::npos) return false;
  return std::filesystem::exists("/usr/share/zoneinfo/" + zone);
}

CivilTime ToCivil(const std::string& zone, TimePoint t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  return WithZone(zone, [&] {
    std::tm tm{};
    localtime_r(&tt, &tm);
    CivilTime c;
    c.year = tm.tm_year + 1900;
    c.month = tm.tm_mon + 1;
    c.day = tm.tm_mday;
    c.hour = tm.tm_hour;
    c.minute = tm.tm_min;
    c.second = tm.tm_sec;
    c.weekday = tm.tm_wday;
    c.utc_offset_s = tm.tm_gmtoff;
    return c;
  });
}

TimePoint FromCivil(const std::string& zone, int year, int month, int day, int hour, int minute) {
  return WithZone(zone, [&] {
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_isdst = -1;
    std::time_t tt = mktime(&tm);
    return std::chrono::system_clock::from_time_t(tt);
  });
}

}  // namespace kira
