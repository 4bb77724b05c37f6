// End to end over real SIP on loopback: baresip calls Kira (PhoneService with pocketsphinx +
// flite), speaks a question from a WAV made by flite, presses keys over RFC 4733, and gets
// transferred with REFER to a second baresip that auto-answers (the "manager").
// Label: sip. Needs baresip, flite, sox (scripts/deps.sh).
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "media/audio.h"
#include "media/dtmf.h"
#include "media/wav.h"
#include "peer_util.h"
#include "scripted_session.h"
#include "voice/phone_service.h"

namespace kira::siptest {
namespace {

using namespace std::chrono_literals;

class PhoneE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto [bin, pkg] : {std::pair{"baresip", "baresip"}, {"flite", "flite"}, {"sox", "sox"}})
      ASSERT_EQ(MissingBinary(bin, pkg), "");
    dir_ = MakeTempDir("kira-sip-e2e");
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override {
    caller_.Stop();
    callee_.Stop();
    phone_.Stop();
    if (!HasFailure())
      RemoveTree(dir_);
    else
      std::fprintf(stderr, "kept %s for inspection\n", dir_.c_str());
  }

  voice::PhoneConfig Config(uint16_t port) {
    voice::PhoneConfig c;
    c.sip.listen = "127.0.0.1:" + std::to_string(port);
    c.sip.rtp_port_min = 31000;
    c.sip.rtp_port_max = 31999;
    c.voice.silence_reprompt_ms = 30000;
    c.voice.recordings_dir = dir_ + "/kira-rec";
    c.asr = {{"en", "pocketsphinx", {}}};
    c.tts = {{"en", "flite", {{"voice", "kal"}}}};
    c.workers = 2;
    return c;
  }

  std::string dir_;
  voice::PhoneService phone_;
  Baresip caller_, callee_;
};

