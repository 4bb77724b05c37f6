// Load: sipp places 100 concurrent calls that stream audio into Kira's full voice pipeline
// (VAD, endpointer, DTMF detector, recording, prompt playback from the cache, dialog turns);
// every call must be answered, get its prompt and a BYE from Kira, and none may fail.
// Label: load. Needs sipp (sip-tester), flite, sox.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <fstream>
#include <thread>

#include "core/log.h"
#include "peer_util.h"
#include "scripted_session.h"
#include "sipp_scenarios.h"
#include "voice/phone_service.h"

namespace kira::siptest {
namespace {

using namespace std::chrono_literals;

double CpuSeconds() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

TEST(SipLoad, HundredConcurrentSippCallsStreamingAudio) {
  for (auto [bin, pkg] : {std::pair{"sipp", "sip-tester"}, {"flite", "flite"}, {"sox", "sox"}})
    ASSERT_EQ(MissingBinary(bin, pkg), "");
  log::SetLevel(log::Level::kError);  // 100 calls' worth of info lines would drown the output
  const std::string dir = MakeTempDir("kira-sip-load");
  const std::string mic = dir + "/mic.wav";
  // 2 s of quiet, then a question: the pipeline's VAD/endpointer fire on every call.
  ASSERT_TRUE(MakeSpeechWav("do you have grey porcelain tile in stock", mic, 2.0, 3.0).ok());
  const std::string ulaw = dir + "/mic-ulaw.wav";
  ASSERT_TRUE(siptest::RunCommand("sox '" + mic + "' -r 8000 -c 1 -e u-law '" + ulaw + "'").ok());
  std::string scenario = kSippUacWaitBye;
  scenario.replace(scenario.find("MIC"), 3, ulaw);
  scenario.replace(scenario.find("TIMEOUT_MS"), 10, "60000");
  { std::ofstream(dir + "/uac.xml") << scenario; }

  constexpr int kCalls = 100;
  auto log = std::make_shared<SessionLog>();
  std::atomic<int> sessions{0};
  voice::PhoneConfig cfg;
  const uint16_t port = FreePort();
  cfg.sip.listen = "127.0.0.1:" + std::to_string(port);
  cfg.sip.max_calls = kCalls + 10;
  cfg.sip.rtp_port_min = 36000;
  cfg.sip.rtp_port_max = 37999;
  cfg.asr = {};  // no ASR here: each utterance takes the "recognition unavailable" path
  cfg.tts = {{"en", "flite", {{"voice", "kal"}}}};
  cfg.voice.recordings_dir = dir + "/rec";
  cfg.workers = 2;
  voice::PhoneService phone;
  Script script;
  script.greeting = "Hello, this is Kira.";
  ASSERT_TRUE(phone
                  .Start(cfg,
                         [&](const std::string&, const std::string&, const std::string&) {
                           ++sessions;
                           return std::make_unique<ScriptedSession>(log, script);
                         })
                  .ok());
  // After the caller's utterance the scripted dialog says goodbye and hangs up (digit-free
  // path): OnRecognitionUnavailable → "Press zero..." then silence → goodbye. Keep it short.
  const double cpu0 = CpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  ChildProcess sipp;
  const uint16_t sipp_port = FreePort();
  ASSERT_TRUE(sipp.Start({"sipp",
                          "127.0.0.1:" + std::to_string(port),
                          "-sf",
                          dir + "/uac.xml",
                          "-s",
                          "kira",
                          "-i",
                          "127.0.0.1",
                          "-p",
                          std::to_string(sipp_port),
                          "-mp",
                          "38000",
                          "-r",
                          "50",
                          "-l",
                          std::to_string(kCalls),
                          "-m",
                          std::to_string(kCalls),
                          "-timeout",
                          "90s",
                          "-nostdin",
                          "-trace_stat",
                          "-stf",
                          dir + "/stat.csv",
                          "-trace_err",
                          "-error_file",
                          dir + "/errors.log"},
                         dir + "/sipp.log")
                  .ok());
  // Kira ends each call: give every call a fixed length through the max-call timer of the
  // session script (silence goodbye) — or hang up ourselves once all are up.
  int peak = 0;
  for (int i = 0; i < 200 && phone.endpoint().stats().answered < kCalls; ++i) {
    peak = std::max(peak, phone.endpoint().active_calls());
    std::this_thread::sleep_for(50ms);
  }
  for (int i = 0; i < 60; ++i) {  // 3 s with all calls streaming
    peak = std::max(peak, phone.endpoint().active_calls());
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_GE(peak, kCalls) << "calls were not concurrent";
  const double cpu_busy = CpuSeconds() - cpu0;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  phone.Stop();  // BYE to every call
  int status = 0;
  ASSERT_TRUE(sipp.Wait(30s, &status)) << ReadFile(dir + "/sipp.log");
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "sipp reported failed calls:\n"
      << ReadFile(dir + "/errors.log").substr(0, 2000);
  const auto st = phone.endpoint().stats();
  EXPECT_EQ(st.answered, kCalls);
  EXPECT_EQ(st.rejected_busy + st.rejected_codec + st.rejected_bad_sdp, 0);
  EXPECT_GT(st.rtp_in, kCalls * 100);   // ≥ 2 s of audio per call
  EXPECT_GT(st.rtp_out, kCalls * 100);  // paced prompts/silence back
  EXPECT_EQ(sessions.load(), kCalls);
  {
    std::lock_guard<std::mutex> l(log->mu);
    EXPECT_EQ(log->finished, kCalls);
  }
  std::printf(
      "load: %d calls, peak %d concurrent, %.1f s, Kira CPU %.2f s = %.2f%% of a core "
      "per call\n",
      kCalls, peak, wall, cpu_busy, 100.0 * cpu_busy / wall / kCalls);
  RemoveTree(dir);
}

}  // namespace
}  // namespace kira::siptest
