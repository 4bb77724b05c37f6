// Barge-in and backchannels, measured inside Kira's own timeline (its stereo recording: caller
// left, agent right, frame-aligned): a caller who starts talking over a long prompt stops it
// within 150 ms; a short "mhm" only pauses it and the prompt then plays to the end.
// Label: sip. Needs flite and sox.
#include <gtest/gtest.h>

#include <thread>

#include "media/audio.h"
#include "media/wav.h"
#include "peer_util.h"
#include "scripted_session.h"
#include "voice/phone_service.h"

namespace kira::siptest {
namespace {

using namespace std::chrono_literals;

// Plays `audio` (silence-padded) once the call is up.
class Talker : public telephony::CallHandler {
 public:
  explicit Talker(media::Pcm audio) : audio_(std::move(audio)) {}
  void OnStart(const telephony::CallInfo&, std::shared_ptr<telephony::CallControl> c) override {
    c->Play(audio_);
  }
  void OnFrame(const int16_t*, const int16_t*, size_t) override {}
  void OnDtmf(char) override {}
  void OnTransferResult(bool, const std::string&) override {}
  void OnEnd(telephony::EndReason, const std::string&) override {}

 private:
  media::Pcm audio_;
};

struct Timeline {
  std::vector<bool> caller, agent;  // per 20 ms frame: loud?
};

Timeline Analyse(const std::string& wav_path) {
  Timeline t;
  auto w = media::ReadWav(wav_path);
  if (!w.ok()) return t;
  for (const auto& f : media::SplitFrames(w->Channel(0)))
    t.caller.push_back(media::RmsDbfs(f) > -35);
  for (const auto& f : media::SplitFrames(w->Channel(1)))
    t.agent.push_back(media::RmsDbfs(f) > -50);
  return t;
}

class BargeIn : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto [bin, pkg] : {std::pair{"flite", "flite"}, {"sox", "sox"}})
      ASSERT_EQ(MissingBinary(bin, pkg), "");
    dir_ = MakeTempDir("kira-bargein");
  }
  void TearDown() override {
    phone_.Stop();
    if (!HasFailure()) RemoveTree(dir_);
  }
  // Runs one call where the caller plays `caller_audio`; returns Kira's recording timeline.
  Timeline Call(const media::Pcm& caller_audio, int seconds) {
    log_ = std::make_shared<SessionLog>();
    Script script;
    script.greeting =
        "Hello, this is Kira from the tile shop. Today we have porcelain stoneware, ceramic wall "
        "tiles, mosaics, grout, glue and all the tools you need for your renovation, and our "
        "managers can help you choose.";
    voice::PhoneConfig cfg;
    const uint16_t port = FreePort();
    cfg.sip.listen = "127.0.0.1:" + std::to_string(port);
    cfg.sip.tcp = false;
    cfg.sip.rtp_port_min = 49000;
    cfg.sip.rtp_port_max = 49499;
    cfg.asr = {};
    cfg.tts = {{"en", "flite", {{"voice", "kal"}}}};
    cfg.voice.recordings_dir = dir_ + "/rec" + std::to_string(port);
    cfg.workers = 2;
    auto log = log_;
    EXPECT_TRUE(
        phone_
            .Start(cfg,
                   [log, script](const std::string&, const std::string&, const std::string&) {
                     return std::make_unique<ScriptedSession>(log, script);
                   })
            .ok());
    telephony::SipEndpoint caller;
    const telephony::SipConfig c = LoopbackSipConfig(49500, 49999);
    EXPECT_TRUE(caller.Start(c, nullptr).ok());
    EXPECT_TRUE(caller
                    .Originate("sip:kira@127.0.0.1:" + std::to_string(port), "+15550123",
                               std::make_unique<Talker>(caller_audio), nullptr)
                    .ok());
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    caller.Stop();
    phone_.Stop();
    std::lock_guard<std::mutex> l(log_->mu);
    return Analyse(log_->recording);
  }
  std::string dir_;
  voice::PhoneService phone_;
  std::shared_ptr<SessionLog> log_;
};

TEST_F(BargeIn, CallerSpeechStopsThePromptWithin150ms) {
  const std::string wav = dir_ + "/talk.wav";
  ASSERT_TRUE(
      MakeSpeechWav("wait wait, I have a question about the grey porcelain tile", wav, 3.0, 2.0)
          .ok());
  Timeline t = Call(media::ReadWav(wav)->Channel(0), 9);
  ASSERT_GT(t.caller.size(), 200u);
  // First caller speech frame while the agent was talking.
  size_t onset = 0;
  for (size_t i = 0; i < t.caller.size(); ++i)
    if (t.caller[i] && t.agent[i]) {
      onset = i;
      break;
    }
  ASSERT_GT(onset, 0u) << "the caller never talked over the prompt";
  size_t stop = onset;
  while (stop < t.agent.size() && t.agent[stop]) ++stop;
  const int stop_ms = static_cast<int>(stop - onset) * 20;
  std::printf("barge-in: prompt stopped %d ms after the caller's speech reached Kira\n", stop_ms);
  EXPECT_LE(stop_ms, 150) << "prompt kept playing " << stop_ms << " ms after the caller spoke";
  // And it did not resume: the agent stays quiet for the rest of the caller's sentence.
  int agent_after = 0;
  for (size_t i = stop; i < std::min(stop + 100, t.agent.size()); ++i) agent_after += t.agent[i];
  std::printf("barge-in: agent voiced in %d of the 100 frames after the prompt stopped\n",
              agent_after);
  EXPECT_LT(agent_after, 10);
}

TEST_F(BargeIn, ShortBackchannelOnlyPausesThePrompt) {
  // A ~270 ms "yeah" (flite, silence trimmed) 3 s into the greeting.
  const std::string raw = dir_ + "/yeah-raw.wav", wav = dir_ + "/yeah.wav";
  ASSERT_TRUE(RunCommand("flite -voice slt -t yeah -o '" + raw + "'").ok());
  ASSERT_TRUE(RunCommand("sox '" + raw + "' -r 8000 -c 1 -b 16 -e signed-integer '" + wav +
                         "' silence 1 0.01 1% reverse silence 1 0.01 1% reverse")
                  .ok());
  media::Pcm burst = media::ReadWav(wav)->Channel(0);
  ASSERT_LT(burst.size(), 8000u * 400 / 1000) << "the backchannel should be shorter than 400 ms";
  media::Pcm audio = media::Silence(24000);
  audio.insert(audio.end(), burst.begin(), burst.end());
  media::Pcm tail = media::Silence(8000 * 12);
  audio.insert(audio.end(), tail.begin(), tail.end());
  Timeline t = Call(audio, 16);
  ASSERT_GT(t.agent.size(), 300u);
  size_t onset = 0;
  for (size_t i = 0; i < t.caller.size(); ++i)
    if (t.caller[i]) {
      onset = i;
      break;
    }
  ASSERT_GT(onset, 0u);
  // The prompt paused during the burst...
  int paused = 0;
  for (size_t i = onset; i < onset + 20 && i < t.agent.size(); ++i) paused += !t.agent[i];
  std::printf("backchannel: agent silent in %d of the 20 frames after the burst began\n", paused);
  EXPECT_GT(paused, 3);
  // ...and continues after it (resumed), within half a second of it ending.
  int agent_after = 0;
  for (size_t i = onset + 13 + 25; i < std::min(onset + 13 + 125, t.agent.size()); ++i)
    agent_after += t.agent[i];
  EXPECT_GT(agent_after, 50) << "the prompt did not resume after a backchannel";
}

}  // namespace
}  // namespace kira::siptest
