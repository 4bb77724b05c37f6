// Issue 10 (F13, 152-FZ): a caller's number and name never reach the log in clear unless debug
// logging is on. A real call: baresip, as "John Smith" <sip:+79161234567@…>, calls the
// `kira serve` binary (the English demo shop, pocketsphinx + flite), which greets it; the log
// the process wrote (stdout + stderr) is then searched. At --log-level info the call's line is
// there with the name and the number masked; with -v (debug) they are there in clear.
// Label: sip. Needs baresip, flite, sox.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "peer_util.h"

namespace kira::siptest {
namespace {

using namespace std::chrono_literals;

constexpr char kNumber[] = "+79161234567";
constexpr char kName[] = "John Smith";

// Runs one call against `kira serve <log_flags>` and returns what the process logged.
std::string LogOfOneCall(const std::string& dir, const std::vector<std::string>& log_flags) {
  const std::string data = dir + "/data", log = dir + "/kira.log";
  const uint16_t sip_port = FreePort();
  std::ofstream(dir + "/phone.yaml") << "phone:\n"
                                        "  rtp_ports: 52000-52499\n"
                                        "  silence_reprompt_s: 60\n"
                                        "  asr: {en: {engine: pocketsphinx}}\n"
                                        "  tts: {en: {engine: flite, voice: kal}}\n";
  std::vector<std::string> argv = {KIRA_BIN, "--data", data, "--business",
                                   std::string(KIRA_DEMO_DIR) + "/profile.en.yaml"};
  argv.insert(argv.end(), log_flags.begin(), log_flags.end());
  for (const char* a : {"serve", "--no-web", "--no-dialer", "--phone-config"}) argv.push_back(a);
  argv.push_back(dir + "/phone.yaml");
  argv.push_back("--sip");
  argv.push_back("127.0.0.1:" + std::to_string(sip_port));
  ChildProcess kira;
  EXPECT_TRUE(kira.Start(argv, log).ok());
  if (!WaitForText(log, "answering SIP calls", 120s)) {
    ADD_FAILURE() << "kira serve did not start\n" << ReadTextFile(log);
    return "";
  }
  const std::string mic = dir + "/mic.wav";
  EXPECT_TRUE(MakeSilenceWav(mic, 20.0).ok());
  Baresip caller;
  Baresip::Options o;
  o.user = kNumber;
  o.display_name = kName;
  o.sip_port = FreePort();
  o.ctrl_port = FreePort();
  o.rtp_min = 52500;
  o.rtp_max = 52999;
  o.mic_wav = mic;
  if (!caller.Start(o, dir + "/caller").ok()) {
    ADD_FAILURE() << caller.log();
    return "";
  }
  EXPECT_TRUE(caller.Command("dial", "sip:kira@127.0.0.1:" + std::to_string(sip_port)).ok());
  EXPECT_TRUE(caller.WaitEvent("CALL_ESTABLISHED", 15s)) << caller.log();
  EXPECT_TRUE(WaitForText(log, "call from", 15s)) << ReadTextFile(log);
  caller.Command("hangup", "").ok();
  caller.WaitEvent("CALL_CLOSED", 10s);
  caller.Stop();
  EXPECT_TRUE(WaitForText(log, "ended (", 15s)) << ReadTextFile(log);
  kira.Stop();
  return ReadTextFile(log);
}

void NeedPeers() {
  for (auto [bin, pkg] : {std::pair{"baresip", "baresip"}, {"flite", "flite"}, {"sox", "sox"}})
    ASSERT_EQ(MissingBinary(bin, pkg), "");
}

TEST(LogPrivacy, CallerNumberAndNameAreMaskedBelowDebug) {
  NeedPeers();
  const std::string dir = MakeTempDir("kira-log-privacy-info");
  const std::string log = LogOfOneCall(dir, {"--log-level", "info"});
  // The call was logged, masked: "call from J*** S*** <+7916***4567>".
  EXPECT_NE(log.find("call from J*** S*** <+7916***4567>"), std::string::npos) << log;
  EXPECT_EQ(log.find("79161234567"), std::string::npos) << log;
  EXPECT_EQ(log.find("1234567"), std::string::npos) << log;
  EXPECT_EQ(log.find("John"), std::string::npos) << log;
  EXPECT_EQ(log.find("Smith"), std::string::npos) << log;
  if (!::testing::Test::HasFailure()) RemoveTree(dir);
}

TEST(LogPrivacy, DebugLoggingShowsThemInClear) {
  NeedPeers();
  const std::string dir = MakeTempDir("kira-log-privacy-debug");
  const std::string log = LogOfOneCall(dir, {"-v"});
  EXPECT_NE(log.find(std::string("call from ") + kName + " <" + kNumber + ">"), std::string::npos)
      << log;
  if (!::testing::Test::HasFailure()) RemoveTree(dir);
}

}  // namespace
}  // namespace kira::siptest
