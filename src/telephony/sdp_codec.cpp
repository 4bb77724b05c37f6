#include "telephony/sdp_codec.h"

#include "media/audio.h"
#include "telephony/re_include.h"

namespace kira::telephony {

int AddLocalAudio(struct sdp_session* sess, struct sdp_media** media, uint16_t port,
                  bool prefer_pcma) {
  int err = sdp_media_add(media, sess, sdp_media_audio, port, sdp_proto_rtpavp);
  if (!err)
    err = sdp_format_add(nullptr, *media, false, prefer_pcma ? "8" : "0",
                         prefer_pcma ? "PCMA" : "PCMU", 8000, 1, nullptr, nullptr, nullptr, false,
                         nullptr);
  if (!err)
    err = sdp_format_add(nullptr, *media, false, prefer_pcma ? "0" : "8",
                         prefer_pcma ? "PCMU" : "PCMA", 8000, 1, nullptr, nullptr, nullptr, false,
                         nullptr);
  if (!err)
    err = sdp_format_add(nullptr, *media, false, "101", telev_rtpfmt, 8000, 1, nullptr, nullptr,
                         nullptr, false, "0-15");
  if (!err) err = sdp_media_set_lattr(*media, true, sdp_attr_ptime, "%d", media::kFrameMs);
  return err;
}

CodecChoice ChooseCodec(const struct sdp_media* m, bool prefer_pcma) {
  CodecChoice c;
  if (!m || sdp_media_rport(m) == 0) {
    c.why = "no usable audio stream (RTP/AVP with PCMU or PCMA) in the offer";
    return c;
  }
  const struct sdp_format* chosen = nullptr;
  for (struct le* le = sdp_media_format_lst(m, false)->head; le; le = le->next) {
    const auto* fmt = static_cast<const struct sdp_format*>(le->data);
    if (!fmt->sup || !fmt->name) continue;
    if (!str_casecmp(fmt->name, telev_rtpfmt)) {
      c.te_pt = fmt->pt;
      continue;
    }
    const bool g711 = !str_casecmp(fmt->name, "PCMU") || !str_casecmp(fmt->name, "PCMA");
    if (!g711 || fmt->srate != 8000) continue;
    if (!chosen) chosen = fmt;
    if (prefer_pcma && !str_casecmp(fmt->name, "PCMA")) chosen = fmt;
  }
  if (!chosen) {
    c.why = "no common codec: Kira speaks PCMU and PCMA";
    c.te_pt = -1;
    return c;
  }
  c.ok = true;
  c.alaw = !str_casecmp(chosen->name, "PCMA");
  c.pt = chosen->pt;
  return c;
}

}  // namespace kira::telephony
