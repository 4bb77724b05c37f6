#include "dialer/zone_db.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace kira::dialer {

ZoneDb::ZoneDb(std::string zoneinfo_dir) : dir_(std::move(zoneinfo_dir)) {}

Result<ZoneId> ZoneDb::Zone(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = by_name_.find(name); it != by_name_.end()) return it->second;
  auto tz = TimeZone::Load(name, dir_);
  if (!tz.ok()) return tz.status();
  ZoneId id = static_cast<ZoneId>(zones_.size());
  zones_.push_back(std::move(tz).value());
  by_name_.emplace(name, id);
  return id;
}

const TimeZone& ZoneDb::Get(ZoneId id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return *zones_.at(static_cast<size_t>(id));
}

const std::string& ZoneDb::Name(ZoneId id) const { return Get(id).name(); }

ZoneSetId ZoneDb::Set(std::vector<ZoneId> zones) {
  std::sort(zones.begin(), zones.end());
  zones.erase(std::unique(zones.begin(), zones.end()), zones.end());
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = set_ids_.find(zones); it != set_ids_.end()) return it->second;
  ZoneSetId id = static_cast<ZoneSetId>(sets_.size());
  sets_.push_back(zones);
  set_ids_.emplace(std::move(zones), id);
  return id;
}

const std::vector<ZoneId>& ZoneDb::Members(ZoneSetId id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return sets_.at(static_cast<size_t>(id));
}

size_t ZoneDb::set_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sets_.size();
}

std::string ZoneDb::SetNames(ZoneSetId id) const {
  std::string out;
  for (ZoneId z : Members(id)) {
    if (!out.empty()) out += ',';
    out += Name(z);
  }
  return out;
}

Status ZoneDb::LoadCountryTable() {
  for (const char* file : {"zone1970.tab", "zone.tab"}) {
    std::ifstream in(dir_ + "/" + file);
    if (!in) continue;
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream cols(line);
      std::string codes, coords, zone;
      if (!std::getline(cols, codes, '\t') || !std::getline(cols, coords, '\t') ||
          !std::getline(cols, zone, '\t'))
        continue;
      std::istringstream cs(codes);
      std::string cc;
      while (std::getline(cs, cc, ',')) country_zones_[cc].push_back(zone);
    }
    countries_loaded_ = true;
    return Status::Ok();
  }
  return Status::NotFound("tz database has neither zone1970.tab nor zone.tab in " + dir_);
}

Result<std::vector<std::string>> ZoneDb::CountryZones(const std::string& iso2) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!countries_loaded_) KIRA_RETURN_IF_ERROR(LoadCountryTable());
  auto it = country_zones_.find(iso2);
  if (it == country_zones_.end()) return std::vector<std::string>{};
  return it->second;
}

}  // namespace kira::dialer
