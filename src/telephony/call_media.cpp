// CallLeg, media side: RTP receive (payload checks, SSRC probation, RFC 4733 digits, jitter
// buffer, the latched source), the 20 ms tick (decode, timeouts, paced send of agent audio) and
// early send.
#include <arpa/inet.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "core/log.h"
#include "media/audio.h"
#include "telephony/endpoint_impl.h"

namespace kira::telephony {

namespace {
constexpr const char* kLog = "sip";

media::RtpLatch::Source SourceOf(const struct sa* a) {
  media::RtpLatch::Source s;
  if (sa_af(a) == AF_INET) {
    const uint32_t v = htonl(sa_in(a));
    std::memcpy(s.ip.data(), &v, 4);
  } else if (sa_af(a) == AF_INET6) {
    sa_in6(a, s.ip.data());
  }
  s.port = sa_port(a);
  return s;
}
}  // namespace

void CallLeg::RtpHandler(const struct sa* src, const struct rtp_header* hdr, struct mbuf* mb,
                         void* arg) {
  auto* self = static_cast<CallLeg*>(arg);
  AtomicStats& st = self->ep_->stats;
  ++st.rtp_in;
  if (self->ended_ || !self->established_) {
    ++st.rtp_dropped;
    return;
  }
  const uint64_t now = tmr_jiffies();
  const size_t len = mbuf_get_left(mb);
  const bool is_event = self->te_pt_remote_ >= 0 && hdr->pt == self->te_pt_remote_;
  if (!is_event && (hdr->pt != self->tx_pt_ || len == 0 || len > 1280)) {
    ++st.rtp_bad;
    return;
  }
  // One source at a time: the first verified one (two packets in sequence) is latched, and
  // stray or forged packets from anywhere else neither play nor keep a silent call alive.
  switch (self->latch_.Check(SourceOf(src), hdr->ssrc, hdr->seq, now)) {
    case media::RtpLatch::Verdict::kForeign:
      ++st.rtp_bad;
      return;
    case media::RtpLatch::Verdict::kProbation:
      ++st.rtp_dropped;
      return;
    case media::RtpLatch::Verdict::kAccept:
      break;
  }
  if (self->latch_.TakeNewlyLatched() && !sa_cmp(src, &self->rtp_dst_, SA_ALL)) {
    // Symmetric RTP: answer where the caller's packets come from (behind NAT the SDP address
    // is a private one).
    log::Info(kLog, self->info_.local_tag + ": RTP from " + AddrText(src) + ":" +
                        std::to_string(sa_port(src)) + ", not the SDP's " +
                        AddrText(&self->rtp_dst_) + ":" + std::to_string(sa_port(&self->rtp_dst_)) +
                        ": sending there");
    self->rtp_dst_ = *src;
  }
  self->last_rx_ms_ = now;
  if (is_event) {
    auto digit = self->te_rx_.Push(hdr->ts, std::span<const uint8_t>(mbuf_buf(mb), len));
    if (digit) {
      ++st.dtmf_in;
      if (self->handler) self->handler->OnDtmf(*digit);
    }
    return;
  }
  self->jb_.Push(hdr->seq, hdr->ts, std::span<const uint8_t>(mbuf_buf(mb), len));
}

void CallLeg::SendFrame(const int16_t* pcm) {
  if (!rtp_ || !sa_isset(&rtp_dst_, SA_ALL)) return;
  struct mbuf* mb = mbuf_alloc(RTP_HEADER_SIZE + kFrameSamples);
  if (!mb) return;
  // rtp_send writes the header into the 12 bytes in front of the payload.
  mbuf_set_end(mb, RTP_HEADER_SIZE + kFrameSamples);
  media::G711Encode(law_, pcm, kFrameSamples, mb->buf + RTP_HEADER_SIZE);
  mbuf_set_pos(mb, RTP_HEADER_SIZE);
  if (!rtp_send(rtp_, &rtp_dst_, false, tx_marker_, static_cast<uint8_t>(tx_pt_), tx_ts_, mb))
    ++ep_->stats.rtp_out;
  tx_marker_ = false;
  mem_deref(mb);
  tx_ts_ += kFrameSamples;
}

void CallLeg::Tick(uint64_t now) {
  if (ended_ || !established_) return;
  const SipConfig& cfg = ep_->cfg;
  if (cfg.rtp_timeout_s > 0 &&
      now - last_rx_ms_ > static_cast<uint64_t>(cfg.rtp_timeout_s) * 1000) {
    ++ep_->stats.rtp_timeouts;
    log::Warn(kLog, info_.local_tag + ": no RTP from " + info_.remote_addr + " for " +
                        std::to_string(cfg.rtp_timeout_s) + " s, hanging up");
    Hangup(EndReason::kRtpTimeout, "no RTP for " + std::to_string(cfg.rtp_timeout_s) + " s");
    return;
  }
  if (cfg.max_call_s > 0 && now - start_ms_ > static_cast<uint64_t>(cfg.max_call_s) * 1000) {
    Hangup(EndReason::kMaxDuration, "call longer than " + std::to_string(cfg.max_call_s) + " s");
    return;
  }
  // Caller side: enough decoded audio for one frame (packets may carry 10-40 ms).
  int pops = 0;
  while (rx_pcm_.size() < kFrameSamples && pops++ < 4) {
    media::JitterFrame f = jb_.Pop();
    if (f.kind == media::JitterFrame::kFrame) {
      const size_t n = f.payload.size();
      const size_t old = rx_pcm_.size();
      rx_pcm_.resize(old + n);
      std::vector<int16_t> tmp(n);
      media::G711Decode(law_, f.payload.data(), n, tmp.data());
      std::copy(tmp.begin(), tmp.end(), rx_pcm_.begin() + old);
      last_good_.assign(tmp.end() - std::min(n, kFrameSamples), tmp.end());
      lost_run_ = 0;
    } else if (f.kind == media::JitterFrame::kMissing) {
      media::Pcm c = media::ConcealFrame(last_good_, ++lost_run_);
      if (c.size() < kFrameSamples) c.resize(kFrameSamples, 0);
      rx_pcm_.insert(rx_pcm_.end(), c.begin(), c.end());
    } else {
      rx_pcm_.insert(rx_pcm_.end(), kFrameSamples - rx_pcm_.size(), 0);
    }
  }
  if (control) control->SetJitterDelay(jb_.stats().depth_frames * kFrameMs);
  int16_t caller[kFrameSamples];
  std::copy(rx_pcm_.begin(), rx_pcm_.begin() + kFrameSamples, caller);
  rx_pcm_.erase(rx_pcm_.begin(), rx_pcm_.begin() + kFrameSamples);
  // Agent side: 20 ms pacing; silence keeps the stream (and NAT bindings, peer timers) alive.
  int16_t agent[kFrameSamples];
  bool speaking;
  if (early_sent_) {  // this tick's packet already left in SendEarly()
    early_sent_ = false;
    std::copy(early_frame_, early_frame_ + kFrameSamples, agent);
    speaking = true;
  } else {
    speaking = control && control->PopFrame(agent);
    if (!speaking) std::fill(agent, agent + kFrameSamples, 0);
    SendFrame(agent);
    if (speaking && !was_speaking_) MarkTalkspurt();
  }
  was_speaking_ = speaking;
  if (handler) handler->OnFrame(caller, speaking ? agent : nullptr, kFrameSamples);
}

void CallLeg::SendEarly() {
  if (ended_ || !established_ || early_sent_ || !control) return;
  if (!control->PopFrame(early_frame_)) return;
  SendFrame(early_frame_);
  early_sent_ = true;
  if (!was_speaking_) MarkTalkspurt();
  was_speaking_ = true;
}

void CallLeg::MarkTalkspurt() {
  control->SetTalkspurtSent(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now().time_since_epoch())
                                .count());
}

}  // namespace kira::telephony
