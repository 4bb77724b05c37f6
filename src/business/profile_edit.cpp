#include "business/profile_edit.h"

#include <cstdio>
#include <cstdlib>

#include "core/atomic_file.h"

namespace kira::business {
namespace {

std::string Clock(int min) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", min / 60, min % 60);
  return buf;
}

std::string Window(const DayWindow& w) { return Clock(w.start_min) + "-" + Clock(w.end_min); }

std::string Emit(const YAML::Node& n) {
  YAML::Emitter out;
  out.SetIndent(2);
  out << n;
  return std::string(out.c_str()) + "\n";
}

}  // namespace

YAML::Node ProfileToYaml(const Profile& p) {
  YAML::Node n(YAML::NodeType::Map);
  n["name"] = p.name;
  n["language"] = p.language;
  n["timezone"] = p.timezone;
  n["currency"] = p.currency;
  n["address"] = p.address;
  n["hours"] = p.hours;
  n["delivery"] = p.delivery;
  n["assistant_disclosure"] = p.assistant_disclosure;
  YAML::Node m(YAML::NodeType::Map);
  m["name"] = p.manager.name;
  if (!p.manager.phone.empty()) m["phone"] = p.manager.phone;
  if (!p.manager.sip.empty()) m["sip"] = p.manager.sip;
  n["manager"] = m;
  YAML::Node r(YAML::NodeType::Map);
  r["min_order_m2"] = p.rules.min_order_m2;
  r["big_project_m2"] = p.rules.big_project_m2;
  n["rules"] = r;
  YAML::Node faq(YAML::NodeType::Sequence);
  for (const auto& e : p.faq) {
    YAML::Node q(YAML::NodeType::Map);
    q["q"] = e.q;
    q["a"] = e.a;
    faq.push_back(q);
  }
  n["faq"] = faq;
  YAML::Node cw(YAML::NodeType::Map);
  cw["weekdays"] = Window(p.calling_window.weekdays);
  cw["weekends"] = Window(p.calling_window.weekends);
  n["calling_window"] = cw;
  YAML::Node pr(YAML::NodeType::Map);
  pr["keep_transcripts_days"] = p.privacy.keep_transcripts_days;
  pr["keep_recordings_days"] = p.privacy.keep_recordings_days;
  n["privacy"] = pr;
  return n;
}

Result<ProfileEdit> EditProfile(const Profile& current, const YAML::Node& edit,
                                const std::string& name) {
  if (!edit.IsMap()) return Status::Invalid(name + ": the edit must be a mapping of keys");
  YAML::Node before = ProfileToYaml(current);
  YAML::Node merged = YAML::Clone(before);
  for (const auto& kv : edit) {
    std::string key = kv.first.as<std::string>();
    if (!before[key]) return Status::Invalid(name + ": " + key + ": unknown key");
    merged[key] = kv.second;
  }
  ProfileEdit out;
  out.yaml = Emit(merged);
  // The loader decides, on the very text that will be written.
  KIRA_ASSIGN_OR_RETURN(out.profile, ParseProfile(out.yaml, name));
  out.profile.dir = current.dir;
  YAML::Node after = ProfileToYaml(out.profile);
  for (const auto& kv : before) {
    std::string key = kv.first.as<std::string>();
    if (Emit(kv.second) != Emit(after[key])) out.changed.push_back(key);
  }
  return out;
}

Status SaveProfile(const std::string& path, const std::string& text, int version) {
  return ReplaceFileKeepingVersion(path, text, "profile-history", version);
}

std::string ProfileErrorField(const std::string& message, const std::string& name) {
  std::string rest = message;
  if (rest.rfind(name, 0) == 0) {
    rest = rest.substr(name.size());
    // "<name> line 12: key: …" (core/yaml_fields.h) or "<name>: key: …".
    if (rest.rfind(" line ", 0) == 0 && rest.find(": ") != std::string::npos)
      rest = rest.substr(rest.find(": "));
    if (rest.rfind(": ", 0) == 0) rest = rest.substr(2);
  }
  size_t colon = rest.find(": ");
  if (colon == std::string::npos) return "";
  std::string key = rest.substr(0, colon);
  if (key.empty() || key.find(' ') != std::string::npos) return "";
  return key;
}

