#include "speech/espeak_tts.h"

#include <espeak-ng/speak_lib.h>

#include <cctype>
#include <mutex>
#include <string>

#include "media/resampler.h"

namespace kira::speech {
namespace {

// espeak-ng is a process-wide singleton with global state: one initialisation, one mutex
// around every use, and the voice/rate re-selected on each call (engines may differ).
std::mutex& EspeakMutex() {
  static std::mutex mu;
  return mu;
}

int g_rate = 0;  // guarded by EspeakMutex(); 0 = not initialised, -1 = failed

int OnSynth(short* wav, int n, espeak_EVENT* events) {
  auto* out = static_cast<media::Pcm*>(events ? events->user_data : nullptr);
  if (out && wav && n > 0) out->insert(out->end(), wav, wav + n);
  return 0;
}

int InitLocked() {
  if (g_rate == 0) {
    int r = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 200, nullptr, 0);
    g_rate = r > 0 ? r : -1;
    if (r > 0) espeak_SetSynthCallback(&OnSynth);
  }
  return g_rate;
}

}  // namespace

Result<std::unique_ptr<EspeakTts>> EspeakTts::Create(const EspeakConfig& cfg) {
  std::lock_guard<std::mutex> lock(EspeakMutex());
  int rate = InitLocked();
  if (rate <= 0) return Status::Unavailable("espeak-ng: initialisation failed (espeak-ng-data?)");
  if (espeak_SetVoiceByName(cfg.voice.c_str()) != EE_OK)
    return Status::Invalid("espeak-ng: unknown voice '" + cfg.voice + "' (try ru, en, en-us)");
  if (cfg.rate_wpm < 80 || cfg.rate_wpm > 450)
    return Status::Invalid("espeak-ng: rate_wpm must be 80..450, got " +
                           std::to_string(cfg.rate_wpm));
  return std::unique_ptr<EspeakTts>(new EspeakTts(cfg, rate));
}

Result<std::unique_ptr<TtsEngine>> EspeakTts::FromConfig(const EngineConfig& cfg) {
  EspeakConfig c;
  c.voice = cfg.Param("voice", cfg.Param("language", "ru"));
  try {
    c.rate_wpm = std::stoi(cfg.Param("rate_wpm", "165"));
    c.pitch = std::stoi(cfg.Param("pitch", "50"));
  } catch (...) {
    return Status::Invalid("espeak: rate_wpm and pitch must be numbers");
  }
  KIRA_ASSIGN_OR_RETURN(auto e, Create(c));
  return std::unique_ptr<TtsEngine>(std::move(e));
}

std::string EspeakTts::language() const {
  std::string v = cfg_.voice;
  size_t dash = v.find_first_of("-_+");
  return dash == std::string::npos ? v : v.substr(0, dash);
}

Result<media::Audio> EspeakTts::Synthesize(std::string_view text, int rate) {
  media::Audio out{rate, {}};
  bool blank = true;
  for (char c : text) blank = blank && std::isspace(static_cast<unsigned char>(c));
  if (blank) return out;
  std::string z(text);  // espeak wants a NUL-terminated string
  media::Pcm native;
  {
    std::lock_guard<std::mutex> lock(EspeakMutex());
    if (espeak_SetVoiceByName(cfg_.voice.c_str()) != EE_OK)
      return Status::Internal("espeak-ng: cannot select voice " + cfg_.voice);
    espeak_SetParameter(espeakRATE, cfg_.rate_wpm, 0);
    espeak_SetParameter(espeakPITCH, cfg_.pitch, 0);
    espeak_ERROR err = espeak_Synth(z.c_str(), z.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8,
                                    nullptr, &native);
    if (err != EE_OK)
      return Status::Internal("espeak-ng: synthesis failed (" + std::to_string(int(err)) + ")");
  }
  if (native.empty()) return out;
  if (rate == native_rate_) {
    out.samples = std::move(native);
    return out;
  }
  KIRA_ASSIGN_OR_RETURN(out.samples, media::Resample(native, native_rate_, rate));
  return out;
}

}  // namespace kira::speech
