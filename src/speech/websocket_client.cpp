#include "speech/websocket_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "speech/ws_frame.h"

namespace kira::speech {

Result<WsUrl> ParseWsUrl(std::string_view url) {
  WsUrl u;
  std::string_view rest;
  if (url.substr(0, 5) == "ws://") {
    rest = url.substr(5);
  } else {
    return Status::Invalid("'" + std::string(url) +
                           "' is not a ws:// URL (e.g. ws://127.0.0.1:2700)");
  }
  size_t slash = rest.find('/');
  std::string_view hostport = rest.substr(0, slash);
  if (slash != std::string_view::npos) u.path = std::string(rest.substr(slash));
  size_t colon = hostport.rfind(':');
  if (colon != std::string_view::npos && hostport.find(']') == std::string_view::npos) {
    u.host = std::string(hostport.substr(0, colon));
    std::string port(hostport.substr(colon + 1));
    char* end = nullptr;
    long p = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end || p <= 0 || p > 65535)
      return Status::Invalid("'" + std::string(url) + "': bad port '" + port + "'");
    u.port = int(p);
  } else {
    u.host = std::string(hostport);
  }
  if (u.host.empty()) return Status::Invalid("'" + std::string(url) + "': no host");
  return u;
}

namespace {

// Non-blocking connect with a timeout; returns a blocking socket.
Result<int> ConnectTcp(const WsUrl& u, int timeout_ms, const std::string& url) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int gai = getaddrinfo(u.host.c_str(), std::to_string(u.port).c_str(), &hints, &res);
  if (gai != 0) return Status::Unavailable(url + ": cannot resolve host: " + gai_strerror(gai));
  std::string last = "no address";
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int flags = fcntl(fd, F_GETFL, 0);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc < 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      rc = ::poll(&p, 1, timeout_ms);
      if (rc == 0) {
        last = "connection timed out after " + std::to_string(timeout_ms) + " ms";
        ::close(fd);
        continue;
      }
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      rc = err ? -1 : 0;
      errno = err;
    }
    if (rc < 0) {
      last = std::strerror(errno);
      ::close(fd);
      continue;
    }
    fcntl(fd, F_SETFL, flags);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    freeaddrinfo(res);
    return fd;
  }
  freeaddrinfo(res);
  return Status::Unavailable(url + ": cannot connect: " + last);
}

}  // namespace

Result<std::unique_ptr<WebSocketClient>> WebSocketClient::Connect(std::string_view url_sv,
                                                                  int timeout_ms) {
  std::string url(url_sv);
  KIRA_ASSIGN_OR_RETURN(WsUrl u, ParseWsUrl(url));
  KIRA_ASSIGN_OR_RETURN(int fd, ConnectTcp(u, timeout_ms, url));
  std::unique_ptr<WebSocketClient> c(new WebSocketClient(fd, url));

  std::random_device rd;
  uint8_t nonce[16];
  for (auto& b : nonce) b = uint8_t(rd());
  std::string key = ws::Base64(nonce);
  std::string req = "GET " + u.path + " HTTP/1.1\r\nHost: " + u.host + ":" +
                    std::to_string(u.port) +
                    "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
                    "\r\nSec-WebSocket-Version: 13\r\n\r\n";
  Status s = ws::WriteAll(fd, req);
  if (!s.ok()) return Status::Unavailable(url + ": " + s.message());
  auto headers = ws::ReadHttpHeaders(fd, timeout_ms, &c->pending_);
  if (!headers.ok()) return Status::Unavailable(url + ": " + headers.status().message());
  const std::string& h = *headers;
  std::string status_line = h.substr(0, h.find("\r\n"));
  if (status_line.find(" 101") == std::string::npos)
    return Status::Unavailable(url + ": not a WebSocket server (answered '" + status_line + "')");
  if (ws::HeaderValue(h, "Sec-WebSocket-Accept") != ws::AcceptKey(key))
    return Status::Unavailable(url + ": bad Sec-WebSocket-Accept in the handshake");
  return c;
}

WebSocketClient::WebSocketClient(int fd, std::string url) : fd_(fd), url_(std::move(url)) {}

WebSocketClient::~WebSocketClient() {
  if (fd_ >= 0) ::close(fd_);
}

Status WebSocketClient::SendFrame(uint8_t opcode, std::span<const uint8_t> data) {
  if (close_sent_) return Status::Unavailable(url_ + ": connection is closing");
  Status s = ws::WriteAll(fd_, ws::EncodeFrame(opcode, data, /*mask=*/true));
  if (!s.ok()) return Status::Unavailable(url_ + ": " + s.message());
  return s;
}

Status WebSocketClient::SendText(std::string_view text) {
  return SendFrame(ws::kText, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

Status WebSocketClient::SendBinary(std::span<const uint8_t> data) {
  return SendFrame(ws::kBinary, data);
}

Status WebSocketClient::Close(int code) {
  if (close_sent_) return Status::Ok();
  uint8_t body[2] = {uint8_t(code >> 8), uint8_t(code & 0xFF)};
  Status s = SendFrame(ws::kClose, body);
  close_sent_ = true;
  return s;
}

bool WebSocketClient::Readable() { return ws::FrameReader(fd_, &pending_).HasData(); }

Result<WsMessage> WebSocketClient::Receive(int timeout_ms) {
  ws::FrameReader reader(fd_, &pending_);
  WsMessage msg;
  bool in_message = false;
  for (;;) {
    auto f = reader.Read(timeout_ms);
    if (!f.ok()) return Status::Unavailable(url_ + ": " + f.status().message());
    if (f->masked) return Status::Unavailable(url_ + ": protocol error: masked frame from server");
    switch (f->opcode) {
      case ws::kPing: {
        std::string_view p = f->payload;
        // A pong that cannot be written shows as the next read's failure.
        if (!close_sent_)
          (void)ws::WriteAll(
              fd_, ws::EncodeFrame(ws::kPong,
                                   {reinterpret_cast<const uint8_t*>(p.data()), p.size()}, true));
        continue;
      }
      case ws::kPong:
        continue;
      case ws::kClose: {
        msg.kind = WsMessage::kClose;
        if (f->payload.size() >= 2) {
          msg.close_code = (uint8_t(f->payload[0]) << 8) | uint8_t(f->payload[1]);
          msg.data = f->payload.substr(2);
        }
        // Answering the server's close is a courtesy; the connection ends either way.
        if (!close_sent_) (void)Close(1000);
        return msg;
      }
      case ws::kText:
      case ws::kBinary:
        if (in_message)
          return Status::Unavailable(url_ +
                                     ": protocol error: new message inside a fragmented one");
        msg.kind = f->opcode == ws::kText ? WsMessage::kText : WsMessage::kBinary;
        msg.data = std::move(f->payload);
        if (f->fin) return msg;
        in_message = true;
        continue;
      case ws::kCont:
        if (!in_message)
          return Status::Unavailable(url_ + ": protocol error: stray continuation frame");
        msg.data += f->payload;
        if (f->fin) return msg;
        continue;
      default:
        return Status::Unavailable(url_ + ": protocol error: unknown opcode " +
                                   std::to_string(f->opcode));
    }
  }
}

}  // namespace kira::speech
