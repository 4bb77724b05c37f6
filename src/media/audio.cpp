#include "media/audio.h"

#include <algorithm>
#include <cmath>

namespace kira::media {
namespace {

int16_t Saturate(float v) {
  if (v > 32767.f) return 32767;
  if (v < -32768.f) return -32768;
  return static_cast<int16_t>(std::lrint(v));
}

}  // namespace

double RmsDbfs(std::span<const int16_t> s) {
  if (s.empty()) return kSilenceDbfs;
  double sum = 0;
  for (int16_t v : s) sum += double(v) * double(v);
  double rms = std::sqrt(sum / double(s.size()));
  if (rms < 1e-9) return kSilenceDbfs;
  return std::max(kSilenceDbfs, 20.0 * std::log10(rms / 32768.0));
}

int PeakAbs(std::span<const int16_t> s) {
  int peak = 0;
  for (int16_t v : s) peak = std::max(peak, std::abs(int(v)));
  return peak;
}

Pcm Silence(size_t n) { return Pcm(n, 0); }

void MixInto(std::span<int16_t> dst, std::span<const int16_t> src, float gain) {
  size_t n = std::min(dst.size(), src.size());
  for (size_t i = 0; i < n; ++i) dst[i] = Saturate(float(dst[i]) + float(src[i]) * gain);
}

void ApplyGain(std::span<int16_t> s, float gain) {
  for (auto& v : s) v = Saturate(float(v) * gain);
}

Pcm ComfortNoise(size_t n, double dbfs, uint32_t seed) {
  // xorshift32: deterministic, cheap; uniform noise has RMS = amplitude / sqrt(3).
  uint32_t x = seed ? seed : 1;
  double amp = 32768.0 * std::pow(10.0, dbfs / 20.0) * std::sqrt(3.0);
  Pcm out(n);
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    double u = (double(x) / 4294967295.0) * 2.0 - 1.0;
    out[i] = Saturate(float(u * amp));
  }
  return out;
}

Pcm Tone(int rate, double freq_hz, int ms, double peak_dbfs) {
  size_t n = SamplesFor(rate, ms);
  double amp = 32767.0 * std::pow(10.0, peak_dbfs / 20.0);
  Pcm out(n);
  for (size_t i = 0; i < n; ++i)
    out[i] = Saturate(float(amp * std::sin(2.0 * M_PI * freq_hz * double(i) / rate)));
  return out;
}

Pcm ConcealFrame(std::span<const int16_t> last_good, int lost_in_a_row) {
  Pcm out(last_good.size() ? last_good.size() : kFrameSamples, 0);
  if (lost_in_a_row < 1 || lost_in_a_row > 3 || last_good.empty()) return out;
  float gain = std::pow(0.5f, float(lost_in_a_row));
  for (size_t i = 0; i < last_good.size(); ++i) out[i] = Saturate(float(last_good[i]) * gain);
  return out;
}

std::vector<Pcm> SplitFrames(std::span<const int16_t> s, size_t frame_samples) {
  std::vector<Pcm> frames;
  if (frame_samples == 0) return frames;
  for (size_t off = 0; off < s.size(); off += frame_samples) {
    size_t n = std::min(frame_samples, s.size() - off);
    Pcm f(frame_samples, 0);
    std::copy_n(s.begin() + off, n, f.begin());
    frames.push_back(std::move(f));
  }
  return frames;
}

}  // namespace kira::media
