#include "media/g711.h"

#include <array>

namespace kira::media {

uint8_t LinearToUlaw(int16_t sample) {
  constexpr int kBias = 0x84;
  constexpr int kClip = 32635;
  int s = sample;
  int sign = 0;
  if (s < 0) {
    sign = 0x80;
    s = -s;
  }
  if (s > kClip) s = kClip;
  s += kBias;
  int exponent = 7;
  for (int mask = 0x4000; (s & mask) == 0 && exponent > 0; mask >>= 1) --exponent;
  const int mantissa = (s >> (exponent + 3)) & 0x0F;
  return static_cast<uint8_t>(~(sign | (exponent << 4) | mantissa));
}

int16_t UlawToLinear(uint8_t code) {
  const int c = static_cast<uint8_t>(~code);
  const int exponent = (c >> 4) & 0x07;
  const int mantissa = c & 0x0F;
  const int magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return static_cast<int16_t>((c & 0x80) ? -magnitude : magnitude);
}

uint8_t LinearToAlaw(int16_t sample) {
  // Works on the 13-bit magnitude, segment boundaries doubling from 0x1F.
  int s = sample >> 3;
  int mask;
  if (s >= 0) {
    mask = 0xD5;
  } else {
    mask = 0x55;
    s = -s - 1;
  }
  int segment = 0;
  int end = 0x1F;
  while (segment < 8 && s > end) {
    ++segment;
    end = (end << 1) | 1;
  }
  if (segment >= 8) return static_cast<uint8_t>(0x7F ^ mask);
  int code = segment << 4;
  code |= (segment < 2) ? ((s >> 1) & 0x0F) : ((s >> segment) & 0x0F);
  return static_cast<uint8_t>(code ^ mask);
}

int16_t AlawToLinear(uint8_t code) {
  const int a = code ^ 0x55;
  int t = (a & 0x0F) << 4;
  const int segment = (a & 0x70) >> 4;
  if (segment == 0) {
    t += 8;
  } else {
    t += 0x108;
    if (segment > 1) t <<= segment - 1;
  }
  return static_cast<int16_t>((a & 0x80) ? t : -t);
}

namespace {

struct Tables {
  std::array<int16_t, 256> ulaw_to_linear;
  std::array<int16_t, 256> alaw_to_linear;
  std::array<uint8_t, 65536> linear_to_ulaw;
  std::array<uint8_t, 65536> linear_to_alaw;

  Tables() {
    for (int i = 0; i < 256; ++i) {
      ulaw_to_linear[i] = UlawToLinear(static_cast<uint8_t>(i));
      alaw_to_linear[i] = AlawToLinear(static_cast<uint8_t>(i));
    }
    for (int i = 0; i < 65536; ++i) {
      const auto s = static_cast<int16_t>(i - 32768);
      linear_to_ulaw[i] = LinearToUlaw(s);
      linear_to_alaw[i] = LinearToAlaw(s);
    }
  }
};

const Tables& GetTables() {
  static const Tables* t = new Tables();  // never destroyed: used from any thread until exit
  return *t;
}

}  // namespace

void G711Encode(G711Law law, const int16_t* pcm, size_t n, uint8_t* out) {
  const Tables& t = GetTables();
  const uint8_t* table = law == G711Law::kUlaw ? t.linear_to_ulaw.data() : t.linear_to_alaw.data();
  for (size_t i = 0; i < n; ++i) out[i] = table[static_cast<int>(pcm[i]) + 32768];
}

void G711Decode(G711Law law, const uint8_t* in, size_t n, int16_t* pcm) {
  const Tables& t = GetTables();
  const int16_t* table = law == G711Law::kUlaw ? t.ulaw_to_linear.data() : t.alaw_to_linear.data();
  for (size_t i = 0; i < n; ++i) pcm[i] = table[in[i]];
}

uint8_t G711Silence(G711Law law) { return law == G711Law::kUlaw ? 0xFF : 0xD5; }

}  // namespace kira::media
