#include "media/g711.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <vector>

namespace kira::media {
namespace {

TEST(G711, SilenceCodes) {
  EXPECT_EQ(LinearToUlaw(0), 0xFF);
  EXPECT_EQ(LinearToAlaw(0), 0xD5);
  EXPECT_EQ(G711Silence(G711Law::kUlaw), 0xFF);
  EXPECT_EQ(G711Silence(G711Law::kAlaw), 0xD5);
  EXPECT_EQ(UlawToLinear(0xFF), 0);
  EXPECT_EQ(std::abs(AlawToLinear(0xD5)), 8);
}

TEST(G711, KnownValues) {
  // Full-scale values sit in the top segment; the sign bit follows the sample's sign.
  EXPECT_EQ(LinearToUlaw(32767), 0x80);
  EXPECT_EQ(LinearToUlaw(-32768), 0x00);
  EXPECT_EQ(UlawToLinear(0x80), 32124);
  EXPECT_EQ(UlawToLinear(0x00), -32124);
  EXPECT_EQ(LinearToAlaw(32767), 0xAA);
  EXPECT_EQ(LinearToAlaw(-32768), 0x2A);
  EXPECT_EQ(AlawToLinear(0xAA), 32256);
  EXPECT_EQ(AlawToLinear(0x2A), -32256);
}

TEST(G711, EveryCodeRoundTrips) {
  for (int c = 0; c < 256; ++c) {
    const auto code = static_cast<uint8_t>(c);
    // µ-law has two zeros (0x7F and 0xFF); both decode to 0, which encodes as 0xFF.
    if (code != 0x7F) {
      EXPECT_EQ(LinearToUlaw(UlawToLinear(code)), code) << c;
    }
    EXPECT_EQ(LinearToAlaw(AlawToLinear(code)), code) << c;
  }
}

TEST(G711, DecodeIsMonotonicInMagnitude) {
  for (int seg = 0; seg < 8; ++seg) {
    for (int m = 1; m < 16; ++m) {
      const uint8_t prev = static_cast<uint8_t>(~(0x00 | (seg << 4) | (m - 1)));
      const uint8_t cur = static_cast<uint8_t>(~(0x00 | (seg << 4) | m));
      EXPECT_GT(UlawToLinear(cur), UlawToLinear(prev));
    }
  }
}

TEST(G711, QuantisationErrorIsSmallRelativeToSignal) {
  for (int law = 0; law < 2; ++law) {
    const G711Law l = law ? G711Law::kAlaw : G711Law::kUlaw;
    for (int s = -32000; s <= 32000; s += 37) {
      int16_t in = static_cast<int16_t>(s), out;
      uint8_t code;
      G711Encode(l, &in, 1, &code);
      G711Decode(l, &code, 1, &out);
      const double err = std::abs(double(out) - double(in));
      // Log companding: ~3% relative error on loud samples, a few units near zero.
      EXPECT_LE(err, std::max(40.0, std::abs(double(in)) * 0.035)) << s << " law " << law;
    }
  }
}

TEST(G711, BufferApiMatchesScalarApi) {
  std::vector<int16_t> pcm(480);
  for (size_t i = 0; i < pcm.size(); ++i)
    pcm[i] = static_cast<int16_t>(12000 * std::sin(2 * M_PI * 440 * double(i) / 8000));
  std::vector<uint8_t> u(pcm.size()), a(pcm.size());
  G711Encode(G711Law::kUlaw, pcm.data(), pcm.size(), u.data());
  G711Encode(G711Law::kAlaw, pcm.data(), pcm.size(), a.data());
  std::vector<int16_t> du(pcm.size()), da(pcm.size());
  G711Decode(G711Law::kUlaw, u.data(), u.size(), du.data());
  G711Decode(G711Law::kAlaw, a.data(), a.size(), da.data());
  for (size_t i = 0; i < pcm.size(); ++i) {
    EXPECT_EQ(u[i], LinearToUlaw(pcm[i]));
    EXPECT_EQ(a[i], LinearToAlaw(pcm[i]));
    EXPECT_EQ(du[i], UlawToLinear(u[i]));
    EXPECT_EQ(da[i], AlawToLinear(a[i]));
  }
  G711Encode(G711Law::kUlaw, pcm.data(), 0, u.data());  // n = 0 is a no-op
}

}  // namespace
}  // namespace kira::media
