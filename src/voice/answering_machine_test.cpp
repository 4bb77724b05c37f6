#include "voice/answering_machine.h"

#include <gtest/gtest.h>

#include "media/audio.h"
#include "media/test_audio.h"
#include "media/vad.h"

namespace kira::voice {
namespace {

using media::Pcm;

struct AmdRun {
  AmdVerdict verdict = AmdVerdict::kUndecided;
  int64_t decided_at_ms = -1;  // the frame that made it final
  int decisions = 0;           // Push() returned true this often
  media::GreetingFeatures features;
};

AmdRun Feed(const Pcm& audio, AmdConfig cfg = {}) {
  auto vad = media::CreateVad({});
  EXPECT_TRUE(vad.ok());
  AnsweringMachineDetector amd(cfg);
  AmdRun r;
  int64_t t = 0;
  for (auto& f : media::SplitFrames(audio)) {
    t += 20;
    if (amd.Push(f, (*vad)->Process(f).speech)) {
      ++r.decisions;
      r.decided_at_ms = t;
    }
  }
  r.verdict = amd.verdict();
  r.features = amd.features();
  return r;
}

TEST(AnsweringMachine, PersonSaysHelloAndWaits) {
  AmdRun r = Feed(media::testing::Concat(
      {media::Silence(2400), media::testing::EspeakSpeech("en", "Hello?"), media::Silence(80000)}));
  EXPECT_EQ(r.verdict, AmdVerdict::kHuman) << r.features.speech_ms;
  EXPECT_EQ(r.decisions, 1);
  EXPECT_EQ(r.decided_at_ms, 8000);  // a person is only final when listening ends
}

TEST(AnsweringMachine, LongGreetingIsAMachineBeforeItEnds) {
  Pcm greeting = media::testing::EspeakSpeech(
      "en",
      "Hello, this is the voice assistant. The person you are calling cannot answer right now. "
      "Please state your name and the purpose of your call.");
  AmdRun r = Feed(media::testing::Concat({media::Silence(2400), greeting, media::Silence(16000)}));
  EXPECT_EQ(r.verdict, AmdVerdict::kMachine) << r.features.longest_segment_ms;
  EXPECT_EQ(r.decisions, 1);
  EXPECT_GT(r.decided_at_ms, 300 + 2000);
  EXPECT_LT(r.decided_at_ms, 300 + 4000) << "decided within the first seconds of the greeting";
}

TEST(AnsweringMachine, BeepIsFoundWithinAFewFrames) {
  AmdRun r = Feed(media::testing::Concat(
      {media::Silence(8000), media::Tone(8000, 1000, 400, -12), media::Silence(8000)}));
  EXPECT_EQ(r.verdict, AmdVerdict::kBeep);
  EXPECT_TRUE(r.features.beep);
  EXPECT_EQ(r.decisions, 1);
  EXPECT_LE(r.decided_at_ms, 1000 + 200);
}

TEST(AnsweringMachine, SilentLineAndShortCall) {
  AmdRun silent = Feed(media::Silence(80000));
  EXPECT_EQ(silent.verdict, AmdVerdict::kSilence);
  EXPECT_EQ(silent.decided_at_ms, 8000);
  // Ended before listen_ms: nothing is final, Current() tells the evidence so far.
  AnsweringMachineDetector amd;
  for (auto& f : media::SplitFrames(media::Silence(8000))) EXPECT_FALSE(amd.Push(f, false));
  EXPECT_EQ(amd.verdict(), AmdVerdict::kUndecided);
  EXPECT_EQ(amd.Current(), AmdVerdict::kSilence);
}

TEST(AnsweringMachine, DispositionOnlyOverridesWhenNobodyTalkedToUs) {
  EXPECT_EQ(MachineDisposition(AmdVerdict::kBeep, crm::Outcome::kNoAnswer), "voicemail");
  EXPECT_EQ(MachineDisposition(AmdVerdict::kBeep, crm::Outcome::kRefused), "voicemail");
  EXPECT_EQ(MachineDisposition(AmdVerdict::kMachine, crm::Outcome::kNoAnswer), "voicemail");
  EXPECT_EQ(MachineDisposition(AmdVerdict::kMachine, crm::Outcome::kRefused),
            "");  // a talkative person
  EXPECT_EQ(MachineDisposition(AmdVerdict::kBeep, crm::Outcome::kOrderPlaced), "");
  EXPECT_EQ(MachineDisposition(AmdVerdict::kBeep, crm::Outcome::kSecretary),
            "");  // the dialog knew better
  EXPECT_EQ(MachineDisposition(AmdVerdict::kHuman, crm::Outcome::kNoAnswer), "");
  EXPECT_EQ(MachineDisposition(AmdVerdict::kSilence, crm::Outcome::kNoAnswer), "");
}

}  // namespace
}  // namespace kira::voice
