// Phone-side benchmarks (issue 3):
//  BM_VoiceToVoiceLatency — one call over real SIP/RTP on loopback; an in-process caller plays
//    a flite question each time Kira stops talking; Kira runs the full pipeline with the
//    embedded engines (pocketsphinx JSGF + flite). ≥ 20 turns; p50/p95 of the voice-to-voice
//    latency (end of the caller's speech → first RTP packet of the answer), broken down into
//    endpointing wait, ASR, dialog, TTS and Kira's own code; plus the latency the caller
//    measured on its side of the wire; how many turns ended on the short (complete) wait,
//    cut-offs, and unrecognised speech answered with an ask-again.
//  BM_MediaCapacity — sipp (a separate process) holds N concurrent calls streaming speech into
//    Kira, Kira plays prompts from the cache and runs VAD/endpointer/DTMF/recording, no ASR;
//    reports Kira's CPU per call and whether RTP pacing held (packets sent per call-second).
// Needs flite, sox and sipp (scripts/deps.sh); the scripted dialog is a test double.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include "core/log.h"
#include "media/audio.h"
#include "media/wav.h"
#include "peer_util.h"
#include "scripted_session.h"
#include "sipp_scenarios.h"
#include "voice/phone_service.h"

namespace kira {
namespace {

using namespace std::chrono_literals;
using siptest::MakeTempDir;

double CpuSeconds() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Resident memory of this process in MB (Linux /proc).
double RssMb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  return 0;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The far end of the latency benchmark: asks its question whenever Kira has been quiet for
// 800 ms after speaking, and measures (on its side) question end → first loud answer frame.
// What the caller measured; outlives the handler (the endpoint frees it when the call ends).
struct CallerResults {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::vector<int64_t> wire_ms;
  bool WaitDone(std::chrono::seconds t) {
    std::unique_lock<std::mutex> l(mu);
    return cv.wait_for(l, t, [&] { return done; });
  }
};

class AskingCaller : public telephony::CallHandler {
 public:
  AskingCaller(media::Pcm question, int turns, std::shared_ptr<CallerResults> r)
      : question_(std::move(question)), turns_(turns), r_(std::move(r)) {}
  void OnStart(const telephony::CallInfo&, std::shared_ptr<telephony::CallControl> c) override {
    control_ = c;
  }
  void OnFrame(const int16_t* heard, const int16_t* sent, size_t n) override {
    const bool loud = media::RmsDbfs(std::span<const int16_t>(heard, n)) > -35;
    const int64_t now = NowMs();
    if (sent) {  // still asking
      quiet_ms_ = 0;
      asked_end_ms_ = now;
      waiting_ = true;
      return;
    }
    if (loud) {
      if (waiting_) {
        std::lock_guard<std::mutex> l(r_->mu);
        r_->wire_ms.push_back(now - asked_end_ms_);
        waiting_ = false;
      }
      kira_spoke_ = true;
      quiet_ms_ = 0;
      return;
    }
    quiet_ms_ += 20;
    if (kira_spoke_ && quiet_ms_ >= 800 && asked_ < turns_) {
      ++asked_;
      kira_spoke_ = false;
      control_->Play(question_);
    } else if (asked_ >= turns_ && quiet_ms_ >= 1500 && !hung_up_) {
      hung_up_ = true;
      control_->Hangup("benchmark done");
    }
  }
  void OnDtmf(char) override {}
  void OnTransferResult(bool, const std::string&) override {}
  void OnEnd(telephony::EndReason, const std::string&) override {
    std::lock_guard<std::mutex> l(r_->mu);
    r_->done = true;
    r_->cv.notify_all();
  }

