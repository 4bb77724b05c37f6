// EspeakTts: espeak-ng in-process (Russian and English; reads Russian numbers correctly; RTF
// ~0.002). espeak-ng keeps global state and is not reentrant: all engines in the process share
// one library instance guarded by a mutex, and each call selects its own voice/rate, so several
// EspeakTts objects (ru, en) can coexist and be called from any thread.
//
//   auto tts = kira::speech::EspeakTts::Create({.voice = "ru"});
//   auto a = (*tts)->Synthesize("Добрый день!", 8000);    // resampled from 22050 Hz
//
// Config params: voice ("ru", "en", "en-us"...), rate_wpm (default 165), pitch (0-100).
#pragma once

#include <memory>
#include <string>

#include "speech/tts.h"

namespace kira::speech {

struct EspeakConfig {
  std::string voice = "ru";
  int rate_wpm = 165;
  int pitch = 50;
};

class EspeakTts : public TtsEngine {
 public:
  static Result<std::unique_ptr<EspeakTts>> Create(const EspeakConfig& cfg);
  static Result<std::unique_ptr<TtsEngine>> FromConfig(const EngineConfig& cfg);

  Result<media::Audio> Synthesize(std::string_view text, int rate = 8000) override;
  std::string_view name() const override { return "espeak"; }
  std::string voice() const override { return cfg_.voice; }
  std::string language() const override;
  int native_sample_rate() const override { return native_rate_; }

 private:
  EspeakTts(EspeakConfig cfg, int native_rate) : cfg_(std::move(cfg)), native_rate_(native_rate) {}
  EspeakConfig cfg_;
  int native_rate_;
};

}  // namespace kira::speech
