#include "media/vad.h"

#include <webrtc/modules/audio_processing/include/audio_processing.h>
#include <webrtc/modules/interface/module_common_types.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "media/audio.h"

namespace kira::media {
namespace {

bool ValidFrame(size_t n, int rate) {
  return n == SamplesFor(rate, 10) || n == SamplesFor(rate, 20) || n == SamplesFor(rate, 30);
}

// Noise floor tracker shared by both engines: follows quiet frames quickly, loud ones slowly,
// so it settles on the background level between words.
class NoiseFloor {
 public:
  void Update(double level, bool speech) {
    if (level < floor_) {
      floor_ = 0.7 * floor_ + 0.3 * level;
    } else if (!speech) {
      floor_ = std::min(floor_ + 0.1 * (level - floor_), floor_ + 0.5);
    } else {
      floor_ += 0.02;  // a very slow drift up even during speech (stationary loud noise)
    }
    floor_ = std::max(floor_, kSilenceDbfs);
  }
  double floor() const { return floor_; }
  void Reset() { floor_ = -60.0; }

 private:
  double floor_ = -60.0;
};

class EnergyVad : public Vad {
 public:
  explicit EnergyVad(VadConfig cfg) : cfg_(std::move(cfg)) {}
  VadDecision Process(std::span<const int16_t> frame) override {
    VadDecision d;
    if (!ValidFrame(frame.size(), cfg_.sample_rate)) return d;
    d.level_dbfs = RmsDbfs(frame);
    double over = d.level_dbfs - noise_.floor() - cfg_.energy_margin_db;
    float raw = float(1.0 / (1.0 + std::exp(-over / 2.0)));
    prob_ = 0.5f * prob_ + 0.5f * raw;
    d.probability = prob_;
    d.speech = over > 0 && d.level_dbfs >= cfg_.min_level_dbfs;
    noise_.Update(d.level_dbfs, d.speech);
    return d;
  }
  void Reset() override {
    noise_.Reset();
    prob_ = 0;
  }
  std::string_view name() const override { return "energy"; }

 private:
  VadConfig cfg_;
  NoiseFloor noise_;
  float prob_ = 0;
};

// WebRTC's GMM VAD through AudioProcessing (the only VAD entry point the 0.3 package exports).
// Only voice detection is enabled; the frame is processed in 10 ms pieces (APM's unit).
class WebRtcVad : public Vad {
 public:
  WebRtcVad(VadConfig cfg, webrtc::AudioProcessing* apm) : cfg_(std::move(cfg)), apm_(apm) {}
  ~WebRtcVad() override { delete apm_; }

  VadDecision Process(std::span<const int16_t> frame) override {
    VadDecision d;
    if (!ValidFrame(frame.size(), cfg_.sample_rate)) return d;
    d.level_dbfs = RmsDbfs(frame);
    size_t sub = SamplesFor(cfg_.sample_rate, 10);
    int voiced = 0, pieces = 0;
    for (size_t off = 0; off + sub <= frame.size(); off += sub) {
      frame_.UpdateFrame(0, 0, frame.data() + off, sub, cfg_.sample_rate,
                         webrtc::AudioFrame::kNormalSpeech, webrtc::AudioFrame::kVadUnknown, 1);
      if (apm_->ProcessStream(&frame_) == webrtc::AudioProcessing::kNoError &&
          apm_->voice_detection()->stream_has_voice())
        ++voiced;
      ++pieces;
    }
    float raw = pieces ? float(voiced) / float(pieces) : 0.f;
    prob_ = 0.5f * prob_ + 0.5f * raw;
    d.probability = prob_;
    d.speech = raw >= 0.5f && d.level_dbfs >= cfg_.min_level_dbfs;
    return d;
  }
  void Reset() override {
    apm_->Initialize();
    prob_ = 0;
  }
  std::string_view name() const override { return "webrtc"; }

 private:
  VadConfig cfg_;
  webrtc::AudioProcessing* apm_;
  webrtc::AudioFrame frame_;
  float prob_ = 0;
};

}  // namespace

Result<std::unique_ptr<Vad>> CreateVad(const VadConfig& cfg) {
  if (cfg.sample_rate != 8000 && cfg.sample_rate != 16000)
    return Status::Invalid("vad: sample_rate must be 8000 or 16000, got " +
                           std::to_string(cfg.sample_rate));
  if (cfg.engine == "energy") return std::unique_ptr<Vad>(new EnergyVad(cfg));
  if (cfg.engine != "webrtc")
    return Status::Invalid("vad: unknown engine '" + cfg.engine + "' (use webrtc or energy)");
  if (cfg.aggressiveness < 0 || cfg.aggressiveness > 3)
    return Status::Invalid("vad: aggressiveness must be 0..3, got " +
                           std::to_string(cfg.aggressiveness));
  webrtc::AudioProcessing* apm = webrtc::AudioProcessing::Create();
  if (!apm) return Status::Internal("vad: webrtc AudioProcessing::Create failed");
  std::unique_ptr<WebRtcVad> vad(new WebRtcVad(cfg, apm));
  webrtc::ProcessingConfig pc = {
      {webrtc::StreamConfig(cfg.sample_rate, 1), webrtc::StreamConfig(cfg.sample_rate, 1),
       webrtc::StreamConfig(cfg.sample_rate, 1), webrtc::StreamConfig(cfg.sample_rate, 1)}};
  if (apm->Initialize(pc) != webrtc::AudioProcessing::kNoError)
    return Status::Internal("vad: webrtc AudioProcessing::Initialize failed");
  // Aggressiveness 0..3 maps to likelihood high..very low (fewer frames declared voice).
  static const webrtc::VoiceDetection::Likelihood kLikelihood[] = {
      webrtc::VoiceDetection::kHighLikelihood, webrtc::VoiceDetection::kModerateLikelihood,
      webrtc::VoiceDetection::kLowLikelihood, webrtc::VoiceDetection::kVeryLowLikelihood};
  auto* vd = apm->voice_detection();
  if (vd->Enable(true) != 0 || vd->set_likelihood(kLikelihood[cfg.aggressiveness]) != 0 ||
      vd->set_frame_size_ms(10) != 0)
    return Status::Internal("vad: cannot configure webrtc voice detection");
  return std::unique_ptr<Vad>(std::move(vad));
}

}  // namespace kira::media
