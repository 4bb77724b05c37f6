#include "speech/flite_tts.h"

#include <flite/flite.h>

#include <cctype>
#include <map>
#include <mutex>

#include "media/resampler.h"

extern "C" {
cst_voice* register_cmu_us_kal(const char* voxdir);
cst_voice* register_cmu_us_slt(const char* voxdir);
}

namespace kira::speech {
namespace {

std::mutex& FliteMutex() {
  static std::mutex mu;
  return mu;
}

// Voices are registered once per process and never freed (flite keeps global references).
cst_voice* VoiceLocked(const std::string& name) {
  static bool inited = false;
  static std::map<std::string, cst_voice*> voices;
  if (!inited) {
    flite_init();
    inited = true;
  }
  auto it = voices.find(name);
  if (it != voices.end()) return it->second;
  cst_voice* v = nullptr;
  if (name == "kal")
    v = register_cmu_us_kal(nullptr);
  else if (name == "slt")
    v = register_cmu_us_slt(nullptr);
  if (v) voices[name] = v;
  return v;
}

}  // namespace

Result<std::unique_ptr<FliteTts>> FliteTts::Create(const FliteConfig& cfg) {
  std::lock_guard<std::mutex> lock(FliteMutex());
  cst_voice* v = VoiceLocked(cfg.voice);
  if (!v) return Status::Invalid("flite: unknown voice '" + cfg.voice + "' (use kal or slt)");
  // Native rate: synthesise a word once (the voice's rate is only known from a wave).
  cst_wave* w = flite_text_to_wave("a", v);
  if (!w) return Status::Internal("flite: voice " + cfg.voice + " produced no audio");
  int rate = w->sample_rate;
  delete_wave(w);
  return std::unique_ptr<FliteTts>(new FliteTts(cfg, v, rate));
}

Result<std::unique_ptr<TtsEngine>> FliteTts::FromConfig(const EngineConfig& cfg) {
  KIRA_ASSIGN_OR_RETURN(auto e, Create(FliteConfig{cfg.Param("voice", "kal")}));
  return std::unique_ptr<TtsEngine>(std::move(e));
}

Result<media::Audio> FliteTts::Synthesize(std::string_view text, int rate) {
  media::Audio out{rate, {}};
  bool blank = true;
  for (char c : text) blank = blank && std::isspace(static_cast<unsigned char>(c));
  if (blank) return out;
  std::string z(text);
  media::Pcm native;
  int native_rate = native_rate_;
  {
    std::lock_guard<std::mutex> lock(FliteMutex());
    cst_wave* w = flite_text_to_wave(z.c_str(), static_cast<cst_voice*>(voice_));
    if (!w) return Status::Internal("flite: synthesis failed");
    native.assign(w->samples, w->samples + w->num_samples);
    native_rate = w->sample_rate;
    delete_wave(w);
  }
  if (native.empty()) return out;
  if (rate == native_rate) {
    out.samples = std::move(native);
    return out;
  }
  KIRA_ASSIGN_OR_RETURN(out.samples, media::Resample(native, native_rate, rate));
  return out;
}

}  // namespace kira::speech
