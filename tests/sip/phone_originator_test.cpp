// The dialer's Originator over the phone service: Vera's call is answered by a second SIP
// endpoint, the conversation runs, and the dialer gets "answered" with the session's outcome
// only after the call ended; a callee that does not take calls gives "no_answer"; no session
// gives "failed" without dialling. Label: sip.
#include "voice_dialer/phone_originator.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <optional>
#include <thread>

#include "media/audio.h"
#include "peer_util.h"
#include "scripted_session.h"

namespace kira::siptest {
namespace {

using namespace std::chrono_literals;

// The person Vera calls: listens for 2.5 s, then hangs up.
class Callee : public telephony::CallHandler {
 public:
  explicit Callee(std::shared_ptr<std::atomic<int>> loud) : loud_(std::move(loud)) {}
  void OnStart(const telephony::CallInfo&, std::shared_ptr<telephony::CallControl> c) override {
    control_ = c;
  }
  void OnFrame(const int16_t* heard, const int16_t*, size_t n) override {
    if (media::RmsDbfs(std::span<const int16_t>(heard, n)) > -35) ++*loud_;
    if ((frames_ += 1) == 125) control_->Hangup("callee done");
  }
  void OnDtmf(char) override {}
  void OnTransferResult(bool, const std::string&) override {}
  void OnEnd(telephony::EndReason, const std::string&) override {}

 private:
  std::shared_ptr<std::atomic<int>> loud_;
  std::shared_ptr<telephony::CallControl> control_;
  int frames_ = 0;
};

struct Results {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<dialer::CallResult> got;
  std::optional<dialer::CallResult> Wait(size_t n, std::chrono::seconds t) {
    std::unique_lock<std::mutex> l(mu);
    if (!cv.wait_for(l, t, [&] { return got.size() >= n; })) return std::nullopt;
    return got[n - 1];
  }
  dialer::Originator::Done Sink() {
    return [this](const dialer::CallResult& r) {
      std::lock_guard<std::mutex> l(mu);
      got.push_back(r);
      cv.notify_all();
    };
  }
};

TEST(PhoneOriginator, ReportsAnsweredWithOutcomeAfterTheCallAndSipFailures) {
  auto loud = std::make_shared<std::atomic<int>>(0);
  telephony::SipEndpoint person;
  ASSERT_TRUE(person
                  .Start(LoopbackSipConfig(47000, 47499),
                         [&](const telephony::CallInfo&) { return std::make_unique<Callee>(loud); })
                  .ok());
  telephony::SipEndpoint refuser;  // takes no calls (480)
  ASSERT_TRUE(refuser
                  .Start(LoopbackSipConfig(47500, 47999),
                         [](const telephony::CallInfo&) { return nullptr; })
                  .ok());

  voice::PhoneService phone;
  voice::PhoneConfig cfg;
  cfg.sip = LoopbackSipConfig(48000, 48999);
  cfg.asr = {};
  cfg.tts = {{"en", "flite", {{"voice", "kal"}}}};
  cfg.workers = 2;
  ASSERT_TRUE(phone.Start(cfg, nullptr).ok());
  auto log = std::make_shared<SessionLog>();
  Script script;
  script.greeting = "Hello, this is Vera from the tile shop. You asked us to call you back.";
  voice::PhoneOriginator orig(&phone, [&](const dialer::CallRequest& r) {
    if (r.task.id == 3) return std::unique_ptr<dialog::DialogSession>();
    return std::unique_ptr<dialog::DialogSession>(std::make_unique<ScriptedSession>(log, script));
  });
  Results results;

  dialer::CallRequest req;
  req.task.id = 1;
  req.task.phone = "sip:person@127.0.0.1:" + std::to_string(person.udp_port());
  req.caller_id = "+74950000000";
  orig.Originate(req, results.Sink());
  auto r1 = results.Wait(1, 20s);
  ASSERT_TRUE(r1.has_value());
  EXPECT_EQ(r1->disposition, dialer::CallDisposition::kAnswered);
  EXPECT_EQ(r1->outcome, "info_only");
  EXPECT_GT(loud->load(), 25) << "the person heard Vera";
  EXPECT_EQ(log->WaitFor("finish", 1ms), "finish");

  req.task.id = 2;
  req.task.phone = "sip:person@127.0.0.1:" + std::to_string(refuser.udp_port());
  orig.Originate(req, results.Sink());
  auto r2 = results.Wait(2, 10s);
  ASSERT_TRUE(r2.has_value());
  EXPECT_EQ(r2->disposition, dialer::CallDisposition::kNoAnswer);

  req.task.id = 3;  // no session for it
  orig.Originate(req, results.Sink());
  auto r3 = results.Wait(3, 2s);
  ASSERT_TRUE(r3.has_value());
  EXPECT_EQ(r3->disposition, dialer::CallDisposition::kFailed);

  phone.Stop();
  person.Stop();
  refuser.Stop();
  std::lock_guard<std::mutex> l(results.mu);
  EXPECT_EQ(results.got.size(), 3u);  // exactly one result per call
}

}  // namespace
}  // namespace kira::siptest
