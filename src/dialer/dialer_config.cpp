#include "dialer/dialer_config.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "core/yaml_strict.h"

namespace kira::dialer {

int64_t DialerConfig::RetryDelayMs(int attempts) const {
  if (retry_delays_ms.empty()) return 0;
  size_t i = attempts <= 1 ? 0 : static_cast<size_t>(attempts - 1);
  return retry_delays_ms[std::min(i, retry_delays_ms.size() - 1)];
}

Status DialerConfig::Validate() const {
  auto bad = [](const std::string& m) { return Status::Invalid("dialer config: " + m); };
  if (max_concurrent < 1) return bad("max_concurrent must be at least 1");
  if (!(calls_per_second > 0)) return bad("calls_per_second must be positive");
  if (burst < 1) return bad("burst must be at least 1");
  if (max_attempts < 1) return bad("max_attempts must be at least 1");
  if (horizon_days < 1 || horizon_days > 366) return bad("horizon_days must be 1..366");
  for (int64_t d : retry_delays_ms)
    if (d < 0) return bad("retry_delays must not be negative");
  if (trunks.empty()) return bad("at least one trunk is needed");
  for (const auto& t : trunks) {
    if (t.name.empty()) return bad("a trunk has no name");
    if (t.max_concurrent < 1) return bad("trunk " + t.name + ": max_concurrent must be >= 1");
  }
  for (const auto* w : {&window.weekdays, &window.weekends}) {
    if (w->start_min < 0 || w->end_min > 24 * 60 || w->start_min > w->end_min)
      return bad("calling window must satisfy 00:00 <= start <= end <= 24:00");
  }
  return Status::Ok();
}

bool ParseDuration(const std::string& s, int64_t* ms) {
  if (s.empty()) return false;
  int64_t total = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    int64_t n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      n = n * 10 + (s[i++] - '0');
      if (n > 1000000) return false;
    }
    if (i == start || i == s.size()) return false;
    switch (s[i++]) {
      case 's':
        total += n * 1000;
        break;
      case 'm':
        total += n * 60 * 1000;
        break;
      case 'h':
        total += n * 3600 * 1000;
        break;
      case 'd':
        total += n * 86400 * 1000;
        break;
      default:
        return false;
    }
  }
  *ms = total;
  return true;
}

namespace {

template <typename T>
Status Scalar(const YAML::Node& n, const std::string& key, T* out) {
  if (!n.IsScalar()) return Status::Invalid("dialer config: key '" + key + "' must be a value");
  try {
    *out = n.as<T>();
  } catch (const YAML::Exception&) {
    return Status::Invalid("dialer config: key '" + key + "' has the wrong type ('" + n.Scalar() +
                           "')");
  }
  return Status::Ok();
}

Status ParseTrunk(const YAML::Node& n, size_t index, TrunkConfig* t) {
  std::string where = "trunks[" + std::to_string(index) + "]";
  if (!n.IsMap()) return Status::Invalid("dialer config: " + where + " must be a mapping");
  for (const auto& kv : n) {
    std::string key = kv.first.as<std::string>();
    std::string full = where + "." + key;
    if (key == "name") {
      KIRA_RETURN_IF_ERROR(Scalar(kv.second, full, &t->name));
    } else if (key == "max_concurrent") {
      KIRA_RETURN_IF_ERROR(Scalar(kv.second, full, &t->max_concurrent));
    } else if (key == "caller_id") {
      KIRA_RETURN_IF_ERROR(Scalar(kv.second, full, &t->caller_id));
    } else {
      return Status::Invalid("dialer config: unknown key '" + full + "'");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<DialerConfig> ParseDialerConfig(const std::string& text, const std::string& name,
                                       DialerConfig c) {
  // Strict: duplicate keys, aliases, control characters and oversized files are refused.
  KIRA_ASSIGN_OR_RETURN(YAML::Node root, ParseYamlStrict(text, name));
  if (!root || root.IsNull()) return c;
  if (!root.IsMap()) return Status::Invalid(name + ": the top level must be a mapping");
  for (const auto& kv : root) {
    std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    Status s;
    if (key == "caller_id") {
      s = Scalar(v, key, &c.caller_id);
    } else if (key == "max_concurrent") {
      s = Scalar(v, key, &c.max_concurrent);
    } else if (key == "calls_per_second") {
      s = Scalar(v, key, &c.calls_per_second);
    } else if (key == "burst") {
      s = Scalar(v, key, &c.burst);
    } else if (key == "max_attempts") {
      s = Scalar(v, key, &c.max_attempts);
    } else if (key == "horizon_days") {
      s = Scalar(v, key, &c.horizon_days);
    } else if (key == "default_region") {
      s = Scalar(v, key, &c.default_region);
    } else if (key == "retry_delays") {
      if (!v.IsSequence()) {
        s = Status::Invalid("dialer config: key 'retry_delays' must be a list like [15m, 1h]");
      } else {
        c.retry_delays_ms.clear();
        for (const auto& item : v) {
          int64_t ms = 0;
          if (!item.IsScalar() || !ParseDuration(item.Scalar(), &ms)) {
            s = Status::Invalid("dialer config: retry_delays: '" +
                                (item.IsScalar() ? item.Scalar() : std::string("?")) +
                                "' is not a duration like 15m, 1h, 90s");
            break;
          }
          c.retry_delays_ms.push_back(ms);
        }
      }
    } else if (key == "trunks") {
      if (!v.IsSequence()) {
        s = Status::Invalid("dialer config: key 'trunks' must be a list");
      } else {
        c.trunks.clear();
        for (size_t i = 0; i < v.size() && s.ok(); ++i) {
          TrunkConfig t;
          s = ParseTrunk(v[i], i, &t);
          c.trunks.push_back(t);
        }
      }
    } else {
      s = Status::Invalid("dialer config: unknown key '" + key + "'");
    }
    if (!s.ok()) return s.WithContext(name);
  }
  KIRA_RETURN_IF_ERROR(c.Validate().WithContext(name));
  return c;
}

Result<DialerConfig> LoadDialerConfig(const std::string& path, DialerConfig base) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read dialer config " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ParseDialerConfig(ss.str(), path, std::move(base));
}

}  // namespace kira::dialer
