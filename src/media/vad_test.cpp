#include "media/vad.h"

#include <gtest/gtest.h>

#include <random>

#include "media/audio.h"
#include "media/test_audio.h"

namespace kira::media {
namespace {

// Share of frames declared speech.
double SpeechShare(Vad& vad, const Pcm& pcm) {
  int speech = 0, n = 0;
  for (auto& f : SplitFrames(pcm)) {
    speech += vad.Process(f).speech;
    ++n;
  }
  return n ? double(speech) / n : 0;
}

class VadEngineTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<Vad> Make() {
    VadConfig cfg;
    cfg.engine = GetParam();
    auto v = CreateVad(cfg);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? std::move(v).value() : nullptr;
  }
};

TEST_P(VadEngineTest, SpeechIsSpeechAndSilenceIsNot) {
  auto vad = Make();
  ASSERT_TRUE(vad);
  EXPECT_EQ(vad->name(), GetParam());
  Pcm quiet = ComfortNoise(8000, -65);
  EXPECT_LT(SpeechShare(*vad, quiet), 0.02);
  Pcm speech = testing::EspeakSpeech(
      "ru", "Здравствуйте, у вас есть серая плитка шестьдесят на шестьдесят?");
  ASSERT_FALSE(speech.empty());
  EXPECT_GT(SpeechShare(*vad, speech), 0.5);
  EXPECT_LT(SpeechShare(*vad, Silence(8000)), 0.01);
}

TEST_P(VadEngineTest, GarbageDoesNotCrash) {
  auto vad = Make();
  ASSERT_TRUE(vad);
  std::mt19937 rng(7);
  Pcm clipped(160);
  for (int i = 0; i < 200; ++i) {
    for (auto& s : clipped) s = (rng() & 1) ? 32767 : -32768;
    auto d = vad->Process(clipped);
    EXPECT_GE(d.probability, 0.f);
    EXPECT_LE(d.probability, 1.f);
  }
  // Wrong frame sizes are refused, not crashed on.
  Pcm odd(77, 1000);
  EXPECT_FALSE(vad->Process(odd).speech);
  EXPECT_FALSE(vad->Process({}).speech);
  vad->Reset();
  // 10 and 30 ms frames are accepted.
  EXPECT_GE(vad->Process(Pcm(80, 0)).level_dbfs, kSilenceDbfs);
  EXPECT_GE(vad->Process(Pcm(240, 0)).level_dbfs, kSilenceDbfs);
}

INSTANTIATE_TEST_SUITE_P(Engines, VadEngineTest, ::testing::Values("webrtc", "energy"));

TEST(VadTest, BadConfigIsRefusedWithTheValue) {
  VadConfig cfg;
  cfg.engine = "nope";
  auto v = CreateVad(cfg);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("nope"), std::string::npos);
  cfg.engine = "webrtc";
  cfg.sample_rate = 44100;
  EXPECT_FALSE(CreateVad(cfg).ok());
  cfg.sample_rate = 8000;
  cfg.aggressiveness = 9;
  EXPECT_FALSE(CreateVad(cfg).ok());
}

TEST(VadTest, QuietFramesAreNeverSpeech) {
  VadConfig cfg;
  cfg.min_level_dbfs = -30;  // louder than the speech below
  auto vad = CreateVad(cfg);
  ASSERT_TRUE(vad.ok());
  Pcm speech = testing::EspeakSpeech("en", "hello there");
  ApplyGain(speech, 0.02f);
  EXPECT_EQ(SpeechShare(**vad, speech), 0.0);
}

}  // namespace
}  // namespace kira::media
