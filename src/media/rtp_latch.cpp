#include "media/rtp_latch.h"

namespace kira::media {

RtpLatch::Verdict RtpLatch::Check(const Source& src, uint32_t ssrc, uint16_t seq, uint64_t now_ms) {
  if (latched_) {
    if (!(src == source_)) return Verdict::kForeign;
    if (ssrc == ssrc_) {
      last_ms_ = now_ms;
      return Verdict::kAccept;
    }
    // A new stream from the latched address replaces the old one only once that went quiet.
    if (now_ms - last_ms_ < quiet_ms_) return Verdict::kForeign;
    if (!Probation(src, ssrc, seq)) return Verdict::kProbation;
    ssrc_ = ssrc;
    last_ms_ = now_ms;
    return Verdict::kAccept;
  }
  if (!Probation(src, ssrc, seq)) return Verdict::kProbation;
  latched_ = newly_latched_ = true;
  source_ = src;
  ssrc_ = ssrc;
  last_ms_ = now_ms;
  candidates_ = {};
  return Verdict::kAccept;
}

bool RtpLatch::Probation(const Source& src, uint32_t ssrc, uint16_t seq) {
  for (Candidate& c : candidates_) {
    if (c.used && c.ssrc == ssrc && c.src == src) {
      const bool in_sequence = seq == static_cast<uint16_t>(c.seq + 1);
      c.seq = seq;
      if (in_sequence) c = Candidate{};
      return in_sequence;
    }
  }
  Candidate& slot = candidates_[next_candidate_++ % candidates_.size()];
  slot = Candidate{true, src, ssrc, seq};
  return false;
}

bool RtpLatch::TakeNewlyLatched() {
  const bool r = newly_latched_;
  newly_latched_ = false;
  return r;
}

void RtpLatch::Reset() {
  latched_ = newly_latched_ = false;
  source_ = Source{};
  ssrc_ = 0;
  last_ms_ = 0;
  candidates_ = {};
}

}  // namespace kira::media
