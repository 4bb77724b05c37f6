#include "media/tone_detector.h"

#include <cmath>

#include "media/audio.h"

namespace kira::media {
namespace {

// Goertzel power at `freq` over the frame (normalised by N^2/2 so a full-scale sine ≈ 1).
double GoertzelPower(std::span<const int16_t> x, double freq, int rate) {
  double w = 2.0 * M_PI * freq / rate;
  double coeff = 2.0 * std::cos(w);
  double s1 = 0, s2 = 0;
  for (int16_t v : x) {
    double s = double(v) / 32768.0 + coeff * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  double p = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  double n = double(x.size());
  return p / (n * n / 4.0);
}

}  // namespace

ToneDetector::ToneDetector(ToneDetectorConfig cfg) : cfg_(cfg) {
  for (double f = cfg_.min_freq_hz; f <= cfg_.max_freq_hz + 1e-9; f += cfg_.step_hz)
    freqs_.push_back(f);
}

void ToneDetector::Reset() {
  now_ms_ = 0;
  cur_start_ms_ = -1;
  reported_ = false;
}

std::optional<DetectedTone> ToneDetector::Push(std::span<const int16_t> frame) {
  if (frame.empty()) return std::nullopt;
  int64_t frame_ms = int64_t(frame.size()) * 1000 / cfg_.sample_rate;
  int64_t frame_start = now_ms_;
  now_ms_ += frame_ms;

  double level = RmsDbfs(frame);
  bool tonal = false;
  double peak_f = 0;
  if (level >= cfg_.min_level_dbfs) {
    // Total power (mean square, same normalisation as Goertzel: a sine of amplitude A → A^2).
    double total = 0;
    for (int16_t v : frame) total += (double(v) / 32768.0) * (double(v) / 32768.0);
    total = 2.0 * total / double(frame.size());
    size_t best = 0;
    double best_p = -1;
    std::vector<double> p(freqs_.size());
    for (size_t i = 0; i < freqs_.size(); ++i) {
      p[i] = GoertzelPower(frame, freqs_[i], cfg_.sample_rate);
      if (p[i] > best_p) best_p = p[i], best = i;
    }
    // Purity: the peak bin's share of the frame's power. A pure tone scores ~1 (a little less
    // between bins); voiced speech spreads its power over several harmonics.
    double purity = total > 0 ? best_p / total : 0;
    if (purity >= cfg_.min_purity) {
      tonal = true;
      peak_f = freqs_[best];
    }
  }
  if (!tonal) {
    cur_start_ms_ = -1;
    reported_ = false;
    return std::nullopt;
  }
  if (cur_start_ms_ < 0 || std::fabs(peak_f - cur_freq_) > cfg_.max_drift_hz) {
    cur_start_ms_ = frame_start;
    cur_freq_ = peak_f;
    cur_level_ = level;
    reported_ = false;
  } else {
    cur_freq_ = 0.7 * cur_freq_ + 0.3 * peak_f;
    cur_level_ = 0.7 * cur_level_ + 0.3 * level;
  }
  int64_t dur = now_ms_ - cur_start_ms_;
  if (!reported_ && dur >= cfg_.min_duration_ms) {
    reported_ = true;
    return DetectedTone{cur_freq_, cur_start_ms_, dur, cur_level_};
  }
  return std::nullopt;
}

}  // namespace kira::media
