// HttpFront: the workspace's HTTP server core, hardened for the open internet. It keeps
// cpp-httplib for what it does well (routing, handlers, response writing, the Request and
// Response types the route files use) and replaces what it does badly (issue 10, F2–F4):
// cpp-httplib 0.11.4 ignores its payload limit for chunked bodies, has no header-count limit,
// and its read timeout is per read, so a client sending a byte every few seconds holds a worker
// thread forever.
//
// So HttpFront owns the sockets. One event-loop thread (epoll) accepts connections and reads
// every request head and body without blocking, under limits: a deadline for the head and one
// for the whole request, header count and size limits, body limits that hold for chunked bodies
// (decoded as they arrive and cut off at the limit), a cap on all connections and one per client
// address (answered with 503). Only a complete, checked request reaches a worker thread, as a
// normalised message (chunked → Content-Length) handed to httplib's request processing through
// an in-memory stream whose writes go to the socket. Slow clients therefore cost a buffer, never
// a worker.
//
//   web::HttpFront front(limits);
//   front.Get("/api/health", handler);           // httplib's routing API
//   KIRA_RETURN_IF_ERROR(front.Bind("127.0.0.1", 0));
//   KIRA_RETURN_IF_ERROR(front.StartServing());  // serving when it returns
//   ... front.StopServing();
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "web/http_limits.h"

namespace kira::web {

class HttpFront : public httplib::Server {
 public:
  struct BodyLimit {
    size_t bytes = 0;
    std::string setting;  // named in the 413 message, e.g. "web.max_upload_bytes"
  };
  // The body limit of one request, from its method and path (query stripped).
  using BodyLimitFn = std::function<BodyLimit(const std::string& method, const std::string& path)>;

  using Stats = HttpStats;

  explicit HttpFront(HttpLimits limits);
  ~HttpFront() override;

  void set_body_limit(BodyLimitFn fn) { body_limit_ = std::move(fn); }
  // Called on each request before routing (after remote_addr is set), e.g. to take the client
  // address from X-Forwarded-For when the peer is a trusted proxy.
  void set_request_setup(std::function<void(httplib::Request&)> fn) { setup_ = std::move(fn); }
  // Peers for which max_connections_per_address does not apply (trusted reverse proxies).
  void set_address_limit_exempt(std::function<bool(const std::string& ip)> fn) {
    exempt_ = std::move(fn);
  }

  // Binds and listens; port 0 = a free port (see bound_port()).
  Status Bind(const std::string& host, int port);
  int bound_port() const { return port_; }
  Status StartServing();
  // Stops accepting, closes idle connections, waits for running handlers (event streams must
  // be ended by their owner first) and joins the threads.
  void StopServing();

  Stats stats() const;
  const HttpLimits& limits() const { return limits_; }

  struct Impl;

 private:
  friend struct Impl;
  // Runs one buffered request through httplib (routing, handlers, response) on `fd`.
  bool ProcessBuffered(int fd, const std::string& peer_ip, int peer_port, std::string head,
                       std::string body, bool close_connection, bool* connection_closed);

  HttpLimits limits_;
  BodyLimitFn body_limit_;
  std::function<void(httplib::Request&)> setup_;
  std::function<bool(const std::string&)> exempt_;
  int port_ = 0;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kira::web
