// Fuzzes the WebSocket frame parser of the Vosk client (speech::ws::ParseFrame): any bytes
// from a server parse into frames, ask for more, or are refused with a message; a frame never
// claims more bytes than it was given, "need more" always asks for more than it has, and
// re-encoding a parsed frame parses back to the same frame.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "speech/ws_frame.h"

namespace ws = kira::speech::ws;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view buf(reinterpret_cast<const char*>(data), size);
  const size_t max_payload = 1 << 16;
  int frames = 0;
  while (frames++ < 256) {
    ws::Frame f;
    size_t used = 0;
    std::string error;
    const ws::ParseResult r = ws::ParseFrame(buf, max_payload, &f, &used, &error);
    if (r == ws::ParseResult::kInvalid) {
      if (error.empty()) std::abort();
      return 0;
    }
    if (r == ws::ParseResult::kNeedMore) {
      if (used <= buf.size()) std::abort();
      return 0;
    }
    if (used == 0 || used > buf.size() || f.payload.size() > max_payload) std::abort();
    if (f.fin) {
      const std::string again =
          ws::EncodeFrame(f.opcode,
                          std::span<const uint8_t>(
                              reinterpret_cast<const uint8_t*>(f.payload.data()), f.payload.size()),
                          f.masked);
      ws::Frame g;
      size_t used2 = 0;
      if (ws::ParseFrame(again, max_payload, &g, &used2, &error) != ws::ParseResult::kOk ||
          used2 != again.size() || g.payload != f.payload || g.opcode != f.opcode)
        std::abort();
    }
    buf.remove_prefix(used);
  }
  return 0;
}
