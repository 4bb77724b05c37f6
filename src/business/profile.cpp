#include "business/profile.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "business/currency.h"
#include "core/tz.h"
#include "core/yaml_fields.h"
#include "core/yaml_strict.h"

namespace kira::business {

namespace {

// The profile's fields are read by the one strict reader (core/yaml_fields.h): every key known,
// every value of its type, errors naming the file, line and key path ("p.yaml line 9:
// rules.min_order_m2: expected a number, got 'много'"). These are the profile's own shapes.

Status Text(const YamlFields& f, const std::string& key, std::string* out, bool required) {
  if (required) KIRA_RETURN_IF_ERROR(f.Required(key));
  return f.Str(key, out);
}

// A number of square metres and the like: not negative.
Status Amount(const YamlFields& f, const std::string& key, double* out) {
  KIRA_RETURN_IF_ERROR(f.Number(key, out));
  if (*out < 0) return f.Err(key, "must not be negative");
  return Status::Ok();
}

// A whole number of days, 0 (keep) to kMaxDays; absent leaves *out alone.
Status Days(const YamlFields& f, const std::string& key, int* out) {
  constexpr double kMaxDays = 36500;
  double v = 0;
  if (!f.Has(key)) return Status::Ok();
  KIRA_RETURN_IF_ERROR(Amount(f, key, &v));
  if (v > kMaxDays || v != std::floor(v))  // .nan too
    return f.Err(key, "expected a whole number of days from 0 (keep) to 36500, got '" +
                          f.node()[key].Scalar() + "'");
  *out = static_cast<int>(v);
  return Status::Ok();
}

// "HH:MM-HH:MM" at `key` of `f`.
Status Window(const YamlFields& f, const std::string& key, DayWindow* w) {
  if (!f.Has(key)) return Status::Ok();
  const YAML::Node n = f.node()[key];
  if (!n.IsScalar()) return f.Err(key, "expected \"HH:MM-HH:MM\"");
  std::string s = n.Scalar();
  size_t dash = s.find('-');
  int a, b;
  if (dash == std::string::npos || !ParseClock(s.substr(0, dash), &a) ||
      !ParseClock(s.substr(dash + 1), &b) || b <= a) {
    return f.Err(key, "expected \"HH:MM-HH:MM\" with start before end, got '" + s + "'");
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
  KIRA_ASSIGN_OR_RETURN(YAML::Node root, ParseYamlStrict(text, file));
  if (!root || root.IsNull()) return Status::Invalid(file + ": the profile is empty");
  const YamlFields r(file, root, "");
  Profile p;
  KIRA_RETURN_IF_ERROR(
      r.Keys({"name", "language", "timezone", "currency", "address", "hours", "delivery",
              "assistant_disclosure", "manager", "rules", "faq", "calling_window", "privacy"}));
  KIRA_RETURN_IF_ERROR(Text(r, "name", &p.name, true));
  KIRA_RETURN_IF_ERROR(Text(r, "language", &p.language, true));
  if (p.language != "ru" && p.language != "en")
    return r.Err("language", "must be ru or en, got '" + p.language + "'");
  KIRA_RETURN_IF_ERROR(Text(r, "timezone", &p.timezone, true));
  if (Status z = CheckTimeZone(p.timezone, ZoneinfoDir()); !z.ok())
    return r.Err("timezone", z.message());
  KIRA_RETURN_IF_ERROR(Text(r, "currency", &p.currency, false));
  {
    KIRA_ASSIGN_OR_RETURN(const CurrencyTable* table, BuiltInCurrencies());
    if (!table->Find(p.currency))
      return r.Err("currency",
                   "unknown ISO 4217 code '" + p.currency + "' (known: " + table->Codes() + ")");
  }
  KIRA_RETURN_IF_ERROR(Text(r, "address", &p.address, true));
  KIRA_RETURN_IF_ERROR(Text(r, "hours", &p.hours, true));
  KIRA_RETURN_IF_ERROR(Text(r, "delivery", &p.delivery, true));
  KIRA_RETURN_IF_ERROR(Text(r, "assistant_disclosure", &p.assistant_disclosure, true));

  KIRA_RETURN_IF_ERROR(r.Required("manager"));
  {
    const YamlFields m = r.Sub("manager");
    KIRA_RETURN_IF_ERROR(m.Keys({"name", "phone", "sip"}));
    KIRA_RETURN_IF_ERROR(Text(m, "name", &p.manager.name, true));
    KIRA_RETURN_IF_ERROR(Text(m, "phone", &p.manager.phone, false));
    KIRA_RETURN_IF_ERROR(Text(m, "sip", &p.manager.sip, false));
    if (!p.manager.sip.empty() && p.manager.sip.rfind("sip:", 0) != 0)
      return m.Err("sip", "expected a SIP URI starting with sip:, got '" + p.manager.sip + "'");
  }

  if (r.Has("rules")) {
    const YamlFields ru = r.Sub("rules");
    KIRA_RETURN_IF_ERROR(ru.Keys({"min_order_m2", "big_project_m2"}));
    KIRA_RETURN_IF_ERROR(Amount(ru, "min_order_m2", &p.rules.min_order_m2));
    KIRA_RETURN_IF_ERROR(Amount(ru, "big_project_m2", &p.rules.big_project_m2));
    if (p.rules.big_project_m2 > 0 && p.rules.big_project_m2 <= p.rules.min_order_m2)
      return ru.Err("big_project_m2", "must be greater than rules.min_order_m2");
  }

  if (YAML::Node f = root["faq"]) {
    if (!f.IsSequence()) return r.Err("faq", "expected a list of {q, a}");
    for (size_t i = 0; i < f.size(); ++i) {
      const YamlFields e(file, f[i], "faq[" + std::to_string(i) + "]");
      KIRA_RETURN_IF_ERROR(e.Keys({"q", "a"}));
      FaqEntry entry;
      KIRA_RETURN_IF_ERROR(Text(e, "q", &entry.q, true));
      KIRA_RETURN_IF_ERROR(Text(e, "a", &entry.a, true));
      p.faq.push_back(std::move(entry));
    }
  }

  if (r.Has("calling_window")) {
    const YamlFields cw = r.Sub("calling_window");
    KIRA_RETURN_IF_ERROR(cw.Keys({"weekdays", "weekends"}));
    KIRA_RETURN_IF_ERROR(Window(cw, "weekdays", &p.calling_window.weekdays));
    KIRA_RETURN_IF_ERROR(Window(cw, "weekends", &p.calling_window.weekends));
  }

  if (r.Has("privacy")) {
    const YamlFields pr = r.Sub("privacy");
    KIRA_RETURN_IF_ERROR(pr.Keys({"keep_transcripts_days", "keep_recordings_days"}));
    KIRA_RETURN_IF_ERROR(Days(pr, "keep_transcripts_days", &p.privacy.keep_transcripts_days));
    KIRA_RETURN_IF_ERROR(Days(pr, "keep_recordings_days", &p.privacy.keep_recordings_days));
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
