// Fuzzes Kira's SDP offer/answer over libre's SDP codec (telephony/sdp_codec.h): any body of
// an INVITE (offer) or of a 200 (answer) is decoded into a session holding Kira's own audio
// line, the codec is chosen, and an answer is encoded. A chosen codec is always PCMU or PCMA at
// a payload type the peer listed; nothing leaks (LeakSanitizer sees libre's allocations).
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "telephony/re_include.h"
#include "telephony/sdp_codec.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (libre_init()) std::abort();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 16384) return 0;  // INVITE bodies beyond a datagram are not SDP
  const bool offer = data[0] & 1;
  const bool prefer_pcma = data[0] & 2;
  struct sa laddr;
  sa_set_str(&laddr, "127.0.0.1", 0);
  struct sdp_session* sess = nullptr;
  struct sdp_media* m = nullptr;
  if (sdp_session_alloc(&sess, &laddr)) std::abort();
  if (kira::telephony::AddLocalAudio(sess, &m, 10000, prefer_pcma)) std::abort();
  struct mbuf* mb = mbuf_alloc(size);
  mbuf_write_mem(mb, data + 1, size - 1);
  mb->pos = 0;
  if (!sdp_decode(sess, mb, offer)) {
    const kira::telephony::CodecChoice c = kira::telephony::ChooseCodec(m, prefer_pcma);
    if (c.ok) {
      if (c.pt < 0 || c.pt > 127) std::abort();
      bool listed = false;
      for (struct le* le = sdp_media_format_lst(m, false)->head; le; le = le->next) {
        const auto* f = static_cast<const struct sdp_format*>(le->data);
        if (f->pt == c.pt && f->name && !str_casecmp(f->name, c.alaw ? "PCMA" : "PCMU"))
          listed = true;
      }
      if (!listed) std::abort();
      struct mbuf* answer = nullptr;
      if (!sdp_encode(&answer, sess, !offer)) mem_deref(answer);
    } else if (c.why.empty()) {
      std::abort();
    }
  }
  mem_deref(mb);
  mem_deref(sess);
  return 0;
}
