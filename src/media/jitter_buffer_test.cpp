#include "media/jitter_buffer.h"

#include <gtest/gtest.h>

#include <string>

namespace kira::media {
namespace {

std::vector<uint8_t> P(uint16_t seq) { return {uint8_t(seq >> 8), uint8_t(seq)}; }

// Pops n frames: "f<seq>" for frames, "m" missing, "e" empty.
std::string PopN(JitterBuffer& jb, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    auto f = jb.Pop();
    if (f.kind == JitterFrame::kFrame) {
      EXPECT_EQ(f.payload, P(f.seq));
      out += "f" + std::to_string(f.seq) + " ";
    } else {
      out += f.kind == JitterFrame::kMissing ? "m " : "e ";
    }
  }
  return out;
}

TEST(JitterBufferTest, WaitsForDepthThenPlaysInOrder) {
  JitterBuffer jb({.depth_frames = 3});
  jb.Push(10, 1600, P(10));
  EXPECT_EQ(PopN(jb, 1), "e ");
  jb.Push(12, 1920, P(12));
  jb.Push(11, 1760, P(11));  // reordered
  EXPECT_EQ(PopN(jb, 4), "f10 f11 f12 m ");
  EXPECT_EQ(jb.stats().reordered, 1u);
}

TEST(JitterBufferTest, LossIsConcealedAndLateOrDuplicatePacketsDropped) {
  JitterBuffer jb({.depth_frames = 2});
  for (uint16_t s : {1, 2, 4, 5}) jb.Push(s, s * 160, P(s));
  jb.Push(2, 320, P(2));  // duplicate
  EXPECT_EQ(PopN(jb, 3), "f1 f2 m ");
  jb.Push(3, 480, P(3));  // too late: slot 3 already concealed
  EXPECT_EQ(PopN(jb, 2), "f4 f5 ");
  auto s = jb.stats();
  EXPECT_EQ(s.duplicate, 1u);
  EXPECT_EQ(s.late, 1u);
  EXPECT_EQ(s.lost, 1u);
  EXPECT_EQ(s.played, 4u);
}

TEST(JitterBufferTest, SequenceWrapAround) {
  JitterBuffer jb({.depth_frames = 2});
  for (uint16_t s : {65534, 65535, 0, 1}) jb.Push(s, 0, P(s));
  EXPECT_EQ(PopN(jb, 4), "f65534 f65535 f0 f1 ");
  EXPECT_EQ(jb.stats().lost, 0u);
}

TEST(JitterBufferTest, StreamPauseRebuffersInsteadOfConcealingForever) {
  JitterBuffer jb({.depth_frames = 2});
  jb.Push(1, 0, P(1));
  jb.Push(2, 0, P(2));
  EXPECT_EQ(PopN(jb, 8), "f1 f2 m m m e e e ");
  jb.Push(100, 0, P(100));
  EXPECT_EQ(PopN(jb, 1), "e ");
  jb.Push(101, 0, P(101));
  EXPECT_EQ(PopN(jb, 2), "f100 f101 ");
}

TEST(JitterBufferTest, SequenceJumpResyncs) {
  JitterBuffer jb({.depth_frames = 1, .max_frames = 50});
  jb.Push(1, 0, P(1));
  EXPECT_EQ(PopN(jb, 1), "f1 ");
  jb.Push(30000, 0, P(30000));  // sender restarted with a new random seq
  EXPECT_EQ(PopN(jb, 1), "f30000 ");
}

TEST(JitterBufferTest, AdaptiveDepthGrowsOnLatePackets) {
  JitterBuffer jb({.depth_frames = 1, .adaptive = true, .max_depth_frames = 4});
  jb.Push(1, 0, P(1));
  EXPECT_EQ(PopN(jb, 2), "f1 m ");
  jb.Push(2, 0, P(2));  // late
  EXPECT_EQ(jb.stats().depth_frames, 2);
  jb.Push(3, 0, P(3));
  EXPECT_EQ(PopN(jb, 2), "m f3 ") << "one stretch frame delays playout by a frame";
}

// The phone's receive buffer (telephony): one packet on a clean link, deeper only while
// packets come late, and loss alone never adds delay.
TEST(JitterBufferTest, AdaptiveFromOnePacketLossConcealedWithoutGrowingThenShrinksBack) {
  JitterBuffer jb(
      {.depth_frames = 1, .adaptive = true, .max_depth_frames = 10, .shrink_after_frames = 5});
  std::string out;
  for (uint16_t s = 1; s <= 6; ++s) {
    if (s != 3) jb.Push(s, s * 160, P(s));  // 3 is lost on the way
    out += PopN(jb, 1);
  }
  EXPECT_EQ(out, "f1 f2 m f4 f5 f6 ");
  EXPECT_EQ(jb.stats().depth_frames, 1);
  EXPECT_EQ(jb.stats().lost, 1u);
  // Jitter: packet 7 misses its slot and arrives late: the buffer grows by one frame.
  out = PopN(jb, 1);
  jb.Push(7, 0, P(7));
  EXPECT_EQ(jb.stats().depth_frames, 2);
  for (uint16_t s = 8; s <= 20; ++s) {
    jb.Push(s, s * 160, P(s));
    out += PopN(jb, 1);
  }
  EXPECT_EQ(out, "m m f8 f9 f10 f11 f12 f13 f14 f15 f16 f17 f18 f19 ");
  // After a clean run it shrinks back to one packet (dropping the one frame it held).
  EXPECT_EQ(jb.stats().depth_frames, 1);
}

TEST(JitterBufferTest, GarbageSequenceStormDoesNotGrowUnbounded) {
  JitterBuffer jb({.depth_frames = 3, .max_frames = 50});
  uint32_t x = 12345;
  for (int i = 0; i < 10000; ++i) {
    x = x * 1103515245u + 12345u;
    jb.Push(uint16_t(x >> 16), x, P(uint16_t(x >> 16)));
    if (i % 3 == 0) jb.Pop();
    ASSERT_LE(jb.buffered(), 50u);
  }
}

}  // namespace
}  // namespace kira::media
