// CallLeg, SDP side: the RTP socket, the local offer/answer (PCMU, PCMA, telephone-event),
// codec choice from the peer's SDP, re-INVITE offers/answers and RFC 4028 session timers.
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

#include "core/log.h"
#include "telephony/endpoint_impl.h"
#include "telephony/sdp_codec.h"

namespace kira::telephony {

namespace {
constexpr const char* kLog = "sip";
}  // namespace

Status CallLeg::OpenRtp() {
  int err = rtp_listen(&rtp_, IPPROTO_UDP, &ep_->media_addr, ep_->cfg.rtp_port_min,
                       ep_->cfg.rtp_port_max, false, RtpHandler, nullptr, this);
  if (err)
    return Status::Unavailable("no free RTP port in " + std::to_string(ep_->cfg.rtp_port_min) +
                               "-" + std::to_string(ep_->cfg.rtp_port_max) + ": " + strerror(err));
  return Status::Ok();
}

Status CallLeg::BuildLocalSdp() {
  int err = sdp_session_alloc(&sdp_, &ep_->media_addr);
  if (!err) err = AddLocalAudio(sdp_, &sdpm_, sa_port(rtp_local(rtp_)), ep_->cfg.prefer_pcma);
  if (err) return Status::Internal("building SDP failed: " + std::string(strerror(err)));
  return Status::Ok();
}

bool CallLeg::ApplyRemoteSdp(std::string* why) {
  const CodecChoice c = ChooseCodec(sdpm_, ep_->cfg.prefer_pcma);
  te_pt_remote_ = c.te_pt;
  if (!c.ok) {
    *why = c.why;
    return false;
  }
  law_ = c.alaw ? media::G711Law::kAlaw : media::G711Law::kUlaw;
  tx_pt_ = c.pt;
  info_.codec = c.alaw ? "PCMA" : "PCMU";
  // A new media address (re-INVITE moving the stream) lets RTP latch again; the same one keeps
  // the latched source and where we send (a session refresh must not reopen the latch).
  const struct sa* addr = sdp_media_raddr(sdpm_);
  if (!sa_cmp(addr, &sdp_addr_, SA_ALL) || !latch_.latched()) {
    sdp_addr_ = *addr;
    rtp_dst_ = *addr;
    latch_.Reset();
  }
  return true;
}

void CallLeg::StartSessionTimer(const struct sip_msg* msg, std::string* extra, int* reject) {
  const struct sip_hdr* se = sip_msg_hdr(msg, SIP_HDR_SESSION_EXPIRES);
  const bool uac_timer = sip_msg_hdr_has_value(msg, SIP_HDR_SUPPORTED, "timer");
  int interval = 0;
  std::string refresher;
  if (se) {
    struct pl num, ref;
    if (!re_regex(se->val.p, se->val.l, "[0-9]+", &num)) interval = static_cast<int>(pl_u32(&num));
    if (!re_regex(se->val.p, se->val.l, "refresher=[a-z]+", &ref)) refresher = PlToString(ref);
  } else if (ep_->cfg.session_expires_s > 0 && uac_timer) {
    interval = ep_->cfg.session_expires_s;
  }
  if (interval <= 0) return;
  if (interval < ep_->cfg.min_se_s) {
    *reject = 422;
    return;
  }
  if (refresher.empty() || (refresher == "uac" && !uac_timer))
    refresher = uac_timer ? "uac" : "uas";
  session_interval_s_ = interval;
  we_refresh_ = refresher == "uas";
  *extra = "Session-Expires: " + std::to_string(interval) + ";refresher=" + refresher +
           "\r\nSupported: timer\r\n" + (uac_timer ? "Require: timer\r\n" : "");
  OnSessionRefreshed();
}

void CallLeg::OnSessionRefreshed() {
  if (session_interval_s_ <= 0) return;
  const int s = session_interval_s_;
  const int wait_s = we_refresh_ ? s / 2 : s - std::min(32, s / 3);
  tmr_start(&session_tmr_, static_cast<uint64_t>(wait_s) * 1000, SessionTimerHandler, this);
}

void CallLeg::SessionTimerHandler(void* arg) {
  auto* self = static_cast<CallLeg*>(arg);
  if (self->ended_) return;
  if (self->we_refresh_) {
    struct mbuf* desc = nullptr;
    if (!sdp_encode(&desc, self->sdp_, true)) sipsess_modify(self->sess_, desc);
    mem_deref(desc);
    self->OnSessionRefreshed();
  } else {
    log::Warn(kLog, self->info_.local_tag + ": session timer expired without refresh");
    self->Hangup(EndReason::kSessionExpired, "no session refresh");
  }
}

int CallLeg::OfferHandler(struct mbuf** descp, const struct sip_msg* msg, void* arg) {
  auto* self = static_cast<CallLeg*>(arg);
  const bool has_offer = mbuf_get_left(msg->mb) > 0;
  if (has_offer) {
    const size_t pos = msg->mb->pos;
    const int err = sdp_decode(self->sdp_, msg->mb, true);
    msg->mb->pos = pos;
    if (err) return EBADMSG;
    std::string why;
    if (!self->ApplyRemoteSdp(&why)) return EPROTO;
  }
  self->OnSessionRefreshed();
  return sdp_encode(descp, self->sdp_, !has_offer);
}

int CallLeg::AnswerHandler(const struct sip_msg* msg, void* arg) {
  auto* self = static_cast<CallLeg*>(arg);
  if (mbuf_get_left(msg->mb) == 0) return 0;  // e.g. a 200 to a re-INVITE without new SDP
  const size_t pos = msg->mb->pos;
  const int err = sdp_decode(self->sdp_, msg->mb, false);
  msg->mb->pos = pos;
  if (err) return EBADMSG;
  std::string why;
  if (!self->ApplyRemoteSdp(&why)) {
    log::Warn(kLog, self->info_.local_tag + ": answer rejected: " + why);
    return EPROTO;
  }
  return 0;
}

}  // namespace kira::telephony
