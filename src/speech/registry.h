// AsrRegistry / TtsRegistry: create speech engines by implementation name from config, so the
// business config chooses the engine per agent and language ("engine: vosk, url: ws://...").
// Built-in implementations (pocketsphinx, vosk, espeak, flite) are registered on first use of
// Global(); a test can Replace() an entry or build its own registry.
//
//   auto& reg = kira::speech::AsrRegistry::Global();
//   auto asr = reg.Create({.name = "en", .engine = "pocketsphinx"});     // Result<unique_ptr<>>
//   reg.Register("mine", factory);     // Conflict if "mine" already exists
//
//   // A set of named engine instances from config; duplicate instance names are rejected:
//   kira::speech::SpeechEngines engines;
//   KIRA_RETURN_IF_ERROR(engines.AddAsr({.name = "ru", .engine = "vosk",
//                                        .params = {{"url", "ws://127.0.0.1:2700"}}}));
//   kira::speech::AsrEngine* ru = engines.asr("ru");   // nullptr if not configured
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "speech/asr.h"
#include "speech/tts.h"

namespace kira::speech {

template <typename Engine>
class EngineRegistry {
 public:
  using Factory = std::function<Result<std::unique_ptr<Engine>>(const EngineConfig&)>;

  // Conflict if `engine` is already registered.
  Status Register(const std::string& engine, Factory f);
  // Registers or overwrites (tests).
  void Replace(const std::string& engine, Factory f);
  // NotFound (listing the known engines) for an unknown cfg.engine.
  Result<std::unique_ptr<Engine>> Create(const EngineConfig& cfg) const;
  std::vector<std::string> Names() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, Factory> factories_;
};

struct AsrRegistry {
  // With pocketsphinx and vosk registered.
  static EngineRegistry<AsrEngine>& Global();
};
struct TtsRegistry {
  // With espeak and flite registered.
  static EngineRegistry<TtsEngine>& Global();
};

// Named engine instances built from config.
class SpeechEngines {
 public:
  // Conflict if an ASR instance with cfg.name exists; errors from the factory are returned
  // prefixed with the instance name.
  Status AddAsr(const EngineConfig& cfg);
  Status AddTts(const EngineConfig& cfg);
  // Takes an engine built elsewhere (tests); Conflict on a duplicate name.
  Status AddAsr(const std::string& name, std::unique_ptr<AsrEngine> e);
  Status AddTts(const std::string& name, std::unique_ptr<TtsEngine> e);
  AsrEngine* asr(const std::string& name) const;
  TtsEngine* tts(const std::string& name) const;

 private:
  std::map<std::string, std::unique_ptr<AsrEngine>> asr_;
  std::map<std::string, std::unique_ptr<TtsEngine>> tts_;
};

}  // namespace kira::speech
