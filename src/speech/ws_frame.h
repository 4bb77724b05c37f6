// Internal: RFC 6455 pieces shared by WebSocketClient and the test server — the handshake
// accept key, frame encoding, and a blocking frame reader over a socket with a timeout.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace kira::speech::ws {

enum Opcode : uint8_t {
  kCont = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xA
};

std::string Base64(std::span<const uint8_t> data);
// Sec-WebSocket-Accept for a Sec-WebSocket-Key.
std::string AcceptKey(std::string_view key);
// One complete frame (FIN set). `mask` = client → server.
std::string EncodeFrame(uint8_t opcode, std::span<const uint8_t> payload, bool mask);

struct Frame {
  bool fin = true;
  uint8_t opcode = 0;
  bool masked = false;
  std::string payload;  // unmasked
};

// Parses the frame at the front of `buf` (no I/O; FrameReader and the fuzz target share it).
// kOk: *frame is set and *used is its length in bytes. kNeedMore: *used is how many bytes the
// frame needs in all (call again with at least that many). kInvalid: *error names what is wrong
// (reserved bits or opcodes, a control frame that is fragmented or over 125 bytes, a payload
// over `max_payload`, a 64-bit length with the top bit set).
enum class ParseResult { kOk, kNeedMore, kInvalid };
ParseResult ParseFrame(std::string_view buf, size_t max_payload, Frame* frame, size_t* used,
                       std::string* error);

// Reads from `fd`, first consuming `*pending` (bytes already read). Unavailable on timeout
// (timeout_ms < 0: forever), EOF or error; Invalid on a frame larger than max_payload.
class FrameReader {
 public:
  FrameReader(int fd, std::string* pending) : fd_(fd), pending_(pending) {}
  Result<Frame> Read(int timeout_ms, size_t max_payload = 16u << 20);
  // True if a whole frame is already buffered or the socket has data.
  bool HasData();

 private:
  Status Fill(size_t n, int timeout_ms);
  int fd_;
  std::string* pending_;
};

// Writes all bytes (MSG_NOSIGNAL: a closed peer is an error, not SIGPIPE).
Status WriteAll(int fd, std::string_view data);
// Reads an HTTP header block (up to "\r\n\r\n"); bytes after it stay in *rest.
Result<std::string> ReadHttpHeaders(int fd, int timeout_ms, std::string* rest);
// Case-insensitive header lookup in an HTTP header block ("" if absent).
std::string HeaderValue(const std::string& headers, std::string_view name);

}  // namespace kira::speech::ws
