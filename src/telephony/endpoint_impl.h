// Internals shared by sip_endpoint.cpp and call_leg.cpp (not part of the public API).
// Everything here runs on the endpoint's event-loop thread unless a comment says otherwise.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "media/dtmf.h"
#include "media/g711.h"
#include "media/jitter_buffer.h"
#include "media/rtp_latch.h"
#include "telephony/acl.h"
#include "telephony/event_loop.h"
#include "telephony/re_include.h"
#include "telephony/sip_endpoint.h"
#include "telephony/tcp_guard.h"

namespace kira::telephony {

class CallLeg;

// Digest credentials of the trunk (REGISTER and outbound INVITEs); arg = SipEndpoint::Impl*.
int TrunkAuthHandler(char** user, char** pass, const char* realm, void* arg);
constexpr const char* kAllowedMethods =
    "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, REFER, NOTIFY, UPDATE";
std::string PlToString(const struct pl& p);
std::string AddrText(const struct sa* a);

// Counters written on the loop thread, read from anywhere.
struct AtomicStats {
  std::atomic<int64_t> calls_in{0}, calls_out{0}, answered{0};
  std::atomic<int64_t> rejected_acl{0}, rejected_busy{0}, rejected_codec{0}, rejected_bad_sdp{0};
  std::atomic<int64_t> rtp_in{0}, rtp_out{0}, rtp_bad{0}, rtp_dropped{0}, rtp_timeouts{0};
  std::atomic<int64_t> dtmf_in{0}, options{0}, transfers_ok{0}, transfers_failed{0};
  std::atomic<bool> registered{false};
  std::atomic<int> active{0};
};

// What a CallControl needs to reach the loop; cleared when the endpoint stops so late calls
// from worker threads become no-ops instead of touching freed memory.
struct LoopRef {
  std::mutex mu;
  EventLoop* loop = nullptr;
  SipEndpoint::Impl* impl = nullptr;
};

// Thread-safe control handle for one call (the CallControl the handler gets).
class ControlImpl : public CallControl {
 public:
  ControlImpl(std::shared_ptr<LoopRef> ref, int call_id) : ref_(std::move(ref)), id_(call_id) {}
  void Play(const std::vector<int16_t>& pcm) override;
  int FlushPlayback() override;
  int QueuedPlaybackMs() const override;
  std::vector<int16_t> TakePlayback() override;
  void Hangup(const std::string& reason) override;
  void Transfer(const std::string& target_uri) override;
  void SendDtmf(char digit) override;
  bool ended() const override { return ended_; }
  int64_t talkspurt_sent_ms() const override { return talkspurt_ms_; }
  void SetTalkspurtSent(int64_t ms) { talkspurt_ms_ = ms; }
  int jitter_delay_ms() const override { return jitter_delay_ms_; }
  void SetJitterDelay(int ms) { jitter_delay_ms_ = ms; }

  // Loop thread: the next 20 ms of agent audio; false when nothing is queued.
  bool PopFrame(int16_t* out);
  void MarkEnded() { ended_ = true; }

 private:
  void PostToEndpoint(std::function<void(SipEndpoint::Impl*)> fn);
  std::shared_ptr<LoopRef> ref_;
  int id_;
  mutable std::mutex mu_;
  std::deque<int16_t> queue_;
  std::atomic<bool> ended_{false};
  std::atomic<int64_t> talkspurt_ms_{0};
  std::atomic<int> jitter_delay_ms_{-1};
};

struct SipEndpoint::Impl {
  SipConfig cfg;
  HandlerFactory factory;
  EventLoop loop;
  SourceAcl acl;
  std::shared_ptr<LoopRef> ref = std::make_shared<LoopRef>();
  AtomicStats stats;

  struct sip* sip = nullptr;
  struct sipsess_sock* sess_sock = nullptr;
  struct sipevent_sock* ev_sock = nullptr;
  struct sip_lsnr* lsnr = nullptr;
  struct sipreg* reg = nullptr;
  struct dnsc* dnsc = nullptr;
  struct sa laddr;             // signalling address (port = bound UDP port)
  struct sa media_addr;        // address put into SDP and bound for RTP
  std::string trunk_host;      // registrar host, trusted for INVITEs
  std::string trunk_hostport;  // where calls to bare numbers go
  std::atomic<uint16_t> udp_port{0}, tcp_port{0};

  std::map<int, std::shared_ptr<CallLeg>> calls;
  int next_id = 1;
  struct tmr tick;
  uint64_t tick_due = 0;
  uint64_t ticks = 0;
  TcpGuard tcp_guard;  // SIP TCP admission (F5)
  int fd_limit = 0;    // libre's descriptor table size
  bool stopping = false;

