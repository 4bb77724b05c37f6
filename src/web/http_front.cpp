#include "web/http_front.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/log.h"
#include "web/json_model.h"

namespace kira::web {
namespace {

using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

// After an error answer the connection is drained (input discarded) this long before it is
// closed, so the client reads the answer instead of a reset while it is still sending.
constexpr milliseconds kLinger{2000};
constexpr size_t kMaxLingering = 256;  // beyond this, refused connections close at once
constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kMaxChunkLine = 1024;  // "1a2b;ext=..." line of a chunked body

bool IEquals(const std::string& a, const char* b) {
  size_t n = std::strlen(b);
  if (a.size() != n) return false;
  for (size_t i = 0; i < n; ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

bool IsTokenChar(unsigned char c) {
  return std::isalnum(c) || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

std::string HumanBytes(size_t n) {
  if (n >= (1u << 20) && n % (1u << 20) == 0) return std::to_string(n >> 20) + " MB";
  if (n >= 1024 && n % 1024 == 0) return std::to_string(n >> 10) + " KB";
  return std::to_string(n) + " bytes";
}

const char* Reason(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Error";
  }
}

std::string ErrorResponse(int status, const std::string& code, const std::string& message) {
  std::string body =
      Json{{"error", message}, {"code", code}}.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + Reason(status) + "\r\n";
  out += "Content-Type: application/json; charset=utf-8\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "Connection: close\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n";
  if (status == 503) out += "Retry-After: 5\r\n";
  return out + "\r\n" + body;
}

void PeerOf(int fd, std::string* ip, int* port, bool local) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  int rc = local ? getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len)
                 : getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  ip->clear();
  *port = 0;
  if (rc != 0) return;
  char buf[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET) {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
    *port = ntohs(a->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr))
      inet_ntop(AF_INET, &a->sin6_addr.s6_addr[12], buf, sizeof buf);
    else
      inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
    *port = ntohs(a->sin6_port);
  }
  *ip = buf;
}

// A request already read and checked by the event loop, served to httplib as a stream: reads
// come from memory (the normalised head, then the body), writes go to the socket with a
// no-progress timeout.
class BufferedStream : public httplib::Stream {
 public:
  BufferedStream(int fd, std::string head, std::string body, std::string ip, int port,
                 milliseconds write_timeout)
      : fd_(fd),
        head_(std::move(head)),
        body_(std::move(body)),
        ip_(std::move(ip)),
        port_(port),
        write_timeout_(write_timeout) {}

  bool is_readable() const override { return pos_ < head_.size() + body_.size(); }
  bool is_writable() const override { return WaitWritable(); }

  ssize_t read(char* ptr, size_t size) override {
    size_t n = 0;
    while (n < size && pos_ < head_.size() + body_.size()) {
      const std::string& src = pos_ < head_.size() ? head_ : body_;
      size_t off = pos_ < head_.size() ? pos_ : pos_ - head_.size();
      size_t take = std::min(size - n, src.size() - off);
      std::memcpy(ptr + n, src.data() + off, take);
      n += take;
      pos_ += take;
    }
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    size_t done = 0;
    while (done < size) {
      ssize_t w = ::send(fd_, ptr + done, size - done, MSG_NOSIGNAL);
      if (w > 0) {
        done += static_cast<size_t>(w);
        continue;
      }
      if (w < 0 && errno == EINTR) continue;
      if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && WaitWritable()) continue;
      return -1;
    }
    return static_cast<ssize_t>(done);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = ip_;
    port = port_;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    PeerOf(fd_, &ip, &port, true);
  }
  // httplib only compares this with FD_SETSIZE (its select() build); all I/O happens here,
  // through poll(), so a high descriptor number must not turn into a 500.
  socket_t socket() const override { return 0; }

