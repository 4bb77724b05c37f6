// Trunk side of the endpoint with real peers: REGISTER with digest auth against sipp acting as
// the registrar (it verifies the credentials), INVITEs from the registered trunk accepted even
// outside the ACL, outbound calls to bare numbers routed to the trunk, and the originate
// results (busy, failed) from a hand-written UAS. Label: sip.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <thread>

#include "peer_util.h"
#include "raw_sip.h"
#include "telephony/sip_endpoint.h"

namespace kira::siptest {
namespace {

using namespace std::chrono_literals;

// Challenges the first REGISTER, checks the digest of the second with the real password and
// answers 200 only if it is right (403 otherwise).
constexpr const char* kRegistrar = R"XML(<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="registrar">
  <recv request="REGISTER"/>
  <send>
    <![CDATA[
      SIP/2.0 401 Unauthorized
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]reg[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      WWW-Authenticate: Digest realm="kira-test", nonce="4f1a2b3c4d5e6f70", algorithm=MD5
      Content-Length: 0
    ]]>
  </send>
  <recv request="REGISTER">
    <action>
      <verifyauth assign_to="authvalid" username="kira" password="s3cret"/>
    </action>
  </recv>
  <nop hide="true" test="authvalid" next="good"/>
  <send next="done">
    <![CDATA[
      SIP/2.0 403 Forbidden
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]reg[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
    ]]>
  </send>
  <label id="good"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]reg[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      [last_Contact:];expires=600
      Expires: 600
      Content-Length: 0
    ]]>
  </send>
  <label id="done"/>
</scenario>
)XML";

class NullHandler : public telephony::CallHandler {
 public:
  void OnStart(const telephony::CallInfo&, std::shared_ptr<telephony::CallControl>) override {}
  void OnFrame(const int16_t*, const int16_t*, size_t) override {}
  void OnDtmf(char) override {}
  void OnTransferResult(bool, const std::string&) override {}
  void OnEnd(telephony::EndReason, const std::string&) override {}
};

telephony::SipConfig BaseConfig() { return LoopbackSipConfig(35000, 35999); }

TEST(SipTrunk, RegistersWithDigestAuthAgainstSipp) {
  ASSERT_EQ(MissingBinary("sipp", "sip-tester"), "");
  for (const char* password : {"s3cret", "wrong"}) {
    const std::string dir = MakeTempDir("kira-reg");
    std::ofstream(dir + "/reg.xml") << kRegistrar;
    const uint16_t reg_port = FreePort();
    ChildProcess sipp;
    ASSERT_TRUE(sipp.Start({"sipp", "-sf", dir + "/reg.xml", "-i", "127.0.0.1", "-p",
                            std::to_string(reg_port), "-m", "1", "-nostdin", "-timeout", "20s"},
                           dir + "/sipp.log")
                    .ok());
    std::this_thread::sleep_for(300ms);  // sipp binds its port
    telephony::SipConfig c = BaseConfig();
    c.trunk.registrar = "sip:127.0.0.1:" + std::to_string(reg_port);
    c.trunk.aor = "sip:kira@127.0.0.1";
    c.trunk.username = "kira";
    c.trunk.password = password;
    telephony::SipEndpoint ep;
    ASSERT_TRUE(ep.Start(c, nullptr).ok());
    const bool good = std::string(password) == "s3cret";
    for (int i = 0; i < 100 && !ep.stats().registered; ++i) std::this_thread::sleep_for(30ms);
    EXPECT_EQ(ep.stats().registered, good) << password;
    int status = 0;
    EXPECT_TRUE(sipp.Wait(10s, &status));
    ep.Stop();
    RemoveTree(dir);
  }
}

TEST(SipTrunk, InvitesFromTheTrunkPassTheAclAndBareNumbersGoToIt) {
  RawSip trunk;
  telephony::SipConfig c = BaseConfig();
  c.acl = {"10.0.0.0/8"};  // loopback is not listed...
  c.trunk.registrar = "sip:127.0.0.1:" + std::to_string(trunk.sip_port());  // ...but is the trunk
  c.trunk.aor = "sip:kira@127.0.0.1";
  telephony::SipEndpoint ep;
  ASSERT_TRUE(
      ep.Start(c, [](const telephony::CallInfo&) { return std::make_unique<NullHandler>(); }).ok());
  // (The REGISTER arrives at our raw socket and stays unanswered: irrelevant here.)
  trunk.Invite(ep.udp_port(), "from-trunk", trunk.PcmuOffer());
  SipResponse r;
  for (int i = 0; i < 10; ++i) {
    r = trunk.RecvFinal(1s);
    if (r.code) break;
  }
  EXPECT_EQ(r.code, 200) << r.text;
  trunk.Ack(ep.udp_port(), r);

  // A bare number is sent to the trunk; a 486 from it is "busy".
  std::mutex mu;
  std::condition_variable cv;
  std::optional<telephony::OriginateResult> result;
  ASSERT_TRUE(ep.Originate("+79161234567", "kira", std::make_unique<NullHandler>(),
                           [&](telephony::OriginateResult res, const std::string&) {
                             std::lock_guard<std::mutex> l(mu);
                             result = res;
                             cv.notify_all();
                           })
                  .ok());
  SipResponse invite;
  for (int i = 0; i < 20; ++i) {
    invite = trunk.Recv(500ms);
    if (invite.text.rfind("INVITE ", 0) == 0) break;
  }
  ASSERT_EQ(invite.text.rfind("INVITE sip:+79161234567@127.0.0.1:", 0), 0u) << invite.text;
  trunk.Reply(ep.udp_port(), invite, 486, "Busy Here");
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return result.has_value(); }));
  EXPECT_EQ(*result, telephony::OriginateResult::kBusy);
  lock.unlock();

  // 480 = no answer; 404 = failed.
  for (auto [code, want] : {std::pair{480, telephony::OriginateResult::kNoAnswer},
                            {404, telephony::OriginateResult::kFailed}}) {
    result.reset();
    ASSERT_TRUE(ep.Originate("sip:someone@127.0.0.1:" + std::to_string(trunk.sip_port()), "kira",
                             std::make_unique<NullHandler>(),
                             [&](telephony::OriginateResult res, const std::string&) {
                               std::lock_guard<std::mutex> l(mu);
                               result = res;
                               cv.notify_all();
                             })
                    .ok());
    for (int i = 0; i < 20; ++i) {
      invite = trunk.Recv(500ms);
      if (invite.text.rfind("INVITE ", 0) == 0) break;
    }
    trunk.Reply(ep.udp_port(), invite, code, "Nope");
    std::unique_lock<std::mutex> l2(mu);
    ASSERT_TRUE(cv.wait_for(l2, 5s, [&] { return result.has_value(); }));
    EXPECT_EQ(*result, want) << code;
  }
  ep.Stop();
}

}  // namespace
}  // namespace kira::siptest
