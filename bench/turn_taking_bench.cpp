// BM_TurnTakingSet (issue 15): the turn-taking set (tests/turn_taking/<lang>.yaml: utterances
// with pauses in the middle, hesitations and trailing fillers) spoken one utterance per turn
// into Kira over real SIP/RTP; the scripted dialog "asks" what each item says it follows.
// English: flite speaks, pocketsphinx recognises. Russian: espeak-ng speaks; there is no Russian
// recogniser here, so Kira's Vosk client talks to the Vosk test server in its spoken mode, fed
// the parts' texts and lengths: it hears each voiced stretch of the audio as the next part.
// Reports cut-offs (Kira took the turn in a pause and the caller went on: counted by the
// pipeline), turns taken (more than the utterances = utterances split), the end-of-turn wait
// and the voice-to-voice latency, server side and caller side.
// Args: adaptive end of turn (1) or the fixed 600 ms wait (0); language (0 = en, 1 = ru).
#include <benchmark/benchmark.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>

#include "core/log.h"
#include "media/audio.h"
#include "media/wav.h"
#include "peer_util.h"
#include "scripted_session.h"
#include "speech/testing/vosk_test_server.h"
#include "voice/phone_service.h"

namespace kira {
namespace {

struct Item {
  dialog::Expect after = dialog::Expect::kNone;
  std::string text;                                // the whole utterance, for the grammar
  media::Pcm audio;                                // parts and pauses
  std::vector<speech::testing::SpokenPart> parts;  // the spoken parts and their lengths
};

// `text` spoken in `lang` (flite for English, espeak-ng for Russian) as 8 kHz mono S16.
Status Speak(const std::string& lang, const std::string& text, const std::string& wav) {
  if (lang == "en") return siptest::MakeSpeechWav(text, wav, 0.0, 0.0);
  const std::string raw = wav + ".espeak.wav";
  KIRA_RETURN_IF_ERROR(
      siptest::RunCommand("espeak-ng -v " + lang + " -w '" + raw + "' \"" + text + "\""));
  KIRA_RETURN_IF_ERROR(siptest::RunCommand("sox '" + raw + "' -r 8000 -c 1 -b 16 " +
                                           "-e signed-integer '" + wav + "'"));
  std::remove(raw.c_str());
  return Status::Ok();
}

int64_t Ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct SetResults {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::vector<int64_t> wire_ms;
  int no_reply = 0;
};

// Says item i once Kira has answered item i-1 and been quiet for 800 ms (moves on after 4 s of
// silence when no answer comes); sets what Kira "asked" before each item.
class SetCaller : public telephony::CallHandler {
 public:
  SetCaller(const std::vector<Item>* items, std::shared_ptr<std::atomic<dialog::Expect>> pending,
            std::shared_ptr<SetResults> r)
      : items_(items), pending_(std::move(pending)), r_(std::move(r)) {}
  void OnStart(const telephony::CallInfo&, std::shared_ptr<telephony::CallControl> c) override {
    control_ = c;
  }
  void OnFrame(const int16_t* heard, const int16_t* sent, size_t n) override {
    const bool loud = media::RmsDbfs(std::span<const int16_t>(heard, n)) > -35;
    if (sent) {
      quiet_ms_ = 0;
      said_end_ms_ = Ms();
      waiting_ = true;
      return;
    }
    if (loud) {
      if (waiting_) {
        std::lock_guard<std::mutex> l(r_->mu);
        r_->wire_ms.push_back(Ms() - said_end_ms_);
        waiting_ = false;
      }
      kira_spoke_ = true;
      quiet_ms_ = 0;
      return;
    }
    quiet_ms_ += 20;
    const bool next = (kira_spoke_ && quiet_ms_ >= 800) || (waiting_ && quiet_ms_ >= 4000);
    if (next && next_ < items_->size()) {
      if (waiting_) {
        std::lock_guard<std::mutex> l(r_->mu);
        ++r_->no_reply;
      }
      *pending_ = (*items_)[next_].after;
      control_->Play((*items_)[next_++].audio);
      kira_spoke_ = waiting_ = false;
    } else if (next_ >= items_->size() && quiet_ms_ >= 2000 && !hung_up_) {
      hung_up_ = true;
      control_->Hangup("set done");
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
  const std::vector<Item>* items_;
  std::shared_ptr<std::atomic<dialog::Expect>> pending_;
  std::shared_ptr<SetResults> r_;
  std::shared_ptr<telephony::CallControl> control_;
  size_t next_ = 0;
  int quiet_ms_ = 0;
  bool kira_spoke_ = false, waiting_ = false, hung_up_ = false;
  int64_t said_end_ms_ = 0;
};

Status LoadSet(const std::string& lang, const std::string& path, const std::string& dir,
               std::vector<Item>* items) {
  YAML::Node root = YAML::LoadFile(path);
  int n = 0;
  for (const auto& it : root) {
    Item item;
    auto e = dialog::ParseExpect(it["after"].as<std::string>());
    if (!e) return Status::Invalid(path + ": unknown after: " + it["after"].as<std::string>());
    item.after = *e;
    for (const auto& part : it["say"]) {
      const std::string v = part.as<std::string>();
      if (!v.empty() && std::isdigit(static_cast<unsigned char>(v[0]))) {
        const media::Pcm pause = media::Silence(size_t(std::stoi(v)) * 8);
        item.audio.insert(item.audio.end(), pause.begin(), pause.end());
        continue;
      }
      const std::string wav = dir + "/" + std::to_string(n++) + ".wav";
      KIRA_RETURN_IF_ERROR(Speak(lang, v, wav));
      auto w = media::ReadWav(wav);
      if (!w.ok()) return w.status();
      // The synthesisers pad each part with silence: trim it (keeping 20 ms), so the pauses
      // between parts are the ones the set names.
      const media::Pcm pcm = w->Channel(0);
      size_t b = 0, e = pcm.size();
      while (b < e && std::abs(pcm[b]) < 300) ++b;
      while (e > b && std::abs(pcm[e - 1]) < 300) --e;
      b = b > 160 ? b - 160 : 0;
      e = std::min(pcm.size(), e + 160);
      item.audio.insert(item.audio.end(), pcm.begin() + b, pcm.begin() + e);
      item.parts.push_back({v, int((e - b) / 8)});
      item.text += (item.text.empty() ? "" : " ") + v;
    }
    items->push_back(std::move(item));
  }
  return Status::Ok();
}

void BM_TurnTakingSet(benchmark::State& state) {
  log::SetLevel(getenv("KIRA_BENCH_DEBUG") ? log::Level::kDebug : log::Level::kError);
  const bool adaptive = state.range(0) != 0;
  const std::string lang = state.range(1) == 0 ? "en" : "ru";
  const std::string dir = siptest::MakeTempDir("kira-turnset");
  std::vector<Item> items;
  Status loaded = LoadSet(
      lang, std::string(KIRA_SOURCE_DIR) + "/tests/turn_taking/" + lang + ".yaml", dir, &items);
  if (!loaded.ok()) {
    state.SkipWithError(loaded.ToString().c_str());
    return;
  }
  state.SetLabel(lang + (adaptive ? " adaptive" : " fixed 600 ms"));
  for (auto _ : state) {
    voice::PhoneService kira;
    voice::PhoneConfig cfg;
    cfg.sip.listen = "127.0.0.1:" + std::to_string(siptest::FreePort());
    cfg.sip.rtp_port_min = 47000;
    cfg.sip.rtp_port_max = 47999;
    speech::testing::VoskTestServer vosk;
    if (lang == "en") {
      cfg.asr = {{"en", "pocketsphinx", {}}};
      cfg.tts = {{"en", "flite", {{"voice", "kal"}}}};
    } else {
      std::vector<speech::testing::SpokenPart> parts;
      for (const Item& i : items) parts.insert(parts.end(), i.parts.begin(), i.parts.end());
      vosk.ScriptSpoken(std::move(parts));
      if (Status v = vosk.Start(); !v.ok()) {
        state.SkipWithError(v.ToString().c_str());
        return;
      }
      cfg.asr = {{lang, "vosk", {{"url", vosk.url()}}}};
      cfg.tts = {{lang, "espeak", {}}};
    }
    cfg.voice.silence_reprompt_ms = 60000;
    cfg.voice.adaptive_end_of_turn = adaptive;
    cfg.workers = 2;
    auto log = std::make_shared<siptest::SessionLog>();
    auto pending = std::make_shared<std::atomic<dialog::Expect>>(dialog::Expect::kNone);
    siptest::Script script;
    script.language = lang;
    script.greeting = lang == "en" ? "Hello." : "Здравствуйте.";
    script.answer = lang == "en" ? "Okay." : "Хорошо.";
    script.pending_now = pending;
    script.phrases.clear();
    for (const Item& i : items) script.phrases.push_back(i.text);
    Status st = kira.Start(cfg, [&](const std::string&, const std::string&, const std::string&) {
      return std::make_unique<siptest::ScriptedSession>(log, script);
    });
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      return;
    }
    telephony::SipEndpoint caller;
    (void)caller.Start(siptest::LoopbackSipConfig(48000, 48999), nullptr);
    auto results = std::make_shared<SetResults>();
    (void)caller.Originate("sip:kira@" + cfg.sip.listen, "+15550177",
                           std::make_unique<SetCaller>(&items, pending, results), nullptr);
    {
      std::unique_lock<std::mutex> l(results->mu);
      results->cv.wait_for(l, std::chrono::seconds(60 + 10 * items.size()),
                           [&] { return results->done; });
    }
    caller.Stop();
    kira.Stop();

    using voice::LatencyLog;
    auto speech = kira.latency().Turns("speech");
    auto unheard = kira.latency().Turns("unheard");
    std::vector<int64_t> total, wait;
    for (const auto& t : speech) {
      total.push_back(t.total_ms);
      wait.push_back(t.endpoint_wait_ms);
    }
    const int cutoffs = kira.latency().cutoffs();
    state.counters["utterances"] = double(items.size());
    state.counters["turns"] = double(speech.size() + unheard.size());
    state.counters["unheard"] = double(unheard.size());
    state.counters["cutoffs"] = cutoffs;
    state.counters["cutoff_pct"] = 100.0 * cutoffs / double(items.size());
    state.counters["p50_endpoint_ms"] = double(LatencyLog::Percentile(wait, 50));
    state.counters["p95_endpoint_ms"] = double(LatencyLog::Percentile(wait, 95));
    state.counters["p50_total_ms"] = double(LatencyLog::Percentile(total, 50));
    state.counters["p95_total_ms"] = double(LatencyLog::Percentile(total, 95));
    std::lock_guard<std::mutex> l(results->mu);
    state.counters["p50_wire_ms"] = double(LatencyLog::Percentile(results->wire_ms, 50));
    state.counters["p95_wire_ms"] = double(LatencyLog::Percentile(results->wire_ms, 95));
    state.counters["no_reply"] = results->no_reply;
    if (lang != "en") state.counters["parts_unheard"] = double(vosk.SpokenPartsLeft());
  }
  siptest::RemoveTree(dir);
}
BENCHMARK(BM_TurnTakingSet)
    ->Args({1, 0})
    ->Args({0, 0})
    ->Args({1, 1})
    ->Args({0, 1})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace
}  // namespace kira
