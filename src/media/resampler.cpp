#include "media/resampler.h"

#include <speex/speex_resampler.h>

#include <string>

namespace kira::media {
namespace {
SpeexResamplerState* St(void* p) { return static_cast<SpeexResamplerState*>(p); }
}  // namespace

Result<std::unique_ptr<Resampler>> Resampler::Create(int in_rate, int out_rate, int quality) {
  if (in_rate <= 0 || out_rate <= 0 || in_rate > 192000 || out_rate > 192000)
    return Status::Invalid("resampler: unsupported rates " + std::to_string(in_rate) + " -> " +
                           std::to_string(out_rate) + " Hz");
  if (quality < 0 || quality > 10)
    return Status::Invalid("resampler: quality must be 0..10, got " + std::to_string(quality));
  void* st = nullptr;
  if (in_rate != out_rate) {
    int err = 0;
    st = speex_resampler_init(1, in_rate, out_rate, quality, &err);
    if (!st || err != RESAMPLER_ERR_SUCCESS)
      return Status::Internal(std::string("resampler: ") + speex_resampler_strerror(err));
    // Drop the filter's leading zeros so output sample 0 lines up with input sample 0.
    speex_resampler_skip_zeros(St(st));
  }
  return std::unique_ptr<Resampler>(new Resampler(in_rate, out_rate, st));
}

Resampler::Resampler(int in_rate, int out_rate, void* state)
    : in_rate_(in_rate), out_rate_(out_rate), state_(state) {}

Resampler::~Resampler() {
  if (state_) speex_resampler_destroy(St(state_));
}

void Resampler::Process(std::span<const int16_t> in, Pcm* out) {
  if (!state_) {
    out->insert(out->end(), in.begin(), in.end());
    return;
  }
  size_t pos = 0;
  while (pos < in.size()) {
    spx_uint32_t in_len = spx_uint32_t(in.size() - pos);
    spx_uint32_t cap = spx_uint32_t(uint64_t(in_len) * out_rate_ / in_rate_ + 64);
    size_t base = out->size();
    out->resize(base + cap);
    spx_uint32_t out_len = cap;
    speex_resampler_process_int(St(state_), 0, in.data() + pos, &in_len, out->data() + base,
                                &out_len);
    out->resize(base + out_len);
    pos += in_len;
    if (in_len == 0 && out_len == 0) break;  // cannot progress (should not happen)
  }
}

void Resampler::Flush(Pcm* out) {
  if (!state_) return;
  int latency = speex_resampler_get_input_latency(St(state_));
  Pcm zeros(size_t(latency > 0 ? latency : 0), 0);
  // Only the part of the output that corresponds to real input is wanted: the tail length.
  size_t want = size_t(int64_t(zeros.size()) * out_rate_ / in_rate_);
  Pcm tail;
  Process(zeros, &tail);
  if (tail.size() > want) tail.resize(want);
  out->insert(out->end(), tail.begin(), tail.end());
}

void Resampler::Reset() {
  if (!state_) return;
  speex_resampler_reset_mem(St(state_));
  speex_resampler_skip_zeros(St(state_));
}

Result<Pcm> Resample(std::span<const int16_t> in, int in_rate, int out_rate, int quality) {
  KIRA_ASSIGN_OR_RETURN(auto r, Resampler::Create(in_rate, out_rate, quality));
  Pcm out;
  out.reserve(size_t(uint64_t(in.size()) * out_rate / in_rate + 64));
  r->Process(in, &out);
  r->Flush(&out);
  return out;
}

}  // namespace kira::media
