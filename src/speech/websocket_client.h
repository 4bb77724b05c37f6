// WebSocketClient: a small blocking RFC 6455 client over POSIX TCP sockets, enough for engine
// protocols such as the Vosk server's: ws:// URLs (no TLS), client frames masked, text, binary,
// close, ping/pong answered automatically, fragmented messages reassembled. Every call has a
// timeout; failures are Status values naming the URL.
//
//   auto ws = kira::speech::WebSocketClient::Connect("ws://127.0.0.1:2700", 2000);
//   if (!ws.ok()) return ws.status();            // Unavailable: "ws://127.0.0.1:2700: ..."
//   (*ws)->SendText(R"({"config": {"sample_rate": 8000}})");
//   (*ws)->SendBinary(bytes);
//   auto msg = (*ws)->Receive(5000);              // Result<WsMessage>; kClose when closed
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace kira::speech {

struct WsUrl {
  std::string host;
  int port = 80;
  std::string path = "/";
};
// Parses "ws://host[:port][/path]"; Invalid for anything else (wss:// is not supported).
Result<WsUrl> ParseWsUrl(std::string_view url);

struct WsMessage {
  enum Kind { kText, kBinary, kClose };
  Kind kind = kText;
  std::string data;  // payload (for kClose: the reason, if any)
  int close_code = 0;
};

class WebSocketClient {
 public:
  static Result<std::unique_ptr<WebSocketClient>> Connect(std::string_view url, int timeout_ms);
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  Status SendText(std::string_view text);
  Status SendBinary(std::span<const uint8_t> data);
  // Sends a close frame (once); the socket closes on destruction.
  Status Close(int code = 1000);
  // Next text/binary/close message; pings are answered and skipped. Unavailable on timeout
  // (timeout_ms < 0: wait forever), on a dropped connection or a protocol violation.
  Result<WsMessage> Receive(int timeout_ms);
  // True if a complete frame can be read without blocking (for draining partials).
  bool Readable();
  const std::string& url() const { return url_; }

 private:
  WebSocketClient(int fd, std::string url);
  Status SendFrame(uint8_t opcode, std::span<const uint8_t> data);
  int fd_;
  std::string url_;
  bool close_sent_ = false;
  std::string pending_;  // bytes read past the handshake
};

}  // namespace kira::speech