 private:
  bool WaitWritable() const {
    pollfd p{fd_, POLLOUT, 0};
    int rc;
    do {
      rc = ::poll(&p, 1, static_cast<int>(write_timeout_.count()));
    } while (rc < 0 && errno == EINTR);
    return rc > 0 && (p.revents & POLLOUT) && !(p.revents & (POLLERR | POLLHUP | POLLNVAL));
  }

  int fd_;
  std::string head_, body_;
  size_t pos_ = 0;
  std::string ip_;
  int port_;
  milliseconds write_timeout_;
};

}  // namespace

struct Conn {
  int fd = -1;
  std::string ip;
  int port = 0;
  bool counted = false;  // holds a place in the connection counts
  // kIdle: before the first byte of a request (a new connection, or between keep-alive
  // requests); kHead / kBody: reading a request; kDrain: answered with an error, lingering.
  enum class St { kIdle, kHead, kBody, kDrain } st = St::kIdle;
  Steady::time_point deadline, request_deadline;
  std::string in;  // received, not yet consumed
  size_t scan = 0, lines = 0;
  // The request being read.
  std::string head;  // normalised: request line + kept headers, without the final CRLF
  std::string body;
  HttpFront::BodyLimit limit;
  bool chunked = false, has_length = false;
  size_t content_length = 0;
  enum class Ck { kSize, kData, kDataEnd, kTrailer } ck = Ck::kSize;
  size_t chunk_left = 0, trailer_bytes = 0;
  int requests = 0;
};

struct HttpFront::Impl {
  HttpFront* owner;
  const HttpLimits& lim;
  int listen_fd = -1, ep = -1, wake_fd = -1;
  std::thread loop;
  std::vector<std::thread> workers;
  std::atomic<bool> stop{false};

  // Event loop state (loop thread only).
  std::unordered_map<int, std::unique_ptr<Conn>> conns;
  size_t lingering = 0;
  Steady::time_point next_sweep;

  std::mutex count_mu;  // connection counts (the loop and workers close connections)
  int open = 0;
  std::map<std::string, int> per_address;

  std::mutex q_mu;
  std::condition_variable q_cv;
  std::deque<std::unique_ptr<Conn>> jobs;
  bool workers_stop = false;

  std::mutex ret_mu;  // connections a worker hands back for their next request
  std::vector<std::unique_ptr<Conn>> returned;

  std::atomic<uint64_t> accepted{0}, refused_busy{0}, refused_address{0}, timed_out{0},
      too_large{0}, header_too_large{0}, bad_request{0}, served{0};

  Impl(HttpFront* o, const HttpLimits& l) : owner(o), lim(l) {}

  void Wake() {
    uint64_t one = 1;
    ssize_t r = ::write(wake_fd, &one, sizeof one);
    (void)r;
  }

  void Uncount(Conn& c) {
    if (!c.counted) return;
    c.counted = false;
    std::lock_guard<std::mutex> lock(count_mu);
    --open;
    auto it = per_address.find(c.ip);
    if (it != per_address.end() && --it->second <= 0) per_address.erase(it);
  }

  // Closes a connection the loop does not hold (a worker's, or one never registered).
  void CloseDetached(std::unique_ptr<Conn> c) {
    Uncount(*c);
    ::close(c->fd);
  }

  void Close(int fd) {
    auto it = conns.find(fd);
    if (it == conns.end()) return;
    if (it->second->st == Conn::St::kDrain) --lingering;
    epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
    Uncount(*it->second);
    ::close(fd);
    conns.erase(it);
  }

