// DTMF: in-band detection on decoded audio (spandsp), in-band generation (tests, and sending
// digits to an IVR), and RFC 4733 telephone-event payload helpers for out-of-band digits.
//
//   kira::media::DtmfDetector det;              // 8 kHz
//   det.Process(frame);                          // any frame size
//   std::string digits = det.TakeDigits();       // "12#" since the last call
//
//   kira::media::Pcm pcm = kira::media::GenerateDtmf("0123#");  // 8 kHz, 80 ms on / 80 ms off
//
//   // RFC 4733: parse the 4-byte payload; a receiver that reports each digit once
//   kira::media::TelephoneEventReceiver rx;
//   if (auto digit = rx.Push(rtp_timestamp, payload)) handle(*digit);
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "media/audio.h"

namespace kira::media {

class DtmfDetector {
 public:
  DtmfDetector();  // 8 kHz
  ~DtmfDetector();
  DtmfDetector(const DtmfDetector&) = delete;
  DtmfDetector& operator=(const DtmfDetector&) = delete;

  void Process(std::span<const int16_t> samples);
  // Digits detected since the last call, in order ("0-9*#A-D").
  std::string TakeDigits();
  void Reset();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// In-band DTMF for `digits` ("0-9*#A-D"; others are skipped) at 8 kHz.
Pcm GenerateDtmf(std::string_view digits, int on_ms = 80, int off_ms = 80, double level_dbfs = -10);

// RFC 4733 telephone-event payload (4 bytes).
struct TelephoneEvent {
  uint8_t event = 0;  // 0-9, 10 = '*', 11 = '#', 12-15 = A-D
  bool end = false;
  uint8_t volume = 10;    // -dBm0, 0..63
  uint16_t duration = 0;  // in timestamp units
};

std::optional<TelephoneEvent> ParseTelephoneEvent(std::span<const uint8_t> payload);
void SerializeTelephoneEvent(const TelephoneEvent& ev, uint8_t out[4]);
// '0'..'9','*','#','A'..'D' <-> event code; nullopt/'\0' if not a DTMF digit.
std::optional<uint8_t> DigitToEvent(char digit);
char EventToDigit(uint8_t event);

// The digit of a SIP INFO body of type application/dtmf-relay ("Signal=5\r\nDuration=160\r\n"):
// the Signal line's value (one of 0-9 * # A-D, case-insensitive), else nullopt. Bodies over
// 1024 bytes are refused unread.
std::optional<char> ParseDtmfRelay(std::string_view body);

// Reports each RFC 4733 digit once: events are repeated in several packets with the same RTP
// timestamp (and the end packet three times); a new timestamp starts a new digit.
class TelephoneEventReceiver {
 public:
  // Returns the digit when a new event starts; nullopt for repeats, non-DTMF events, garbage.
  std::optional<char> Push(uint32_t rtp_timestamp, std::span<const uint8_t> payload);

 private:
  bool have_last_ = false;
  uint32_t last_ts_ = 0;
};

}  // namespace kira::media
