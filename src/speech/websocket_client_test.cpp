#include "speech/websocket_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "speech/ws_frame.h"

namespace kira::speech {
namespace {

TEST(WsUrlTest, ParsesAndRejects) {
  auto u = ParseWsUrl("ws://127.0.0.1:2700");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 2700);
  EXPECT_EQ(u->path, "/");
  u = ParseWsUrl("ws://asr.local/ru/stream");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->path, "/ru/stream");
  EXPECT_FALSE(ParseWsUrl("wss://x:1").ok());
  EXPECT_FALSE(ParseWsUrl("ws://x:99999").ok());
  EXPECT_FALSE(ParseWsUrl("ws://:80").ok());
  EXPECT_FALSE(ParseWsUrl("127.0.0.1:2700").ok());
}

TEST(WsFrameTest, AcceptKeyFromRfc6455Example) {
  // RFC 6455 §1.3 worked example.
  EXPECT_EQ(ws::AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_EQ(ws::Base64(std::vector<uint8_t>{'f', 'o', 'o', 'b'}), "Zm9vYg==");
}

TEST(WsFrameTest, ParseFrameNeedsMoreThenParsesAndRejectsViolations) {
  const std::vector<uint8_t> payload(300, 'x');
  const std::string frame = ws::EncodeFrame(ws::kBinary, payload, /*mask=*/true);
  ws::Frame f;
  size_t used = 0;
  std::string err;
  // Every prefix asks for more, never for fewer bytes than it has.
  for (size_t n = 0; n < frame.size(); ++n) {
    ASSERT_EQ(ws::ParseFrame(std::string_view(frame).substr(0, n), 1 << 20, &f, &used, &err),
              ws::ParseResult::kNeedMore);
    ASSERT_GT(used, n);
    ASSERT_LE(used, frame.size());
  }
  ASSERT_EQ(ws::ParseFrame(frame + "tail", 1 << 20, &f, &used, &err), ws::ParseResult::kOk);
  EXPECT_EQ(used, frame.size());
  EXPECT_EQ(f.payload, std::string(300, 'x'));
  EXPECT_EQ(ws::ParseFrame(frame, 100, &f, &used, &err), ws::ParseResult::kInvalid);
  EXPECT_NE(err.find("too large"), std::string::npos);
  EXPECT_EQ(ws::ParseFrame(std::string("\x83\x00", 2), 100, &f, &used, &err),
            ws::ParseResult::kInvalid);  // opcode 3 is reserved
  EXPECT_NE(err.find("reserved opcode"), std::string::npos);
  EXPECT_EQ(ws::ParseFrame(std::string("\x09\x00", 2), 100, &f, &used, &err),
            ws::ParseResult::kInvalid);  // a fragmented ping
  EXPECT_EQ(ws::ParseFrame(std::string("\x89\x7e\x00\x80", 4), 1000, &f, &used, &err),
            ws::ParseResult::kInvalid);  // a 128-byte ping
  const std::string huge("\x82\x7f\x80\x00\x00\x00\x00\x00\x00\x00", 10);
  EXPECT_EQ(ws::ParseFrame(huge, SIZE_MAX, &f, &used, &err), ws::ParseResult::kInvalid);
}

// A TCP listener on 127.0.0.1:0 that runs `serve` on the first connection.
class RawServer {
 public:
  explicit RawServer(std::function<void(int)> serve) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 1);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, serve] {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c >= 0) {
        serve(c);
        ::close(c);
      }
    });
  }
  ~RawServer() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_;
  int port_ = 0;
  std::thread thread_;
};

int FreePortNobodyListensOn() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

TEST(WebSocketClientTest, RefusedConnectionNamesTheUrl) {
  std::string url = "ws://127.0.0.1:" + std::to_string(FreePortNobodyListensOn());
  auto c = WebSocketClient::Connect(url, 1000);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(c.status().message().find(url), std::string::npos);
  EXPECT_NE(c.status().message().find("refused"), std::string::npos);
}

TEST(WebSocketClientTest, PlainHttpServerIsNotAWebSocketServer) {
  RawServer http([](int fd) {
    std::string rest;
    EXPECT_TRUE(ws::ReadHttpHeaders(fd, 2000, &rest).ok());
    EXPECT_TRUE(ws::WriteAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").ok());
  });
  auto c = WebSocketClient::Connect(http.url(), 2000);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("not a WebSocket server"), std::string::npos);
}

TEST(WebSocketClientTest, SilentServerTimesOut) {
  RawServer silent([](int fd) { ::usleep(600 * 1000); });
  auto c = WebSocketClient::Connect(silent.url(), 200);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("timed out"), std::string::npos);
}

// A hand-written server: handshake, then a ping, a fragmented text message, a masked frame
// (forbidden from servers) — the client must answer the ping, reassemble, and reject the mask.
TEST(WebSocketClientTest, PingFragmentsAndProtocolViolations) {
  std::string pong_payload;
  RawServer srv([&](int fd) {
    std::string rest;
    auto h = ws::ReadHttpHeaders(fd, 2000, &rest);
    ASSERT_TRUE(h.ok());
    ASSERT_TRUE(
        ws::WriteAll(fd,
                     "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: "
                     "Upgrade\r\nSec-WebSocket-Accept: " +
                         ws::AcceptKey(ws::HeaderValue(*h, "Sec-WebSocket-Key")) + "\r\n\r\n")
            .ok());
    std::string ping = "hi";
    EXPECT_TRUE(
        ws::WriteAll(fd, ws::EncodeFrame(ws::kPing, {(const uint8_t*)ping.data(), 2}, false)).ok());
    std::string part1 = ws::EncodeFrame(ws::kText, {(const uint8_t*)"hel", 3}, false);
    part1[0] = char(uint8_t(part1[0]) & 0x7F);  // FIN off
    EXPECT_TRUE(ws::WriteAll(fd, part1).ok());
    EXPECT_TRUE(
        ws::WriteAll(fd, ws::EncodeFrame(ws::kCont, {(const uint8_t*)"lo", 2}, false)).ok());
    ws::FrameReader r(fd, &rest);
    auto pong = r.Read(2000);
    if (pong.ok() && pong->opcode == ws::kPong && pong->masked) pong_payload = pong->payload;
    // The violation itself: the client may already have closed, so its write may fail.
    (void)ws::WriteAll(fd, ws::EncodeFrame(ws::kText, {(const uint8_t*)"x", 1}, true));
    ::usleep(100 * 1000);
  });
  auto c = WebSocketClient::Connect(srv.url(), 2000);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto m = (*c)->Receive(2000);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->kind, WsMessage::kText);
  EXPECT_EQ(m->data, "hello");
  auto bad = (*c)->Receive(2000);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("masked"), std::string::npos);
  c->reset();
  EXPECT_EQ(pong_payload, "hi");
}

}  // namespace
}  // namespace kira::speech
