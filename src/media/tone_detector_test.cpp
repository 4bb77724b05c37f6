#include "media/tone_detector.h"

#include <gtest/gtest.h>

#include "media/greeting_features.h"
#include "media/test_audio.h"
#include "media/vad.h"

namespace kira::media {
namespace {

std::vector<DetectedTone> Detect(const Pcm& pcm, ToneDetectorConfig cfg = {}) {
  ToneDetector det(cfg);
  std::vector<DetectedTone> out;
  for (auto& f : SplitFrames(pcm))
    if (auto t = det.Push(f)) out.push_back(*t);
  return out;
}

TEST(ToneDetectorTest, FindsBeepsOfCommonFrequenciesQuickly) {
  for (double hz : {440.0, 850.0, 1000.0, 1400.0, 2000.0}) {
    Pcm audio = testing::Concat({Silence(4000), Tone(8000, hz, 400, -12), Silence(2000)});
    auto tones = Detect(audio);
    ASSERT_EQ(tones.size(), 1u) << hz;
    EXPECT_NEAR(tones[0].frequency_hz, hz, 30) << hz;
    EXPECT_NEAR(double(tones[0].start_ms), 500, 20) << hz;
    EXPECT_LE(tones[0].duration_ms, 100) << "reported as soon as min_duration is reached";
  }
}

TEST(ToneDetectorTest, SpeechAndNoiseAreNotTones) {
  Pcm speech = testing::Concat(
      {testing::EspeakSpeech("ru",
                             "Здравствуйте, вы позвонили в компанию, оставьте сообщение "
                             "после сигнала."),
       testing::EspeakSpeech("en",
                             "Hello, you have reached the voicemail of John. Please leave a "
                             "message.")});
  EXPECT_TRUE(Detect(speech).empty());
  EXPECT_TRUE(Detect(ComfortNoise(16000, -20)).empty());
  EXPECT_TRUE(Detect(Tone(8000, 1000, 400, -60)).empty()) << "below min level";
}

TEST(ToneDetectorTest, ShortBlipIsNotABeep) {
  EXPECT_TRUE(Detect(testing::Concat({Tone(8000, 1000, 40, -12), Silence(800)})).empty());
}

// Greeting features: a person says a short "hello" and waits; a machine talks long and beeps.
GreetingAnalyzer Analyze(const Pcm& audio) {
  auto vad = CreateVad({});
  EXPECT_TRUE(vad.ok());
  GreetingAnalyzer g;
  for (auto& f : SplitFrames(audio)) g.Push(f, (*vad)->Process(f).speech);
  return g;
}

TEST(GreetingTest, HumanVersusMachine) {
  auto human = Analyze(
      testing::Concat({Silence(2400), testing::EspeakSpeech("ru", "Алло?"), Silence(12000)}));
  EXPECT_EQ(human.Classify(), GreetingClass::kHuman) << human.Features().speech_ms;
  EXPECT_EQ(human.Features().segments, 1);
  EXPECT_NEAR(double(human.Features().initial_silence_ms), 300, 60);

  Pcm greeting = testing::EspeakSpeech(
      "ru",
      "Здравствуйте, вы позвонили в магазин плитки. Сейчас никто не может ответить. "
      "Оставьте, пожалуйста, сообщение после звукового сигнала.");
  auto machine = Analyze(testing::Concat({Silence(1600), greeting, Silence(1600)}));
  EXPECT_EQ(machine.Classify(), GreetingClass::kMachine) << machine.Features().longest_segment_ms;

  auto beep = Analyze(testing::Concat({Silence(800), Tone(8000, 1000, 300, -10), Silence(800)}));
  EXPECT_TRUE(beep.Features().beep);
  EXPECT_EQ(beep.Classify(), GreetingClass::kMachine);

  auto silent = Analyze(Silence(16000));
  EXPECT_EQ(silent.Classify(), GreetingClass::kUnknown);
  EXPECT_EQ(silent.Features().initial_silence_ms, 2000);
}

}  // namespace
}  // namespace kira::media
