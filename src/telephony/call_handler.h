// What the SIP layer hands to whoever drives a call (the voice pipeline, a test, the dialer).
// The telephony layer moves 8 kHz 16-bit mono audio in 20 ms frames; it knows nothing about
// speech or dialogs.
//
// Threading contract:
//  - every CallHandler method runs on the SIP/RTP event-loop thread and must return quickly
//    (well under a millisecond: no ASR, no TTS, no disk or network waits);
//  - CallControl is thread-safe and outlives the call: after the call ended its methods do
//    nothing, so worker threads may keep a shared_ptr to it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kira::telephony {

constexpr int kSampleRate = 8000;
constexpr size_t kFrameSamples = 160;  // 20 ms at 8 kHz
constexpr int kFrameMs = 20;

struct CallInfo {
  std::string call_id;    // SIP Call-ID
  std::string local_tag;  // for logs: "in-3" / "out-7"
  bool inbound = true;
  std::string caller;       // user part of From (the caller's number), e.g. "+79161234567"
  std::string caller_name;  // display name of From ("Иван Петров"), may be empty
  std::string called;       // user part of the request URI / To (the dialled number)
  std::string remote_uri;   // From (inbound) or the target (outbound)
  std::string remote_addr;  // signalling source "ip:port"
  std::string codec;        // "PCMU" | "PCMA"
  std::string transport;    // "udp" | "tcp"
};

// Control of one call, usable from any thread.
class CallControl {
 public:
  virtual ~CallControl() = default;
  // Queues agent audio (8 kHz mono) behind what is already queued; sent in 20 ms RTP packets.
  virtual void Play(const std::vector<int16_t>& pcm) = 0;
  // Drops everything queued (barge-in). Returns the milliseconds of audio dropped.
  virtual int FlushPlayback() = 0;
  // Removes and returns everything queued (barge-in pause: Play() it again to resume).
  virtual std::vector<int16_t> TakePlayback() = 0;
  // Milliseconds of agent audio still queued.
  virtual int QueuedPlaybackMs() const = 0;
  // Hangs up (BYE, or CANCEL/487 before answer). `reason` goes to the log.
  virtual void Hangup(const std::string& reason) = 0;
  // Blind transfer with REFER; the outcome arrives in CallHandler::OnTransferResult.
  virtual void Transfer(const std::string& target_uri) = 0;
  // Sends an RFC 4733 DTMF digit to the peer ('0'-'9', '*', '#').
  virtual void SendDtmf(char digit) = 0;
  virtual bool ended() const = 0;
  // Steady-clock milliseconds at which the first packet of the current (or last) stretch of
  // agent speech after silence was sent; 0 before any. For latency measurement.
  virtual int64_t talkspurt_sent_ms() const = 0;
  // The caller's audio's current delay in the receive jitter buffer (its depth), in ms;
  // -1 = not known. For latency measurement.
  virtual int jitter_delay_ms() const { return -1; }
};

// Why a call ended, for logs and the call record.
enum class EndReason {
  kLocalHangup,
  kRemoteHangup,
  kRtpTimeout,
  kMaxDuration,
  kTransferred,
  kSessionExpired,
  kError,
  kShutdown
};
const char* EndReasonName(EndReason r);

class CallHandler {
 public:
  virtual ~CallHandler() = default;
  // The call is established (ACK received / 200 received); media flows from now on.
  virtual void OnStart(const CallInfo& info, std::shared_ptr<CallControl> control) = 0;
  // Every 20 ms while the call is up: the caller's audio after the jitter buffer (silence when
  // nothing arrived) and the agent audio sent in the same tick (nullptr when none was queued).
  virtual void OnFrame(const int16_t* caller, const int16_t* agent, size_t samples) = 0;
  // An RFC 4733 digit (reported once, at the end of the event).
  virtual void OnDtmf(char digit) = 0;
  // Progress of a Transfer(): ok=true when the target answered (the call is then released).
  virtual void OnTransferResult(bool ok, const std::string& detail) = 0;
  // The call is over (either side). Called exactly once, also when OnStart never ran.
  virtual void OnEnd(EndReason reason, const std::string& detail) = 0;
};

// Outbound call results for the dialer.
enum class OriginateResult { kAnswered, kBusy, kNoAnswer, kFailed };
const char* OriginateResultName(OriginateResult r);

}  // namespace kira::telephony
