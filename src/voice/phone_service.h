// PhoneService: what `kira serve` starts for the phone channel — the SIP endpoint, the speech
// engines per language, the worker pool and a CallPipeline per call, all from one config.
//
//   voice::PhoneConfig cfg;                      // 127.0.0.1:5080, en = pocketsphinx + flite
//   cfg.data_dir = "./kira-data";                // recordings go to <data_dir>/recordings
//   voice::PhoneService phone;
//   KIRA_RETURN_IF_ERROR(phone.Start(cfg, [&](const std::string& caller,
//                                             const std::string& called,
//                                             const std::string& channel) {
//     return MakeDialogSession(caller, called, channel);   // channel == "phone"
//   }));
//   ...
//   phone.Stop();
//
// The dialer places calls with Originate(); each gets its own DialogSession (Vera).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "dialog/session.h"
#include "speech/registry.h"
#include "telephony/sip_endpoint.h"
#include "voice/call_pipeline.h"
#include "voice/turn_latency.h"

namespace kira::voice {

struct PhoneConfig {
  telephony::SipConfig sip;
  VoiceConfig voice;
  // Engine instances; `name` is the language they serve ("en", "ru").
  std::vector<speech::EngineConfig> asr = {{"en", "pocketsphinx", {}}};
  std::vector<speech::EngineConfig> tts = {{"en", "flite", {{"voice", "kal"}}},
                                           {"ru", "espeak", {{"voice", "ru"}}}};
  // Shortcut: a Vosk server for Russian (adds {"ru", "vosk", {url}} unless "ru" ASR is set).
  std::string vosk_url;
  int workers = 0;  // 0 = one per hardware thread
  size_t prompt_cache_bytes = 32u << 20;
  std::string data_dir;  // recordings in <data_dir>/recordings ("" = none)
  // The shop's folder: its turn_taking/<lang>.yaml override the built-in end-of-turn rules.
  std::string shop_dir;
};

using SessionFactory = std::function<std::unique_ptr<dialog::DialogSession>(
    const std::string& caller, const std::string& called, const std::string& channel)>;

class PhoneService {
 public:
  PhoneService();
  ~PhoneService();  // Stop()s
  PhoneService(const PhoneService&) = delete;
  PhoneService& operator=(const PhoneService&) = delete;

  // Engines that fail to load are reported in warnings() and leave their language without
  // that engine (calls then get OnRecognitionUnavailable); SIP errors and a broken
  // end-of-turn rules file (turn_taking/<lang>.yaml) fail Start.
  Status Start(const PhoneConfig& cfg, SessionFactory sessions);
  void Stop();

  // Outbound call driven by `session` once answered; `done` reports the SIP result;
  // `finished` (optional) gets the session's EndInfo after an answered call ended;
  // `on_greeting` (optional) the audio verdict on who answered (PipelineDeps::on_greeting).
  Status Originate(
      const std::string& target, const std::string& caller_id,
      std::unique_ptr<dialog::DialogSession> session, telephony::OriginateDone done,
      std::function<void(const dialog::EndInfo&)> finished = nullptr,
      std::function<void(AmdVerdict, const media::GreetingFeatures&)> on_greeting = nullptr);

  const std::vector<std::string>& warnings() const { return warnings_; }
  // The config in use (after the vosk_url shortcut) and whether a language's engines loaded:
  // what `kira serve`'s status report says about speech.
  const PhoneConfig& config() const { return cfg_; }
  bool has_asr(const std::string& lang) const { return engines_.asr(lang) != nullptr; }
  bool has_tts(const std::string& lang) const { return engines_.tts(lang) != nullptr; }
  telephony::SipEndpoint& endpoint() { return endpoint_; }
  LatencyLog& latency() { return latency_; }
  // Called (on a worker) after each call's session finished; set before Start.
  void set_on_finished(std::function<void(const telephony::CallInfo&, const dialog::EndInfo&)> f) {
    on_finished_ = std::move(f);
  }

 private:
  PipelineDeps Deps();
  PhoneConfig cfg_;
  SessionFactory sessions_;
  speech::SpeechEngines engines_;
  std::unique_ptr<speech::PromptCache> cache_;
  std::unique_ptr<WorkerPool> pool_;
  telephony::SipEndpoint endpoint_;
  LatencyLog latency_;
  std::map<std::string, EndOfTurnRules> end_of_turn_;  // per language, read at Start
  std::vector<std::string> warnings_;
  std::function<void(const telephony::CallInfo&, const dialog::EndInfo&)> on_finished_;
  bool started_ = false;
};

}  // namespace kira::voice