const char* const* ProfileErrorCodes() {
  static const char* const codes[] = {"required",     "not_a_mapping", "unknown_key",
                                      "not_text",     "not_a_bool",    "not_a_whole_number",
                                      "out_of_range", "not_a_number",  "negative",
                                      "not_a_list",   "bad_days",      "bad_window",
                                      "bad_language", "bad_timezone",  "bad_currency",
                                      "bad_sip",      "not_above_min", "too_long",
                                      "too_many",     "not_editable",  "other",
                                      nullptr};
  return codes;
}

ProfileError DescribeProfileError(const std::string& message, const std::string& name) {
  ProfileError e;
  e.code = "other";
  e.field = ProfileErrorField(message, name);
  if (e.field.empty()) return e;
  // What follows "<field>: " (core/yaml_fields.h and the profile's own checks, profile.cpp).
  const std::string key = e.field + ": ";
  const size_t at = message.find(key);
  const std::string what = message.substr(at + key.size());
  auto starts = [&](const std::string& s) { return what.rfind(s, 0) == 0; };
  // The text between the first pair of quotes after `from`.
  auto quoted = [&](size_t from = 0) {
    size_t a = what.find('\'', from);
    size_t b = a == std::string::npos ? a : what.find('\'', a + 1);
    return b == std::string::npos ? std::string() : what.substr(a + 1, b - a - 1);
  };
  if (what == "required key is missing") {
    e.code = "required";
  } else if (what == "expected a mapping") {
    e.code = "not_a_mapping";
  } else if (starts("unknown key")) {
    e.code = "unknown_key";
    e.value = e.field.substr(e.field.find_last_of('.') + 1);
    const std::string known = "(known: ";
    if (size_t k = what.find(known); k != std::string::npos && what.back() == ')')
      e.allowed = what.substr(k + known.size(), what.size() - k - known.size() - 1);
  } else if (what == "expected text" || what == "expected text or a number") {
    e.code = "not_text";
  } else if (what == "expected true or false") {
    e.code = "not_a_bool";
  } else if (starts("expected a whole number of days")) {
    e.code = "bad_days";
    e.value = quoted();
  } else if (starts("expected a whole number")) {
    e.code = "not_a_whole_number";
    e.value = quoted();
  } else if (what.find(" is outside ") != std::string::npos) {
    e.code = "out_of_range";
    e.value = what.substr(0, what.find(" is outside "));
    e.allowed = what.substr(what.find(" is outside ") + 12);
  } else if (starts("expected a number")) {
    e.code = "not_a_number";
    e.value = quoted();
  } else if (what == "must not be negative") {
    e.code = "negative";
  } else if (starts("expected a list")) {
    e.code = "not_a_list";
  } else if (starts("expected \"HH:MM-HH:MM\"")) {
    e.code = "bad_window";
    e.value = quoted();
  } else if (starts("must be ru or en")) {
    e.code = "bad_language";
    e.value = quoted();
  } else if (e.field == "timezone") {
    e.code = "bad_timezone";
    e.value = quoted();
  } else if (starts("unknown ISO 4217 code")) {
    e.code = "bad_currency";
    e.value = quoted();
  } else if (starts("expected a SIP URI")) {
    e.code = "bad_sip";
    e.value = quoted();
  } else if (starts("must be greater than ")) {
    e.code = "not_above_min";
    e.allowed = what.substr(21);
  } else if (starts("longer than ") || starts("more than ")) {
    e.code = starts("longer") ? "too_long" : "too_many";
    e.limit = std::strtoul(what.c_str() + what.find("than ") + 5, nullptr, 10);
  } else if (what == "cannot be changed here") {
    e.code = "not_editable";
  }
  return e;
}

}  // namespace kira::business