  void Register(std::unique_ptr<Conn> c) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.fd = c->fd;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) return CloseDetached(std::move(c));
    int fd = c->fd;
    conns[fd] = std::move(c);
  }

  // Answers with an error, stops reading requests and lingers (see kLinger).
  void Refuse(Conn& c, int status, const std::string& code, const std::string& msg) {
    std::string r = ErrorResponse(status, code, msg);
    ssize_t w = ::send(c.fd, r.data(), r.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)w;
    ::shutdown(c.fd, SHUT_WR);
    Uncount(c);
    c.in.clear();
    c.in.shrink_to_fit();
    c.body.clear();
    c.body.shrink_to_fit();
    if (lingering >= kMaxLingering) return Close(c.fd);
    c.st = Conn::St::kDrain;
    c.deadline = Steady::now() + kLinger;
    ++lingering;
  }

  void Accept() {
    for (;;) {
      int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
          log::Warn("web", std::string("accept failed: ") + std::strerror(errno));
        return;
      }
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      auto c = std::make_unique<Conn>();
      c->fd = fd;
      PeerOf(fd, &c->ip, &c->port, false);
      auto now = Steady::now();
      c->request_deadline = now + lim.request_timeout;
      c->deadline = std::min(now + lim.header_timeout, c->request_deadline);
      ++accepted;
      bool exempt = owner->exempt_ && owner->exempt_(c->ip);
      int why = 0;  // 1 = busy, 2 = too many from this address
      {
        std::lock_guard<std::mutex> lock(count_mu);
        int& mine = per_address[c->ip];
        if (open >= lim.max_connections)
          why = 1;
        else if (!exempt && lim.max_connections_per_address > 0 &&
                 mine >= lim.max_connections_per_address)
          why = 2;
        else {
          ++open;
          ++mine;
          c->counted = true;
        }
        if (mine == 0) per_address.erase(c->ip);
      }
      Conn* raw = c.get();
      Register(std::move(c));
      if (!conns.count(fd)) continue;
      if (why == 1) {
        ++refused_busy;
        Refuse(*raw, 503, "busy",
               "the server has too many open connections (web.max_connections = " +
                   std::to_string(lim.max_connections) + "); try again shortly");
      } else if (why == 2) {
        ++refused_address;
        Refuse(*raw, 503, "busy",
               "too many open connections from your address "
               "(web.max_connections_per_address = " +
                   std::to_string(lim.max_connections_per_address) + ")");
      }
    }
  }

  void OnReadable(int fd) {
    auto it = conns.find(fd);
    if (it == conns.end()) return;
    Conn& c = *it->second;
    char buf[kReadChunk];
    ssize_t r = ::recv(fd, buf, sizeof buf, 0);
    if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
      return Close(fd);
    if (r < 0) return;
    if (c.st == Conn::St::kDrain) return;
    c.in.append(buf, static_cast<size_t>(r));
    Advance(c);
  }

  void TooLarge(Conn& c) {
    ++too_large;
    Refuse(c, 413, "too_large",
           "the request body is larger than the limit of " + HumanBytes(c.limit.bytes) + " (" +
               c.limit.setting + "); nothing was changed");
  }

  void HeadTooLarge(Conn& c, const std::string& what) {
    ++header_too_large;
    Refuse(c, 431, "headers_too_large", what);
  }

  void Bad(Conn& c, int status, const std::string& msg) {
    ++bad_request;
    Refuse(c, status, "bad_request", msg);
  }

  // Moves the request on as far as the received bytes allow; may refuse, close or dispatch.
  void Advance(Conn& c) {
    if (c.st == Conn::St::kIdle) {
      // Blank lines before a request line are allowed (RFC 9112 §2.2).
      size_t skip = c.in.find_first_not_of("\r\n");
      if (skip == std::string::npos) {
        if (c.in.size() > 16) return Bad(c, 400, "expected a request line");
        return;
      }
      c.in.erase(0, skip);
      c.st = Conn::St::kHead;
      c.scan = c.lines = 0;
      if (c.requests > 0) {  // a new connection's deadlines run from its accept
        auto now = Steady::now();
        c.request_deadline = now + lim.request_timeout;
        c.deadline = std::min(now + lim.header_timeout, c.request_deadline);
      }
    }
    if (c.st == Conn::St::kHead) {
      size_t end = std::string::npos;
      for (size_t i = c.scan; i < c.in.size(); ++i) {
        if (c.in[i] != '\n') continue;
        ++c.lines;
        if (i >= 3 && c.in.compare(i - 3, 4, "\r\n\r\n") == 0) {
          end = i + 1;
          break;
        }
        if (c.lines > static_cast<size_t>(lim.max_header_count) + 1)
          return HeadTooLarge(c, "more than " + std::to_string(lim.max_header_count) +
                                     " header lines (web.max_header_count)");
      }
      size_t seen = end == std::string::npos ? c.in.size() : end;
      if (seen > lim.max_header_bytes)
        return HeadTooLarge(c, "the request head is larger than " +
                                   HumanBytes(lim.max_header_bytes) + " (web.max_header_bytes)");
      if (end == std::string::npos) {
        c.scan = c.in.size();
        return;
      }
      std::string head = c.in.substr(0, end);
      c.in.erase(0, end);
      if (!ParseHead(c, head)) return;
      if (c.st != Conn::St::kBody) return;
    }
    if (c.st == Conn::St::kBody) {
      if (c.chunked) {
        if (!Dechunk(c)) return;
      } else {
        size_t take = std::min(c.content_length - c.body.size(), c.in.size());
        c.body.append(c.in, 0, take);
        c.in.erase(0, take);
        if (c.body.size() < c.content_length) return;
      }
      Dispatch(c);
    }
  }

  // Parses and checks the head; on success the connection is in kBody (with the body limit
  // known) — a request without a body is then complete at once.
  bool ParseHead(Conn& c, const std::string& head) {
    std::vector<std::string> lines;
    for (size_t pos = 0; pos < head.size();) {
      size_t e = head.find("\r\n", pos);
      if (e == std::string::npos) e = head.size();
      lines.push_back(head.substr(pos, e - pos));
      pos = e + 2;
    }
    while (!lines.empty() && lines.back().empty()) lines.pop_back();
    if (lines.empty()) return Bad(c, 400, "empty request"), false;
    const std::string& rl = lines[0];
    size_t s1 = rl.find(' '), s2 = rl.rfind(' ');
    if (s1 == std::string::npos || s1 == s2 || s1 == 0)
      return Bad(c, 400, "malformed request line"), false;
    std::string method = rl.substr(0, s1), target = rl.substr(s1 + 1, s2 - s1 - 1),
                version = rl.substr(s2 + 1);
    for (unsigned char ch : method)
      if (!IsTokenChar(ch)) return Bad(c, 400, "malformed request method"), false;
    if (target.empty() || target.find(' ') != std::string::npos)
      return Bad(c, 400, "malformed request target"), false;
    if (version != "HTTP/1.1" && version != "HTTP/1.0")
      return Bad(c, 505, "only HTTP/1.0 and HTTP/1.1 are supported"), false;

    std::string kept = rl + "\r\n";
    bool has_length = false, chunked = false, expect_continue = false;
    size_t length = 0;
    for (size_t i = 1; i < lines.size(); ++i) {
      const std::string& l = lines[i];
      if (l.empty() || l[0] == ' ' || l[0] == '\t')
        return Bad(c, 400, "folded or empty header line"), false;
      size_t colon = l.find(':');
      if (colon == std::string::npos || colon == 0)
        return Bad(c, 400, "header line without a name"), false;
      std::string name = l.substr(0, colon), value = Trim(l.substr(colon + 1));
      for (unsigned char ch : name)
        if (!IsTokenChar(ch)) return Bad(c, 400, "malformed header name"), false;
      if (IEquals(name, "content-length")) {
        if (value.empty() || value.size() > 18 ||
            value.find_first_not_of("0123456789") != std::string::npos)
          return Bad(c, 400, "malformed Content-Length"), false;
        size_t v = std::stoull(value);
        if (has_length && v != length) return Bad(c, 400, "conflicting Content-Length"), false;
        has_length = true;
        length = v;
        continue;
      }
      if (IEquals(name, "transfer-encoding")) {
        if (!IEquals(value, "chunked"))
          return Bad(c, 501, "unsupported Transfer-Encoding '" + value + "'"), false;
        chunked = true;
        continue;
      }
      if (IEquals(name, "expect")) {
        expect_continue = IEquals(value, "100-continue");
        continue;
      }
      kept += l + "\r\n";
    }
    if (chunked && has_length)
      return Bad(c, 400, "both Content-Length and Transfer-Encoding"), false;

    std::string path = target.substr(0, target.find('?'));
    c.limit = owner->body_limit_ ? owner->body_limit_(method, path) : HttpFront::BodyLimit{};
    if (c.limit.bytes == 0) c.limit = {lim.max_body_bytes, "web.max_body_bytes"};
    c.head = std::move(kept);
    c.body.clear();
    c.chunked = chunked;
    c.has_length = has_length;
    c.content_length = length;
    c.ck = Conn::Ck::kSize;
    c.chunk_left = c.trailer_bytes = 0;
    if (has_length && length > c.limit.bytes) return TooLarge(c), false;
    c.st = Conn::St::kBody;
    c.deadline = c.request_deadline;
    if (expect_continue && (chunked || length > 0)) {
      static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      ssize_t w = ::send(c.fd, kContinue, sizeof kContinue - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      (void)w;
    }
    return true;
  }

  // Decodes what has arrived of a chunked body; true when the body is complete.
  bool Dechunk(Conn& c) {
    size_t pos = 0;
    bool done = false, failed = false;
    while (!done && !failed && pos < c.in.size()) {
      switch (c.ck) {
        case Conn::Ck::kSize: {
          size_t e = c.in.find("\r\n", pos);
          if (e == std::string::npos) {
            if (c.in.size() - pos > kMaxChunkLine) {
              Bad(c, 400, "chunk size line too long");
              return false;
            }
            goto out;
          }
          std::string hex = Trim(c.in.substr(pos, std::min(e, c.in.find(';', pos)) - pos));
          if (hex.empty() || hex.size() > 15 ||
              hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
            Bad(c, 400, "malformed chunk size");
            return false;
          }
          size_t n = std::stoull(hex, nullptr, 16);
          pos = e + 2;
          if (n == 0) {
            c.ck = Conn::Ck::kTrailer;
          } else if (c.body.size() + n > c.limit.bytes) {
            // Cut off at the announcement, before the data arrives.
            TooLarge(c);
            return false;
          } else {
            c.chunk_left = n;
            c.ck = Conn::Ck::kData;
          }
          break;
        }
        case Conn::Ck::kData: {
          size_t take = std::min(c.chunk_left, c.in.size() - pos);
          c.body.append(c.in, pos, take);
          pos += take;
          c.chunk_left -= take;
          if (c.chunk_left == 0) c.ck = Conn::Ck::kDataEnd;
          break;
        }
        case Conn::Ck::kDataEnd:
          if (c.in.size() - pos < 2) goto out;
          if (c.in.compare(pos, 2, "\r\n") != 0) {
            Bad(c, 400, "chunk data not followed by CRLF");
            return false;
          }
          pos += 2;
          c.ck = Conn::Ck::kSize;
          break;
        case Conn::Ck::kTrailer: {
          size_t e = c.in.find("\r\n", pos);
          if (e == std::string::npos) {
            if (c.trailer_bytes + (c.in.size() - pos) > lim.max_header_bytes) {
              HeadTooLarge(c, "chunked trailers larger than " + HumanBytes(lim.max_header_bytes) +
                                  " (web.max_header_bytes)");
              return false;
            }
            goto out;
          }
          c.trailer_bytes += e - pos + 2;
          if (c.trailer_bytes > lim.max_header_bytes) {
            HeadTooLarge(c, "chunked trailers larger than " + HumanBytes(lim.max_header_bytes) +
                                " (web.max_header_bytes)");
            return false;
          }
          done = e == pos;  // an empty line ends the trailers (which are dropped)
          pos = e + 2;
          break;
        }
      }
    }
  out:
    c.in.erase(0, pos);
    return done;
  }

  // The request is complete: a worker runs it.
  void Dispatch(Conn& c) {
    if (c.has_length || c.chunked || !c.body.empty())
      c.head += "Content-Length: " + std::to_string(c.body.size()) + "\r\n";
    c.head += "\r\n";
    {
      std::lock_guard<std::mutex> lock(q_mu);
      if (static_cast<int>(jobs.size()) >= lim.max_queued_requests) {
        ++refused_busy;
        Refuse(c, 503, "busy", "the server is overloaded; try again shortly");
        return;
      }
    }
    int fd = c.fd;
    epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
    auto node = conns.extract(fd);
    ++served;
    {
      std::lock_guard<std::mutex> lock(q_mu);
      jobs.push_back(std::move(node.mapped()));
    }
    q_cv.notify_one();
  }

  void TakeReturned() {
    std::vector<std::unique_ptr<Conn>> back;
    {
      std::lock_guard<std::mutex> lock(ret_mu);
      back.swap(returned);
    }
    for (auto& c : back) {
      c->st = Conn::St::kIdle;
      c->deadline = Steady::now() + lim.keep_alive_timeout;
      Conn* raw = c.get();
      int fd = c->fd;
      Register(std::move(c));
      if (conns.count(fd) && !raw->in.empty()) Advance(*raw);  // a pipelined request
    }
  }

  void Sweep() {
    auto now = Steady::now();
    if (now < next_sweep) return;
    next_sweep = now + milliseconds(50);
    std::vector<int> due;
    for (auto& [fd, c] : conns)
      if (now >= c->deadline) due.push_back(fd);
    for (int fd : due) {
      auto it = conns.find(fd);
      if (it == conns.end()) continue;
      Conn& c = *it->second;
      if (c.st == Conn::St::kHead || c.st == Conn::St::kBody) {
        ++timed_out;
        bool head = c.st == Conn::St::kHead;
        Refuse(c, 408, "timeout",
               head ? "the request head did not arrive within the deadline (web.header_timeout_s)"
                    : "the request did not arrive within the deadline (web.request_timeout_s)");
      } else {
        Close(fd);  // idle keep-alive, or the end of lingering
      }
    }
  }

  void Loop() {
    epoll_event evs[64];
    while (!stop) {
      int n = epoll_wait(ep, evs, 64, 50);
      for (int i = 0; i < n; ++i) {
        int fd = evs[i].data.fd;
        if (fd == listen_fd)
          Accept();
        else if (fd == wake_fd) {
          uint64_t v;
          ssize_t r = ::read(wake_fd, &v, sizeof v);
          (void)r;
          TakeReturned();
        } else
          OnReadable(fd);
      }
      Sweep();
    }
    std::vector<int> all;
    for (auto& kv : conns) all.push_back(kv.first);
    for (int fd : all) Close(fd);
  }

  void Work() {
    for (;;) {
      std::unique_ptr<Conn> c;
      {
        std::unique_lock<std::mutex> lock(q_mu);
        q_cv.wait(lock, [&] { return workers_stop || !jobs.empty(); });
        if (jobs.empty()) return;
        c = std::move(jobs.front());
        jobs.pop_front();
      }
      ++c->requests;
      bool close_conn = stop || c->requests >= lim.max_requests_per_connection;
      bool closed = false;
      std::string head = std::move(c->head), body = std::move(c->body);
      c->head.clear();
      c->body.clear();
      bool ok = owner->ProcessBuffered(c->fd, c->ip, c->port, std::move(head), std::move(body),
                                       close_conn, &closed);
      if (!ok || closed || close_conn) {
        CloseDetached(std::move(c));
        continue;
      }
      {
        std::lock_guard<std::mutex> lock(ret_mu);
        if (!stop) {
          returned.push_back(std::move(c));
          c = nullptr;
        }
      }
      if (c)
        CloseDetached(std::move(c));
      else
        Wake();
    }
  }
};

