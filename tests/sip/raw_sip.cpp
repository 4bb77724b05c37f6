#include "raw_sip.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <sstream>

namespace kira::siptest {

namespace {

int BindUdp(uint16_t* port) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  *port = ntohs(a.sin_port);
  return fd;
}

void SendTo(int fd, uint16_t port, const void* data, size_t n) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sendto(fd, data, n, 0, reinterpret_cast<sockaddr*>(&a), sizeof(a));
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string SipResponse::Header(const std::string& name) const {
  std::istringstream in(text);
  std::string line;
  const std::string want = Lower(name) + ":";
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;
    if (Lower(line.substr(0, want.size())) == want) {
      std::string v = line.substr(want.size());
      while (!v.empty() && v.front() == ' ') v.erase(0, 1);
      return v;
    }
  }
  return "";
}

std::string SipResponse::Body() const {
  const auto p = text.find("\r\n\r\n");
  return p == std::string::npos ? "" : text.substr(p + 4);
}

RawSip::RawSip() {
  sip_fd_ = BindUdp(&sip_port_);
  rtp_fd_ = BindUdp(&rtp_port_);
}

RawSip::~RawSip() {
  close(sip_fd_);
  close(rtp_fd_);
}

void RawSip::Send(uint16_t to_port, const std::string& msg) {
  SendTo(sip_fd_, to_port, msg.data(), msg.size());
}

SipResponse RawSip::Recv(std::chrono::milliseconds t) {
  SipResponse r;
  pollfd p{sip_fd_, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(t.count())) <= 0) return r;
  char buf[65536];
  const ssize_t n = recv(sip_fd_, buf, sizeof(buf), 0);
  if (n <= 0) return r;
  r.text.assign(buf, static_cast<size_t>(n));
  if (r.text.rfind("SIP/2.0 ", 0) == 0) r.code = std::atoi(r.text.c_str() + 8);
  return r;
}

SipResponse RawSip::RecvFinal(std::chrono::milliseconds t) {
  const auto end = std::chrono::steady_clock::now() + t;
  while (std::chrono::steady_clock::now() < end) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    SipResponse r = Recv(left);
    if (r.text.empty()) break;
    if (r.code >= 200) return r;
  }
  return {};
}

std::string RawSip::PcmuOffer(const std::string& formats) const {
  std::string s = "v=0\r\no=test 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n";
  s += "m=audio " + std::to_string(rtp_port_) + " RTP/AVP " + formats + "\r\n";
  s += "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n";
  s += "a=ptime:20\r\n";
  return s;
}

std::string RawSip::Invite(uint16_t to_port, const std::string& call_id, const std::string& body,
                           const std::string& extra, const std::string& ctype) {
  call_id_ = call_id;
  from_tag_ = "ft" + call_id;
  cseq_ = 1;
  const std::string local = "127.0.0.1:" + std::to_string(sip_port_);
  std::string m = "INVITE sip:kira@127.0.0.1:" + std::to_string(to_port) + " SIP/2.0\r\n";
  m += "Via: SIP/2.0/UDP " + local + ";rport;branch=z9hG4bK" + call_id + "-" +
       std::to_string(++branch_) + "\r\n";
  m += "From: <sip:" + user_ + "@" + local + ">;tag=" + from_tag_ + "\r\n";
  m += "To: <sip:kira@127.0.0.1:" + std::to_string(to_port) + ">\r\n";
  m += "Call-ID: " + call_id + "\r\nCSeq: 1 INVITE\r\n";
  m += "Contact: <sip:" + user_ + "@" + local + ">\r\nMax-Forwards: 70\r\n" + extra;
  if (!body.empty()) m += "Content-Type: " + ctype + "\r\n";
  m += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  Send(to_port, m);
  return m;
}

void RawSip::Ack(uint16_t to_port, const SipResponse& ok, const std::string& body) {
  const std::string local = "127.0.0.1:" + std::to_string(sip_port_);
  std::string m = "ACK sip:kira@127.0.0.1:" + std::to_string(to_port) + " SIP/2.0\r\n";
  m +=
      "Via: SIP/2.0/UDP " + local + ";rport;branch=z9hG4bKack" + std::to_string(++branch_) + "\r\n";
  m += "From: <sip:" + user_ + "@" + local + ">;tag=" + from_tag_ + "\r\n";
  m += "To: " + ok.Header("To") + "\r\n";
  m += "Call-ID: " + call_id_ + "\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\n";
  if (!body.empty()) m += "Content-Type: application/sdp\r\n";
  m += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  Send(to_port, m);
}

