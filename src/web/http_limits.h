// HttpLimits: what one client may cost the workspace's HTTP server (HttpFront): head and body
// sizes, deadlines, connections. Defaults are documented in docs/web_limits.md; `kira serve`
// reads them from the `web:` section of its config file (web/web_settings.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace kira::web {

// Limits of the HTTP front; the `web:` settings of the same names (docs/web_limits.md).
struct HttpLimits {
  size_t max_header_bytes = 16 * 1024;  // request line + headers (431 beyond)
  int max_header_count = 100;           // header lines (431 beyond)
  size_t max_body_bytes = 1u << 20;     // any body, unless BodyLimitFn raises it (413 beyond)
  // From the first byte (or the accept) to the end of the head, and to the end of the body;
  // a request still incomplete then gets 408 and the connection is closed.
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds request_timeout{60'000};
  std::chrono::milliseconds keep_alive_timeout{5'000};  // idle time between requests
  std::chrono::milliseconds write_timeout{10'000};      // a response write with no progress
  int max_connections = 512;                            // all open connections (503 beyond)
  int max_connections_per_address = 32;   // per client address (503 beyond); 0 = no limit
  int threads = 24;                       // workers running handlers (an event stream holds one)
  int max_queued_requests = 256;          // complete requests waiting for a worker (503 beyond)
  int max_requests_per_connection = 100;  // then the connection is closed (keep-alive)
};

// Counters of the HTTP front since it started (WebServer::http_stats()).
struct HttpStats {
  uint64_t accepted = 0;
  uint64_t refused_busy = 0;      // 503: max_connections or the worker queue was full
  uint64_t refused_address = 0;   // 503: max_connections_per_address
  uint64_t timed_out = 0;         // 408 or closed for a deadline
  uint64_t too_large = 0;         // 413
  uint64_t header_too_large = 0;  // 431
  uint64_t bad_request = 0;       // 400 / 501 / 505 from the front's own parser
  uint64_t served = 0;            // requests handed to a worker
  int open = 0;                   // connections open now
};

}  // namespace kira::web