HttpFront::HttpFront(HttpLimits limits) : limits_(limits) {
  // httplib's own limits must not cut a request the front already accepted.
  set_payload_max_length(std::numeric_limits<size_t>::max());
  set_keep_alive_timeout(std::max<time_t>(1, limits_.keep_alive_timeout.count() / 1000));
  set_keep_alive_max_count(static_cast<size_t>(limits_.max_requests_per_connection));
}

HttpFront::~HttpFront() { StopServing(); }

Status HttpFront::Bind(const std::string& host, int port) {
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  std::string service = std::to_string(port);
  if (int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &res);
      rc != 0)
    return Status::Invalid("cannot resolve '" + host + "': " + gai_strerror(rc));
  int fd = -1;
  std::string err;
  for (addrinfo* a = res; a; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 1024) == 0) break;
    err = std::strerror(errno);
    ::close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0)
    return Status::Io("cannot listen on " + host + ":" + std::to_string(port) + " (" + err + ")");
  std::string ip;
  PeerOf(fd, &ip, &port_, true);
  impl_ = std::make_unique<Impl>(this, limits_);
  impl_->listen_fd = fd;
  return Status::Ok();
}

Status HttpFront::StartServing() {
  if (!impl_) return Status::Internal("HttpFront::StartServing before Bind");
  Impl& m = *impl_;
  m.ep = epoll_create1(EPOLL_CLOEXEC);
  m.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (m.ep < 0 || m.wake_fd < 0) return Status::Io("cannot create the HTTP event loop");
  for (int fd : {m.listen_fd, m.wake_fd}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (epoll_ctl(m.ep, EPOLL_CTL_ADD, fd, &ev) != 0)
      return Status::Io("cannot watch the HTTP listening socket");
  }
  for (int i = 0; i < std::max(1, limits_.threads); ++i) m.workers.emplace_back([&m] { m.Work(); });
  m.loop = std::thread([&m] { m.Loop(); });
  // httplib's content providers stop when svr_sock_ is invalid ("shutting down").
  svr_sock_ = m.listen_fd;
  return Status::Ok();
}

