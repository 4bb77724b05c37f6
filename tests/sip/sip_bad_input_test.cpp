// Kira's SIP endpoint against bad and hostile input, with a hand-written SIP client on
// loopback: malformed SDP, unknown codecs, SRTP-only offers, calls beyond capacity, sources
// outside the ACL, too-short session timers, RTP garbage and floods, a caller that stops
// sending RTP, RFC 4733 digits and late offers. Label: sip.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <random>
#include <thread>

#include "core/log.h"
#include "media/audio.h"
#include "media/dtmf.h"
#include "media/g711.h"
#include "raw_sip.h"
#include "telephony/sip_endpoint.h"

namespace kira::siptest {
namespace {

using namespace std::chrono_literals;
using telephony::CallControl;
using telephony::CallInfo;
using telephony::EndReason;

struct Seen {
  std::mutex mu;
  std::atomic<int> started{0}, ended{0}, frames{0}, loud{0};
  std::string digits;
  EndReason reason = EndReason::kError;
};

class Handler : public telephony::CallHandler {
 public:
  explicit Handler(std::shared_ptr<Seen> s) : s_(std::move(s)) {}
  void OnStart(const CallInfo&, std::shared_ptr<CallControl> c) override {
    c->Play(media::Tone(8000, 440, 3000, -10));
    ++s_->started;
  }
  void OnFrame(const int16_t* caller, const int16_t*, size_t n) override {
    ++s_->frames;
    if (media::RmsDbfs(std::span<const int16_t>(caller, n)) > -30) ++s_->loud;
  }
  void OnDtmf(char d) override {
    std::lock_guard<std::mutex> l(s_->mu);
    s_->digits += d;
  }
  void OnTransferResult(bool, const std::string&) override {}
  void OnEnd(EndReason r, const std::string&) override {
    std::lock_guard<std::mutex> l(s_->mu);
    s_->reason = r;
    ++s_->ended;
  }

