#include "media/resampler.h"

#include <gtest/gtest.h>

#include <cmath>

namespace kira::media {
namespace {

// Dominant frequency by zero crossings (fine for a clean sine).
double ZeroCrossFreq(const Pcm& s, int rate) {
  int crossings = 0;
  for (size_t i = 1; i < s.size(); ++i)
    if ((s[i - 1] < 0) != (s[i] < 0)) ++crossings;
  return crossings / 2.0 / (double(s.size()) / rate);
}

TEST(ResamplerTest, ConvertsLengthAndKeepsPitch) {
  for (auto [in, out] : {std::pair{8000, 16000}, {16000, 8000}, {22050, 8000}, {8000, 22050}}) {
    Pcm tone = Tone(in, 440, 1000);
    auto r = Resample(tone, in, out);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_NEAR(double(r->size()), double(out), out * 0.01) << in << "->" << out;
    EXPECT_NEAR(ZeroCrossFreq(*r, out), 440, 5) << in << "->" << out;
    // Level preserved (the passband is flat at 440 Hz).
    EXPECT_NEAR(RmsDbfs(*r), RmsDbfs(tone), 0.5);
  }
}

TEST(ResamplerTest, StreamingEqualsOneShot) {
  Pcm tone = Tone(8000, 300, 500);
  auto whole = Resample(tone, 8000, 16000);
  ASSERT_TRUE(whole.ok());
  auto r = Resampler::Create(8000, 16000);
  ASSERT_TRUE(r.ok());
  Pcm streamed;
  for (auto& f : SplitFrames(tone)) (*r)->Process(f, &streamed);
  (*r)->Flush(&streamed);
  ASSERT_EQ(streamed.size(), whole->size());
  EXPECT_EQ(streamed, *whole);
}

TEST(ResamplerTest, SameRateCopiesAndBadRatesFail) {
  Pcm s{1, 2, 3};
  auto same = Resample(s, 8000, 8000);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, s);
  auto bad = Resampler::Create(0, 8000);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("0 -> 8000"), std::string::npos);
  EXPECT_FALSE(Resampler::Create(8000, 16000, 11).ok());
}

}  // namespace
}  // namespace kira::media
