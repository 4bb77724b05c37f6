#include "dialer/phone_zones.h"

#include "core/log.h"
#include "crm/phone.h"
#include "dialer/ru_area_zones.h"

namespace kira::dialer {

std::string_view ZoneSourceName(ZoneSource s) {
  switch (s) {
    case ZoneSource::kOwnZone:
      return "lead";
    case ZoneSource::kAreaCode:
      return "area_code";
    case ZoneSource::kCountry:
      return "country";
  }
  return "country";
}

PhoneZoneResolver::PhoneZoneResolver(ZoneDb* db, std::string default_region)
    : db_(db), default_region_(std::move(default_region)) {
  ru_prefix_.fill(ResolvedZones{});
}

namespace {
bool IsRuE164(std::string_view p) {
  if (p.size() != 12 || p[0] != '+' || p[1] != '7') return false;
  for (size_t i = 2; i < p.size(); ++i)
    if (p[i] < '0' || p[i] > '9') return false;
  return true;
}
}  // namespace

Result<ResolvedZones> PhoneZoneResolver::Resolve(std::string_view phone,
                                                 std::string_view own_zone) {
  if (!own_zone.empty()) {
    std::string key(own_zone);  // short: fits the small-string buffer for most zone names
    auto it = own_.find(key);
    if (it == own_.end()) {
      auto z = db_->Zone(key);
      ZoneSetId set = kNoZoneSet;
      if (z.ok()) {
        set = db_->Set({z.value()});
      } else {
        log::Warn("dialer", "unknown time zone '" + key + "' on a task; using the number");
      }
      it = own_.emplace(std::move(key), set).first;
    }
    if (it->second != kNoZoneSet) return ResolvedZones{it->second, ZoneSource::kOwnZone};
  }
  if (IsRuE164(phone)) {
    size_t idx = static_cast<size_t>((phone[2] - '0') * 1000 + (phone[3] - '0') * 100 +
                                     (phone[4] - '0') * 10 + (phone[5] - '0'));
    if (ru_prefix_[idx].set != kNoZoneSet) return ru_prefix_[idx];
    auto r = ResolveSlow(std::string(phone));
    if (r.ok()) ru_prefix_[idx] = r.value();
    return r;
  }
  std::string key(phone);
  if (auto it = by_number_.find(key); it != by_number_.end()) return it->second;
  auto r = ResolveSlow(key);
  if (r.ok()) {
    if (by_number_.size() > 100000) by_number_.clear();  // bound the cache
    by_number_.emplace(std::move(key), r.value());
  }
  return r;
}

Result<ResolvedZones> PhoneZoneResolver::ResolveSlow(const std::string& phone) {
  auto parsed = crm::ParsePhone(phone, default_region_);
  if (!parsed.ok()) return parsed.status().WithContext("phone");
  const std::string& region = parsed->region;
  if (region == "RU" && parsed->fixed_line) {
    if (const RuAreaZones* e = LookupRuArea(parsed->national)) {
      KIRA_ASSIGN_OR_RETURN(ZoneSetId set, NamesSet(e->zones));
      return ResolvedZones{set, ZoneSource::kAreaCode};
    }
  }
  if (region.empty() || region == "ZZ" || region == "001")
    return Status::Invalid("phone '" + log::Redact(phone) + "' belongs to no country");
  KIRA_ASSIGN_OR_RETURN(ZoneSetId set, CountrySet(region));
  return ResolvedZones{set, ZoneSource::kCountry};
}

Result<ZoneSetId> PhoneZoneResolver::NamesSet(std::string_view names) {
  std::vector<ZoneId> ids;
  while (!names.empty()) {
    size_t comma = names.find(',');
    std::string name(names.substr(0, comma));
    KIRA_ASSIGN_OR_RETURN(ZoneId id, db_->Zone(name));
    ids.push_back(id);
    names = comma == std::string_view::npos ? std::string_view{} : names.substr(comma + 1);
  }
  return db_->Set(std::move(ids));
}

Result<ZoneSetId> PhoneZoneResolver::CountrySet(const std::string& iso2) {
  if (auto it = country_.find(iso2); it != country_.end()) return it->second;
  KIRA_ASSIGN_OR_RETURN(auto names, db_->CountryZones(iso2));
  if (names.empty())
    return Status::NotFound("the tz database lists no time zone for country " + iso2);
  std::vector<ZoneId> ids;
  for (const auto& name : names) {
    auto id = db_->Zone(name);
    if (id.ok()) ids.push_back(id.value());  // skip zones this tz build lacks
  }
  if (ids.empty()) return Status::NotFound("no time zone of country " + iso2 + " could be loaded");
  ZoneSetId set = db_->Set(std::move(ids));
  country_.emplace(iso2, set);
  return set;
}

}  // namespace kira::dialer
