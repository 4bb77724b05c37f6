#include "media/endpointer.h"

#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "media/test_audio.h"
#include "media/vad.h"

namespace kira::media {
namespace {

// Pushes a pattern of 20 ms frames: 'S' speech, '.' silence; returns the events with the
// audio time at which they fired.
std::string Feed(Endpointer& ep, const std::string& pattern) {
  std::string out;
  for (char c : pattern) {
    auto ev = ep.Push(c == 'S');
    if (ev != EndpointEvent::kNone)
      out += std::string(ToString(ev)) + "@" + std::to_string(ep.now_ms()) + " ";
  }
  return out;
}

TEST(EndpointerTest, StartAndEndWithTimestamps) {
  Endpointer ep({.start_speech_ms = 100, .trailing_silence_ms = 600, .min_speech_ms = 200});
  // 200 ms silence, 1 s speech, 700 ms silence.
  std::string p = std::string(10, '.') + std::string(50, 'S') + std::string(35, '.');
  EXPECT_EQ(Feed(ep, p), "speech_start@300 speech_end@1800 ");
  EXPECT_EQ(ep.utterance_start_ms(), 200);
  EXPECT_EQ(ep.utterance_end_ms(), 1200);
  EXPECT_EQ(ep.voiced_ms(), 1000);
  // The endpointing wait is exactly the trailing silence.
  EXPECT_EQ(1800 - ep.utterance_end_ms(), 600);
  EXPECT_FALSE(ep.in_utterance());
}

TEST(EndpointerTest, PausesShorterThanTrailingSilenceDoNotEnd) {
  Endpointer ep({.trailing_silence_ms = 500});
  std::string p =
      std::string(20, 'S') + std::string(20, '.') + std::string(20, 'S') + std::string(25, '.');
  EXPECT_EQ(Feed(ep, p), "speech_start@100 speech_end@1700 ");
  EXPECT_EQ(ep.voiced_ms(), 800);
}

TEST(EndpointerTest, TrailingSilenceSetDuringAPauseAppliesToItAndResetsNextUtterance) {
  Endpointer ep({.trailing_silence_ms = 600});
  std::string out = Feed(ep, std::string(20, 'S') + "..");  // speech start @100, 40 ms pause
  EXPECT_EQ(ep.pause_ms(), 40);
  ep.SetTrailingSilenceMs(200);  // the words so far are a complete answer
  out += Feed(ep, std::string(10, '.'));
  EXPECT_EQ(out, "speech_start@100 speech_end@600 ");  // 400 + 200 ms, not 400 + 600 ms
  EXPECT_EQ(ep.pause_ms(), 0);
  // The next utterance waits the configured 600 ms again; a longer hold keeps a pause open.
  out = Feed(ep, std::string(20, 'S'));
  EXPECT_EQ(ep.trailing_silence_ms(), 600);
  ep.SetTrailingSilenceMs(1200);
  out += Feed(ep, std::string(50, '.'));
  EXPECT_EQ(out, "speech_start@740 ");
  out += Feed(ep, std::string(10, '.'));
  EXPECT_EQ(out, "speech_start@740 speech_end@2240 ");
}

TEST(EndpointerTest, ShortBurstsAreIgnoredOrDiscarded) {
  Endpointer ep({.start_speech_ms = 100, .trailing_silence_ms = 300, .min_speech_ms = 200});
  // A 60 ms click never starts an utterance.
  EXPECT_EQ(Feed(ep, "SSS" + std::string(30, '.')), "");
  // 140 ms of speech starts one but is too short to count.
  EXPECT_EQ(Feed(ep, "SSSSSSS" + std::string(20, '.')), "speech_start@760 discarded@1100 ");
  // Gaps within the start burst up to gap_tolerance (60 ms) keep the burst alive.
  ep.Reset();
  EXPECT_EQ(Feed(ep, "SS..SS.SS"), "speech_start@160 ");
}

TEST(EndpointerTest, MaxLengthForcesAnEnd) {
  Endpointer ep({.max_utterance_ms = 1000});
  EXPECT_EQ(Feed(ep, std::string(52, 'S')), "speech_start@100 max_length@1000 ");
}

TEST(EndpointerTest, RealSpeechThroughWebRtcVad) {
  auto vad = CreateVad({});
  ASSERT_TRUE(vad.ok());
  Pcm speech =
      testing::EspeakSpeech("en", "do you have the grey sixty by sixty porcelain tile in stock");
  Pcm audio = testing::Concat({Silence(4000), speech, Silence(8000)});
  const int64_t speech_end_ms = 500 + int64_t(speech.size()) / 8;
  Endpointer ep({.trailing_silence_ms = 600});
  int starts = 0, ends = 0;
  for (auto& f : SplitFrames(audio)) {
    auto ev = ep.Push((*vad)->Process(f).speech);
    starts += ev == EndpointEvent::kSpeechStart;
    ends += ev == EndpointEvent::kSpeechEnd;
  }
  EXPECT_EQ(starts, 1);
  EXPECT_EQ(ends, 1);
  EXPECT_NEAR(double(ep.utterance_start_ms()), 500, 100);
  EXPECT_GT(ep.voiced_ms(), 1500);
  // The VAD's decision lags the true end of speech by a frame or two at most, so the
  // endpointing wait is the configured trailing silence plus this lag.
  std::cerr << "VAD end lag: " << ep.utterance_end_ms() - speech_end_ms << " ms\n";
  EXPECT_NEAR(double(ep.utterance_end_ms()), double(speech_end_ms), 60);
}

}  // namespace
}  // namespace kira::media
