// F11 (issue 10) over real SIP and real processes: baresip calls the `kira serve` binary (the
// English demo shop, pocketsphinx + flite) and asks a question; as soon as the caller's words
// are in the database, kira is killed with SIGKILL mid-call. The lead and the turn already
// spoken are there; the next `kira serve` ends the conversation as "interrupted".
// Label: sip. Needs baresip, flite, sox.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "crm/sqlite/sqlite_crm_store.h"
#include "peer_util.h"

namespace kira::siptest {
namespace {

using namespace std::chrono_literals;

TEST(PhoneCrash, KilledMidCallKeepsTheSpokenLeadAndTheNextServeEndsItInterrupted) {
  for (auto [bin, pkg] : {std::pair{"baresip", "baresip"}, {"flite", "flite"}, {"sox", "sox"}})
    ASSERT_EQ(MissingBinary(bin, pkg), "");
  const std::string dir = MakeTempDir("kira-phone-crash");
  const std::string data = dir + "/data", db = data + "/kira.db";
  const std::string profile = std::string(KIRA_DEMO_DIR) + "/profile.en.yaml";
  const uint16_t sip_port = FreePort();
  std::ofstream(dir + "/phone.yaml") << "phone:\n"
                                        "  rtp_ports: 51000-51499\n"
                                        "  silence_reprompt_s: 60\n"
                                        "  asr: {en: {engine: pocketsphinx}}\n"
                                        "  tts: {en: {engine: flite, voice: kal}}\n";
  ChildProcess kira;
  ASSERT_TRUE(kira.Start({KIRA_BIN, "--data", data, "--business", profile, "serve", "--no-web",
                          "--no-dialer", "--sip", "127.0.0.1:" + std::to_string(sip_port),
                          "--phone-config", dir + "/phone.yaml"},
                         dir + "/kira1.log")
                  .ok());
  ASSERT_TRUE(WaitForText(dir + "/kira1.log", "answering SIP calls", 120s))
      << ReadTextFile(dir + "/kira1.log");

  const std::string mic = dir + "/mic.wav";
  ASSERT_TRUE(
      MakeSpeechWav("do you have the grey sixty by sixty porcelain tile in stock", mic, 6.0, 60.0)
          .ok());
  Baresip caller;
  Baresip::Options o;
  o.sip_port = FreePort();
  o.ctrl_port = FreePort();
  o.rtp_min = 51500;
  o.rtp_max = 51999;
  o.mic_wav = mic;
  ASSERT_TRUE(caller.Start(o, dir + "/caller").ok()) << caller.log();
  ASSERT_TRUE(caller.Command("dial", "sip:kira@127.0.0.1:" + std::to_string(sip_port)).ok());
  ASSERT_TRUE(caller.WaitEvent("CALL_ESTABLISHED", 15s)) << caller.log();

  // Until the caller's recognised words are committed, then SIGKILL mid-call.
  int64_t lead = 0, conv = 0;
  std::string heard;
  for (int i = 0; i < 120 && heard.empty(); ++i) {
    std::this_thread::sleep_for(500ms);
    auto store = crm::OpenSqliteCrmStore(db);
    if (!store.ok()) continue;
    auto leads = (*store)->ListLeads(crm::LeadFilter{});
    if (!leads.ok() || leads->empty()) continue;
    auto convs = (*store)->ListConversations((*leads)[0].id);
    if (!convs.ok() || convs->empty()) continue;
    for (const auto& t : (*convs)[0].turns)
      if (t.speaker == "caller") heard = t.text;
    lead = (*leads)[0].id;
    conv = (*convs)[0].id;
  }
  ASSERT_FALSE(heard.empty()) << "no caller turn was recorded\n"
                              << ReadTextFile(dir + "/kira1.log");
  ASSERT_EQ(kill(kira.pid(), SIGKILL), 0);
  int status = 0;
  ASSERT_TRUE(kira.Wait(10s, &status));
  ASSERT_TRUE(WIFSIGNALED(status));
  caller.Stop();
  std::printf("[F11] killed kira mid-call after the caller's words '%s' (lead %lld)\n",
              heard.c_str(), static_cast<long long>(lead));

  {
    auto store = crm::OpenSqliteCrmStore(db);
    ASSERT_TRUE(store.ok());
    auto c = (*store)->GetConversation(conv);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->ended_at, 0);  // nobody ended it
    EXPECT_TRUE((*store)->GetLead(lead).ok());
  }

  ChildProcess again;
  ASSERT_TRUE(again
                  .Start({KIRA_BIN, "--data", data, "--business", profile, "serve", "--no-web",
                          "--no-dialer", "--no-phone"},
                         dir + "/kira2.log")
                  .ok());
  ASSERT_TRUE(WaitForText(dir + "/kira2.log", "cut off by the last stop", 120s))
      << ReadTextFile(dir + "/kira2.log");
  again.Stop();
  auto store = crm::OpenSqliteCrmStore(db);
  ASSERT_TRUE(store.ok());
  auto c = (*store)->GetConversation(conv);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->outcome, crm::Outcome::kInterrupted);
  EXPECT_GT(c->ended_at, c->started_at);
  EXPECT_NE(c->summary.find("cut off"), std::string::npos) << c->summary;  // en scenario
  bool kept = false;
  for (const auto& t : c->turns) kept |= t.speaker == "caller" && t.text == heard;
  EXPECT_TRUE(kept) << "the spoken turn is lost";
  EXPECT_EQ((*store)->GetLead(lead)->outcome, crm::Outcome::kInterrupted);
  if (!::testing::Test::HasFailure()) RemoveTree(dir);
}

}  // namespace
}  // namespace kira::siptest
