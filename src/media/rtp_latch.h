// RtpLatch: which RTP source a call listens to (symmetric RTP, issue 10).
//
// A source is an address:port plus an SSRC. It is verified by two packets in sequence from the
// same address and SSRC (RFC 3550 probation); the first verified source is latched. From then
// on packets from every other address are foreign (stray or forged streams cannot inject
// audio, digits or keep a silent call alive), and Kira sends its own RTP to the latched
// address (symmetric RTP, RFC 4961: it works behind NAT where the SDP address is private).
// The latched address may start a new SSRC (a PBX restarting its stream) once the old SSRC has
// been quiet for `ssrc_quiet_ms` and the new one passed probation. A new offer/answer
// (re-INVITE) calls Reset(): the media may move.
//
//   media::RtpLatch latch;
//   switch (latch.Check(src, hdr.ssrc, hdr.seq, now_ms)) {
//     case RtpLatch::Verdict::kAccept: if (latch.TakeNewlyLatched()) send_to = src; ...
//     case RtpLatch::Verdict::kProbation: drop (not yet verified)
//     case RtpLatch::Verdict::kForeign: drop and count
//   }
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace kira::media {

class RtpLatch {
 public:
  struct Source {
    std::array<uint8_t, 16> ip{};  // IPv4 in the first four bytes, or IPv6
    uint16_t port = 0;
    bool operator==(const Source&) const = default;
  };
  enum class Verdict { kAccept, kProbation, kForeign };

  explicit RtpLatch(uint64_t ssrc_quiet_ms = 1000) : quiet_ms_(ssrc_quiet_ms) {}

  Verdict Check(const Source& src, uint32_t ssrc, uint16_t seq, uint64_t now_ms);
  // True once after the Check() that latched a source (first time or after Reset()).
  bool TakeNewlyLatched();
  bool latched() const { return latched_; }
  const Source& source() const { return source_; }
  uint32_t ssrc() const { return ssrc_; }
  void Reset();

 private:
  bool Probation(const Source& src, uint32_t ssrc, uint16_t seq);

  struct Candidate {
    bool used = false;
    Source src;
    uint32_t ssrc = 0;
    uint16_t seq = 0;
  };
  uint64_t quiet_ms_;
  bool latched_ = false;
  bool newly_latched_ = false;
  Source source_;
  uint32_t ssrc_ = 0;
  uint64_t last_ms_ = 0;
  std::array<Candidate, 4> candidates_{};  // streams on probation
  std::size_t next_candidate_ = 0;
};

}  // namespace kira::media