  // sip_endpoint.cpp
  Status InitOnLoop();
  void FiniOnLoop();
  void OnInvite(const struct sip_msg* msg);
  bool OnRequest(const struct sip_msg* msg);
  void StartTick();
  void OnTick();
  void RemoveCall(int id);  // deferred: safe from inside libre callbacks
  CallLeg* Find(int id);
  Status DoOriginate(const std::string& target, const std::string& caller_id,
                     std::unique_ptr<CallHandler> handler, OriginateDone done);
  std::string ContactUser() const { return cfg.contact_user; }
  // May `ip` start calls (and keep a TCP connection)? The ACL or the trunk's address.
  bool Trusted(const std::string& ip) const {
    return acl.Allows(ip) || (!trunk_host.empty() && trunk_host == ip);
  }
  Status GuardTcp();
};

// One call: the SIP session, its SDP, the RTP socket and the media clock.
class CallLeg {
 public:
  CallLeg(SipEndpoint::Impl* ep, int id, bool inbound);
  ~CallLeg();  // releases libre objects (sends BYE/CANCEL if the session is still up)

  // Inbound: decodes the offer (or prepares an offer for a bodyless INVITE), opens RTP and
  // answers 200. Returns the SIP status to reject with (0 = accepted) and a reason phrase.
  int Accept(const struct sip_msg* msg, std::string* reason);
  // Outbound: opens RTP and sends the INVITE.
  Status Connect(const std::string& target_uri, const std::string& from_uri);

  void Tick(uint64_t now_ms);
  void Hangup(EndReason reason, const std::string& detail);
  void Transfer(const std::string& target);
  void OnSessionRefreshed();  // re-INVITE/UPDATE seen: restart the session timer
  // Agent audio was queued after silence: send its first frame now instead of at the tick.
  void SendEarly();

  int id() const { return id_; }
  bool ended() const { return ended_; }
  bool established() const { return established_; }
  const CallInfo& info() const { return info_; }
  struct sipsess* sess() const {
    return sess_;
  }
  const std::string& callid() const { return info_.call_id; }

  std::unique_ptr<CallHandler> handler;
  OriginateDone originate_done;  // outbound only
  std::shared_ptr<ControlImpl> control;

 private:
  // libre callbacks
  static int OfferHandler(struct mbuf** descp, const struct sip_msg* msg, void* arg);
  static int AnswerHandler(const struct sip_msg* msg, void* arg);
  static void ProgressHandler(const struct sip_msg* msg, void* arg);
  static void EstablishedHandler(const struct sip_msg* msg, void* arg);
  static void InfoHandler(struct sip* sip, const struct sip_msg* msg, void* arg);
  static void CloseHandler(int err, const struct sip_msg* msg, void* arg);
  static void RtpHandler(const struct sa* src, const struct rtp_header* hdr, struct mbuf* mb,
                         void* arg);
  static void ReferNotifyHandler(struct sip* sip, const struct sip_msg* msg, void* arg);
  static void ReferCloseHandler(int err, const struct sip_msg* msg,
                                const struct sipevent_substate* substate, void* arg);
  static void SessionTimerHandler(void* arg);
  static void RingTimeoutHandler(void* arg);
  static void TransferTimeoutHandler(void* arg);

  Status OpenRtp();
  Status BuildLocalSdp();
  // After sdp_decode: picks the codec and the telephone-event type. False = nothing usable.
  bool ApplyRemoteSdp(std::string* why);
  void StartSessionTimer(const struct sip_msg* invite, std::string* extra_headers, int* reject);
  void Established();
  void End(EndReason reason, const std::string& detail);
  void TransferDone(bool ok, const std::string& detail);
  void SendFrame(const int16_t* pcm);
  void MarkTalkspurt();

  SipEndpoint::Impl* ep_;
  int id_;
  CallInfo info_;
  struct sipsess* sess_ = nullptr;
  struct sdp_session* sdp_ = nullptr;
  struct sdp_media* sdpm_ = nullptr;
  struct rtp_sock* rtp_ = nullptr;
  struct sipsub* refer_ = nullptr;
  struct tmr session_tmr_;
  struct tmr ring_tmr_;
  struct tmr transfer_tmr_;

  media::G711Law law_ = media::G711Law::kUlaw;
  int tx_pt_ = 0;
  int te_pt_remote_ = -1;
  struct sa rtp_dst_;
  media::JitterBuffer jb_;
  media::TelephoneEventReceiver te_rx_;
  std::deque<int16_t> rx_pcm_;
  std::vector<int16_t> last_good_;
  int lost_run_ = 0;
  media::RtpLatch latch_;  // the one source we listen to (and answer: symmetric RTP)
  struct sa sdp_addr_;     // the peer's media address from its last SDP
  uint64_t last_rx_ms_ = 0;
  uint64_t start_ms_ = 0;
  uint32_t tx_ts_ = 0;
  bool tx_marker_ = true;
  bool early_sent_ = false;
  bool was_speaking_ = false;  // last sent frame was agent audio (not filler silence)
  int16_t early_frame_[kFrameSamples] = {0};

  bool established_ = false;
  bool ended_ = false;
  bool transfer_pending_ = false;
  bool counted_ = false;    // included in stats.active
  bool no_answer_ = false;  // outbound ring timeout fired
  int session_interval_s_ = 0;
  bool we_refresh_ = false;
};

}  // namespace kira::telephony
