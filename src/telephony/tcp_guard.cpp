#include "telephony/tcp_guard.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include "core/log.h"

namespace kira::telephony {

namespace {

// Listening descriptor -> its guard. Held locked while a gated accept() runs, so Detach()
// waits for it.
std::mutex g_registry_mu;
std::unordered_map<int, TcpGuard*>& Registry() {
  static auto* r = new std::unordered_map<int, TcpGuard*>();
  return *r;
}
std::atomic<int> g_guards{0};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool PeerOf(const struct sockaddr* sa, std::string* ip, uint16_t* port) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
    *port = ntohs(in->sin_port);
  } else if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
      inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], buf, sizeof buf);
    else
      inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
    *port = ntohs(in6->sin6_port);
  } else {
    return false;
  }
  *ip = buf;
  return true;
}

uint16_t LocalPort(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return 0;
}

using AcceptFn = int (*)(int, struct sockaddr*, socklen_t*);
AcceptFn RealAccept() {
  static AcceptFn fn = reinterpret_cast<AcceptFn>(dlsym(RTLD_NEXT, "accept"));
  return fn;
}

}  // namespace

TcpGuard::~TcpGuard() { Detach(); }

Status TcpGuard::Attach(int listen_fd, TcpGuardConfig config) {
  if (listen_fd < 0) return Status::Invalid("tcp guard: no listening socket");
  const int flags = fcntl(listen_fd, F_GETFL);
  if (flags < 0 || fcntl(listen_fd, F_SETFL, flags | O_NONBLOCK) < 0)
    return Status::Internal("tcp guard: cannot make the listener non-blocking: " +
                            std::string(strerror(errno)));
  {
    std::lock_guard<std::mutex> lock(mu_);
    cfg_ = std::move(config);
    listen_fd_ = listen_fd;
    listen_port_ = LocalPort(listen_fd);
    if (spare_fd_ < 0) spare_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
  }
  std::lock_guard<std::mutex> lock(g_registry_mu);
  auto [it, inserted] = Registry().emplace(listen_fd, this);
  if (!inserted && it->second != this)
    return Status::Conflict("tcp guard: descriptor " + std::to_string(listen_fd) +
                            " is already guarded");
  if (inserted) ++g_guards;
  return Status::Ok();
}

