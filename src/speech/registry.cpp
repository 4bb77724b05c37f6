#include "speech/registry.h"

#include "speech/espeak_tts.h"
#include "speech/flite_tts.h"
#include "speech/pocketsphinx_asr.h"
#include "speech/vosk_asr.h"

namespace kira::speech {

template <typename Engine>
Status EngineRegistry<Engine>::Register(const std::string& engine, Factory f) {
  std::lock_guard<std::mutex> lock(mu_);
  if (engine.empty()) return Status::Invalid("speech engine registry: empty engine name");
  if (!factories_.emplace(engine, std::move(f)).second)
    return Status::Conflict("speech engine '" + engine + "' is already registered");
  return Status::Ok();
}

template <typename Engine>
void EngineRegistry<Engine>::Replace(const std::string& engine, Factory f) {
  std::lock_guard<std::mutex> lock(mu_);
  factories_[engine] = std::move(f);
}

template <typename Engine>
std::vector<std::string> EngineRegistry<Engine>::Names() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, f] : factories_) out.push_back(name);
  return out;
}

template <typename Engine>
Result<std::unique_ptr<Engine>> EngineRegistry<Engine>::Create(const EngineConfig& cfg) const {
  Factory f;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = factories_.find(cfg.engine);
    if (it == factories_.end()) {
      std::string known;
      for (const auto& [name, fn] : factories_) known += (known.empty() ? "" : ", ") + name;
      return Status::NotFound("speech engine '" + cfg.engine + "' (for '" + cfg.name +
                              "') is unknown; known: " + known);
    }
    f = it->second;
  }
  return f(cfg);  // outside the lock: engines may take a while to load
}

template class EngineRegistry<AsrEngine>;
template class EngineRegistry<TtsEngine>;

EngineRegistry<AsrEngine>& AsrRegistry::Global() {
  static EngineRegistry<AsrEngine>* reg = [] {
    auto* r = new EngineRegistry<AsrEngine>();
    // Distinct built-in names in a new registry: Register cannot conflict.
    (void)r->Register("pocketsphinx", &PocketsphinxAsr::FromConfig);
    (void)r->Register("vosk", &VoskAsr::FromConfig);
    return r;
  }();
  return *reg;
}

EngineRegistry<TtsEngine>& TtsRegistry::Global() {
  static EngineRegistry<TtsEngine>* reg = [] {
    auto* r = new EngineRegistry<TtsEngine>();
    // Distinct built-in names in a new registry: Register cannot conflict.
    (void)r->Register("espeak", &EspeakTts::FromConfig);
    (void)r->Register("flite", &FliteTts::FromConfig);
    return r;
  }();
  return *reg;
}

Status SpeechEngines::AddAsr(const EngineConfig& cfg) {
  if (asr_.count(cfg.name))
    return Status::Conflict("ASR engine name '" + cfg.name + "' is used twice");
  auto e = AsrRegistry::Global().Create(cfg);
  if (!e.ok()) return e.status().WithContext("ASR engine '" + cfg.name + "'");
  return AddAsr(cfg.name, std::move(e).value());
}

Status SpeechEngines::AddTts(const EngineConfig& cfg) {
  if (tts_.count(cfg.name))
    return Status::Conflict("TTS engine name '" + cfg.name + "' is used twice");
  auto e = TtsRegistry::Global().Create(cfg);
  if (!e.ok()) return e.status().WithContext("TTS engine '" + cfg.name + "'");
  return AddTts(cfg.name, std::move(e).value());
}

Status SpeechEngines::AddAsr(const std::string& name, std::unique_ptr<AsrEngine> e) {
  if (name.empty()) return Status::Invalid("ASR engine: empty name");
  if (!asr_.emplace(name, std::move(e)).second)
    return Status::Conflict("ASR engine name '" + name + "' is used twice");
  return Status::Ok();
}

Status SpeechEngines::AddTts(const std::string& name, std::unique_ptr<TtsEngine> e) {
  if (name.empty()) return Status::Invalid("TTS engine: empty name");
  if (!tts_.emplace(name, std::move(e)).second)
    return Status::Conflict("TTS engine name '" + name + "' is used twice");
  return Status::Ok();
}

AsrEngine* SpeechEngines::asr(const std::string& name) const {
  auto it = asr_.find(name);
  return it == asr_.end() ? nullptr : it->second.get();
}

TtsEngine* SpeechEngines::tts(const std::string& name) const {
  auto it = tts_.find(name);
  return it == tts_.end() ? nullptr : it->second.get();
}

}  // namespace kira::speech
