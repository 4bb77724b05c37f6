// PhoneZoneResolver: which time zone(s) a callee may be in. The lead's own zone wins; otherwise
// the number decides (crm/phone.h parses and classifies it):
//   - a Russian geographic (ABC) number → its area's zone (ru_area_zones.h);
//   - a Russian mobile (DEF 9xx) or other non-geographic number → every Russian zone
//     (Kaliningrad UTC+2 … Kamchatka/Anadyr UTC+12), because a mobile number says nothing
//     about where its owner lives;
//   - another country's number → its country's zones from the tz database (one or several).
// Results are cached per 4-digit Russian prefix (and per number otherwise), so resolving a
// million tasks is a table lookup each.
//
// Not thread-safe (caches); use one resolver per thread over a shared ZoneDb.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"
#include "dialer/zone_db.h"

namespace kira::dialer {

enum class ZoneSource { kOwnZone, kAreaCode, kCountry };
std::string_view ZoneSourceName(ZoneSource s);  // "lead", "area_code", "country"

struct ResolvedZones {
  ZoneSetId set = kNoZoneSet;
  ZoneSource source = ZoneSource::kCountry;
};

class PhoneZoneResolver {
 public:
  // default_region: how to read a number written without "+" ("8 916 …" → RU).
  explicit PhoneZoneResolver(ZoneDb* db, std::string default_region = "RU");

  // The callee's zones. own_zone (the task's/contact's IANA zone) wins when the tz database
  // knows it. Errors name the number (redacted) and what is wrong with it.
  Result<ResolvedZones> Resolve(std::string_view phone, std::string_view own_zone = {});

  ZoneDb& db() { return *db_; }

 private:
  Result<ResolvedZones> ResolveSlow(const std::string& phone);
  Result<ZoneSetId> CountrySet(const std::string& iso2);
  Result<ZoneSetId> NamesSet(std::string_view comma_names);

  ZoneDb* db_;
  std::string default_region_;
  // +7XXXX…: index = first 4 national digits; set == kNoZoneSet until resolved.
  std::array<ResolvedZones, 10000> ru_prefix_;
  std::unordered_map<std::string, ResolvedZones> by_number_;
  std::unordered_map<std::string, ZoneSetId> own_;
  std::unordered_map<std::string, ZoneSetId> country_;
};

}  // namespace kira::dialer
