// Audio basics shared by the media and speech layers: the telephone frame (8 kHz mono int16,
// 20 ms = 160 samples), level measurement, silence, mixing and loss concealment.
//
//   kira::media::Pcm frame(kira::media::kFrameSamples);
//   double db = kira::media::RmsDbfs(frame);          // -inf..0 dBFS; silence is kSilenceDbfs
//   kira::media::MixInto(agent_frame, beep_frame);     // saturating add
//   kira::media::Pcm filler = kira::media::ConcealFrame(last_good, lost_in_a_row);
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace kira::media {

constexpr int kTelephoneRate = 8000;
constexpr int kFrameMs = 20;
constexpr size_t kFrameSamples = kTelephoneRate * kFrameMs / 1000;  // 160
// RmsDbfs() of an all-zero frame (instead of -infinity).
constexpr double kSilenceDbfs = -96.0;

using Pcm = std::vector<int16_t>;

// Audio with its sample rate (mono unless stated otherwise).
struct Audio {
  int rate = kTelephoneRate;
  Pcm samples;
  int64_t DurationMs() const { return rate > 0 ? int64_t(samples.size()) * 1000 / rate : 0; }
};

// Samples in `ms` milliseconds at `rate`.
constexpr size_t SamplesFor(int rate, int ms) { return size_t(int64_t(rate) * ms / 1000); }

// RMS level of the samples in dBFS (full scale sine = -3 dBFS); kSilenceDbfs for empty/zero.
double RmsDbfs(std::span<const int16_t> s);
// Peak absolute sample value.
int PeakAbs(std::span<const int16_t> s);

// `n` samples of digital silence.
Pcm Silence(size_t n);
// dst[i] = saturate(dst[i] + src[i] * gain) for i < min(size).
void MixInto(std::span<int16_t> dst, std::span<const int16_t> src, float gain = 1.0f);
// Multiplies in place with saturation.
void ApplyGain(std::span<int16_t> s, float gain);
// Low-level white noise at `dbfs` (comfort noise); deterministic for a given seed.
Pcm ComfortNoise(size_t n, double dbfs = -70.0, uint32_t seed = 1);
// A sine tone (tests, beeps): `ms` long at `freq_hz`, amplitude in dBFS (peak).
Pcm Tone(int rate, double freq_hz, int ms, double peak_dbfs = -10.0);

// Packet-loss concealment for the `lost_in_a_row`-th consecutive lost frame (1-based): repeats
// the last good frame attenuated by 6 dB per lost frame, silence from the 4th on.
Pcm ConcealFrame(std::span<const int16_t> last_good, int lost_in_a_row);

// Splits `s` into frames of `frame_samples`, the last one zero-padded.
std::vector<Pcm> SplitFrames(std::span<const int16_t> s, size_t frame_samples = kFrameSamples);

}  // namespace kira::media
