// Resampler: sample-rate conversion between engine rates (8 kHz telephone audio, 16 kHz ASR
// models, 22.05 kHz TTS voices), built on speexdsp. Streaming: keeps filter state between calls,
// so feed consecutive chunks of one stream to one Resampler.
//
//   auto r = kira::media::Resampler::Create(8000, 16000);   // Result<std::unique_ptr<Resampler>>
//   if (!r.ok()) return r.status();
//   kira::media::Pcm wide;
//   (*r)->Process(frame, &wide);          // appends ~2x samples
//   (*r)->Flush(&wide);                   // end of stream: drains the filter tail
//
//   // one-shot (whole buffers, e.g. a TTS prompt):
//   auto pcm8k = kira::media::Resample(tts_audio.samples, 22050, 8000);
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "core/status.h"
#include "media/audio.h"

namespace kira::media {

class Resampler {
 public:
  // quality 0..10 (speexdsp); 3 is cheap and fine for speech, 5 for recordings.
  static Result<std::unique_ptr<Resampler>> Create(int in_rate, int out_rate, int quality = 3);
  ~Resampler();
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  // Appends the converted samples of `in` to `out`. With in_rate == out_rate, copies.
  void Process(std::span<const int16_t> in, Pcm* out);
  // Appends the samples still held in the filter (call once at the end of a stream).
  void Flush(Pcm* out);
  // Forgets the stream (keeps the rates).
  void Reset();

  int in_rate() const { return in_rate_; }
  int out_rate() const { return out_rate_; }

 private:
  Resampler(int in_rate, int out_rate, void* state);
  int in_rate_;
  int out_rate_;
  void* state_;  // SpeexResamplerState*, null when the rates are equal
};

// Converts a whole buffer (Create + Process + Flush); output length ≈ in.size() * out/in.
Result<Pcm> Resample(std::span<const int16_t> in, int in_rate, int out_rate, int quality = 3);

}  // namespace kira::media
