// SipEndpoint: Kira's SIP user agent (libre). One event-loop thread owns every SIP and RTP
// object; the rest of the program talks to it through thread-safe calls and the CallHandler /
// CallControl interfaces (call_handler.h).
//
//   telephony::SipConfig cfg;                       // 127.0.0.1:5080, UDP+TCP
//   telephony::SipEndpoint ep;
//   auto st = ep.Start(cfg, [](const telephony::CallInfo& info) {
//     return std::make_unique<MyHandler>();         // nullptr = reject with 480
//   });
//   ...
//   ep.Stop();                                      // hangs up every call, joins the thread
//
// Inbound policy: INVITEs only from `acl` sources or the registered trunk (else 403); offers
// without PCMU/PCMA over RTP/AVP get 488; over `max_calls` 503 + Retry-After; no RTP for
// `rtp_timeout_s` ends the call; SIP TCP connections are admitted at accept (ACL, per-source
// and total caps, a descriptor reserve for RTP) and closed when idle (tcp_guard.h). OPTIONS is
// answered 200 (Kamailio probes). Session timers (RFC 4028) are honoured when the peer asks.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "telephony/call_handler.h"

namespace kira::telephony {

struct TrunkConfig {
  std::string registrar;  // "sip:pbx.example.com" or "sip:127.0.0.1:5090"; "" = no REGISTER
  std::string aor;        // "sip:kira@pbx.example.com"
  std::string username;   // digest user ("" = the AOR's user)
  std::string password;
  int expires_s = 600;
};

struct SipConfig {
  std::string listen = "127.0.0.1:5080";  // address:port; port 0 = any free port
  bool udp = true;
  bool tcp = true;
  std::string contact_user = "kira";
  std::string user_agent = "Kira/0.1";
  int max_calls = 50;                              // concurrent calls; more get 503
  int retry_after_s = 30;                          // Retry-After on 503
  std::vector<std::string> acl = {"127.0.0.0/8"};  // CIDRs allowed to send INVITE
  TrunkConfig trunk;
  uint16_t rtp_port_min = 10000;
  uint16_t rtp_port_max = 20000;
  int rtp_timeout_s = 30;     // no RTP from the caller for this long = hang up
  int max_call_s = 1800;      // hard limit on a call's length
  int session_expires_s = 0;  // 0 = only use session timers when the peer asks
  int min_se_s = 90;          // smallest Session-Expires accepted (else 422)
  // Receive jitter buffer: adaptive (media/jitter_buffer.h) from one packet, deeper only while
  // packets arrive late, up to jitter_max_ms; or a fixed jitter_ms when not adaptive.
  bool adaptive_jitter = true;
  int jitter_ms = 60;
  int jitter_max_ms = 200;
  int no_answer_s = 30;      // outbound: give up ringing after this long
  bool prefer_pcma = false;  // answer with PCMA when the offer lists both
  // SIP over TCP, decided at accept before a byte is read (telephony/tcp_guard.h): sources
  // outside `acl` are closed at once; these bound the rest. No TLS transport is offered.
  int tcp_max_conns = 256;      // accepted SIP TCP connections in all
  int tcp_max_per_source = 16;  // from one address
  int tcp_first_data_s = 10;    // a connection that sent nothing for this long is closed
  int tcp_idle_s = 300;         // one that sent nothing new for this long is closed
  int fd_reserve = 0;           // descriptors kept for RTP and files; 0 = 64 + 4 * max_calls
};

// Counters for logs, tests and benchmarks (monotonic since Start).
struct SipStats {
  int64_t calls_in = 0, calls_out = 0, answered = 0, active = 0;
  int64_t rejected_acl = 0, rejected_busy = 0, rejected_codec = 0, rejected_bad_sdp = 0;
  int64_t rtp_in = 0, rtp_out = 0, rtp_bad = 0, rtp_dropped = 0, rtp_timeouts = 0;
  int64_t dtmf_in = 0, options = 0, transfers_ok = 0, transfers_failed = 0;
  // SIP TCP: connections open now, refused at accept (ACL / per source / total / descriptor
  // reserve), closed for sending nothing.
  int64_t tcp_open = 0, tcp_refused_acl = 0, tcp_refused_limit = 0, tcp_refused_fds = 0;
  int64_t tcp_closed_idle = 0;
  int fd_limit = 0;  // descriptor numbers the SIP loop can watch
  bool registered = false;
};

using HandlerFactory = std::function<std::unique_ptr<CallHandler>(const CallInfo&)>;
using OriginateDone = std::function<void(OriginateResult, const std::string& detail)>;

class SipEndpoint {
 public:
  SipEndpoint();
  ~SipEndpoint();  // Stop()s
  SipEndpoint(const SipEndpoint&) = delete;
  SipEndpoint& operator=(const SipEndpoint&) = delete;

  // Binds the transports and starts the event loop. Fails with a message naming the address.
  Status Start(const SipConfig& config, HandlerFactory factory);
  // Hangs up all calls, unregisters, stops the loop. Idempotent.
  void Stop();

  // The bound ports (useful when the config said port 0).
  uint16_t udp_port() const;
  uint16_t tcp_port() const;

  // Places an outbound call from `caller_id` (user part or URI) to `target` (SIP URI).
  // `handler` gets the media once answered; `done` reports answered/busy/no-answer/failed
  // (on the SIP thread). Returns an error only when the request cannot be sent at all.
  Status Originate(const std::string& target, const std::string& caller_id,
                   std::unique_ptr<CallHandler> handler, OriginateDone done);

  SipStats stats() const;
  int active_calls() const;

  struct Impl;  // endpoint_impl.h (internal)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace kira::telephony
