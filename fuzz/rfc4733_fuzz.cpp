// Fuzzes RFC 4733 telephone-event handling (media/dtmf.h): ParseTelephoneEvent on any payload
// and TelephoneEventReceiver over a stream of (timestamp, payload) pairs. A parsed 4-byte event
// serializes back to the same bytes; the receiver reports only DTMF digits, each once per
// timestamp.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>

#include "media/dtmf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto ev = kira::media::ParseTelephoneEvent(std::span<const uint8_t>(data, size));
  if (ev && size >= 4) {
    uint8_t out[4];
    kira::media::SerializeTelephoneEvent(*ev, out);
    // Byte 1 carries E, R and the volume: the reserved bit is not kept.
    if (out[0] != data[0] || (out[1] & 0xBF) != (data[1] & 0xBF) || out[2] != data[2] ||
        out[3] != data[3])
      std::abort();
  }
  // Records: [ts 4 bytes][payload 4 bytes]
  kira::media::TelephoneEventReceiver rx;
  uint32_t last_ts = 0;
  bool have_last = false;
  for (size_t i = 0; i + 8 <= size; i += 8) {
    uint32_t ts;
    std::memcpy(&ts, data + i, 4);
    auto digit = rx.Push(ts, std::span<const uint8_t>(data + i + 4, 4));
    if (digit) {
      if (!kira::media::DigitToEvent(*digit)) std::abort();
      if (have_last && ts == last_ts) std::abort();  // one report per event
      have_last = true;
      last_ts = ts;
    }
  }
  return 0;
}
