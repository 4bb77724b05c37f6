// FliteTts: CMU flite in-process, English. Voices: "kal" (diphone, native 8 kHz — telephone
// rate, no resampling) and "slt" (female, 16 kHz, more natural). flite's voice objects are
// registered once per process; synthesis is serialised with a mutex (flite's lexicon and
// feature caches are shared).
//
//   auto tts = kira::speech::FliteTts::Create({.voice = "slt"});
//   auto a = (*tts)->Synthesize("The grey tile costs twelve ninety.", 8000);
//
// Config params: voice ("kal" | "slt").
#pragma once

#include <memory>
#include <string>

#include "speech/tts.h"

namespace kira::speech {

struct FliteConfig {
  std::string voice = "kal";
};

class FliteTts : public TtsEngine {
 public:
  static Result<std::unique_ptr<FliteTts>> Create(const FliteConfig& cfg);
  static Result<std::unique_ptr<TtsEngine>> FromConfig(const EngineConfig& cfg);

  Result<media::Audio> Synthesize(std::string_view text, int rate = 8000) override;
  std::string_view name() const override { return "flite"; }
  std::string voice() const override { return cfg_.voice; }
  std::string language() const override { return "en"; }
  int native_sample_rate() const override { return native_rate_; }

 private:
  FliteTts(FliteConfig cfg, void* voice, int native_rate)
      : cfg_(std::move(cfg)), voice_(voice), native_rate_(native_rate) {}
  FliteConfig cfg_;
  void* voice_;  // cst_voice*, owned by the process-wide registry
  int native_rate_;
};

}  // namespace kira::speech
