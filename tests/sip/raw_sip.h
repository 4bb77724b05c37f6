// RawSip: a hand-written SIP-over-UDP client for protocol edge cases no well-behaved UA will
// produce (malformed SDP, unknown codecs, floods). Speaks plain RFC 3261 text; also sends and
// receives RTP on a second socket.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace kira::siptest {

struct SipResponse {
  int code = 0;
  std::string text;                                   // whole message
  std::string Header(const std::string& name) const;  // first value, "" if absent
  std::string Body() const;
};

class RawSip {
 public:
  RawSip();
  ~RawSip();
  uint16_t sip_port() const { return sip_port_; }
  uint16_t rtp_port() const { return rtp_port_; }

  void Send(uint16_t to_port, const std::string& msg);
  // Next SIP message (request or response) within `t`; empty text on timeout.
  SipResponse Recv(std::chrono::milliseconds t);
  // Waits for a final (>= 200) response, skipping provisional ones and retransmissions of
  // other messages.
  SipResponse RecvFinal(std::chrono::milliseconds t);

  // An INVITE with `body` (Content-Type `ctype`); remembers call-id/tags for Ack()/Bye().
  std::string Invite(uint16_t to_port, const std::string& call_id, const std::string& body,
                     const std::string& extra_headers = "",
                     const std::string& ctype = "application/sdp");
  void Ack(uint16_t to_port, const SipResponse& ok, const std::string& body = "");
  void Bye(uint16_t to_port, const SipResponse& ok);
  void Options(uint16_t to_port);
  // Replies 200 to a request (e.g. the far end's BYE).
  void Reply200(uint16_t to_port, const SipResponse& request);
  // Replies `code` to a request, adding a To tag (as a UAS rejecting an INVITE does).
  void Reply(uint16_t to_port, const SipResponse& request, int code, const std::string& reason);

  // The user part of From/Contact in the next INVITE ("tester" by default).
  void set_user(const std::string& user) { user_ = user; }

  // A PCMU offer pointing at our RTP socket.
  std::string PcmuOffer(const std::string& formats = "0 101") const;

  void SendRtp(uint16_t to_port, const std::vector<uint8_t>& packet);
  // Counts RTP packets received within `t`.
  int CountRtp(std::chrono::milliseconds t);

 private:
  int sip_fd_ = -1, rtp_fd_ = -1;
  uint16_t sip_port_ = 0, rtp_port_ = 0;
  std::string call_id_, from_tag_;
  std::string user_ = "tester";
  int cseq_ = 1;
  int branch_ = 0;
};

std::vector<uint8_t> RtpPacket(uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc,
                               const std::vector<uint8_t>& payload, bool marker = false);
// RTP port from an SDP body ("m=audio <port> ...").
uint16_t SdpAudioPort(const std::string& sdp);

}  // namespace kira::siptest
