#include "web/web_settings.h"

#include <yaml-cpp/yaml.h>

#include "core/yaml_fields.h"
#include "core/yaml_strict.h"
#include "web/proxy_list.h"

namespace kira::web {
namespace {

Status ApplyRoot(const YAML::Node& root, const std::string& name, WebConfig* cfg) {
  if (!root || root.IsNull()) return Status::Ok();
  if (!root.IsMap()) return Status::Invalid(name + ": expected a mapping at the top");
  YAML::Node web = root["web"];
  if (!web || web.IsNull()) return Status::Ok();
  if (!web.IsMap()) return Status::Invalid(name + ": web: expected a mapping");
  const YamlFields r(name, web, "web");
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
  KIRA_RETURN_IF_ERROR(r.Int("max_upload_bytes", &cfg->max_upload_bytes, 1024, kGiB));
  KIRA_RETURN_IF_ERROR(r.Int("max_body_bytes", &h.max_body_bytes, 1024, kGiB));
  KIRA_RETURN_IF_ERROR(r.Int("max_header_bytes", &h.max_header_bytes, 1024, 1 << 20));
  KIRA_RETURN_IF_ERROR(r.Int("max_header_count", &h.max_header_count, 8, 10000));
  KIRA_RETURN_IF_ERROR(r.Seconds("header_timeout_s", &h.header_timeout, 1, 3600));
  KIRA_RETURN_IF_ERROR(r.Seconds("request_timeout_s", &h.request_timeout, 1, 86400));
  KIRA_RETURN_IF_ERROR(r.Seconds("keep_alive_timeout_s", &h.keep_alive_timeout, 1, 3600));
  KIRA_RETURN_IF_ERROR(r.Seconds("write_timeout_s", &h.write_timeout, 1, 3600));
  KIRA_RETURN_IF_ERROR(r.Int("max_connections", &h.max_connections, 1, 100000));
  KIRA_RETURN_IF_ERROR(
      r.Int("max_connections_per_address", &h.max_connections_per_address, 0, 100000));
  KIRA_RETURN_IF_ERROR(r.Int("threads", &h.threads, 4, 1024));
  KIRA_RETURN_IF_ERROR(r.Int("max_queued_requests", &h.max_queued_requests, 1, 100000));
  KIRA_RETURN_IF_ERROR(r.Int("max_event_streams", &cfg->max_event_streams, 0, 1024));
  KIRA_RETURN_IF_ERROR(r.Int("login_max_failures", &cfg->auth.max_failures, 1, 1000));
  KIRA_RETURN_IF_ERROR(
      r.Int("login_max_failures_per_address", &cfg->auth.max_failures_per_address, 1, 100000));
  KIRA_RETURN_IF_ERROR(
      r.Int("login_max_failures_per_user", &cfg->auth.max_failures_per_user, 1, 100000));
  KIRA_RETURN_IF_ERROR(r.Seconds("login_failure_window_s", &cfg->auth.failure_window, 1, 86400));
  KIRA_RETURN_IF_ERROR(
      r.Int("max_parallel_password_checks", &cfg->auth.max_parallel_hashes, 1, 64));
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
