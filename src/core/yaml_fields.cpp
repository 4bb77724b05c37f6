#include "core/yaml_fields.h"

namespace kira {

Status YamlFields::Err(const std::string& key, const std::string& what) const {
  // (Never `node = other` here: a YAML::Node assignment writes into the tree.)
  const bool has = !key.empty() && map_.IsDefined() && map_.IsMap() && map_[key];
  const int line = has ? map_[key].Mark().line : map_.IsDefined() ? map_.Mark().line : -1;
  const std::string where = line >= 0 ? " line " + std::to_string(line + 1) : "";
  const std::string path = Path(key);
  return Status::Invalid(file_ + where + ": " + (path.empty() ? "" : path + ": ") + what);
}

Status YamlFields::Required(const std::string& key) const {
  return Has(key) ? Status::Ok() : Err(key, "required key is missing");
}

Status YamlFields::Keys(const std::set<std::string>& known) const {
  if (!map_.IsMap()) return Err("", "expected a mapping");
  for (const auto& kv : map_) {
    const std::string k = kv.first.as<std::string>();
    if (!known.count(k)) {
      std::string list;
      for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
      return Err(k, "unknown key (known: " + list + ")");
    }
  }
  return Status::Ok();
}

Status YamlFields::Str(const std::string& key, std::string* out) const {
  YAML::Node n = map_[key];
  if (!n) return Status::Ok();
  if (!n.IsScalar()) return Err(key, "expected text");
  *out = n.Scalar();
  return Status::Ok();
}

Status YamlFields::Bool(const std::string& key, bool* out) const {
  YAML::Node n = map_[key];
  if (!n) return Status::Ok();
  try {
    if (!n.IsScalar()) throw YAML::Exception(YAML::Mark(), "");
    *out = n.as<bool>();
  } catch (const YAML::Exception&) {
    return Err(key, "expected true or false");
  }
  return Status::Ok();
}

Status YamlFields::Int(const std::string& key, long long* out, long long min, long long max) const {
  YAML::Node n = map_[key];
  if (!n) return Status::Ok();
  long long v = 0;
  try {
    if (!n.IsScalar()) throw YAML::Exception(YAML::Mark(), "");
    v = n.as<long long>();
  } catch (const YAML::Exception&) {
    return Err(key, "expected a whole number, got '" +
                        (n.IsScalar() ? n.Scalar() : std::string("a list or mapping")) + "'");
  }
  if (v < min || v > max)
    return Err(
        key, std::to_string(v) + " is outside " + std::to_string(min) + ".." + std::to_string(max));
  *out = v;
  return Status::Ok();
}

Status YamlFields::Number(const std::string& key, double* out) const {
  YAML::Node n = map_[key];
  if (!n) return Status::Ok();
  if (!n.IsScalar()) return Err(key, "expected a number");
  try {
    *out = n.as<double>();
  } catch (const YAML::Exception&) {
    return Err(key, "expected a number, got '" + n.Scalar() + "'");
  }
  return Status::Ok();
}

Status YamlFields::Seconds(const std::string& key, std::chrono::milliseconds* out, long long min,
                           long long max) const {
  long long s = out->count() / 1000;
  KIRA_RETURN_IF_ERROR(Int(key, &s, min, max));
  if (Has(key)) *out = std::chrono::seconds(s);
  return Status::Ok();
}

Status YamlFields::StrList(const std::string& key, std::vector<std::string>* out) const {
  YAML::Node n = map_[key];
  if (!n) return Status::Ok();
  if (!n.IsSequence()) return Err(key, "expected a list");
  std::vector<std::string> v;
  for (const auto& e : n) {
    if (!e.IsScalar()) return Err(key, "expected a list of text");
    v.push_back(e.Scalar());
  }
  *out = std::move(v);
  return Status::Ok();
}

}  // namespace kira