void TcpGuard::Detach() {
  {
    std::lock_guard<std::mutex> lock(g_registry_mu);
    auto it = Registry().find(listen_fd_);
    if (it != Registry().end() && it->second == this) {
      Registry().erase(it);
      --g_guards;
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  listen_fd_ = -1;
  if (spare_fd_ >= 0) close(spare_fd_);
  spare_fd_ = -1;
  conns_.clear();
  per_source_.clear();
}

bool TcpGuard::Admit(int fd, const struct sockaddr* peer) {
  std::string ip;
  uint16_t port = 0;
  if (!PeerOf(peer, &ip, &port)) return false;
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t now = NowMs();
  if (cfg_.allow && !cfg_.allow(ip)) {
    ++stats_.refused_acl;
    log::Limited(log::Level::kWarn, "sip", "SIP TCP refused: not in sip.acl",
                 "SIP TCP connection from " + ip + " closed: not in sip.acl");
    return false;
  }
  if (fd >= cfg_.fd_limit - cfg_.reserve) {
    ++stats_.refused_fds;
    log::Limited(log::Level::kWarn, "sip", "SIP TCP refused: descriptor reserve",
                 "SIP TCP connection from " + ip + " closed: " + std::to_string(cfg_.reserve) +
                     " descriptors are kept for calls");
    return false;
  }
  // Counts may include connections libre closed since the last sweep: recount before refusing
  // (at most every 100 ms, so a flood of refused connects stays cheap).
  auto over = [&] {
    auto it = per_source_.find(ip);
    const bool source_full = it != per_source_.end() && it->second >= cfg_.max_per_source;
    return source_full || static_cast<int>(conns_.size()) >= cfg_.max_conns;
  };
  if (over() && now - last_prune_ms_ >= 100) PruneLocked(now);
  auto it = per_source_.find(ip);
  if (it != per_source_.end() && it->second >= cfg_.max_per_source) {
    ++stats_.refused_per_source;
    log::Limited(log::Level::kWarn, "sip", "SIP TCP refused: per source",
                 "SIP TCP connection from " + ip + " closed: it has " +
                     std::to_string(cfg_.max_per_source) + " open (sip tcp_max_per_source)");
    return false;
  }
  if (static_cast<int>(conns_.size()) >= cfg_.max_conns) {
    ++stats_.refused_total;
    log::Limited(log::Level::kWarn, "sip", "SIP TCP refused: total",
                 "SIP TCP connection from " + ip + " closed: " + std::to_string(cfg_.max_conns) +
                     " open (sip tcp_max_connections)");
    return false;
  }
  Forget(fd);  // a closed connection's number, reused
  conns_[fd] = Conn{ip, port, now};
  ++per_source_[ip];
  ++stats_.accepted;
  return true;
}

void TcpGuard::ShedOne(int listen_fd) {
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.refused_fds;
  if (spare_fd_ < 0) return;
  close(spare_fd_);
  const int c = RealAccept()(listen_fd, nullptr, nullptr);
  if (c >= 0) close(c);
  spare_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

void TcpGuard::Forget(int fd) {
  auto it = conns_.find(fd);
  if (it == conns_.end()) return;
  auto s = per_source_.find(it->second.ip);
  if (s != per_source_.end() && --s->second <= 0) per_source_.erase(s);
  conns_.erase(it);
}

bool TcpGuard::StillOurs(int fd, const Conn& c) const {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return false;
  std::string ip;
  uint16_t port = 0;
  if (!PeerOf(reinterpret_cast<sockaddr*>(&ss), &ip, &port)) return false;
  return ip == c.ip && port == c.port && LocalPort(fd) == listen_port_;
}

void TcpGuard::PruneLocked(int64_t now_ms) {
  last_prune_ms_ = now_ms;
  std::vector<int> gone;
  for (const auto& [fd, c] : conns_)
    if (!StillOurs(fd, c)) gone.push_back(fd);
  for (int fd : gone) Forget(fd);
}

void TcpGuard::Sweep() {
  std::lock_guard<std::mutex> lock(mu_);
  if (listen_fd_ < 0) return;
  const int64_t now = NowMs();
  PruneLocked(now);
  std::vector<int> close_silent, close_idle;
  for (const auto& [fd, c] : conns_) {
    struct tcp_info ti {};
    socklen_t len = sizeof ti;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0) continue;
    const int64_t age_ms = now - c.accepted_ms;
    if (cfg_.first_data_s > 0 && ti.tcpi_bytes_received == 0 &&
        age_ms >= int64_t{cfg_.first_data_s} * 1000) {
      close_silent.push_back(fd);
    } else if (cfg_.idle_s > 0 && ti.tcpi_last_data_recv >= uint32_t(cfg_.idle_s) * 1000u &&
               age_ms >= int64_t{cfg_.idle_s} * 1000) {
      close_idle.push_back(fd);
    }
  }
  // shutdown(), not close(): the descriptor stays libre's; it reads EOF and frees it.
  for (int fd : close_silent) {
    shutdown(fd, SHUT_RDWR);
    Forget(fd);
    ++stats_.closed_silent;
  }
  for (int fd : close_idle) {
    shutdown(fd, SHUT_RDWR);
    Forget(fd);
    ++stats_.closed_idle;
  }
}

TcpGuardStats TcpGuard::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  TcpGuardStats s = stats_;
  s.open = static_cast<int>(conns_.size());
  return s;
}

int TcpGuard::FindListener(uint16_t port) {
  DIR* d = opendir("/proc/self/fd");
  if (!d) return -1;
  int found = -1;
  const int self = dirfd(d);
  while (struct dirent* e = readdir(d)) {
    char* end = nullptr;
    const long fd = strtol(e->d_name, &end, 10);
    if (*end != '\0' || fd == self) continue;
    int v = 0;
    socklen_t len = sizeof v;
    if (getsockopt(static_cast<int>(fd), SOL_SOCKET, SO_ACCEPTCONN, &v, &len) != 0 || !v) continue;
    len = sizeof v;
    if (getsockopt(static_cast<int>(fd), SOL_SOCKET, SO_TYPE, &v, &len) != 0 || v != SOCK_STREAM)
      continue;
    if (LocalPort(static_cast<int>(fd)) == port) {
      found = static_cast<int>(fd);
      break;
    }
  }
  closedir(d);
  return found;
}

}  // namespace kira::telephony

// The accept() every caller in this process reaches (see tcp_guard.h). Gated listeners get
// only admitted connections; refused ones are closed before anything is read from them.
extern "C" int accept(int fd, struct sockaddr* __restrict addr, socklen_t* __restrict len) {
  if (kira::telephony::g_guards.load(std::memory_order_acquire) == 0)
    return kira::telephony::RealAccept()(fd, addr, len);
  std::unique_lock<std::mutex> lock(kira::telephony::g_registry_mu);
  auto it = kira::telephony::Registry().find(fd);
  if (it == kira::telephony::Registry().end()) {
    lock.unlock();
    return kira::telephony::RealAccept()(fd, addr, len);
  }
  kira::telephony::TcpGuard* guard = it->second;
  // Bounded: the listener is non-blocking and the loop comes back while more are pending.
  for (int i = 0; i < 64; ++i) {
    sockaddr_storage peer{};
    socklen_t peer_len = sizeof peer;
    const int c = kira::telephony::RealAccept()(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len);
    if (c < 0) {
      if (errno == EMFILE || errno == ENFILE) {
        const int saved = errno;
        guard->ShedOne(fd);
        errno = saved;
      }
      return -1;
    }
    if (guard->Admit(c, reinterpret_cast<sockaddr*>(&peer))) {
      if (addr && len) {
        std::memcpy(addr, &peer, std::min<socklen_t>(*len, peer_len));
        *len = peer_len;
      }
      return c;
    }
    close(c);
  }
  errno = EAGAIN;
  return -1;
}
