#include "business/profile.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "business/currency.h"
#include "core/tz.h"
#include "core/yaml_strict.h"

namespace kira::business {

namespace {

// Reads YAML strictly: every key must be known, every value of the expected type; errors name
// the full key path ("rules.min_order_m2: expected a number, got 'много'").
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  Status CheckKeys(const YAML::Node& map, const std::string& path,
                   const std::set<std::string>& known) {
    if (!map.IsMap()) return Err(path, "expected a mapping");
    for (const auto& kv : map) {
      std::string k = kv.first.as<std::string>();
      if (!known.count(k)) {
        std::string list;
        for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
        return Err(Join(path, k), "unknown key (known: " + list + ")");
      }
    }
    return Status::Ok();
  }

  Status Str(const YAML::Node& map, const std::string& path, const std::string& key,
             std::string* out, bool required) {
    YAML::Node n = map[key];
    if (!n) return required ? Err(Join(path, key), "required key is missing") : Status::Ok();
    if (!n.IsScalar()) return Err(Join(path, key), "expected text");
    *out = n.Scalar();
    return Status::Ok();
  }

  Status Num(const YAML::Node& map, const std::string& path, const std::string& key, double* out,
             bool required) {
    YAML::Node n = map[key];
    if (!n) return required ? Err(Join(path, key), "required key is missing") : Status::Ok();
    if (!n.IsScalar()) return Err(Join(path, key), "expected a number");
    try {
      *out = n.as<double>();
    } catch (const YAML::Exception&) {
      return Err(Join(path, key), "expected a number, got '" + n.Scalar() + "'");
    }
    if (*out < 0) return Err(Join(path, key), "must not be negative");
    return Status::Ok();
  }

  // A whole number of days, 0 (keep) to kMaxDays; absent leaves *out alone.
  Status Days(const YAML::Node& map, const std::string& path, const std::string& key, int* out) {
    constexpr double kMaxDays = 36500;
    double v = 0;
    if (!map[key]) return Status::Ok();
    KIRA_RETURN_IF_ERROR(Num(map, path, key, &v, false));
    if (v > kMaxDays || v != std::floor(v))  // .nan too
      return Err(Join(path, key), "expected a whole number of days from 0 (keep) to 36500, got '" +
                                      map[key].Scalar() + "'");
    *out = static_cast<int>(v);
    return Status::Ok();
  }

  Status Err(const std::string& key, const std::string& what) const {
    return Status::Invalid(file_ + ": " + key + ": " + what);
  }

  static std::string Join(const std::string& a, const std::string& b) {
    return a.empty() ? b : a + "." + b;
  }

 private:
  std::string file_;
};

Status ParseWindow(Reader& r, const YAML::Node& n, const std::string& path, DayWindow* w) {
  if (!n.IsScalar()) return r.Err(path, "expected \"HH:MM-HH:MM\"");
  std::string s = n.Scalar();
  size_t dash = s.find('-');
  int a, b;
  if (dash == std::string::npos || !ParseClock(s.substr(0, dash), &a) ||
      !ParseClock(s.substr(dash + 1), &b) || b <= a) {
    return r.Err(path, "expected \"HH:MM-HH:MM\" with start before end, got '" + s + "'");
  }
  w->start_min = a;
  w->end_min = b;
  return Status::Ok();
}

}  // namespace

std::string ZoneinfoDir() { return TimeZone::DefaultZoneinfoDir(); }

Status CheckTimeZone(const std::string& zone, const std::string& zoneinfo_dir) {
  // Shape first, so no name can reach outside the tz database ("../../etc/passwd"): parts of
  // letters, digits, '_', '-' and '+' joined by '/', none starting with '.' or '-'.
  bool shape = !zone.empty() && zone.size() <= 64 && zone.front() != '/' && zone.back() != '/';
  for (size_t i = 0; shape && i < zone.size(); ++i) {
    const char c = zone[i];
    const bool part_start = i == 0 || zone[i - 1] == '/';
    if (part_start && (c == '/' || c == '-' || c == '.')) shape = false;
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '+' ||
          c == '/'))
      shape = false;
  }
  if (!shape) {
    return Status::Invalid("'" + zone.substr(0, 64) +
                           "' is not a time zone name (expected an IANA name like "
                           "Europe/Moscow)");
  }
  // Then the file: a TZif file of that name in the tz database, read by the one TZif parser.
  if (!TimeZone::Load(zone, zoneinfo_dir).ok()) {
    return Status::Invalid("unknown time zone '" + zone + "' (no such zone in the tz database at " +
                           zoneinfo_dir + "; expected an IANA name like Europe/Moscow)");
  }
  return Status::Ok();
}

bool ParseClock(const std::string& s, int* minutes) {
  int h = 0, m = 0;
  char extra;
  if (std::sscanf(s.c_str(), " %d:%d %c", &h, &m, &extra) != 2) return false;
  if (h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) return false;
  *minutes = h * 60 + m;
  return true;
}

