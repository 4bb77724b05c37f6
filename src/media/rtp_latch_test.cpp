#include "media/rtp_latch.h"

#include <gtest/gtest.h>

namespace kira::media {
namespace {

using V = RtpLatch::Verdict;

RtpLatch::Source Src(uint8_t last, uint16_t port) {
  RtpLatch::Source s;
  s.ip = {10, 0, 0, last};
  s.port = port;
  return s;
}

TEST(RtpLatch, FirstVerifiedSourceIsLatched) {
  RtpLatch l;
  const auto a = Src(1, 4000);
  EXPECT_EQ(l.Check(a, 7, 100, 0), V::kProbation);
  EXPECT_EQ(l.Check(a, 7, 102, 20), V::kProbation);  // not in sequence
  EXPECT_EQ(l.Check(a, 7, 103, 40), V::kAccept);
  EXPECT_TRUE(l.latched());
  EXPECT_TRUE(l.TakeNewlyLatched());
  EXPECT_FALSE(l.TakeNewlyLatched());
  EXPECT_EQ(l.source(), a);
  EXPECT_EQ(l.Check(a, 7, 110, 60), V::kAccept);  // loss or reordering is the jitter buffer's
}

TEST(RtpLatch, OtherAddressesAreForeignEvenWhenTheLatchedOneIsQuiet) {
  RtpLatch l;
  const auto a = Src(1, 4000), b = Src(2, 4000), a2 = Src(1, 4002);
  l.Check(a, 7, 1, 0);
  ASSERT_EQ(l.Check(a, 7, 2, 20), V::kAccept);
  for (uint16_t s = 0; s < 100; ++s) {
    EXPECT_EQ(l.Check(b, 7, s, 60'000 + s), V::kForeign);   // same SSRC, other host
    EXPECT_EQ(l.Check(a2, 9, s, 60'000 + s), V::kForeign);  // other port
  }
  EXPECT_EQ(l.source(), a);
}

TEST(RtpLatch, NewSsrcFromTheLatchedAddressAfterQuiet) {
  RtpLatch l(1000);
  const auto a = Src(1, 4000);
  l.Check(a, 7, 1, 0);
  ASSERT_EQ(l.Check(a, 7, 2, 20), V::kAccept);
  // While the old stream talks, a second SSRC is refused.
  EXPECT_EQ(l.Check(a, 8, 50, 40), V::kForeign);
  EXPECT_EQ(l.Check(a, 8, 51, 60), V::kForeign);
  EXPECT_EQ(l.Check(a, 7, 3, 80), V::kAccept);
  // After a second of quiet it may take over, once verified.
  EXPECT_EQ(l.Check(a, 8, 60, 1200), V::kProbation);
  EXPECT_EQ(l.Check(a, 8, 61, 1220), V::kAccept);
  EXPECT_EQ(l.ssrc(), 8u);
  EXPECT_EQ(l.Check(a, 7, 4, 1240), V::kForeign);
}

TEST(RtpLatch, ResetLetsTheMediaMove) {
  RtpLatch l;
  const auto a = Src(1, 4000), b = Src(2, 5000);
  l.Check(a, 7, 1, 0);
  ASSERT_EQ(l.Check(a, 7, 2, 20), V::kAccept);
  l.TakeNewlyLatched();
  l.Reset();
  EXPECT_FALSE(l.latched());
  EXPECT_EQ(l.Check(b, 9, 1, 40), V::kProbation);
  EXPECT_EQ(l.Check(b, 9, 2, 60), V::kAccept);
  EXPECT_TRUE(l.TakeNewlyLatched());
  EXPECT_EQ(l.source(), b);
}

TEST(RtpLatch, SequenceWrapsAround) {
  RtpLatch l;
  const auto a = Src(1, 4000);
  EXPECT_EQ(l.Check(a, 7, 65535, 0), V::kProbation);
  EXPECT_EQ(l.Check(a, 7, 0, 20), V::kAccept);
}

}  // namespace
}  // namespace kira::media
