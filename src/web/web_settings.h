// The `web:` section of Kira's config file → WebConfig, read strictly: an unknown key, a wrong
// type or a value out of range is an error naming the key ("web.max_connections: 0 is outside
// 1..100000"). Absent keys keep the defaults (documented in docs/web_limits.md).
//
//   web:
//     secure_cookies: true                  # the workspace is reached over https
//     trusted_proxies: [127.0.0.1, 10.0.0.0/8]  # X-Forwarded-For believed only from these
//     max_upload_bytes: 8388608             # catalog / stock uploads
//     max_body_bytes: 1048576               # every other request body
//     max_header_bytes: 16384
//     max_header_count: 100
//     header_timeout_s: 10                  # the whole head must arrive within this
//     request_timeout_s: 60                 # the whole request (head and body)
//     keep_alive_timeout_s: 5
//     write_timeout_s: 10
//     max_connections: 512
//     max_connections_per_address: 32       # 0 = no limit (trusted proxies are exempt)
//     threads: 24
//     max_queued_requests: 256
//     max_event_streams: 12
//     login_max_failures: 5                 # per user name + address, per window
//     login_max_failures_per_address: 50
//     login_max_failures_per_user: 50
//     login_failure_window_s: 900
//     max_parallel_password_checks: 2       # argon2id at once (64 MB each)
#pragma once

#include <string>

#include "core/status.h"
#include "web/web_server.h"

namespace kira::web {

// `yaml_text` is a whole config file; only its `web:` mapping is read and applied over `cfg`.
Status ApplyWebSettings(const std::string& yaml_text, const std::string& name_for_errors,
                        WebConfig* cfg);
Status LoadWebSettings(const std::string& path, WebConfig* cfg);

}  // namespace kira::web