Result<Profile> ParseProfile(const std::string& text, const std::string& file) {
  Reader r(file);
  KIRA_ASSIGN_OR_RETURN(YAML::Node root, ParseYamlStrict(text, file));
  if (!root || root.IsNull()) return Status::Invalid(file + ": the profile is empty");
  Profile p;
  KIRA_RETURN_IF_ERROR(r.CheckKeys(
      root, "",
      {"name", "language", "timezone", "currency", "address", "hours", "delivery",
       "assistant_disclosure", "manager", "rules", "faq", "calling_window", "privacy"}));
  KIRA_RETURN_IF_ERROR(r.Str(root, "", "name", &p.name, true));
  KIRA_RETURN_IF_ERROR(r.Str(root, "", "language", &p.language, true));
  if (p.language != "ru" && p.language != "en")
    return r.Err("language", "must be ru or en, got '" + p.language + "'");
  KIRA_RETURN_IF_ERROR(r.Str(root, "", "timezone", &p.timezone, true));
  if (Status z = CheckTimeZone(p.timezone, ZoneinfoDir()); !z.ok())
    return r.Err("timezone", z.message());
  KIRA_RETURN_IF_ERROR(r.Str(root, "", "currency", &p.currency, false));
  {
    KIRA_ASSIGN_OR_RETURN(const CurrencyTable* table, BuiltInCurrencies());
    if (!table->Find(p.currency))
      return r.Err("currency",
                   "unknown ISO 4217 code '" + p.currency + "' (known: " + table->Codes() + ")");
  }
  KIRA_RETURN_IF_ERROR(r.Str(root, "", "address", &p.address, true));
  KIRA_RETURN_IF_ERROR(r.Str(root, "", "hours", &p.hours, true));
  KIRA_RETURN_IF_ERROR(r.Str(root, "", "delivery", &p.delivery, true));
  KIRA_RETURN_IF_ERROR(r.Str(root, "", "assistant_disclosure", &p.assistant_disclosure, true));

  if (YAML::Node m = root["manager"]) {
    KIRA_RETURN_IF_ERROR(r.CheckKeys(m, "manager", {"name", "phone", "sip"}));
    KIRA_RETURN_IF_ERROR(r.Str(m, "manager", "name", &p.manager.name, true));
    KIRA_RETURN_IF_ERROR(r.Str(m, "manager", "phone", &p.manager.phone, false));
    KIRA_RETURN_IF_ERROR(r.Str(m, "manager", "sip", &p.manager.sip, false));
    if (!p.manager.sip.empty() && p.manager.sip.rfind("sip:", 0) != 0)
      return r.Err("manager.sip",
                   "expected a SIP URI starting with sip:, got '" + p.manager.sip + "'");
  } else {
    return r.Err("manager", "required key is missing");
  }

  if (YAML::Node ru = root["rules"]) {
    KIRA_RETURN_IF_ERROR(r.CheckKeys(ru, "rules", {"min_order_m2", "big_project_m2"}));
    KIRA_RETURN_IF_ERROR(r.Num(ru, "rules", "min_order_m2", &p.rules.min_order_m2, false));
    KIRA_RETURN_IF_ERROR(r.Num(ru, "rules", "big_project_m2", &p.rules.big_project_m2, false));
    if (p.rules.big_project_m2 > 0 && p.rules.big_project_m2 <= p.rules.min_order_m2)
      return r.Err("rules.big_project_m2", "must be greater than rules.min_order_m2");
  }

  if (YAML::Node f = root["faq"]) {
    if (!f.IsSequence()) return r.Err("faq", "expected a list of {q, a}");
    for (size_t i = 0; i < f.size(); ++i) {
      std::string path = "faq[" + std::to_string(i) + "]";
      KIRA_RETURN_IF_ERROR(r.CheckKeys(f[i], path, {"q", "a"}));
      FaqEntry e;
      KIRA_RETURN_IF_ERROR(r.Str(f[i], path, "q", &e.q, true));
      KIRA_RETURN_IF_ERROR(r.Str(f[i], path, "a", &e.a, true));
      p.faq.push_back(std::move(e));
    }
  }

  if (YAML::Node cw = root["calling_window"]) {
    KIRA_RETURN_IF_ERROR(r.CheckKeys(cw, "calling_window", {"weekdays", "weekends"}));
    if (cw["weekdays"])
      KIRA_RETURN_IF_ERROR(
          ParseWindow(r, cw["weekdays"], "calling_window.weekdays", &p.calling_window.weekdays));
    if (cw["weekends"])
      KIRA_RETURN_IF_ERROR(
          ParseWindow(r, cw["weekends"], "calling_window.weekends", &p.calling_window.weekends));
  }

  if (YAML::Node pr = root["privacy"]) {
    KIRA_RETURN_IF_ERROR(
        r.CheckKeys(pr, "privacy", {"keep_transcripts_days", "keep_recordings_days"}));
    KIRA_RETURN_IF_ERROR(
        r.Days(pr, "privacy", "keep_transcripts_days", &p.privacy.keep_transcripts_days));
    KIRA_RETURN_IF_ERROR(
        r.Days(pr, "privacy", "keep_recordings_days", &p.privacy.keep_recordings_days));
  }
  return p;
}

Result<Profile> LoadProfile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read business profile " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  KIRA_ASSIGN_OR_RETURN(Profile p, ParseProfile(ss.str(), path));
  size_t slash = path.find_last_of('/');
  p.dir = slash == std::string::npos ? "." : path.substr(0, slash);
  return p;
}

}  // namespace kira::business
