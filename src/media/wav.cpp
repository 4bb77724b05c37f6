#include "media/wav.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "core/log.h"

namespace kira::media {
namespace {

void Put16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v);
  p[1] = uint8_t(v >> 8);
}
void Put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i));
}
uint16_t Get16(const uint8_t* p) { return uint16_t(p[0] | (p[1] << 8)); }
uint32_t Get32(const uint8_t* p) {
  return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}

constexpr size_t kHeaderBytes = 44;

void MakeHeader(uint8_t* h, int rate, int channels, uint32_t data_bytes) {
  std::memcpy(h, "RIFF", 4);
  Put32(h + 4, 36 + data_bytes);
  std::memcpy(h + 8, "WAVEfmt ", 8);
  Put32(h + 16, 16);
  Put16(h + 20, 1);  // PCM
  Put16(h + 22, uint16_t(channels));
  Put32(h + 24, uint32_t(rate));
  Put32(h + 28, uint32_t(rate * channels * 2));
  Put16(h + 32, uint16_t(channels * 2));
  Put16(h + 34, 16);
  std::memcpy(h + 36, "data", 4);
  Put32(h + 40, data_bytes);
}

std::string Errno() { return std::strerror(errno); }

}  // namespace

Result<std::unique_ptr<WavWriter>> WavWriter::Open(const std::string& path, int rate,
                                                   int channels) {
  if (rate <= 0 || channels < 1 || channels > 2)
    return Status::Invalid("wav " + path + ": need rate > 0 and 1 or 2 channels");
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Status::Io("wav " + path + ": cannot create: " + Errno());
  std::unique_ptr<WavWriter> w(new WavWriter(f, path, rate, channels));
  KIRA_RETURN_IF_ERROR(w->WriteHeader());
  return w;
}

WavWriter::WavWriter(std::FILE* f, std::string path, int rate, int channels)
    : f_(f), path_(std::move(path)), rate_(rate), channels_(channels) {}

WavWriter::~WavWriter() {
  // A writer dropped without Close(): its failure cannot be returned, so it is logged (the
  // recording may be cut short).
  if (Status s = Close(); !s.ok()) log::Warn("wav", s.message());
}

Status WavWriter::WriteHeader() {
  uint8_t h[kHeaderBytes];
  uint64_t bytes = uint64_t(frames_) * channels_ * 2;
  MakeHeader(h, rate_, channels_, uint32_t(std::min<uint64_t>(bytes, 0xFFFFFFFFull - 36)));
  long pos = std::ftell(f_);
  if (std::fseek(f_, 0, SEEK_SET) != 0 || std::fwrite(h, 1, kHeaderBytes, f_) != kHeaderBytes)
    return Status::Io("wav " + path_ + ": cannot write header: " + Errno());
  if (pos > long(kHeaderBytes)) std::fseek(f_, pos, SEEK_SET);
  return Status::Ok();
}

Status WavWriter::Write(std::span<const int16_t> interleaved) {
  if (!f_) return Status::Invalid("wav " + path_ + ": already closed");
  if (interleaved.size() % size_t(channels_) != 0)
    return Status::Invalid("wav " + path_ + ": sample count is not a multiple of channels");
  // WAV is little-endian; so is every machine this runs on, but be explicit.
  scratch_.resize(interleaved.size());
  for (size_t i = 0; i < interleaved.size(); ++i) {
    uint16_t v = uint16_t(interleaved[i]);
    uint8_t b[2] = {uint8_t(v), uint8_t(v >> 8)};
    std::memcpy(&scratch_[i], b, 2);
  }
  if (std::fwrite(scratch_.data(), 2, scratch_.size(), f_) != scratch_.size())
    return Status::Io("wav " + path_ + ": write failed: " + Errno());
  frames_ += int64_t(interleaved.size()) / channels_;
  return Status::Ok();
}

Status WavWriter::WriteStereo(std::span<const int16_t> left, std::span<const int16_t> right) {
  if (channels_ != 2) return Status::Invalid("wav " + path_ + ": WriteStereo on a mono file");
  size_t n = std::max(left.size(), right.size());
  Pcm inter(n * 2, 0);
  for (size_t i = 0; i < left.size(); ++i) inter[2 * i] = left[i];
  for (size_t i = 0; i < right.size(); ++i) inter[2 * i + 1] = right[i];
  return Write(inter);
}

Status WavWriter::Flush() {
  if (!f_) return Status::Ok();
  KIRA_RETURN_IF_ERROR(WriteHeader());
  if (std::fflush(f_) != 0) return Status::Io("wav " + path_ + ": flush failed: " + Errno());
  return Status::Ok();
}

Status WavWriter::Close() {
  if (!f_) return Status::Ok();
  Status s = WriteHeader();
  if (std::fclose(f_) != 0 && s.ok()) s = Status::Io("wav " + path_ + ": close failed: " + Errno());
  f_ = nullptr;
  return s;
}

Pcm WavData::Channel(int c) const {
  Pcm out;
  if (c < 0 || c >= channels) return out;
  out.reserve(size_t(frames()));
  for (size_t i = size_t(c); i < samples.size(); i += size_t(channels)) out.push_back(samples[i]);
  return out;
}

Audio WavData::Mono() const { return Audio{rate, Channel(0)}; }

Result<WavData> ReadWav(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("wav " + path + ": cannot open");
  std::vector<uint8_t> buf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (buf.size() < 12 || std::memcmp(buf.data(), "RIFF", 4) != 0 ||
      std::memcmp(buf.data() + 8, "WAVE", 4) != 0)
    return Status::Invalid("wav " + path + ": not a RIFF/WAVE file");
  WavData out;
  int bits = 0, format = 0;
  size_t pos = 12;
  bool have_fmt = false;
  while (pos + 8 <= buf.size()) {
    const uint8_t* ch = buf.data() + pos;
    uint32_t len = Get32(ch + 4);
    size_t body = pos + 8;
    if (std::memcmp(ch, "fmt ", 4) == 0 && len >= 16 && body + 16 <= buf.size()) {
      format = Get16(buf.data() + body);
      out.channels = Get16(buf.data() + body + 2);
      out.rate = int(Get32(buf.data() + body + 4));
      bits = Get16(buf.data() + body + 14);
      have_fmt = true;
    } else if (std::memcmp(ch, "data", 4) == 0) {
      if (!have_fmt) return Status::Invalid("wav " + path + ": data chunk before fmt chunk");
      if ((format != 1 && format != 0xFFFE) || bits != 16)
        return Status::Invalid("wav " + path + ": only 16-bit PCM is supported (format " +
                               std::to_string(format) + ", " + std::to_string(bits) + " bits)");
      if (out.channels < 1 || out.channels > 2)
        return Status::Invalid("wav " + path + ": " + std::to_string(out.channels) +
                               " channels (1 or 2 supported)");
      // A streaming writer that crashed leaves len 0 or too big: take what is there.
      size_t avail = buf.size() - body;
      size_t n = (len == 0 || len > avail) ? avail : len;
      n -= n % size_t(2 * out.channels);
      out.samples.resize(n / 2);
      for (size_t i = 0; i < n / 2; ++i) out.samples[i] = int16_t(Get16(buf.data() + body + 2 * i));
      return out;
    }
    pos = body + len + (len & 1);
  }
  return Status::Invalid("wav " + path + ": no data chunk");
}

Status WriteWav(const std::string& path, const Audio& audio) {
  KIRA_ASSIGN_OR_RETURN(auto w, WavWriter::Open(path, audio.rate, 1));
  KIRA_RETURN_IF_ERROR(w->Write(audio.samples));
  return w->Close();
}

}  // namespace kira::media
