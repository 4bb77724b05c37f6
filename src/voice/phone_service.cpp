#include "voice/phone_service.h"

#include <thread>

#include "core/log.h"

namespace kira::voice {

PhoneService::PhoneService() = default;
PhoneService::~PhoneService() { Stop(); }

PipelineDeps PhoneService::Deps() {
  PipelineDeps d;
  d.asr = [this](const std::string& lang) { return engines_.asr(lang); };
  d.tts = [this](const std::string& lang) { return engines_.tts(lang); };
  d.end_of_turn = [this](const std::string& lang) -> const EndOfTurnRules* {
    auto it = end_of_turn_.find(lang);
    return it == end_of_turn_.end() ? nullptr : &it->second;
  };
  d.cache = cache_.get();
  d.latency = &latency_;
  d.on_finished = on_finished_;
  return d;
}

Status PhoneService::Start(const PhoneConfig& cfg, SessionFactory sessions) {
  if (started_) return Status::Conflict("phone service already started");
  cfg_ = cfg;
  sessions_ = std::move(sessions);
  bool have_ru_asr = false;
  for (const auto& e : cfg_.asr) have_ru_asr |= e.name == "ru";
  if (!cfg_.vosk_url.empty() && !have_ru_asr)
    cfg_.asr.push_back({"ru", "vosk", {{"url", cfg_.vosk_url}}});
  for (const auto& e : cfg_.asr) {
    Status st = engines_.AddAsr(e);
    if (!st.ok()) {
      warnings_.push_back("ASR '" + e.name + "' (" + e.engine + "): " + st.message());
      log::Warn("phone", warnings_.back());
    }
  }
  for (const auto& e : cfg_.tts) {
    Status st = engines_.AddTts(e);
    if (!st.ok()) {
      warnings_.push_back("TTS '" + e.name + "' (" + e.engine + "): " + st.message());
      log::Warn("phone", warnings_.back());
    }
  }
  if (cfg_.voice.adaptive_end_of_turn) {
    for (const auto& e : cfg_.asr) {
      if (end_of_turn_.count(e.name)) continue;
      auto rules = LoadEndOfTurnRules(e.name, cfg_.shop_dir);
      if (!rules.ok()) return rules.status().WithContext("turn taking");
      end_of_turn_.emplace(e.name, std::move(rules).value());
    }
  }
  if (!cfg_.data_dir.empty() && cfg_.voice.recordings_dir.empty())
    cfg_.voice.recordings_dir = cfg_.data_dir + "/recordings";
  cfg_.voice.jitter_ms = cfg_.sip.jitter_ms;
  cache_ = std::make_unique<speech::PromptCache>(cfg_.prompt_cache_bytes);
  int workers =
      cfg_.workers > 0 ? cfg_.workers : static_cast<int>(std::thread::hardware_concurrency());
  pool_ = std::make_unique<WorkerPool>(std::max(workers, 1));

  PipelineDeps base = Deps();
  SessionFactory make = sessions_;
  const VoiceConfig vcfg = cfg_.voice;
  WorkerPool* pool = pool_.get();
  Status st = endpoint_.Start(cfg_.sip, [base, make, vcfg, pool](const telephony::CallInfo&) {
    PipelineDeps d = base;
    d.make_session = [make](const telephony::CallInfo& info) {
      return make ? make(info.caller, info.called, "phone") : nullptr;
    };
    return std::make_unique<CallPipeline>(vcfg, d, pool->MakeStrand());
  });
  if (!st.ok()) {
    pool_.reset();
    return st;
  }
  started_ = true;
  return Status::Ok();
}

void PhoneService::Stop() {
  if (!started_) return;
  endpoint_.Stop();
  pool_.reset();  // runs the sessions' Finish() jobs, then joins
  started_ = false;
}

Status PhoneService::Originate(
    const std::string& target, const std::string& caller_id,
    std::unique_ptr<dialog::DialogSession> session, telephony::OriginateDone done,
    std::function<void(const dialog::EndInfo&)> finished,
    std::function<void(AmdVerdict, const media::GreetingFeatures&)> on_greeting) {
  if (!started_) return Status::Unavailable("phone service is not running");
  PipelineDeps d = Deps();
  d.on_greeting = std::move(on_greeting);
  if (finished) {
    auto global = d.on_finished;
    d.on_finished = [global, finished](const telephony::CallInfo& info, const dialog::EndInfo& e) {
      if (global) global(info, e);
      finished(e);
    };
  }
  auto holder = std::make_shared<std::unique_ptr<dialog::DialogSession>>(std::move(session));
  d.make_session = [holder](const telephony::CallInfo&) { return std::move(*holder); };
  auto pipeline = std::make_unique<CallPipeline>(cfg_.voice, d, pool_->MakeStrand());
  return endpoint_.Originate(target, caller_id, std::move(pipeline), std::move(done));
}

}  // namespace kira::voice
