// TcpGuard: admission control and idle timeouts for the SIP TCP listener (issue 10, F5).
//
// libre accepts every TCP connection on the SIP port, keeps a silent one for 15 minutes and
// offers no hook at accept. Each connection costs a descriptor from the table RTP needs too,
// so a few hundred idle connections (even from sources the ACL refuses) left calls failing
// with "Too many open files". The guard decides when a connection is accepted, before a byte
// is read, and closes a refused one at once:
//   - its source is refused by `allow` (the SIP ACL);
//   - its source already holds `max_per_source` connections, or `max_conns` are open in all;
//   - its descriptor number reaches into the `reserve` kept below `fd_limit` for RTP sockets,
//     recordings and the database (fd >= fd_limit - reserve).
// Sweep() (every half second on the SIP loop thread) shuts down connections that sent nothing
// for `first_data_s`, or nothing new for `idle_s`; libre sees the close and frees them.
//
// How it hooks in: tcp_guard.cpp defines accept(). libre's call resolves to it (the dynamic
// linker searches the executable before libc); only listening sockets attached to a guard are
// gated, every other accept() in the process goes to libc unchanged.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/status.h"

struct sockaddr;

namespace kira::telephony {

struct TcpGuardConfig {
  int max_conns = 256;
  int max_per_source = 16;
  int first_data_s = 10;                             // 0 = no limit
  int idle_s = 300;                                  // 0 = no limit
  int fd_limit = 1024;                               // descriptor numbers the event loop can watch
  int reserve = 264;                                 // kept free for media and files
  std::function<bool(const std::string& ip)> allow;  // nullptr = every source
};

struct TcpGuardStats {
  int64_t accepted = 0;
  int64_t refused_acl = 0, refused_per_source = 0, refused_total = 0, refused_fds = 0;
  int64_t closed_silent = 0, closed_idle = 0;
  int open = 0;
};

class TcpGuard {
 public:
  TcpGuard() = default;
  ~TcpGuard();  // Detach()
  TcpGuard(const TcpGuard&) = delete;
  TcpGuard& operator=(const TcpGuard&) = delete;

  // Gates accept() on `listen_fd` (a listening TCP socket; made non-blocking).
  Status Attach(int listen_fd, TcpGuardConfig config);
  // Stops gating (before the listening socket is closed). Idempotent.
  void Detach();
  // Closes connections past their first-data or idle timeout. On the thread that accepts.
  void Sweep();
  TcpGuardStats stats() const;

  // The listening TCP socket of this process bound to `port`, or -1.
  static int FindListener(uint16_t port);

  // Called by the accept() hook with the registry locked: true keeps the connection.
  bool Admit(int fd, const struct sockaddr* peer);
  // accept() failed with EMFILE/ENFILE: drop one pending connection so the loop does not spin.
  void ShedOne(int listen_fd);

 private:
  struct Conn {
    std::string ip;
    uint16_t port = 0;
    int64_t accepted_ms = 0;
  };
  bool StillOurs(int fd, const Conn& c) const;
  void PruneLocked(int64_t now_ms);
  void Forget(int fd);

  mutable std::mutex mu_;
  TcpGuardConfig cfg_;
  int listen_fd_ = -1;
  uint16_t listen_port_ = 0;
  int spare_fd_ = -1;
  std::unordered_map<int, Conn> conns_;
  std::map<std::string, int> per_source_;
  int64_t last_prune_ms_ = 0;
  TcpGuardStats stats_;
};

}  // namespace kira::telephony