 private:
  std::shared_ptr<Seen> s_;
};

class SipBadInput : public ::testing::Test {
 protected:
  void Start(telephony::SipConfig c = {}) {
    c.listen = "127.0.0.1:0";
    c.tcp = false;
    c.rtp_port_min = 34000;
    c.rtp_port_max = 34999;
    seen_ = std::make_shared<Seen>();
    auto seen = seen_;
    Status st = ep_.Start(c, [seen](const CallInfo&) { return std::make_unique<Handler>(seen); });
    ASSERT_TRUE(st.ok()) << st.ToString();
    port_ = ep_.udp_port();
  }
  // INVITE with a normal PCMU offer → 200 → ACK; returns the 200.
  SipResponse Establish(RawSip& ua, const std::string& call_id) {
    ua.Invite(port_, call_id, ua.PcmuOffer());
    SipResponse ok = ua.RecvFinal(3s);
    EXPECT_EQ(ok.code, 200) << ok.text;
    ua.Ack(port_, ok);
    return ok;
  }
  telephony::SipEndpoint ep_;
  std::shared_ptr<Seen> seen_;
  uint16_t port_ = 0;
};

TEST_F(SipBadInput, OptionsIsAnswered) {
  Start();
  RawSip ua;
  ua.Options(port_);
  SipResponse r = ua.RecvFinal(2s);
  EXPECT_EQ(r.code, 200);
  EXPECT_NE(r.Header("Allow").find("INVITE"), std::string::npos);
}

TEST_F(SipBadInput, MalformedSdpIs400) {
  Start();
  RawSip ua;
  ua.Invite(port_, "bad-sdp", "v=0\r\nthis is not SDP at all\r\nm=audio\r\n");
  SipResponse r = ua.RecvFinal(2s);
  EXPECT_EQ(r.code, 400) << r.text;
  EXPECT_EQ(ep_.stats().rejected_bad_sdp, 1);
  EXPECT_EQ(seen_->started, 0);
}

TEST_F(SipBadInput, UnknownCodecsAre488) {
  Start();
  RawSip ua;
  std::string sdp =
      "v=0\r\no=t 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
      "m=audio " +
      std::to_string(ua.rtp_port()) +
      " RTP/AVP 18 96\r\n"
      "a=rtpmap:18 G729/8000\r\na=rtpmap:96 opus/48000/2\r\n";
  ua.Invite(port_, "codecs", sdp);
  SipResponse r = ua.RecvFinal(2s);
  EXPECT_EQ(r.code, 488) << r.text;
  EXPECT_NE(r.Header("Warning").find("PCMU"), std::string::npos);
  // SRTP only: same answer.
  RawSip ua2;
  std::string srtp = ua2.PcmuOffer();
  srtp.replace(srtp.find("RTP/AVP"), 7, "RTP/SAVP");
  ua2.Invite(port_, "srtp", srtp);
  EXPECT_EQ(ua2.RecvFinal(2s).code, 488);
  // A body that is not SDP at all.
  RawSip ua3;
  ua3.Invite(port_, "ctype", "<xml/>", "", "application/xml");
  EXPECT_EQ(ua3.RecvFinal(2s).code, 415);
  EXPECT_EQ(seen_->started, 0);
}

TEST_F(SipBadInput, CallsBeyondCapacityGet503WithRetryAfter) {
  telephony::SipConfig c;
  c.max_calls = 2;
  c.retry_after_s = 17;
  Start(c);
  RawSip a, b, over;
  SipResponse ok_a = Establish(a, "cap-a");
  SipResponse ok_b = Establish(b, "cap-b");
  over.Invite(port_, "cap-c", over.PcmuOffer());
  SipResponse r = over.RecvFinal(2s);
  EXPECT_EQ(r.code, 503);
  EXPECT_EQ(r.Header("Retry-After"), "17");
  EXPECT_EQ(ep_.stats().rejected_busy, 1);
  // A call ending frees its slot.
  a.Bye(port_, ok_a);
  EXPECT_EQ(a.RecvFinal(2s).code, 200);
  for (int i = 0; i < 50 && ep_.active_calls() > 1; ++i) std::this_thread::sleep_for(20ms);
  RawSip again;
  again.Invite(port_, "cap-d", again.PcmuOffer());
  EXPECT_EQ(again.RecvFinal(2s).code, 200);
}

TEST_F(SipBadInput, SourcesOutsideTheAclGet403) {
  telephony::SipConfig c;
  c.acl = {"10.0.0.0/8"};
  Start(c);
  RawSip ua;
  ua.Invite(port_, "acl", ua.PcmuOffer());
  EXPECT_EQ(ua.RecvFinal(2s).code, 403);
  EXPECT_EQ(ep_.stats().rejected_acl, 1);
  ua.Options(port_);  // probes are still answered
  EXPECT_EQ(ua.RecvFinal(2s).code, 200);
}

TEST_F(SipBadInput, TooShortSessionTimerGets422AndValidOneIsHonoured) {
  Start();
  RawSip ua;
  ua.Invite(port_, "se-short", ua.PcmuOffer(), "Session-Expires: 30\r\nSupported: timer\r\n");
  SipResponse r = ua.RecvFinal(2s);
  EXPECT_EQ(r.code, 422);
  EXPECT_EQ(r.Header("Min-SE"), "90");
  RawSip ua2;
  ua2.Invite(port_, "se-ok", ua2.PcmuOffer(),
             "Session-Expires: 1800;refresher=uac\r\nSupported: timer\r\n");
  SipResponse ok = ua2.RecvFinal(2s);
  EXPECT_EQ(ok.code, 200);
  EXPECT_EQ(ok.Header("Session-Expires"), "1800;refresher=uac");
  EXPECT_NE(ok.Header("Require").find("timer"), std::string::npos);
  ua2.Ack(port_, ok);
}

TEST_F(SipBadInput, SessionTimerExpiryWithoutRefreshEndsTheCall) {
  telephony::SipConfig c;
  c.min_se_s = 3;
  Start(c);
  RawSip ua;
  ua.Invite(port_, "se-expire", ua.PcmuOffer(),
            "Session-Expires: 3;refresher=uac\r\nSupported: timer\r\n");
  SipResponse ok = ua.RecvFinal(2s);
  ASSERT_EQ(ok.code, 200);
  ua.Ack(port_, ok);
  // Keep RTP flowing so only the session timer can end the call; never refresh.
  const uint16_t kira_rtp = SdpAudioPort(ok.Body());
  SipResponse bye;
  std::vector<uint8_t> quiet(160, 0xFF);
  const auto end = std::chrono::steady_clock::now() + 6s;
  for (uint16_t seq = 1; std::chrono::steady_clock::now() < end; ++seq) {
    ua.SendRtp(kira_rtp, RtpPacket(0, seq, seq * 160u, 77, quiet));
    bye = ua.Recv(20ms);
    if (bye.text.rfind("BYE ", 0) == 0) break;
  }
  ASSERT_EQ(bye.text.rfind("BYE ", 0), 0u) << "no BYE after the session expired";
  ua.Reply200(port_, bye);
  for (int i = 0; i < 50 && seen_->ended == 0; ++i) std::this_thread::sleep_for(20ms);
  std::lock_guard<std::mutex> l(seen_->mu);
  EXPECT_EQ(seen_->reason, EndReason::kSessionExpired);
}

TEST_F(SipBadInput, KiraRefreshesTheSessionWhenAskedToBeRefresher) {
  telephony::SipConfig c;
  c.min_se_s = 4;
  Start(c);
  RawSip ua;
  ua.Invite(port_, "se-uas", ua.PcmuOffer(),
            "Session-Expires: 4;refresher=uas\r\nSupported: timer\r\n");
  SipResponse ok = ua.RecvFinal(2s);
  ASSERT_EQ(ok.code, 200);
  EXPECT_EQ(ok.Header("Session-Expires"), "4;refresher=uas");
  ua.Ack(port_, ok);
  // Kira re-INVITEs after half the interval.
  SipResponse reinvite;
  for (int i = 0; i < 40; ++i) {
    reinvite = ua.Recv(100ms);
    if (reinvite.text.rfind("INVITE ", 0) == 0) break;
  }
  ASSERT_EQ(reinvite.text.rfind("INVITE ", 0), 0u) << "no session refresh";
  EXPECT_NE(reinvite.Body().find("m=audio"), std::string::npos);
}

TEST_F(SipBadInput, RtpGarbageAndFloodsDoNotBreakTheCall) {
  Start();
  RawSip ua;
  SipResponse ok = Establish(ua, "flood");
  const uint16_t kira_rtp = SdpAudioPort(ok.Body());
  ASSERT_NE(kira_rtp, 0);
  for (int i = 0; i < 100 && seen_->started == 0; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(seen_->started, 1);
  std::mt19937 rng(7);
  // 1) Not RTP at all; 2) RTP with payload types nobody negotiated; 3) a flood from a second
  // SSRC while the real one talks; 4) absurd payload sizes.
  for (int i = 0; i < 3000; ++i) {
    std::vector<uint8_t> junk(1 + rng() % 300);
    for (auto& b : junk) b = static_cast<uint8_t>(rng());
    ua.SendRtp(kira_rtp, junk);
  }
  std::vector<uint8_t> loud(160);
  media::Pcm tone = media::Tone(8000, 500, 20, -6);
  media::G711Encode(media::G711Law::kUlaw, tone.data(), 160, loud.data());
  for (int i = 0; i < 3000; ++i) ua.SendRtp(kira_rtp, RtpPacket(34, i, i * 160, 99, loud));
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 50; ++i) {  // 1 s of real audio, flood in between
    ua.SendRtp(kira_rtp, RtpPacket(0, 1000 + i, 5000 + i * 160, 1234, loud));
    for (int j = 0; j < 40; ++j)
      ua.SendRtp(kira_rtp, RtpPacket(0, static_cast<uint16_t>(rng()), rng(), 4321, loud));
    ua.SendRtp(kira_rtp, RtpPacket(0, 2000 + i, 0, 1234, std::vector<uint8_t>(1400, 0x55)));
    std::this_thread::sleep_until(t0 + (i + 1) * 20ms);
  }
  // Kira keeps its 20 ms pacing and the real caller's audio got through.
  const int received = ua.CountRtp(1000ms);
  EXPECT_GE(received, 30);
  EXPECT_GT(seen_->loud, 20);
  EXPECT_GT(ep_.stats().rtp_bad, 1000);  // (the kernel may drop part of the burst)
  EXPECT_EQ(seen_->ended, 0);
  ua.Options(port_);
  EXPECT_EQ(ua.RecvFinal(2s).code, 200);
  ua.Bye(port_, ok);
  EXPECT_EQ(ua.RecvFinal(2s).code, 200);
}

TEST_F(SipBadInput, SilentCallerIsHungUpAfterRtpTimeout) {
  telephony::SipConfig c;
  c.rtp_timeout_s = 1;
  Start(c);
  RawSip ua;
  SipResponse ok = Establish(ua, "timeout");
  // No RTP from us: Kira sends BYE after ~1 s.
  SipResponse bye;
  const auto end = std::chrono::steady_clock::now() + 4s;
  while (std::chrono::steady_clock::now() < end) {
    bye = ua.Recv(200ms);
    if (bye.text.rfind("BYE ", 0) == 0) break;
  }
  ASSERT_EQ(bye.text.rfind("BYE ", 0), 0u) << "no BYE received";
  ua.Reply200(port_, bye);
  for (int i = 0; i < 50 && seen_->ended == 0; ++i) std::this_thread::sleep_for(20ms);
  std::lock_guard<std::mutex> l(seen_->mu);
  EXPECT_EQ(seen_->reason, EndReason::kRtpTimeout);
  EXPECT_EQ(ep_.stats().rtp_timeouts, 1);
}

// Symmetric RTP (issue 10): the SDP points at a port nobody listens on, as behind NAT; Kira
// latches to the first verified source, sends its RTP there, and ignores a second source.
TEST_F(SipBadInput, RtpIsLatchedToTheFirstVerifiedSource) {
  Start();
  RawSip ua, intruder;
  std::string offer = ua.PcmuOffer();
  const std::string m = "m=audio " + std::to_string(ua.rtp_port());
  offer.replace(offer.find(m), m.size(), "m=audio 9");  // discard port: nothing answers
  ua.Invite(port_, "latch", offer);
  SipResponse ok = ua.RecvFinal(3s);
  ASSERT_EQ(ok.code, 200) << ok.text;
  ua.Ack(port_, ok);
  const uint16_t kira_rtp = SdpAudioPort(ok.Body());
  for (int i = 0; i < 100 && seen_->started == 0; ++i) std::this_thread::sleep_for(10ms);
  std::vector<uint8_t> quiet(160, 0xFF), loud(160);
  media::Pcm tone = media::Tone(8000, 500, 20, -6);
  media::G711Encode(media::G711Law::kUlaw, tone.data(), 160, loud.data());
  EXPECT_EQ(ua.CountRtp(300ms), 0);  // Kira sends to the SDP's port 9 so far
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t bad0 = ep_.stats().rtp_bad;
  for (int i = 0; i < 50; ++i) {  // 1 s: the caller's quiet audio and a loud intruder
    ua.SendRtp(kira_rtp, RtpPacket(0, 100 + i, i * 160u, 1111, quiet));
    intruder.SendRtp(kira_rtp, RtpPacket(0, 500 + i, i * 160u, 2222, loud));
    intruder.SendRtp(kira_rtp, RtpPacket(0, 500 + i, i * 160u, 1111, loud));  // caller's SSRC
    std::this_thread::sleep_until(t0 + (i + 1) * 20ms);
  }
  EXPECT_GE(ua.CountRtp(500ms), 10) << "Kira does not answer the latched source";
  EXPECT_EQ(intruder.CountRtp(200ms), 0);
  EXPECT_EQ(seen_->loud, 0) << "the intruder's audio was played";
  EXPECT_GE(ep_.stats().rtp_bad - bad0, 90);
  EXPECT_EQ(seen_->ended, 0);
  ua.Bye(port_, ok);
  EXPECT_EQ(ua.RecvFinal(2s).code, 200);
}

// "Stopped on silence": once the latched caller goes quiet, RTP from anywhere else does not
// keep the call up; the RTP timeout hangs up.
TEST_F(SipBadInput, ForeignRtpDoesNotKeepASilentCallAlive) {
  telephony::SipConfig c;
  c.rtp_timeout_s = 1;
  Start(c);
  RawSip ua, intruder;
  SipResponse ok = Establish(ua, "silent-latched");
  const uint16_t kira_rtp = SdpAudioPort(ok.Body());
  std::vector<uint8_t> quiet(160, 0xFF);
  for (uint16_t i = 0; i < 5; ++i) ua.SendRtp(kira_rtp, RtpPacket(0, i, i * 160u, 1111, quiet));
  SipResponse bye;
  const auto t0 = std::chrono::steady_clock::now();
  for (uint16_t i = 0; std::chrono::steady_clock::now() < t0 + 4s; ++i) {
    intruder.SendRtp(kira_rtp, RtpPacket(0, i, i * 160u, 3333, quiet));
    bye = ua.Recv(20ms);
    if (bye.text.rfind("BYE ", 0) == 0) break;
  }
  ASSERT_EQ(bye.text.rfind("BYE ", 0), 0u) << "the intruder kept the call alive";
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2500ms);
  ua.Reply200(port_, bye);
  for (int i = 0; i < 50 && seen_->ended == 0; ++i) std::this_thread::sleep_for(20ms);
  std::lock_guard<std::mutex> l(seen_->mu);
  EXPECT_EQ(seen_->reason, EndReason::kRtpTimeout);
}

// Logs carry no caller number in clear unless debug logging is on (issue 10, F13).
TEST_F(SipBadInput, CallerNumbersAreMaskedInLogs) {
  Start();
  std::mutex mu;
  std::vector<std::string> lines;
  const log::Level saved = log::GetLevel();
  log::SetLevel(log::Level::kInfo);
  log::SetSink([&](log::Level, std::string_view, std::string_view m) {
    std::lock_guard<std::mutex> l(mu);
    lines.emplace_back(m);
  });
  RawSip ua;
  ua.set_user("+79161234567");
  SipResponse ok = Establish(ua, "masked");
  ua.Bye(port_, ok);
  EXPECT_EQ(ua.RecvFinal(2s).code, 200);
  std::this_thread::sleep_for(100ms);
  log::SetSink(nullptr);
  log::SetLevel(saved);
  std::lock_guard<std::mutex> l(mu);
  bool masked = false;
  for (const auto& line : lines) {
    EXPECT_EQ(line.find("79161234567"), std::string::npos) << line;
    masked = masked || line.find("call from +7916***4567") != std::string::npos;
  }
  EXPECT_TRUE(masked) << "no 'call from' line";
}

TEST_F(SipBadInput, CallsLongerThanTheMaximumAreEnded) {
  telephony::SipConfig c;
  c.max_call_s = 1;
  Start(c);
  RawSip ua;
  SipResponse ok = Establish(ua, "maxlen");
  const uint16_t kira_rtp = SdpAudioPort(ok.Body());
  std::vector<uint8_t> quiet(160, 0xFF);
  SipResponse bye;
  const auto end = std::chrono::steady_clock::now() + 4s;
  for (uint16_t seq = 1; std::chrono::steady_clock::now() < end; ++seq) {
    ua.SendRtp(kira_rtp, RtpPacket(0, seq, seq * 160u, 78, quiet));
    bye = ua.Recv(20ms);
    if (bye.text.rfind("BYE ", 0) == 0) break;
  }
  ASSERT_EQ(bye.text.rfind("BYE ", 0), 0u);
  ua.Reply200(port_, bye);
  for (int i = 0; i < 50 && seen_->ended == 0; ++i) std::this_thread::sleep_for(20ms);
  std::lock_guard<std::mutex> l(seen_->mu);
  EXPECT_EQ(seen_->reason, EndReason::kMaxDuration);
}

TEST_F(SipBadInput, Rfc4733DigitsArriveOnce) {
  Start();
  RawSip ua;
  SipResponse ok = Establish(ua, "dtmf");
  const uint16_t kira_rtp = SdpAudioPort(ok.Body());
  for (int i = 0; i < 100 && seen_->started == 0; ++i) std::this_thread::sleep_for(10ms);
  uint16_t seq = 1;
  uint32_t ts = 8000;
  for (char d : std::string("7#")) {
    media::TelephoneEvent ev;
    ev.event = *media::DigitToEvent(d);
    for (int k = 0; k < 6; ++k) {  // 3 progress packets + the end packet three times
      ev.end = k >= 3;
      ev.duration = static_cast<uint16_t>(160 * (k + 1));
      uint8_t pl[4];
      media::SerializeTelephoneEvent(ev, pl);
      ua.SendRtp(kira_rtp, RtpPacket(101, seq++, ts, 555, {pl, pl + 4}, k == 0));
      std::this_thread::sleep_for(5ms);
    }
    ts += 2000;
  }
  for (int i = 0; i < 100; ++i) {
    {
      std::lock_guard<std::mutex> l(seen_->mu);
      if (seen_->digits.size() >= 2) break;
    }
    std::this_thread::sleep_for(10ms);
  }
  std::lock_guard<std::mutex> l(seen_->mu);
  EXPECT_EQ(seen_->digits, "7#");
}

TEST_F(SipBadInput, LateOfferIsAnsweredInTheAck) {
  Start();
  RawSip ua;
  ua.Invite(port_, "late", "");
  SipResponse ok = ua.RecvFinal(2s);
  ASSERT_EQ(ok.code, 200);
  EXPECT_NE(ok.Body().find("PCMU"), std::string::npos);  // Kira's offer
  std::string answer = ua.PcmuOffer("0");
  ua.Ack(port_, ok, answer);
  for (int i = 0; i < 100 && seen_->started == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(seen_->started, 1);
  EXPECT_GE(ua.CountRtp(500ms), 15);  // Kira's tone, paced at 20 ms
}

}  // namespace
}  // namespace kira::siptest
