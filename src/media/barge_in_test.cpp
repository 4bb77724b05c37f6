#include "media/barge_in.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "media/test_audio.h"
#include "media/vad.h"

namespace kira::media {
namespace {

struct Trace {
  std::vector<std::pair<BargeInEvent, int64_t>> events;  // event, audio ms since caller audio
  bool Has(BargeInEvent e) const {
    for (auto& [ev, t] : events)
      if (ev == e) return true;
    return false;
  }
  int64_t At(BargeInEvent e) const {
    for (auto& [ev, t] : events)
      if (ev == e) return t;
    return -1;
  }
};

// The agent is speaking the whole time; the caller's line carries `caller` after 1 s of quiet
// line noise (so the noise floor is learned as in a real call).
Trace RunCaller(const Pcm& caller, BargeInConfig cfg = {}) {
  auto vad = CreateVad({});
  EXPECT_TRUE(vad.ok());
  BargeInDetector bi(cfg);
  Pcm line = ComfortNoise(8000, -60, 3);
  Pcm audio = testing::Concat({line, caller, ComfortNoise(8000, -60, 4)});
  Trace t;
  bi.SetAgentSpeaking(true);
  int64_t ms = 0;
  for (auto& f : SplitFrames(audio)) {
    auto d = (*vad)->Process(f);
    auto ev = bi.Push(d.speech, d.level_dbfs);
    ms += 20;
    if (ev != BargeInEvent::kNone) t.events.push_back({ev, ms - 1000});
  }
  return t;
}

TEST(BargeInTest, SyntheticTimeline) {
  BargeInDetector bi;
  bi.SetAgentSpeaking(true);
  std::string out;
  auto push = [&](const std::string& pattern) {
    int i = 0;
    for (char c : pattern) {
      double speech_level = (i++ % 3 == 0) ? -32.0 : -20.0;  // syllables rise and fall
      auto ev = bi.Push(c == 'S', c == 'S' ? speech_level : -70.0);
      if (ev != BargeInEvent::kNone)
        out += std::string(ToString(ev)) + "@" + std::to_string(bi.now_ms()) + " ";
    }
  };
  // A 200 ms backchannel: paused at 120 ms, resumed after 300 ms of silence.
  push("SSSSSSSSSS" + std::string(15, '.'));
  EXPECT_EQ(out, "pause@120 resume@500 ");
  EXPECT_EQ(bi.pause_latency_ms(), 120);
  // A long interruption: pause, then barge-in at 600 ms voiced.
  out.clear();
  push(std::string(40, 'S'));
  EXPECT_EQ(out, "pause@620 barge_in@1100 ");
  EXPECT_EQ(bi.confirm_latency_ms(), 600);
  // "wait wait, I have a question": a short phrase, a comma pause of 240 ms, more speech. The
  // prompt stays paused through the pause (no resume) until the interruption is confirmed.
  out.clear();
  bi.SetAgentSpeaking(false);
  bi.SetAgentSpeaking(true);
  const int64_t t0 = bi.now_ms();
  push(std::string(22, 'S') + std::string(12, '.') + std::string(20, 'S'));
  EXPECT_EQ(out, "pause@" + std::to_string(t0 + 120) + " barge_in@" +
                     std::to_string(t0 + 440 + 240 + 160) + " ");
  // Caller speech while the agent is silent is not a barge-in.
  out.clear();
  bi.SetAgentSpeaking(false);
  push(std::string(30, 'S'));
  EXPECT_EQ(out, "");
}

TEST(BargeInTest, QuietSpeechAndNoiseAreIgnored) {
  BargeInDetector bi;
  bi.SetAgentSpeaking(true);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(bi.Push(true, -55.0), BargeInEvent::kNone);
}

TEST(BargeInTest, RealInterruptionPausesWithin150msAndConfirms) {
  Pcm speech = testing::EspeakSpeech("ru", "Нет, подождите, мне нужна другая плитка, серая.");
  Trace t = RunCaller(speech);
  ASSERT_TRUE(t.Has(BargeInEvent::kPause));
  ASSERT_TRUE(t.Has(BargeInEvent::kBargeIn));
  EXPECT_LE(t.At(BargeInEvent::kPause), 150) << "playback must stop within 150 ms";
}

TEST(BargeInTest, EnglishInterruptionToo) {
  Trace t = RunCaller(testing::EspeakSpeech("en", "No wait, I need the white one instead."));
  EXPECT_LE(t.At(BargeInEvent::kPause), 150);
  EXPECT_TRUE(t.Has(BargeInEvent::kBargeIn));
}

TEST(BargeInTest, BackchannelsDoNotBargeIn) {
  for (auto [voice, text] : std::vector<std::pair<std::string, std::string>>{
           {"ru", "угу"}, {"ru", "ага"}, {"ru", "да-да"}, {"en", "mhm"}, {"en", "uh huh"}}) {
    Pcm bc = testing::EspeakSpeech(voice, text, 200);
    ASSERT_FALSE(bc.empty()) << text;
    Trace t = RunCaller(bc);
    std::string trace;
    for (auto& [ev, ms] : t.events)
      trace += std::string(ToString(ev)) + "@" + std::to_string(ms) + " ";
    EXPECT_FALSE(t.Has(BargeInEvent::kBargeIn))
        << text << " (" << bc.size() / 8 << " ms): " << trace;
    // If playback paused, it resumes.
    if (t.Has(BargeInEvent::kPause)) {
      EXPECT_TRUE(t.Has(BargeInEvent::kResume)) << text << ": " << trace;
    }
  }
}

TEST(BargeInTest, ShortNoiseBurstsDoNotBargeIn) {
  // Clicks and a 200 ms burst of loud noise (a door, a cough) between quiet line noise.
  Pcm audio = testing::Concat({ComfortNoise(400, -10, 9), ComfortNoise(4000, -60, 5),
                               ComfortNoise(1600, -15, 10), ComfortNoise(4000, -60, 6)});
  Trace t = RunCaller(audio);
  EXPECT_FALSE(t.Has(BargeInEvent::kBargeIn));
}

TEST(BargeInTest, SteadyLoudNoiseResumesAndIsThenIgnored) {
  // 4 s of loud white noise (a street, a fan): at most one short pause at its onset, then the
  // prompt resumes and the noise is learned.
  Trace t = RunCaller(ComfortNoise(32000, -30, 21));
  EXPECT_FALSE(t.Has(BargeInEvent::kBargeIn));
  int pauses = 0;
  for (auto& [ev, ms] : t.events) pauses += ev == BargeInEvent::kPause;
  EXPECT_LE(pauses, 1);
  if (pauses) {
    EXPECT_TRUE(t.Has(BargeInEvent::kResume));
  }
}

TEST(BargeInTest, SpeechOverSteadyNoiseStillBargesIn) {
  Pcm noisy = testing::Concat(
      {ComfortNoise(16000, -40, 22),
       testing::EspeakSpeech("ru", "Нет, подождите, мне нужна другая плитка, серая.")});
  Pcm bed = ComfortNoise(noisy.size(), -40, 23);
  MixInto(noisy, bed);
  Trace t = RunCaller(noisy);
  EXPECT_TRUE(t.Has(BargeInEvent::kBargeIn));
}

}  // namespace
}  // namespace kira::media
