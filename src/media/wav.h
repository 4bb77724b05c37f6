// WAV files (RIFF, PCM 16-bit). WavWriter streams a call recording to disk — one stereo file per
// call, caller on the left, agent on the right — and fixes the header sizes on Close() (and on
// every Flush(), so a crash leaves a playable file up to the last flush). WavReader loads a
// whole file (tests, prompts, fixtures).
//
//   auto w = kira::media::WavWriter::Open(path, 8000, 2);   // Result<std::unique_ptr<WavWriter>>
//   if (!w.ok()) return w.status();
//   (*w)->WriteStereo(caller_frame, agent_frame);  // shorter side is padded with silence
//   (*w)->Close();                                  // also done by the destructor
//
//   auto wav = kira::media::ReadWav(path);          // Result<WavData>
//   kira::media::Pcm left = wav->Channel(0);
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>

#include "core/status.h"
#include "media/audio.h"

namespace kira::media {

class WavWriter {
 public:
  static Result<std::unique_ptr<WavWriter>> Open(const std::string& path, int rate, int channels);
  ~WavWriter();
  WavWriter(const WavWriter&) = delete;
  WavWriter& operator=(const WavWriter&) = delete;

  // Interleaved samples (size must be a multiple of channels()).
  Status Write(std::span<const int16_t> interleaved);
  // Mono files only.
  Status WriteMono(std::span<const int16_t> samples) { return Write(samples); }
  // Stereo files only: left[i], right[i]; the shorter side is padded with zeros.
  Status WriteStereo(std::span<const int16_t> left, std::span<const int16_t> right);
  // Rewrites the header with the current sizes and flushes the stdio buffer.
  Status Flush();
  Status Close();

  int rate() const { return rate_; }
  int channels() const { return channels_; }
  int64_t frames_written() const { return frames_; }  // samples per channel
  const std::string& path() const { return path_; }

 private:
  WavWriter(std::FILE* f, std::string path, int rate, int channels);
  Status WriteHeader();
  std::FILE* f_;
  std::string path_;
  int rate_;
  int channels_;
  int64_t frames_ = 0;
  Pcm scratch_;
};

struct WavData {
  int rate = 0;
  int channels = 0;
  Pcm samples;  // interleaved
  int64_t frames() const { return channels ? int64_t(samples.size()) / channels : 0; }
  Pcm Channel(int c) const;
  Audio Mono() const;  // channel 0 with the file's rate
};

// Reads a 16-bit PCM WAV (mono or stereo); Invalid with the reason for anything else.
Result<WavData> ReadWav(const std::string& path);
// Writes a mono 16-bit WAV in one go (tests, fixtures, prompt export).
Status WriteWav(const std::string& path, const Audio& audio);

}  // namespace kira::media
