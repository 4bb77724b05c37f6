#include "media/audio.h"

#include <gtest/gtest.h>

namespace kira::media {
namespace {

TEST(AudioTest, LevelsOfKnownSignals) {
  EXPECT_EQ(RmsDbfs(Silence(160)), kSilenceDbfs);
  EXPECT_EQ(RmsDbfs({}), kSilenceDbfs);
  // A full-scale sine is -3 dBFS RMS; one 20 dB lower is -23.
  EXPECT_NEAR(RmsDbfs(Tone(8000, 1000, 100, 0.0)), -3.0, 0.2);
  EXPECT_NEAR(RmsDbfs(Tone(8000, 1000, 100, -20.0)), -23.0, 0.2);
  EXPECT_NEAR(RmsDbfs(ComfortNoise(8000, -50.0)), -50.0, 1.0);
  EXPECT_EQ(PeakAbs(Pcm{1, -300, 20}), 300);
}

TEST(AudioTest, MixSaturatesInsteadOfWrapping) {
  Pcm a{30000, -30000, 100};
  Pcm b{10000, -10000, 100};
  MixInto(a, b);
  EXPECT_EQ(a[0], 32767);
  EXPECT_EQ(a[1], -32768);
  EXPECT_EQ(a[2], 200);
  ApplyGain(a, 0.5f);
  EXPECT_EQ(a[2], 100);
}

TEST(AudioTest, ConcealmentFadesToSilence) {
  Pcm last(160, 1000);
  EXPECT_EQ(ConcealFrame(last, 1)[0], 500);
  EXPECT_EQ(ConcealFrame(last, 2)[0], 250);
  EXPECT_EQ(ConcealFrame(last, 4)[0], 0);
  EXPECT_EQ(ConcealFrame({}, 1).size(), kFrameSamples);
}

TEST(AudioTest, SplitFramesPadsTheLastFrame) {
  Pcm s(400, 7);
  auto frames = SplitFrames(s);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[2].size(), kFrameSamples);
  EXPECT_EQ(frames[2][79], 7);
  EXPECT_EQ(frames[2][80], 0);
}

}  // namespace
}  // namespace kira::media
