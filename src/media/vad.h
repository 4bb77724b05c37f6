// Voice activity detection, frame by frame. Two implementations behind one interface:
// "webrtc" (libwebrtc-audio-processing 0.3, the default) and "energy" (adaptive noise floor,
// no dependency; the fallback). Both take 8/16 kHz mono int16 in frames of 10, 20 or 30 ms.
//
//   kira::media::VadConfig cfg;                     // engine "webrtc", 8 kHz, aggressiveness 2
//   auto vad = kira::media::CreateVad(cfg);         // Result<std::unique_ptr<Vad>>
//   if (!vad.ok()) return vad.status();
//   kira::media::VadDecision d = (*vad)->Process(frame);   // 160 samples = 20 ms
//   if (d.speech) ...;   d.probability in [0,1]; d.level_dbfs is the frame's RMS level
//
// A Vad keeps per-stream state (noise floor, smoothing): one instance per call direction.
// Not thread-safe; cheap to create (one per call is fine).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace kira::media {

struct VadConfig {
  std::string engine = "webrtc";  // "webrtc" | "energy"
  int sample_rate = 8000;         // 8000 or 16000
  // webrtc: 0 (least aggressive, most speech) .. 3 (most aggressive, rejects most noise).
  int aggressiveness = 2;
  // Frames quieter than this are never speech, whatever the engine says (line noise, echo tail).
  double min_level_dbfs = -50.0;
  // energy engine: speech when the level is this many dB above the tracked noise floor.
  double energy_margin_db = 12.0;
};

struct VadDecision {
  bool speech = false;
  float probability = 0.0f;  // smoothed speech likelihood in [0,1]
  double level_dbfs = -96.0;
};

class Vad {
 public:
  virtual ~Vad() = default;
  // `frame`: 10, 20 or 30 ms at the configured rate. Other sizes return {speech=false}.
  virtual VadDecision Process(std::span<const int16_t> frame) = 0;
  virtual void Reset() = 0;
  virtual std::string_view name() const = 0;
};

// Creates the engine named in cfg.engine; Invalid for an unknown name or rate.
Result<std::unique_ptr<Vad>> CreateVad(const VadConfig& cfg);

}  // namespace kira::media
