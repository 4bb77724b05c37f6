// CallLeg: one SIP session with its SDP negotiation, RTP socket, media clock, DTMF, session
// timer and blind transfer. Runs entirely on the endpoint's event-loop thread.
#include <netinet/in.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "core/log.h"
#include "media/audio.h"
#include "telephony/endpoint_impl.h"

namespace kira::telephony {

namespace {

constexpr const char* kLog = "sip";
constexpr int kTelephoneEventPt = 101;
constexpr int kTransferTimeoutMs = 30000;

std::string LowerTransport(enum sip_transp tp) {
  std::string s = sip_transp_name(tp);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string UserOf(const struct uri& u) { return PlToString(u.user); }

}  // namespace

CallLeg::CallLeg(SipEndpoint::Impl* ep, int id, bool inbound)
    : ep_(ep),
      id_(id),
      jb_(media::JitterConfig{.depth_frames = std::max(1, ep->cfg.jitter_ms / kFrameMs)}) {
  info_.inbound = inbound;
  info_.local_tag = std::string(inbound ? "in-" : "out-") + std::to_string(id);
  tmr_init(&session_tmr_);
  tmr_init(&ring_tmr_);
  tmr_init(&transfer_tmr_);
  sa_init(&rtp_dst_, AF_UNSPEC);
  tx_ts_ = rand_u32();
}

CallLeg::~CallLeg() {
  if (!ended_) End(EndReason::kShutdown, "released");
  tmr_cancel(&session_tmr_);
  tmr_cancel(&ring_tmr_);
  tmr_cancel(&transfer_tmr_);
  refer_ = static_cast<struct sipsub*>(mem_deref(refer_));
  sess_ = static_cast<struct sipsess*>(mem_deref(sess_));
  rtp_ = static_cast<struct rtp_sock*>(mem_deref(rtp_));
  sdp_ = static_cast<struct sdp_session*>(mem_deref(sdp_));
}

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
  if (!err)
    err = sdp_media_add(&sdpm_, sdp_, sdp_media_audio, sa_port(rtp_local(rtp_)), sdp_proto_rtpavp);
  const bool pcma_first = ep_->cfg.prefer_pcma;
  if (!err)
    err =
        sdp_format_add(nullptr, sdpm_, false, pcma_first ? "8" : "0", pcma_first ? "PCMA" : "PCMU",
                       8000, 1, nullptr, nullptr, nullptr, false, nullptr);
  if (!err)
    err =
        sdp_format_add(nullptr, sdpm_, false, pcma_first ? "0" : "8", pcma_first ? "PCMU" : "PCMA",
                       8000, 1, nullptr, nullptr, nullptr, false, nullptr);
  if (!err)
    err = sdp_format_add(nullptr, sdpm_, false, "101", telev_rtpfmt, 8000, 1, nullptr, nullptr,
                         nullptr, false, "0-15");
  if (!err) err = sdp_media_set_lattr(sdpm_, true, sdp_attr_ptime, "%d", kFrameMs);
  if (err) return Status::Internal("building SDP failed: " + std::string(strerror(err)));
  return Status::Ok();
}

bool CallLeg::ApplyRemoteSdp(std::string* why) {
  if (!sdpm_ || sdp_media_rport(sdpm_) == 0) {
    *why = "no usable audio stream (RTP/AVP with PCMU or PCMA) in the offer";
    return false;
  }
  const struct sdp_format* chosen = nullptr;
  te_pt_remote_ = -1;
  for (struct le* le = sdp_media_format_lst(sdpm_, false)->head; le; le = le->next) {
    const auto* fmt = static_cast<const struct sdp_format*>(le->data);
    if (!fmt->sup || !fmt->name) continue;
    if (!str_casecmp(fmt->name, telev_rtpfmt)) {
      te_pt_remote_ = fmt->pt;
      continue;
    }
    const bool g711 = !str_casecmp(fmt->name, "PCMU") || !str_casecmp(fmt->name, "PCMA");
    if (!g711 || fmt->srate != 8000) continue;
    if (!chosen) chosen = fmt;
    if (ep_->cfg.prefer_pcma && !str_casecmp(fmt->name, "PCMA")) chosen = fmt;
  }
  if (!chosen) {
    *why = "no common codec: Kira speaks PCMU and PCMA";
    return false;
  }
  law_ = !str_casecmp(chosen->name, "PCMA") ? media::G711Law::kAlaw : media::G711Law::kUlaw;
  tx_pt_ = chosen->pt;
  info_.codec = law_ == media::G711Law::kAlaw ? "PCMA" : "PCMU";
  rtp_dst_ = *sdp_media_raddr(sdpm_);
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

int CallLeg::Accept(const struct sip_msg* msg, std::string* reason) {
  info_.call_id = PlToString(msg->callid);
  info_.caller = UserOf(msg->from.uri);
  info_.called = UserOf(msg->uri);
  info_.remote_uri = PlToString(msg->from.auri);
  info_.remote_addr = AddrText(&msg->src) + ":" + std::to_string(sa_port(&msg->src));
  info_.transport = LowerTransport(msg->tp);
  struct sip* sip = ep_->sip;

  Status st = OpenRtp();
  if (st.ok()) st = BuildLocalSdp();
  if (!st.ok()) {
    log::Error(kLog, info_.local_tag + ": " + st.message());
    sip_treplyf(nullptr, nullptr, sip, msg, false, 503, "Service Unavailable",
                "Retry-After: %d\r\nContent-Length: 0\r\n\r\n", ep_->cfg.retry_after_s);
    *reason = st.message();
    return 503;
  }
  const bool has_offer = mbuf_get_left(msg->mb) > 0;
  if (has_offer) {
    if (msg_ctype_cmp(&msg->ctyp, "application", "sdp") == false) {
      ++ep_->stats.rejected_codec;
      sip_treplyf(nullptr, nullptr, sip, msg, false, 415, "Unsupported Media Type",
                  "Accept: application/sdp\r\nContent-Length: 0\r\n\r\n");
      *reason = "body is not application/sdp";
      return 415;
    }
    const size_t pos = msg->mb->pos;
    const int err = sdp_decode(sdp_, msg->mb, true);
    msg->mb->pos = pos;
    if (err) {
      ++ep_->stats.rejected_bad_sdp;
      log::Warn(kLog, info_.local_tag + ": malformed SDP from " + info_.remote_addr);
      sip_treplyf(nullptr, nullptr, sip, msg, false, 400, "Bad Request",
                  "Warning: 399 kira \"malformed SDP\"\r\nContent-Length: 0\r\n\r\n");
      *reason = "malformed SDP";
      return 400;
    }
    if (!ApplyRemoteSdp(reason)) {
      ++ep_->stats.rejected_codec;
      log::Warn(kLog, info_.local_tag + ": offer rejected: " + *reason);
      sip_treplyf(nullptr, nullptr, sip, msg, false, 488, "Not Acceptable Here",
                  "Warning: 304 kira \"%s\"\r\nContent-Length: 0\r\n\r\n", reason->c_str());
      return 488;
    }
  }
  std::string extra;
  int reject = 0;
  StartSessionTimer(msg, &extra, &reject);
  if (reject) {
    sip_treplyf(nullptr, nullptr, sip, msg, false, 422, "Session Interval Too Small",
                "Min-SE: %d\r\nContent-Length: 0\r\n\r\n", ep_->cfg.min_se_s);
    *reason = "Session-Expires below Min-SE";
    return 422;
  }
  handler = ep_->factory ? ep_->factory(info_) : nullptr;
  if (!handler) {
    sip_treply(nullptr, sip, msg, 480, "Temporarily Unavailable");
    *reason = "no handler for the call";
    return 480;
  }
  struct mbuf* desc = nullptr;
  int err = sdp_encode(&desc, sdp_, !has_offer);
  if (!err)
    err = sipsess_accept(&sess_, ep_->sess_sock, msg, 200, "OK", ep_->cfg.contact_user.c_str(),
                         "application/sdp", desc, nullptr, nullptr, false, OfferHandler,
                         AnswerHandler, EstablishedHandler, InfoHandler, nullptr, CloseHandler,
                         this, "Allow: %s\r\n%s", kAllowedMethods, extra.c_str());
  mem_deref(desc);
  if (err) {
    sip_treply(nullptr, sip, msg, 500, "Server Internal Error");
    *reason = std::string("accept failed: ") + strerror(err);
    handler.reset();
    return 500;
  }
  counted_ = true;
  ++ep_->stats.active;
  log::Info(kLog, info_.local_tag + ": call from " + log::Redact(info_.caller) + " via " +
                      info_.transport + ", codec " + (has_offer ? info_.codec : "late offer"));
  return 0;
}

Status CallLeg::Connect(const std::string& target_uri, const std::string& from_uri) {
  info_.remote_uri = target_uri;
  struct pl pl;
  struct uri u;
  pl_set_str(&pl, target_uri.c_str());
  if (uri_decode(&u, &pl))
    return Status::Invalid("originate: '" + target_uri + "' is not a SIP URI");
  info_.called = UserOf(u);
  pl_set_str(&pl, from_uri.c_str());
  if (!uri_decode(&u, &pl)) info_.caller = UserOf(u);
  info_.transport = "udp";
  KIRA_RETURN_IF_ERROR(OpenRtp());
  KIRA_RETURN_IF_ERROR(BuildLocalSdp());
  struct mbuf* desc = nullptr;
  int err = sdp_encode(&desc, sdp_, true);
  if (!err)
    err = sipsess_connect(&sess_, ep_->sess_sock, target_uri.c_str(), nullptr, from_uri.c_str(),
                          ep_->cfg.contact_user.c_str(), nullptr, 0, "application/sdp", desc,
                          TrunkAuthHandler, ep_, false, OfferHandler, AnswerHandler,
                          ProgressHandler, EstablishedHandler, InfoHandler, nullptr, CloseHandler,
                          this, "Allow: %s\r\n", kAllowedMethods);
  mem_deref(desc);
  if (err) return Status::Unavailable("INVITE to " + target_uri + " failed: " + strerror(err));
  info_.call_id = sip_dialog_callid(sipsess_dialog(sess_));
  counted_ = true;
  ++ep_->stats.active;
  tmr_start(&ring_tmr_, static_cast<uint64_t>(ep_->cfg.no_answer_s) * 1000, RingTimeoutHandler,
            this);
  return Status::Ok();
}

void CallLeg::RingTimeoutHandler(void* arg) {
  auto* self = static_cast<CallLeg*>(arg);
  if (self->established_ || self->ended_) return;
  self->no_answer_ = true;
  self->Hangup(EndReason::kLocalHangup, "no answer");
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

void CallLeg::ProgressHandler(const struct sip_msg* msg, void* arg) {
  auto* self = static_cast<CallLeg*>(arg);
  log::Debug(kLog, self->info_.local_tag + ": progress " + std::to_string(msg->scode));
}

void CallLeg::EstablishedHandler(const struct sip_msg*, void* arg) {
  static_cast<CallLeg*>(arg)->Established();
}

void CallLeg::Established() {
  if (established_ || ended_) return;
  established_ = true;
  tmr_cancel(&ring_tmr_);
  start_ms_ = last_rx_ms_ = tmr_jiffies();
  ++ep_->stats.answered;
  control = std::make_shared<ControlImpl>(ep_->ref, id_);
  if (!info_.inbound && originate_done) {
    auto done = std::move(originate_done);
    originate_done = nullptr;
    done(OriginateResult::kAnswered, "answered");
  }
  if (handler) handler->OnStart(info_, control);
}

void CallLeg::InfoHandler(struct sip* sip, const struct sip_msg* msg, void* arg) {
  auto* self = static_cast<CallLeg*>(arg);
  struct pl sig;
  if (msg_ctype_cmp(&msg->ctyp, "application", "dtmf-relay") &&
      !re_regex(reinterpret_cast<const char*>(mbuf_buf(msg->mb)), mbuf_get_left(msg->mb),
                "Signal=[ ]*[0-9*#A-D]1", nullptr, &sig)) {
    sip_reply(sip, msg, 200, "OK");
    ++self->ep_->stats.dtmf_in;
    if (self->handler && self->established_ && !self->ended_) self->handler->OnDtmf(sig.p[0]);
    return;
  }
  sip_reply(sip, msg, 415, "Unsupported Media Type");
}

void CallLeg::CloseHandler(int err, const struct sip_msg* msg, void* arg) {
  auto* self = static_cast<CallLeg*>(arg);
  std::string detail;
  if (err) {
    detail = strerror(err);
  } else if (msg) {
    detail = std::to_string(msg->scode) + " " + PlToString(msg->reason);
  }
  self->End(err == ECONNRESET || (!err && self->established_) ? EndReason::kRemoteHangup
                                                              : EndReason::kError,
            detail);
  // Status for the originate result (before End consumed it): see End().
  (void)msg;
}

void CallLeg::End(EndReason reason, const std::string& detail) {
  if (ended_) return;
  ended_ = true;
  tmr_cancel(&session_tmr_);
  tmr_cancel(&ring_tmr_);
  if (control) control->MarkEnded();
  if (counted_) {
    --ep_->stats.active;
    counted_ = false;
  }
  if (transfer_pending_) {
    // Transferees usually hang up the old call once the new one is up (RFC 5589), sometimes
    // before their final NOTIFY: a BYE from the caller during the REFER counts as success.
    if (reason == EndReason::kRemoteHangup)
      TransferDone(true, "caller left the call after the REFER (transferred)");
    else
      TransferDone(false, "call ended before the transfer completed");
  }
  if (originate_done) {
    OriginateResult r = OriginateResult::kFailed;
    if (no_answer_) {
      r = OriginateResult::kNoAnswer;
    } else {
      const int code = std::atoi(detail.c_str());
      if (code == 486 || code == 600 || code == 603)
        r = OriginateResult::kBusy;
      else if (code == 408 || code == 480 || code == 487)
        r = OriginateResult::kNoAnswer;
    }
    auto done = std::move(originate_done);
    originate_done = nullptr;
    done(r, detail);
  }
  log::Info(kLog, info_.local_tag + ": ended (" + EndReasonName(reason) +
                      (detail.empty() ? "" : ": " + detail) + ")");
  if (handler) handler->OnEnd(reason, detail);
  ep_->RemoveCall(id_);
}

void CallLeg::Hangup(EndReason reason, const std::string& detail) {
  if (ended_) return;
  End(reason, detail);
  // BYE (or CANCEL / 487 before the answer) goes out now, not when the leg is freed.
  sess_ = static_cast<struct sipsess*>(mem_deref(sess_));
}

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
  // One source at a time. A new SSRC must prove itself with two packets in sequence (RFC 3550
  // probation) and may replace the current one only after that went quiet for a second, so
  // stray or forged packets cannot take over the stream.
  if (!self->have_ssrc_ || hdr->ssrc != self->ssrc_) {
    if (self->have_ssrc_ && now - self->last_rx_ms_ < 1000) {
      ++st.rtp_bad;
      return;
    }
    if (!self->Probation(hdr->ssrc, hdr->seq)) {
      ++st.rtp_dropped;
      return;
    }
    self->have_ssrc_ = true;
    self->ssrc_ = hdr->ssrc;
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
  (void)src;
}

bool CallLeg::Probation(uint32_t ssrc, uint16_t seq) {
  for (Candidate& c : candidates_) {
    if (c.used && c.ssrc == ssrc) {
      const bool in_sequence = seq == static_cast<uint16_t>(c.seq + 1);
      c.seq = seq;
      return in_sequence;
    }
  }
  Candidate& slot = candidates_[next_candidate_++ % candidates_.size()];
  slot = Candidate{true, ssrc, seq};
  return false;
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

void CallLeg::Transfer(const std::string& target) {
  if (ended_ || !established_ || !sess_ || transfer_pending_) {
    if (handler)
      handler->OnTransferResult(
          false, transfer_pending_ ? "a transfer is in progress" : "call not established");
    return;
  }
  const std::string refer_to = target.front() == '<' ? target : "<" + target + ">";
  refer_ = static_cast<struct sipsub*>(mem_deref(refer_));
  int err = sipevent_drefer(
      &refer_, ep_->ev_sock, sipsess_dialog(sess_), ep_->cfg.contact_user.c_str(), nullptr, nullptr,
      false, ReferNotifyHandler, ReferCloseHandler, this, "Refer-To: %s\r\n", refer_to.c_str());
  if (err) {
    if (handler) handler->OnTransferResult(false, std::string("REFER failed: ") + strerror(err));
    ++ep_->stats.transfers_failed;
    return;
  }
  transfer_pending_ = true;
  tmr_start(&transfer_tmr_, kTransferTimeoutMs, TransferTimeoutHandler, this);
  log::Info(kLog, info_.local_tag + ": REFER to " + target);
}

void CallLeg::TransferDone(bool ok, const std::string& detail) {
  if (!transfer_pending_) return;
  transfer_pending_ = false;
  tmr_cancel(&transfer_tmr_);
  if (ok)
    ++ep_->stats.transfers_ok;
  else
    ++ep_->stats.transfers_failed;
  log::Info(kLog, info_.local_tag + ": transfer " + (ok ? "succeeded" : "failed") + ": " + detail);
  if (handler && !ended_) handler->OnTransferResult(ok, detail);
  if (ok) Hangup(EndReason::kTransferred, detail);
}

void CallLeg::TransferTimeoutHandler(void* arg) {
  static_cast<CallLeg*>(arg)->TransferDone(false, "no answer from the transfer target");
}

void CallLeg::ReferNotifyHandler(struct sip* sip, const struct sip_msg* msg, void* arg) {
  auto* self = static_cast<CallLeg*>(arg);
  struct pl code, reason;
  if (re_regex(reinterpret_cast<const char*>(mbuf_buf(msg->mb)), mbuf_get_left(msg->mb),
               "SIP/2.0 [0-9]+ [^\r\n]*", &code, &reason)) {
    sip_reply(sip, msg, 400, "Bad sipfrag");
    return;
  }
  sip_reply(sip, msg, 200, "OK");
  const uint32_t sc = pl_u32(&code);
  const std::string detail = std::to_string(sc) + " " + PlToString(reason);
  if (sc >= 300)
    self->TransferDone(false, "target answered " + detail);
  else if (sc >= 200)
    self->TransferDone(true, detail);
}

void CallLeg::ReferCloseHandler(int err, const struct sip_msg* msg, const struct sipevent_substate*,
                                void* arg) {
  auto* self = static_cast<CallLeg*>(arg);
  self->refer_ = static_cast<struct sipsub*>(mem_deref(self->refer_));
  if (!self->transfer_pending_) return;
  if (msg && msg->scode >= 300)
    self->TransferDone(
        false, "REFER rejected: " + std::to_string(msg->scode) + " " + PlToString(msg->reason));
  else if (err)
    self->TransferDone(false, std::string("REFER failed: ") + strerror(err));
  else
    self->TransferDone(false, "transfer subscription ended without a final answer");
}

}  // namespace kira::telephony
