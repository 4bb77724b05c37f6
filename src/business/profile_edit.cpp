#include "business/profile_edit.h"

#include <cstdio>

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

}  // namespace kira::business
