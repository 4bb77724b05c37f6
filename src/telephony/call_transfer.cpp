// CallLeg, blind transfer: REFER in the dialog, NOTIFY (sipfrag) progress, timeout.
#include <cstring>

#include "core/log.h"
#include "telephony/endpoint_impl.h"

namespace kira::telephony {

namespace {
constexpr const char* kLog = "sip";
}  // namespace

namespace {
constexpr int kTransferTimeoutMs = 30000;
}  // namespace

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
  log::Info(kLog, info_.local_tag + ": REFER to " + log::Pii(target));
}

void CallLeg::TransferDone(bool ok, const std::string& detail) {
  if (!transfer_pending_) return;
  transfer_pending_ = false;
  tmr_cancel(&transfer_tmr_);
  if (ok)
    ++ep_->stats.transfers_ok;
  else
    ++ep_->stats.transfers_failed;
  log::Info(kLog, info_.local_tag + ": transfer " + (ok ? "succeeded" : "failed") + ": " +
                      log::Pii(detail));
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
