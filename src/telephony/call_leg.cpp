// CallLeg, session side: accepting and placing calls, the session's life (established, INFO
// digits, close, hang-up, end-of-call bookkeeping). The SDP/session-timer part is in
// call_sdp.cpp, RTP and the media clock in call_media.cpp, REFER in call_transfer.cpp.
// Everything runs on the endpoint's event-loop thread.
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
      jb_(media::JitterConfig{
          .depth_frames = ep->cfg.adaptive_jitter ? 1 : std::max(1, ep->cfg.jitter_ms / kFrameMs),
          .adaptive = ep->cfg.adaptive_jitter,
          .max_depth_frames = std::max(1, ep->cfg.jitter_max_ms / kFrameMs)}) {
  info_.inbound = inbound;
  info_.local_tag = std::string(inbound ? "in-" : "out-") + std::to_string(id);
  tmr_init(&session_tmr_);
  tmr_init(&ring_tmr_);
  tmr_init(&transfer_tmr_);
  sa_init(&rtp_dst_, AF_UNSPEC);
  sa_init(&sdp_addr_, AF_UNSPEC);
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

int CallLeg::Accept(const struct sip_msg* msg, std::string* reason) {
  info_.call_id = PlToString(msg->callid);
  info_.caller = UserOf(msg->from.uri);
  info_.caller_name = PlToString(msg->from.dname);
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
  // Personal data: the name and the number are masked unless the log level is debug.
  const std::string from = info_.caller_name.empty() ? log::Phone(info_.caller)
                                                     : log::Name(info_.caller_name) + " <" +
                                                           log::Phone(info_.caller) + ">";
  log::Info(kLog, info_.local_tag + ": call from " + from + " via " + info_.transport + ", codec " +
                      (has_offer ? info_.codec : "late offer"));
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
  if (msg_ctype_cmp(&msg->ctyp, "application", "dtmf-relay")) {
    const auto digit = media::ParseDtmfRelay(
        std::string_view(reinterpret_cast<const char*>(mbuf_buf(msg->mb)), mbuf_get_left(msg->mb)));
    if (!digit) {
      sip_reply(sip, msg, 400, "Bad Request");  // not one DTMF digit in a Signal= line
      return;
    }
    sip_reply(sip, msg, 200, "OK");
    ++self->ep_->stats.dtmf_in;
    if (self->handler && self->established_ && !self->ended_) self->handler->OnDtmf(*digit);
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

}  // namespace kira::telephony
