// ToneDetector: finds steady single-frequency tones — the voicemail "beep" after a greeting,
// fax/modem tones, dial tones — with Goertzel filters over 300..2500 Hz. The dialer uses it to
// start a voicemail message right after the beep.
//
//   kira::media::ToneDetector beep({.min_duration_ms = 80});
//   for each 20 ms frame:
//     if (auto t = beep.Push(frame)) log(t->frequency_hz, t->start_ms, t->duration_ms);
//
// A tone is reported once, as soon as it has lasted min_duration_ms (its duration is then the
// duration so far). Speech is not a tone: its energy is spread over many bins and its pitch
// moves; the purity threshold (share of the frame's energy in the peak bin) rejects it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace kira::media {

struct ToneDetectorConfig {
  int sample_rate = 8000;
  double min_freq_hz = 300;
  double max_freq_hz = 2500;
  double step_hz = 50;  // bin spacing (a 20 ms frame resolves 50 Hz anyway)
  int min_duration_ms = 80;
  double min_level_dbfs = -40;  // quieter frames are not tones
  double min_purity = 0.6;      // share of the frame's energy within ±1 bin of the peak
  double max_drift_hz = 40;     // frequency change allowed between frames of one tone
};

struct DetectedTone {
  double frequency_hz = 0;
  int64_t start_ms = 0;
  int64_t duration_ms = 0;
  double level_dbfs = 0;
};

class ToneDetector {
 public:
  explicit ToneDetector(ToneDetectorConfig cfg = {});
  // Frames of 10–30 ms work best (20 ms: 50 Hz resolution, good enough with ±1 bin purity).
  std::optional<DetectedTone> Push(std::span<const int16_t> frame);
  void Reset();
  int64_t now_ms() const { return now_ms_; }

 private:
  ToneDetectorConfig cfg_;
  std::vector<double> freqs_;
  int64_t now_ms_ = 0;
  double cur_freq_ = 0;
  int64_t cur_start_ms_ = -1;
  double cur_level_ = 0;
  bool reported_ = false;
};

}  // namespace kira::media
