// Civil time in an IANA zone ("Europe/Moscow", "Asia/Kamchatka") using the system tz database.
// Thread-safe (serialised: it switches TZ under a lock), meant for occasional conversions such
// as "call me back tomorrow at ten", not for hot loops.
#pragma once

#include <string>

#include "core/clock.h"

namespace kira {

struct CivilTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int weekday = 0;  // 0 = Sunday … 6 = Saturday
  long utc_offset_s = 0;
};

bool ZoneExists(const std::string& zone);
CivilTime ToCivil(const std::string& zone, TimePoint t);
// Civil date-time in the zone → instant. Day/month overflow is normalised (day 32 → next month).
TimePoint FromCivil(const std::string& zone, int year, int month, int day, int hour, int minute);

}  // namespace kira
