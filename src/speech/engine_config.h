// EngineConfig: how config names a speech engine instance — its unique name, the
// implementation ("pocketsphinx", "vosk", "espeak", "flite") and free-form string params.
//
//   kira::speech::EngineConfig cfg{.name = "ru", .engine = "vosk",
//                                  .params = {{"url", "ws://127.0.0.1:2700"}}};
//   std::string url = cfg.Param("url");           // "" if absent
#pragma once

#include <map>
#include <string>

namespace kira::speech {

// Engine settings from config (`speech.asr[]` entries): name, engine type, free-form params
// (e.g. {"url": "ws://127.0.0.1:2700"}, {"model_dir": "/usr/share/pocketsphinx/model/en-us"}).
struct EngineConfig {
  std::string name = {};    // unique instance name, e.g. "en" or "ru-vosk"
  std::string engine = {};  // implementation: "pocketsphinx", "vosk", "espeak", "flite"
  std::map<std::string, std::string> params = {};
  std::string Param(const std::string& key, const std::string& def = "") const {
    auto it = params.find(key);
    return it == params.end() ? def : it->second;
  }
};

}  // namespace kira::speech