void RawSip::Bye(uint16_t to_port, const SipResponse& ok) {
  const std::string local = "127.0.0.1:" + std::to_string(sip_port_);
  std::string m = "BYE sip:kira@127.0.0.1:" + std::to_string(to_port) + " SIP/2.0\r\n";
  m +=
      "Via: SIP/2.0/UDP " + local + ";rport;branch=z9hG4bKbye" + std::to_string(++branch_) + "\r\n";
  m += "From: <sip:" + user_ + "@" + local + ">;tag=" + from_tag_ + "\r\n";
  m += "To: " + ok.Header("To") + "\r\n";
  m += "Call-ID: " + call_id_ + "\r\nCSeq: " + std::to_string(++cseq_) +
       " BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
  Send(to_port, m);
}

void RawSip::Options(uint16_t to_port) {
  const std::string local = "127.0.0.1:" + std::to_string(sip_port_);
  std::string m = "OPTIONS sip:kira@127.0.0.1:" + std::to_string(to_port) + " SIP/2.0\r\n";
  m +=
      "Via: SIP/2.0/UDP " + local + ";rport;branch=z9hG4bKopt" + std::to_string(++branch_) + "\r\n";
  m += "From: <sip:lb@" + local + ">;tag=opt" + std::to_string(branch_) + "\r\n";
  m += "To: <sip:kira@127.0.0.1:" + std::to_string(to_port) + ">\r\n";
  m += "Call-ID: options-" + std::to_string(branch_) +
       "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
  Send(to_port, m);
}

void RawSip::Reply200(uint16_t to_port, const SipResponse& req) {
  std::string m = "SIP/2.0 200 OK\r\n";
  for (const char* h : {"Via", "From", "To", "Call-ID", "CSeq"})
    m += std::string(h) + ": " + req.Header(h) + "\r\n";
  m += "Content-Length: 0\r\n\r\n";
  Send(to_port, m);
}

void RawSip::Reply(uint16_t to_port, const SipResponse& req, int code, const std::string& reason) {
  std::string m = "SIP/2.0 " + std::to_string(code) + " " + reason + "\r\n";
  for (const char* h : {"Via", "From", "Call-ID", "CSeq"})
    m += std::string(h) + ": " + req.Header(h) + "\r\n";
  m += "To: " + req.Header("To") + ";tag=uas" + std::to_string(++branch_) + "\r\n";
  m += "Content-Length: 0\r\n\r\n";
  Send(to_port, m);
}

void RawSip::SendRtp(uint16_t to_port, const std::vector<uint8_t>& packet) {
  SendTo(rtp_fd_, to_port, packet.data(), packet.size());
}

int RawSip::CountRtp(std::chrono::milliseconds t) {
  int n = 0;
  const auto end = std::chrono::steady_clock::now() + t;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{rtp_fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[2048];
    if (recv(rtp_fd_, buf, sizeof(buf), 0) > 12) ++n;
  }
  return n;
}

std::vector<uint8_t> RtpPacket(uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc,
                               const std::vector<uint8_t>& payload, bool marker) {
  std::vector<uint8_t> p(12 + payload.size());
  p[0] = 0x80;
  p[1] = static_cast<uint8_t>((marker ? 0x80 : 0) | (pt & 0x7f));
  p[2] = static_cast<uint8_t>(seq >> 8);
  p[3] = static_cast<uint8_t>(seq);
  for (int i = 0; i < 4; ++i) {
    p[4 + i] = static_cast<uint8_t>(ts >> (24 - 8 * i));
    p[8 + i] = static_cast<uint8_t>(ssrc >> (24 - 8 * i));
  }
  std::copy(payload.begin(), payload.end(), p.begin() + 12);
  return p;
}

uint16_t SdpAudioPort(const std::string& sdp) {
  const auto p = sdp.find("m=audio ");
  if (p == std::string::npos) return 0;
  return static_cast<uint16_t>(std::atoi(sdp.c_str() + p + 8));
}

}  // namespace kira::siptest