void HttpFront::StopServing() {
  if (!impl_) return;
  Impl& m = *impl_;
  m.stop = true;
  svr_sock_ = INVALID_SOCKET;  // ends content providers still writing
  if (m.loop.joinable()) {
    m.Wake();
    m.loop.join();
  }
  {
    std::lock_guard<std::mutex> lock(m.q_mu);
    m.workers_stop = true;
  }
  m.q_cv.notify_all();
  for (auto& t : m.workers) t.join();
  m.workers.clear();
  for (auto& c : m.jobs) m.CloseDetached(std::move(c));
  m.jobs.clear();
  for (auto& c : m.returned) m.CloseDetached(std::move(c));
  m.returned.clear();
  for (int* fd : {&m.listen_fd, &m.ep, &m.wake_fd})
    if (*fd >= 0) {
      ::close(*fd);
      *fd = -1;
    }
}

HttpFront::Stats HttpFront::stats() const {
  Stats s;
  if (!impl_) return s;
  const Impl& m = *impl_;
  s.accepted = m.accepted;
  s.refused_busy = m.refused_busy;
  s.refused_address = m.refused_address;
  s.timed_out = m.timed_out;
  s.too_large = m.too_large;
  s.header_too_large = m.header_too_large;
  s.bad_request = m.bad_request;
  s.served = m.served;
  std::lock_guard<std::mutex> lock(const_cast<Impl&>(m).count_mu);
  s.open = m.open;
  return s;
}

bool HttpFront::ProcessBuffered(int fd, const std::string& peer_ip, int peer_port, std::string head,
                                std::string body, bool close_connection, bool* connection_closed) {
  BufferedStream strm(fd, std::move(head), std::move(body), peer_ip, peer_port,
                      limits_.write_timeout);
  bool closed = false;
  bool ok = process_request(strm, close_connection, closed, [this](httplib::Request& req) {
    if (setup_) setup_(req);
  });
  *connection_closed = closed;
  return ok;
}

}  // namespace kira::web
