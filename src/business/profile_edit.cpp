#include "business/profile_edit.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

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
  namespace fs = std::filesystem;
  fs::path p(path);
  fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  std::error_code ec;
  if (fs::exists(p, ec)) {
    fs::path hist = dir / "profile-history";
    fs::create_directories(hist, ec);
    if (ec) return Status::Io("cannot create " + hist.string() + ": " + ec.message());
    fs::path copy = hist / (p.stem().string() + "." + std::to_string(version) + ".yaml");
    fs::copy_file(p, copy, fs::copy_options::overwrite_existing, ec);
    if (ec)
      return Status::Io("cannot keep the previous profile in " + copy.string() + ": " +
                        ec.message());
  }
  fs::path tmp = dir / ("." + p.filename().string() + ".tmp" + std::to_string(::getpid()));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Io("cannot write " + tmp.string() + ": " + std::strerror(errno));
  size_t done = 0;
  bool ok = true;
  while (ok && done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok) {
    fs::remove(tmp, ec);
    return Status::Io("cannot write " + tmp.string() + ": " + std::strerror(err));
  }
  fs::rename(tmp, p, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Status::Io("cannot replace " + path + ": " + ec.message());
  }
  // The rename itself is durable once the directory is.
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
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