TEST_F(PhoneE2E, BaresipCallIsAnsweredUnderstoodAndTransferred) {
  const std::string question = "do you have the grey sixty by sixty porcelain tile in stock";
  const std::string mic = dir_ + "/mic.wav";
  ASSERT_TRUE(MakeSpeechWav(question, mic, 6.0, 20.0).ok());
  const std::string quiet = dir_ + "/quiet.wav";
  ASSERT_TRUE(MakeSilenceWav(quiet, 40).ok());

  Baresip::Options callee_opts;
  callee_opts.user = "manager";
  callee_opts.sip_port = FreePort();
  callee_opts.ctrl_port = FreePort();
  callee_opts.rtp_min = 32000;
  callee_opts.rtp_max = 32999;
  callee_opts.mic_wav = quiet;
  callee_opts.auto_answer = true;
  ASSERT_TRUE(callee_.Start(callee_opts, dir_ + "/callee").ok()) << callee_.log();

  auto log = std::make_shared<SessionLog>();
  Script script;
  script.manager_uri = callee_.uri();
  const uint16_t kira_port = FreePort();
  Status st = phone_.Start(Config(kira_port), [&](const std::string& caller, const std::string&,
                                                  const std::string& channel) {
    EXPECT_EQ(channel, "phone");
    log->Add("caller:" + caller);
    return std::make_unique<ScriptedSession>(log, script);
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE(phone_.warnings().empty()) << phone_.warnings().front();

  Baresip::Options caller_opts;
  caller_opts.user = "caller";
  caller_opts.sip_port = FreePort();
  caller_opts.ctrl_port = FreePort();
  caller_opts.rtp_min = 33000;
  caller_opts.rtp_max = 33999;
  caller_opts.mic_wav = mic;
  caller_opts.rec_dir = dir_ + "/caller-rec";
  ASSERT_TRUE(caller_.Start(caller_opts, dir_ + "/caller").ok()) << caller_.log();

  ASSERT_TRUE(caller_.Command("dial", "sip:kira@127.0.0.1:" + std::to_string(kira_port)).ok());
  ASSERT_TRUE(caller_.WaitEvent("CALL_ESTABLISHED", 10s)) << caller_.log();
  EXPECT_EQ(log->WaitFor("caller:", 2s), "caller:caller");
  EXPECT_EQ(log->WaitFor("start", 5s), "start");

  // Kira recognises the question (JSGF grammar from the session's expected phrases).
  const std::string heard = log->WaitFor("text:", 25s);
  EXPECT_FALSE(heard.empty()) << "no utterance recognised";
  EXPECT_NE(heard.find("porcelain"), std::string::npos) << heard;
  EXPECT_NE(heard.find("grey"), std::string::npos) << heard;

  // RFC 4733 digits (after the answer started: a key press interrupts Kira by design).
  std::this_thread::sleep_for(1500ms);
  ASSERT_TRUE(caller_.Command("sndcode", "5").ok());
  EXPECT_EQ(log->WaitFor("dtmf:5", 5s), "dtmf:5");
  std::this_thread::sleep_for(1500ms);  // "You pressed 5." plays

  // Digit 0: the scripted dialog hands off to the manager → REFER → baresip calls the callee.
  ASSERT_TRUE(caller_.Command("sndcode", "0").ok());
  EXPECT_EQ(log->WaitFor("dtmf:0", 5s), "dtmf:0");
  EXPECT_TRUE(callee_.WaitEvent("CALL_ESTABLISHED", 20s)) << callee_.log();
  // Kira releases its leg after the target answered; the session is finished exactly once.
  EXPECT_EQ(log->WaitFor("finish", 10s), "finish");
  EXPECT_EQ(phone_.endpoint().stats().transfers_ok, 1);
  EXPECT_TRUE(log->WaitFor("transfer_failed", 1ms).empty());

  // What the caller heard: the greeting and the answers (baresip's decoded dump).
  // The call may be over already (then baresip refuses); Stop() below ends the peer either way.
  (void)caller_.Command("hangup", "");
  std::this_thread::sleep_for(500ms);
  caller_.Stop();
  const std::string dec = LongestDecodedWav(caller_opts.rec_dir);
  ASSERT_FALSE(dec.empty()) << "baresip wrote no recording";
  double rms = 0;
  int loud = 0;
  ASSERT_TRUE(WavLoudness(dec, &rms, &loud).ok());
  EXPECT_GT(loud, 100) << "caller heard almost nothing (" << rms << " dBFS)";

  // Kira's own recording: stereo, caller left, agent right, both with speech in them.
  std::string rec;
  {
    std::lock_guard<std::mutex> l(log->mu);
    rec = log->recording;
  }
  ASSERT_FALSE(rec.empty());
  auto wav = media::ReadWav(rec);
  ASSERT_TRUE(wav.ok()) << wav.status().ToString();
  EXPECT_EQ(wav->channels, 2);
  EXPECT_EQ(wav->rate, 8000);
  int caller_loud = 0, agent_loud = 0;
  for (const auto& f : media::SplitFrames(wav->Channel(0))) caller_loud += media::RmsDbfs(f) > -40;
  for (const auto& f : media::SplitFrames(wav->Channel(1))) agent_loud += media::RmsDbfs(f) > -40;
  EXPECT_GT(caller_loud, 50);  // the question (~3 s)
  EXPECT_GT(agent_loud, 100);  // greeting + answer + "you pressed 5" + "connecting you"

  // Latency was measured for the speech turn.
  auto turns = phone_.latency().Turns(heard.empty() ? "greeting" : "speech");
  for (const auto& t : phone_.latency().Turns())
    std::fprintf(stderr, "turn %s total %lld endpoint %lld asr %lld dialog %lld tts %lld\n",
                 t.kind.c_str(), (long long)t.total_ms, (long long)t.endpoint_wait_ms,
                 (long long)t.asr_ms, (long long)t.dialog_ms, (long long)t.tts_ms);
  ASSERT_FALSE(turns.empty());
  EXPECT_GT(turns[0].total_ms, 0);
  EXPECT_LT(turns[0].total_ms, 5000);
}

TEST_F(PhoneE2E, FailedTransferIsReportedToTheDialogAndTheCallGoesOn) {
  const std::string quiet = dir_ + "/quiet.wav";
  ASSERT_TRUE(MakeSilenceWav(quiet, 30).ok());
  // The "manager" does not take the call (480).
  telephony::SipEndpoint refuser;
  const telephony::SipConfig rc = LoopbackSipConfig(32000, 32999);
  ASSERT_TRUE(refuser.Start(rc, [](const telephony::CallInfo&) { return nullptr; }).ok());

  auto log = std::make_shared<SessionLog>();
  Script script;
  script.manager_uri = "sip:manager@127.0.0.1:" + std::to_string(refuser.udp_port());
  const uint16_t kira_port = FreePort();
  ASSERT_TRUE(phone_
                  .Start(Config(kira_port),
                         [&](const std::string&, const std::string&, const std::string&) {
                           return std::make_unique<ScriptedSession>(log, script);
                         })
                  .ok());
  Baresip::Options o;
  o.sip_port = FreePort();
  o.ctrl_port = FreePort();
  o.rtp_min = 33000;
  o.rtp_max = 33999;
  o.mic_wav = quiet;
  ASSERT_TRUE(caller_.Start(o, dir_ + "/caller").ok()) << caller_.log();
  ASSERT_TRUE(caller_.Command("dial", "sip:kira@127.0.0.1:" + std::to_string(kira_port)).ok());
  ASSERT_TRUE(caller_.WaitEvent("CALL_ESTABLISHED", 10s)) << caller_.log();
  std::this_thread::sleep_for(1000ms);
  ASSERT_TRUE(caller_.Command("sndcode", "0").ok());
  EXPECT_EQ(log->WaitFor("dtmf:0", 5s), "dtmf:0");
  const std::string failed = log->WaitFor("transfer_failed:", 20s);
  EXPECT_FALSE(failed.empty()) << "the dialog was not told that the transfer failed";
  EXPECT_NE(failed.find("480"), std::string::npos) << failed;
  EXPECT_EQ(phone_.endpoint().stats().transfers_failed, 1);
  EXPECT_EQ(phone_.endpoint().active_calls(), 1) << "Kira's call with the caller should go on";
  refuser.Stop();
}

// A caller who says nothing: Kira reprompts after the pause, then says goodbye and hangs up.
class SilentCaller : public telephony::CallHandler {
 public:
  explicit SilentCaller(std::shared_ptr<std::atomic<int>> ended) : ended_(std::move(ended)) {}
  void OnStart(const telephony::CallInfo&, std::shared_ptr<telephony::CallControl>) override {}
  void OnFrame(const int16_t*, const int16_t*, size_t) override {}
  void OnDtmf(char) override {}
  void OnTransferResult(bool, const std::string&) override {}
  void OnEnd(telephony::EndReason r, const std::string&) override {
    *ended_ = r == telephony::EndReason::kRemoteHangup ? 1 : 2;
  }

 private:
  std::shared_ptr<std::atomic<int>> ended_;
};

TEST_F(PhoneE2E, SilenceRepromptsThenGoodbye) {
  auto log = std::make_shared<SessionLog>();
  Script script;
  const uint16_t port = FreePort();
  voice::PhoneConfig cfg = Config(port);
  cfg.asr = {};
  cfg.voice.silence_reprompt_ms = 1500;
  ASSERT_TRUE(phone_
                  .Start(cfg,
                         [&](const std::string&, const std::string&, const std::string&) {
                           return std::make_unique<ScriptedSession>(log, script);
                         })
                  .ok());
  telephony::SipEndpoint caller;
  const telephony::SipConfig c = LoopbackSipConfig(33000, 33999);
  ASSERT_TRUE(caller.Start(c, nullptr).ok());
  auto ended = std::make_shared<std::atomic<int>>(0);
  ASSERT_TRUE(caller
                  .Originate("sip:kira@127.0.0.1:" + std::to_string(port), "+15550199",
                             std::make_unique<SilentCaller>(ended), nullptr)
                  .ok());
  EXPECT_EQ(log->WaitFor("silence:1", 15s), "silence:1");
  EXPECT_EQ(log->WaitFor("silence:2", 15s), "silence:2");
  for (int i = 0; i < 250 && ended->load() == 0; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(ended->load(), 1) << "Kira should hang up after the goodbye";
  EXPECT_EQ(log->WaitFor("finish", 3s), "finish");
  {
    std::lock_guard<std::mutex> l(log->mu);
    int silences = 0;
    for (const auto& e : log->events) silences += e.rfind("silence:", 0) == 0;
    EXPECT_EQ(silences, 2);  // no reprompt while the greeting or the reprompt was playing
  }
  caller.Stop();
}

// The far end for the fallback test: after 2 s says something, then presses 0 in-band.
class SpeakThenPress : public telephony::CallHandler {
 public:
  explicit SpeakThenPress(media::Pcm speech) : speech_(std::move(speech)) {}
  void OnStart(const telephony::CallInfo&, std::shared_ptr<telephony::CallControl> c) override {
    media::Pcm all = media::Silence(16000);
    all.insert(all.end(), speech_.begin(), speech_.end());
    media::Pcm gap = media::Silence(24000);
    all.insert(all.end(), gap.begin(), gap.end());
    media::Pcm dtmf = media::GenerateDtmf("0", 120, 80);
    all.insert(all.end(), dtmf.begin(), dtmf.end());
    c->Play(all);
  }
  void OnFrame(const int16_t*, const int16_t*, size_t) override {}
  void OnDtmf(char) override {}
  void OnTransferResult(bool, const std::string&) override {}
  void OnEnd(telephony::EndReason, const std::string&) override {}

 private:
  media::Pcm speech_;
};

TEST_F(PhoneE2E, RussianAsrServerDownFallsBackToKeypad) {
  const std::string wav = dir_ + "/ru.wav";
  ASSERT_TRUE(RunCommand("espeak-ng -v ru -w '" + wav +
                         ".raw.wav' 'Здравствуйте, есть ли у вас серая плитка'")
                  .ok());
  ASSERT_TRUE(
      RunCommand("sox '" + wav + ".raw.wav' -r 8000 -c 1 -b 16 -e signed-integer '" + wav + "'")
          .ok());
  auto speech = media::ReadWav(wav);
  ASSERT_TRUE(speech.ok());

  auto log = std::make_shared<SessionLog>();
  Script script;
  script.language = "ru";
  script.greeting = "Здравствуйте! Магазин плитки.";
  const uint16_t port = FreePort();
  voice::PhoneConfig cfg = Config(port);
  cfg.asr = {};
  cfg.vosk_url = "ws://127.0.0.1:" + std::to_string(FreePort());  // nobody listens there
  cfg.tts = {{"ru", "espeak", {{"voice", "ru"}}}};
  ASSERT_TRUE(phone_
                  .Start(cfg,
                         [&](const std::string&, const std::string&, const std::string&) {
                           return std::make_unique<ScriptedSession>(log, script);
                         })
                  .ok());
  telephony::SipEndpoint caller;
  const telephony::SipConfig ccfg = LoopbackSipConfig(33000, 33999);
  ASSERT_TRUE(caller.Start(ccfg, nullptr).ok());
  ASSERT_TRUE(caller
                  .Originate("sip:kira@127.0.0.1:" + std::to_string(port), "+79160000001",
                             std::make_unique<SpeakThenPress>(speech->Channel(0)), nullptr)
                  .ok());
  // The caller's speech cannot be recognised: the dialog is told (once), never given text.
  EXPECT_EQ(log->WaitFor("asr_unavailable", 15s), "asr_unavailable");
  // The keypad still works (in-band DTMF detected in the audio).
  EXPECT_EQ(log->WaitFor("dtmf:0", 10s), "dtmf:0");
  EXPECT_TRUE(log->WaitFor("text:", 1ms).empty());
  caller.Stop();
}

}  // namespace
}  // namespace kira::siptest
