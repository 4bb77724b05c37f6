// Fuzzes the RTP/RTCP receive path: libre's header decoders (rtp_hdr_decode, rtcp_decode: the
// ones an RTP socket runs on every datagram) and Kira's consumers of what they yield (the
// source latch, the jitter buffer with G.711 decode, RFC 4733 events), over a sequence of
// datagrams split out of one input. Nothing may crash, leak or play audio from an unlatched
// source.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "media/dtmf.h"
#include "media/g711.h"
#include "media/jitter_buffer.h"
#include "media/rtp_latch.h"
#include "telephony/re_include.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (libre_init()) std::abort();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kira::media::RtpLatch latch;
  kira::media::JitterBuffer jb(kira::media::JitterConfig{.depth_frames = 3});
  kira::media::TelephoneEventReceiver te;
  uint64_t now = 0;
  // Datagrams: [len hi][len lo][source byte][bytes...]
  size_t pos = 0;
  int datagrams = 0;
  while (pos + 3 <= size && datagrams++ < 64) {
    const size_t len =
        std::min<size_t>(((size_t(data[pos]) << 8) | data[pos + 1]) % 1500, size - pos - 3);
    const uint8_t who = data[pos + 2];
    const uint8_t* d = data + pos + 3;
    pos += 3 + len;
    now += 20;
    struct mbuf* mb = mbuf_alloc(len + 1);
    mbuf_write_mem(mb, d, len);
    mb->pos = 0;
    struct rtcp_msg* rtcp = nullptr;
    if (!rtcp_decode(&rtcp, mb)) mem_deref(rtcp);
    mb->pos = 0;
    struct rtp_header hdr;
    std::memset(&hdr, 0, sizeof hdr);
    if (!rtp_hdr_decode(&hdr, mb)) {
      kira::media::RtpLatch::Source src;
      src.ip = {127, 0, 0, static_cast<uint8_t>(who & 3)};
      src.port = static_cast<uint16_t>(4000 + (who >> 2 & 1));
      const auto v = latch.Check(src, hdr.ssrc, hdr.seq, now);
      if (v == kira::media::RtpLatch::Verdict::kAccept && !(latch.source() == src)) std::abort();
      const size_t left = mbuf_get_left(mb);
      std::span<const uint8_t> payload(mbuf_buf(mb), left);
      if (v == kira::media::RtpLatch::Verdict::kAccept && left > 0 && left <= 1280) {
        if (hdr.pt == 101) {
          (void)te.Push(hdr.ts, payload);
        } else {
          jb.Push(hdr.seq, hdr.ts, payload);
          kira::media::JitterFrame f = jb.Pop();
          if (f.kind == kira::media::JitterFrame::kFrame) {
            std::vector<int16_t> pcm(f.payload.size());
            kira::media::G711Decode(
                hdr.pt == 8 ? kira::media::G711Law::kAlaw : kira::media::G711Law::kUlaw,
                f.payload.data(), f.payload.size(), pcm.data());
          }
        }
      }
    }
    mem_deref(mb);
  }
  return 0;
}
