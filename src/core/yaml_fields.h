// YamlFields: the fields of one mapping of a config file, read strictly: an unknown key, a wrong
// type or a value out of range is an error naming the file and the full key path
// and the line ("kira.yaml line 7: web.max_connections: 0 is outside 1..100000"). An absent key
// leaves the value as it was (the default). The file itself is parsed by ParseYamlStrict
// (yaml_strict.h); this reads what it gives. The one strict reader of the files a shop edits:
// the config file's sections (phone:, web:) and the business profile.
//
//   KIRA_ASSIGN_OR_RETURN(YAML::Node root, ParseYamlStrict(text, "kira.yaml"));
//   YamlFields web("kira.yaml", root["web"], "web");
//   KIRA_RETURN_IF_ERROR(web.Keys({"threads", "secure_cookies"}));
//   KIRA_RETURN_IF_ERROR(web.Int("threads", &cfg.threads, 4, 1024));
//   KIRA_RETURN_IF_ERROR(web.Bool("secure_cookies", &cfg.secure_cookies));
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"

namespace kira {

class YamlFields {
 public:
  // `file` starts every message; `path` is the mapping's key path ("web", "phone.trunk").
  YamlFields(std::string file, YAML::Node map, std::string path)
      : file_(std::move(file)), map_(std::move(map)), path_(std::move(path)) {}

  // The nested mapping at `key` (its path extended by the key).
  YamlFields Sub(const std::string& key) const { return {file_, map_[key], Path(key)}; }
  const YAML::Node& node() const { return map_; }
  bool Has(const std::string& key) const { return static_cast<bool>(map_[key]); }

  // "<file> line <n>: <path>.<key>: <what>" (key "" names the mapping itself). The line is the
  // key's value's, or the mapping's when the key is absent; a node built in code has none.
  Status Err(const std::string& key, const std::string& what) const;
  // The node is a mapping and every key in it is one of `known` (listed in the message).
  Status Keys(const std::set<std::string>& known) const;

  // The key is present ("required key is missing").
  Status Required(const std::string& key) const;

  Status Str(const std::string& key, std::string* out) const;
  Status Bool(const std::string& key, bool* out) const;
  // A whole number within [min, max].
  Status Int(const std::string& key, long long* out, long long min, long long max) const;
  template <typename T>
  Status Int(const std::string& key, T* out, long long min, long long max) const {
    long long v = static_cast<long long>(*out);
    KIRA_RETURN_IF_ERROR(Int(key, &v, min, max));
    *out = static_cast<T>(v);
    return Status::Ok();
  }
  // Whole seconds within [min, max], kept as milliseconds.
  Status Seconds(const std::string& key, std::chrono::milliseconds* out, long long min,
                 long long max) const;
  // A number (integer or decimal).
  Status Number(const std::string& key, double* out) const;
  // A list of text values.
  Status StrList(const std::string& key, std::vector<std::string>* out) const;

 private:
  std::string Path(const std::string& key) const {
    return path_.empty() ? key : key.empty() ? path_ : path_ + "." + key;
  }

  std::string file_;
  YAML::Node map_;
  std::string path_;
};

}  // namespace kira
