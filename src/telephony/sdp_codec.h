// Kira's side of the SDP offer/answer, on libre's sdp objects: the local audio description
// (PCMU, PCMA, telephone-event 0-15, ptime 20) and the codec chosen from the peer's media.
// Shared by CallLeg and the SDP fuzz target (fuzz/sdp_offer_fuzz.cpp). Loop thread only.
#pragma once

#include <cstdint>
#include <string>

struct sdp_session;
struct sdp_media;

namespace kira::telephony {

struct CodecChoice {
  bool ok = false;
  bool alaw = false;  // PCMA, else PCMU
  int pt = 0;         // payload type to send with
  int te_pt = -1;     // the peer's telephone-event payload type, -1 = none
  std::string why;    // when !ok: what the offer lacks
};

// Adds the audio media line on `port` to `sess`; libre error code (0 = ok).
int AddLocalAudio(struct sdp_session* sess, struct sdp_media** media, uint16_t port,
                  bool prefer_pcma);
// After sdp_decode: the codec to send with. Not ok when the peer has no usable G.711 audio.
CodecChoice ChooseCodec(const struct sdp_media* media, bool prefer_pcma);

}  // namespace kira::telephony