 private:
  media::Pcm question_;
  int turns_;
  std::shared_ptr<telephony::CallControl> control_;
  int asked_ = 0, quiet_ms_ = 0;
  bool kira_spoke_ = false, waiting_ = false, hung_up_ = false;
  int64_t asked_end_ms_ = 0;
  std::shared_ptr<CallerResults> r_;
};

void BM_VoiceToVoiceLatency(benchmark::State& state) {
  log::SetLevel(getenv("KIRA_BENCH_DEBUG") ? log::Level::kDebug : log::Level::kError);
  const int turns = static_cast<int>(state.range(0));
  const bool adaptive = state.range(1) != 0;  // 0: the fixed 600 ms end-of-turn wait
  const std::string dir = MakeTempDir("kira-v2v");
  const std::string question = "do you have the grey sixty by sixty porcelain tile in stock";
  const std::string wav = dir + "/q.wav";
  if (!siptest::MakeSpeechWav(question, wav, 0.0, 0.0).ok()) {
    state.SkipWithError("flite/sox failed: install flite and sox (scripts/deps.sh)");
    return;
  }
  media::Pcm q = media::ReadWav(wav)->Channel(0);

  for (auto _ : state) {
    voice::PhoneService kira;
    voice::PhoneConfig cfg;
    cfg.sip.listen = "127.0.0.1:" + std::to_string(siptest::FreePort());
    cfg.sip.rtp_port_min = 41000;
    cfg.sip.rtp_port_max = 41999;
    cfg.asr = {{"en", "pocketsphinx", {}}};
    cfg.tts = {{"en", "flite", {{"voice", "kal"}}}};
    cfg.voice.silence_reprompt_ms = 60000;
    cfg.voice.adaptive_end_of_turn = adaptive;
    cfg.workers = 2;
    auto log = std::make_shared<siptest::SessionLog>();
    siptest::Script script;
    script.answer = "Would you like to order it?";
    script.number_answers = true;  // a new first sentence each turn: TTS really runs
    Status st = kira.Start(cfg, [&](const std::string&, const std::string&, const std::string&) {
      return std::make_unique<siptest::ScriptedSession>(log, script);
    });
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      return;
    }
    telephony::SipEndpoint caller;
    telephony::SipConfig ccfg;
    ccfg.listen = "127.0.0.1:0";
    ccfg.tcp = false;
    ccfg.rtp_port_min = 42000;
    ccfg.rtp_port_max = 42999;
    (void)caller.Start(ccfg, nullptr);
    auto results = std::make_shared<CallerResults>();
    auto asker = std::make_unique<AskingCaller>(q, turns, results);
    (void)caller.Originate(kira.endpoint().udp_port() ? "sip:kira@" + cfg.sip.listen : "",
                           "+15550100", std::move(asker), nullptr);
    // A turn takes about 11 s (a 3 s question, a 6 s answer, the caller's 800 ms pause): a
    // shorter wait cut the run before its last turns, which then looked unrecognised.
    results->WaitDone(std::chrono::seconds(30 + turns * 20));
    caller.Stop();
    kira.Stop();

    auto speech = kira.latency().Turns("speech");
    auto pick = [&](auto f) {
      std::vector<int64_t> v;
      for (const auto& t : speech) v.push_back(f(t));
      return v;
    };
    using voice::LatencyLog;
    using voice::TurnLatency;
    auto total = pick([](const TurnLatency& t) { return t.total_ms; });
    state.counters["turns"] = double(speech.size());
    state.counters["asked"] = double(turns);
    state.counters["p50_total_ms"] = double(LatencyLog::Percentile(total, 50));
    state.counters["p95_total_ms"] = double(LatencyLog::Percentile(total, 95));
    state.counters["p50_jitter_ms"] =
        double(LatencyLog::Percentile(pick([](const TurnLatency& t) { return t.jitter_ms; }), 50));
    state.counters["p95_tts_ms"] =
        double(LatencyLog::Percentile(pick([](const TurnLatency& t) { return t.tts_ms; }), 95));
    state.counters["p50_endpoint_ms"] = double(
        LatencyLog::Percentile(pick([](const TurnLatency& t) { return t.endpoint_wait_ms; }), 50));
    state.counters["p50_asr_ms"] =
        double(LatencyLog::Percentile(pick([](const TurnLatency& t) { return t.asr_ms; }), 50));
    state.counters["p95_asr_ms"] =
        double(LatencyLog::Percentile(pick([](const TurnLatency& t) { return t.asr_ms; }), 95));
    state.counters["p50_dialog_ms"] =
        double(LatencyLog::Percentile(pick([](const TurnLatency& t) { return t.dialog_ms; }), 50));
    state.counters["p50_tts_ms"] =
        double(LatencyLog::Percentile(pick([](const TurnLatency& t) { return t.tts_ms; }), 50));
    state.counters["p50_own_ms"] =
        double(LatencyLog::Percentile(pick([](const TurnLatency& t) { return t.own_ms(); }), 50));
    state.counters["p95_own_ms"] =
        double(LatencyLog::Percentile(pick([](const TurnLatency& t) { return t.own_ms(); }), 95));
    {
      std::lock_guard<std::mutex> l(results->mu);
      state.counters["p50_wire_ms"] = double(LatencyLog::Percentile(results->wire_ms, 50));
      state.counters["p95_wire_ms"] = double(LatencyLog::Percentile(results->wire_ms, 95));
    }
    // Turns that ended on a short wait (the words were a complete utterance), and cut-offs:
    // the caller went on talking right after Kira took the turn.
    int complete = 0;
    for (const auto& t : speech) complete += t.end_rule == "complete";
    state.counters["complete_ends"] = complete;
    state.counters["cutoffs"] = kira.latency().cutoffs();
    // Speech not recognised: answered at once with an ask-again ("unheard" turns).
    std::vector<int64_t> unheard;
    for (const auto& t : kira.latency().Turns("unheard")) unheard.push_back(t.total_ms);
    state.counters["unheard"] = double(unheard.size());
    state.counters["p50_unheard_ms"] = double(LatencyLog::Percentile(unheard, 50));
    std::lock_guard<std::mutex> l(log->mu);
    int recognised = 0;
    for (const auto& e : log->events) recognised += e.rfind("text:", 0) == 0;
    state.counters["recognised"] = recognised;
  }
  siptest::RemoveTree(dir);
}
// Args: turns, adaptive end of turn (1) or the fixed wait (0, for comparison).
BENCHMARK(BM_VoiceToVoiceLatency)
    ->Args({24, 1})
    ->Args({24, 0})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

void BM_MediaCapacity(benchmark::State& state) {
  log::SetLevel(log::Level::kError);
  const int calls = static_cast<int>(state.range(0));
  const bool adaptive = state.range(1) != 0;  // adaptive jitter buffer and end of turn
  constexpr int kHoldS = 10;
  const std::string dir = MakeTempDir("kira-capacity");
  const std::string mic = dir + "/mic.wav", ulaw = dir + "/mic-ulaw.wav";
  if (!siptest::MakeSpeechWav("do you have grey porcelain tile in stock", mic, 1.0, 1.0).ok() ||
      !siptest::RunCommand("sox '" + mic + "' -r 8000 -c 1 -e u-law '" + ulaw + "'").ok() ||
      !siptest::MissingBinary("sipp", "sip-tester").empty()) {
    state.SkipWithError("needs flite, sox and sipp (scripts/deps.sh)");
    return;
  }
  std::string scenario = siptest::kSippUacWaitBye;
  scenario.replace(scenario.find("MIC"), 3, ulaw);
  scenario.replace(scenario.find("TIMEOUT_MS"), 10, "120000");
  std::ofstream(dir + "/uac.xml") << scenario;

  for (auto _ : state) {
    const double rss0 = RssMb();
    voice::PhoneService kira;
    voice::PhoneConfig cfg;
    const uint16_t port = siptest::FreePort();
    cfg.sip.listen = "127.0.0.1:" + std::to_string(port);
    cfg.sip.max_calls = calls + 10;
    cfg.sip.rtp_port_min = 43000;
    cfg.sip.rtp_port_max = 45999;
    cfg.asr = {};  // media only: VAD, endpointer, DTMF detector, recording, prompts
    cfg.tts = {{"en", "flite", {{"voice", "kal"}}}};
    cfg.voice.recordings_dir = dir + "/rec";
    cfg.voice.silence_reprompt_ms = 3000;
    cfg.voice.adaptive_end_of_turn = adaptive;
    cfg.sip.adaptive_jitter = adaptive;
    cfg.workers = 2;
    auto log = std::make_shared<siptest::SessionLog>();
    siptest::Script script;
    script.greeting =
        "Hello, this is Kira from the tile shop. We have porcelain, ceramic and mosaic tiles, "
        "grout, glue and tools. How can I help you today?";
    if (!kira.Start(cfg,
                    [&](const std::string&, const std::string&, const std::string&) {
                      return std::make_unique<siptest::ScriptedSession>(log, script);
                    })
             .ok()) {
      state.SkipWithError("Kira did not start");
      return;
    }
    siptest::ChildProcess sipp;
    (void)sipp.Start({"sipp",     "127.0.0.1:" + std::to_string(port),
                      "-sf",      dir + "/uac.xml",
                      "-s",       "kira",
                      "-i",       "127.0.0.1",
                      "-p",       std::to_string(siptest::FreePort()),
                      "-mp",      "46000",
                      "-r",       "100",
                      "-l",       std::to_string(calls),
                      "-m",       std::to_string(calls),
                      "-timeout", "120s",
                      "-nostdin"},
                     dir + "/sipp.log");
    for (int i = 0; i < 400 && kira.endpoint().active_calls() < calls; ++i)
      std::this_thread::sleep_for(50ms);
    const int up = kira.endpoint().active_calls();
    const auto out0 = kira.endpoint().stats().rtp_out;
    const double cpu0 = CpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(kHoldS));
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = CpuSeconds() - cpu0;
    const auto out1 = kira.endpoint().stats().rtp_out;
    const int still_up = kira.endpoint().active_calls();
    const double rss1 = RssMb();
    kira.Stop();
    int status = 0;
    sipp.Wait(60s, &status);
    state.counters["calls_up"] = up;
    state.counters["calls_held"] = still_up;
    state.counters["cpu_pct_total"] = 100.0 * cpu / wall;
    state.counters["cpu_pct_per_call"] = up ? 100.0 * cpu / wall / up : 0;
    state.counters["rtp_out_per_call_s"] =
        up ? double(out1 - out0) / wall / up : 0;  // 50 = on time
    state.counters["sipp_ok"] = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    state.counters["rss_mb_per_call"] = up ? (rss1 - rss0) / up : 0;
  }
  siptest::RemoveTree(dir);
}
// Args: calls, adaptive jitter buffer and end of turn (1) or the fixed ones (0).
BENCHMARK(BM_MediaCapacity)
    ->Args({300, 1})
    ->Args({300, 0})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace
}  // namespace kira

BENCHMARK_MAIN();
