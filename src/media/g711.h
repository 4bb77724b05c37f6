// G.711 (ITU-T) companding: the two narrowband telephone codecs every SIP peer speaks. PCMU
// (µ-law, RTP payload type 0) and PCMA (A-law, payload type 8) map one 16-bit linear sample
// to one byte; 20 ms at 8 kHz is 160 samples / 160 bytes.
//
//   std::vector<uint8_t> wire(pcm.size());
//   kira::media::G711Encode(kira::media::G711Law::kUlaw, pcm.data(), pcm.size(), wire.data());
#pragma once

#include <cstddef>
#include <cstdint>

namespace kira::media {

enum class G711Law { kUlaw, kAlaw };

// Static RTP payload types (RFC 3551).
constexpr int kPayloadPcmu = 0;
constexpr int kPayloadPcma = 8;

uint8_t LinearToUlaw(int16_t sample);
int16_t UlawToLinear(uint8_t code);
uint8_t LinearToAlaw(int16_t sample);
int16_t AlawToLinear(uint8_t code);

// Whole-buffer conversions (table driven; safe for any n, including 0).
void G711Encode(G711Law law, const int16_t* pcm, size_t n, uint8_t* out);
void G711Decode(G711Law law, const uint8_t* in, size_t n, int16_t* pcm);

// The byte a silent frame is made of (µ-law 0xFF, A-law 0xD5).
uint8_t G711Silence(G711Law law);

}  // namespace kira::media
