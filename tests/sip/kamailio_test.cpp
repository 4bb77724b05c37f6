// Beyond one machine: Kamailio (dispatcher, round robin, OPTIONS probing, failover on 5xx or
// timeout) in front of two Kira SIP endpoints. Calls are spread over both backends, the
// backends answer Kamailio's OPTIONS probes, and when one backend is gone calls fail over to
// the other. Media goes directly between caller and backend. Label: sip. Needs kamailio.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "media/audio.h"
#include "peer_util.h"
#include "telephony/sip_endpoint.h"

namespace kira::siptest {
namespace {

using namespace std::chrono_literals;

constexpr const char* kKamailioCfg = R"CFG(#!KAMAILIO
debug=2
log_stderror=yes
memdbg=5
memlog=5
children=2
tcp_children=1
auto_aliases=no
listen=udp:127.0.0.1:KAMPORT

loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "ctl.so"
loadmodule "dispatcher.so"

modparam("ctl", "binrpc", "unix:RUNDIR/kamailio_ctl")
modparam("rr", "enable_full_lr", 1)
modparam("tm", "fr_timer", 2000)
modparam("dispatcher", "list_file", "RUNDIR/dispatcher.list")
modparam("dispatcher", "flags", 2)
modparam("dispatcher", "ds_ping_interval", 1)
modparam("dispatcher", "ds_probing_mode", 1)
modparam("dispatcher", "ds_ping_from", "sip:lb@127.0.0.1")
modparam("dispatcher", "ds_probing_threshold", 1)
modparam("dispatcher", "ds_inactive_threshold", 1)

request_route {
    if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
    if (has_totag()) {
        if (loose_route()) { t_relay(); exit; }
        if (is_method("ACK")) { if (t_check_trans()) t_relay(); exit; }
        sl_send_reply("404", "Not here");
        exit;
    }
    if (is_method("CANCEL")) { if (t_check_trans()) t_relay(); exit; }
    if (is_method("OPTIONS") && uri == myself) { sl_send_reply("200", "OK"); exit; }
    if (is_method("INVITE")) record_route();
    if (!ds_select_dst("1", "4")) { sl_send_reply("503", "No backend available"); exit; }
    t_on_failure("DS_FAILOVER");
    if (!t_relay()) sl_reply_error();
    exit;
}

failure_route[DS_FAILOVER] {
    if (t_is_canceled()) exit;
    if (t_check_status("500|503") || (t_branch_timeout() && !t_branch_replied())) {
        ds_mark_dst("ip");
        if (ds_next_dst()) { t_on_failure("DS_FAILOVER"); t_relay(); }
    }
}
)CFG";

class Answer : public telephony::CallHandler {
 public:
  explicit Answer(std::atomic<int>* count) : count_(count) {}
  void OnStart(const telephony::CallInfo&, std::shared_ptr<telephony::CallControl> c) override {
    ++*count_;
    c->Play(media::Tone(8000, 440, 500, -10));
  }
  void OnFrame(const int16_t*, const int16_t*, size_t) override {}
  void OnDtmf(char) override {}
  void OnTransferResult(bool, const std::string&) override {}
  void OnEnd(telephony::EndReason, const std::string&) override {}

 private:
  std::atomic<int>* count_;
};

class Caller : public telephony::CallHandler {
 public:
  explicit Caller(std::atomic<int>* loud) : loud_(loud) {}
  void OnStart(const telephony::CallInfo&, std::shared_ptr<telephony::CallControl> c) override {
    c_ = c;
  }
  void OnFrame(const int16_t* heard, const int16_t*, size_t n) override {
    if (media::RmsDbfs(std::span<const int16_t>(heard, n)) > -30 && !counted_) {
      counted_ = true;
      ++*loud_;
    }
    if (++frames_ == 60) c_->Hangup("done");  // BYE goes through Kamailio (Record-Route)
  }
  void OnDtmf(char) override {}
  void OnTransferResult(bool, const std::string&) override {}
  void OnEnd(telephony::EndReason, const std::string&) override {}

