#include "web/web_settings.h"

#include <yaml-cpp/yaml.h>

#include <set>

#include "core/yaml_strict.h"
#include "web/proxy_list.h"

namespace kira::web {
namespace {

class Reader {
 public:
  Reader(std::string file, const YAML::Node& m) : file_(std::move(file)), m_(m) {}

  Status Err(const std::string& key, const std::string& what) const {
    return Status::Invalid(file_ + ": web." + key + ": " + what);
  }

  Status Keys(const std::set<std::string>& known) const {
    for (const auto& kv : m_) {
      const std::string k = kv.first.as<std::string>();
      if (!known.count(k)) {
        std::string list;
        for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
        return Err(k, "unknown key (known: " + list + ")");
      }
    }
    return Status::Ok();
  }

  template <typename T>
  Status Num(const char* key, T* out, long long min, long long max) const {
    YAML::Node n = m_[key];
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
      return Err(key, std::to_string(v) + " is outside " + std::to_string(min) + ".." +
                          std::to_string(max));
    *out = static_cast<T>(v);
    return Status::Ok();
  }

  Status Seconds(const char* key, std::chrono::milliseconds* out, long long min,
                 long long max) const {
    long long s = out->count() / 1000;
    KIRA_RETURN_IF_ERROR(Num(key, &s, min, max));
    if (m_[key]) *out = std::chrono::seconds(s);
    return Status::Ok();
  }

  Status Bool(const char* key, bool* out) const {
    YAML::Node n = m_[key];
    if (!n) return Status::Ok();
    try {
      *out = n.as<bool>();
    } catch (const YAML::Exception&) {
      return Err(key, "expected true or false");
    }
    return Status::Ok();
  }

  Status StrList(const char* key, std::vector<std::string>* out) const {
    YAML::Node n = m_[key];
    if (!n) return Status::Ok();
    if (!n.IsSequence()) return Err(key, "expected a list");
    out->clear();
    for (const auto& e : n) {
      if (!e.IsScalar()) return Err(key, "expected a list of addresses");
      out->push_back(e.Scalar());
    }
    return Status::Ok();
  }

 private:
  std::string file_;
  YAML::Node m_;
};

Status ApplyRoot(const YAML::Node& root, const std::string& name, WebConfig* cfg) {
  if (!root || root.IsNull()) return Status::Ok();
  if (!root.IsMap()) return Status::Invalid(name + ": expected a mapping at the top");
  YAML::Node web = root["web"];
  if (!web || web.IsNull()) return Status::Ok();
  if (!web.IsMap()) return Status::Invalid(name + ": web: expected a mapping");
  Reader r(name, web);
  KIRA_RETURN_IF_ERROR(r.Keys({"secure_cookies",
                               "trusted_proxies",
                               "max_upload_bytes",
                               "max_body_bytes",
                               "max_header_bytes",
                               "max_header_count",
                               "header_timeout_s",
                               "request_timeout_s",
                               "keep_alive_timeout_s",
                               "write_timeout_s",
                               "max_connections",
                               "max_connections_per_address",
                               "threads",
                               "max_queued_requests",
                               "max_event_streams",
                               "login_max_failures",
                               "login_max_failures_per_address",
                               "login_max_failures_per_user",
                               "login_failure_window_s",
                               "max_parallel_password_checks"}));
  HttpLimits& h = cfg->http;
  constexpr long long kGiB = 1ll << 30;
  KIRA_RETURN_IF_ERROR(r.Bool("secure_cookies", &cfg->secure_cookies));
  KIRA_RETURN_IF_ERROR(r.StrList("trusted_proxies", &cfg->trusted_proxies));
  if (auto p = ProxyList::Parse(cfg->trusted_proxies); !p.ok())
    return Status::Invalid(name + ": " + p.status().message());
  KIRA_RETURN_IF_ERROR(r.Num("max_upload_bytes", &cfg->max_upload_bytes, 1024, kGiB));
  KIRA_RETURN_IF_ERROR(r.Num("max_body_bytes", &h.max_body_bytes, 1024, kGiB));
  KIRA_RETURN_IF_ERROR(r.Num("max_header_bytes", &h.max_header_bytes, 1024, 1 << 20));
  KIRA_RETURN_IF_ERROR(r.Num("max_header_count", &h.max_header_count, 8, 10000));
  KIRA_RETURN_IF_ERROR(r.Seconds("header_timeout_s", &h.header_timeout, 1, 3600));
  KIRA_RETURN_IF_ERROR(r.Seconds("request_timeout_s", &h.request_timeout, 1, 86400));
  KIRA_RETURN_IF_ERROR(r.Seconds("keep_alive_timeout_s", &h.keep_alive_timeout, 1, 3600));
  KIRA_RETURN_IF_ERROR(r.Seconds("write_timeout_s", &h.write_timeout, 1, 3600));
  KIRA_RETURN_IF_ERROR(r.Num("max_connections", &h.max_connections, 1, 100000));
  KIRA_RETURN_IF_ERROR(
      r.Num("max_connections_per_address", &h.max_connections_per_address, 0, 100000));
  KIRA_RETURN_IF_ERROR(r.Num("threads", &h.threads, 4, 1024));
  KIRA_RETURN_IF_ERROR(r.Num("max_queued_requests", &h.max_queued_requests, 1, 100000));
  KIRA_RETURN_IF_ERROR(r.Num("max_event_streams", &cfg->max_event_streams, 0, 1024));
  KIRA_RETURN_IF_ERROR(r.Num("login_max_failures", &cfg->auth.max_failures, 1, 1000));
  KIRA_RETURN_IF_ERROR(
      r.Num("login_max_failures_per_address", &cfg->auth.max_failures_per_address, 1, 100000));
  KIRA_RETURN_IF_ERROR(
      r.Num("login_max_failures_per_user", &cfg->auth.max_failures_per_user, 1, 100000));
  KIRA_RETURN_IF_ERROR(r.Seconds("login_failure_window_s", &cfg->auth.failure_window, 1, 86400));
  KIRA_RETURN_IF_ERROR(
      r.Num("max_parallel_password_checks", &cfg->auth.max_parallel_hashes, 1, 64));
  if (cfg->max_event_streams >= h.threads)
    return Status::Invalid(name + ": web.max_event_streams (" +
                           std::to_string(cfg->max_event_streams) +
                           ") must be below web.threads (" + std::to_string(h.threads) +
                           "): each open event stream holds a worker");
  if (h.header_timeout > h.request_timeout)
    return Status::Invalid(name + ": web.header_timeout_s must not exceed web.request_timeout_s");
  return Status::Ok();
}

}  // namespace

Status ApplyWebSettings(const std::string& yaml_text, const std::string& name, WebConfig* cfg) {
  KIRA_ASSIGN_OR_RETURN(YAML::Node root, ParseYamlStrict(yaml_text, name));
  return ApplyRoot(root, name, cfg);
}

Status LoadWebSettings(const std::string& path, WebConfig* cfg) {
  KIRA_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlStrict(path));
  return ApplyRoot(root, path, cfg);
}

}  // namespace kira::web
