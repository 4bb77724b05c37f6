// ZoneDb: interns IANA zones and sets of zones as small integer ids so the planner can
// precompute calling windows once per distinct set (a million tasks share a few dozen sets).
// Also answers "which zones does country XX span" from the tz database's zone1970.tab.
//
// Thread-safety: all methods lock an internal mutex; returned TimeZone pointers and zone-set
// vectors stay valid for the ZoneDb's lifetime (sets are never removed).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "core/tz.h"

namespace kira::dialer {

using ZoneId = int32_t;
using ZoneSetId = int32_t;
inline constexpr ZoneSetId kNoZoneSet = -1;

class ZoneDb {
 public:
  explicit ZoneDb(std::string zoneinfo_dir = TimeZone::DefaultZoneinfoDir());

  // Loads (once) and interns a zone; NotFound when the tz database has no such zone.
  Result<ZoneId> Zone(const std::string& name);
  const TimeZone& Get(ZoneId id) const;
  const std::string& Name(ZoneId id) const;

  // Interns a set of zones (order and duplicates do not matter).
  ZoneSetId Set(std::vector<ZoneId> zones);
  const std::vector<ZoneId>& Members(ZoneSetId id) const;
  size_t set_count() const;
  // "Europe/Moscow" or "Europe/Kaliningrad,Europe/Moscow,..." for output.
  std::string SetNames(ZoneSetId id) const;

  // Every zone of an ISO 3166 country ("RU" → 26 zones), from zone1970.tab (zone.tab as a
  // fallback), in file order. Empty when the country is unknown.
  Result<std::vector<std::string>> CountryZones(const std::string& iso2);

 private:
  Status LoadCountryTable();

  std::string dir_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, ZoneId> by_name_;
  std::vector<std::shared_ptr<const TimeZone>> zones_;
  std::map<std::vector<ZoneId>, ZoneSetId> set_ids_;
  std::deque<std::vector<ZoneId>> sets_;  // deque: Members() references stay valid
  bool countries_loaded_ = false;
  std::unordered_map<std::string, std::vector<std::string>> country_zones_;
};

}  // namespace kira::dialer