 private:
  std::atomic<int>* loud_;
  std::shared_ptr<telephony::CallControl> c_;
  int frames_ = 0;
  bool counted_ = false;
};

telephony::SipConfig Cfg(uint16_t rtp) {
  return LoopbackSipConfig(rtp, static_cast<uint16_t>(rtp + 499));
}

TEST(Kamailio, SpreadsCallsOverTwoKiraNodesAndFailsOver) {
  ASSERT_EQ(MissingBinary("kamailio", "kamailio"), "");
  const std::string dir = MakeTempDir("kira-kamailio");
  std::atomic<int> calls_a{0}, calls_b{0}, heard{0};
  telephony::SipEndpoint a, b, caller;
  ASSERT_TRUE(a.Start(Cfg(51000), [&](const telephony::CallInfo&) {
                 return std::make_unique<Answer>(&calls_a);
               }).ok());
  ASSERT_TRUE(b.Start(Cfg(51500), [&](const telephony::CallInfo&) {
                 return std::make_unique<Answer>(&calls_b);
               }).ok());
  ASSERT_TRUE(caller.Start(Cfg(52000), nullptr).ok());

  const uint16_t kam_port = FreePort();
  std::string cfg = kKamailioCfg;
  for (size_t p; (p = cfg.find("RUNDIR")) != std::string::npos;) cfg.replace(p, 6, dir);
  cfg.replace(cfg.find("KAMPORT"), 7, std::to_string(kam_port));
  std::ofstream(dir + "/kamailio.cfg") << cfg;
  std::ofstream(dir + "/dispatcher.list")
      << "1 sip:127.0.0.1:" << a.udp_port() << "\n1 sip:127.0.0.1:" << b.udp_port() << "\n";
  ChildProcess kam;
  ASSERT_TRUE(kam.Start({"kamailio", "-f", dir + "/kamailio.cfg", "-DD", "-E", "-Y", dir, "-m",
                         "64", "-M", "8"},
                        dir + "/kamailio.log")
                  .ok());
  // Kamailio probes the backends with OPTIONS every second: both answer.
  for (int i = 0; i < 100 && (a.stats().options == 0 || b.stats().options == 0); ++i)
    std::this_thread::sleep_for(50ms);
  EXPECT_GT(a.stats().options, 0);
  EXPECT_GT(b.stats().options, 0);

  const std::string target = "sip:kira@127.0.0.1:" + std::to_string(kam_port);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(caller
                    .Originate(target, "+1555000" + std::to_string(i),
                               std::make_unique<Caller>(&heard), nullptr)
                    .ok());
    std::this_thread::sleep_for(200ms);
  }
  for (int i = 0; i < 150 && calls_a + calls_b < 4; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(calls_a + calls_b, 4);
  EXPECT_EQ(calls_a.load(), 2);  // round robin
  EXPECT_EQ(calls_b.load(), 2);
  for (int i = 0; i < 150 && (a.active_calls() + b.active_calls() > 0); ++i)
    std::this_thread::sleep_for(20ms);
  EXPECT_EQ(a.active_calls() + b.active_calls(), 0) << "BYE through Kamailio did not arrive";
  EXPECT_EQ(heard.load(), 4);  // media flowed directly

  // Node B goes away: new calls still land on A (failover, then B marked inactive).
  b.Stop();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(caller
                    .Originate(target, "+1555100" + std::to_string(i),
                               std::make_unique<Caller>(&heard), nullptr)
                    .ok());
    std::this_thread::sleep_for(300ms);
  }
  for (int i = 0; i < 400 && calls_a < 5; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(calls_a.load(), 5);
  caller.Stop();
  a.Stop();
  kam.Stop();
  if (!::testing::Test::HasFailure()) RemoveTree(dir);
}

}  // namespace
}  // namespace kira::siptest
