// The whole phone path with the real dialog and the real CRM: a SIP caller asks the English
// demo shop a stock question out loud; Kira (pocketsphinx JSGF + flite, the real Kira agent
// over the demo catalog) answers with a catalog price, and the call produces the same records
// as a chat: lead, phone conversation with the caller's number, turns, recording, outcome.
// Label: sip. Needs flite and sox.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "app/runtime.h"
#include "media/audio.h"
#include "media/wav.h"
#include "peer_util.h"
#include "voice/phone_service.h"

namespace kira::siptest {
namespace {

using namespace std::chrono_literals;

class Talker : public telephony::CallHandler {
 public:
  explicit Talker(media::Pcm audio) : audio_(std::move(audio)) {}
  void OnStart(const telephony::CallInfo&, std::shared_ptr<telephony::CallControl> c) override {
    c->Play(audio_);
    control_ = c;
  }
  void OnFrame(const int16_t*, const int16_t* sent, size_t) override {
    if (!sent && ++quiet_after_ == 400) control_->Hangup("caller done");  // 8 s after talking
    if (sent) quiet_after_ = 0;
  }
  void OnDtmf(char) override {}
  void OnTransferResult(bool, const std::string&) override {}
  void OnEnd(telephony::EndReason, const std::string&) override {}

 private:
  media::Pcm audio_;
  std::shared_ptr<telephony::CallControl> control_;
  int quiet_after_ = 0;
};

// Forwards to the real session; prints the recognition hints of each state (diagnostics).
class Traced : public dialog::DialogSession {
 public:
  explicit Traced(std::unique_ptr<dialog::DialogSession> s) : s_(std::move(s)) {}
  dialog::Reply Start() override { return s_->Start(); }
  dialog::Reply OnCallerText(const std::string& t) override { return s_->OnCallerText(t); }
  dialog::Reply OnDtmf(char d) override { return s_->OnDtmf(d); }
  dialog::Reply OnSilence(int n) override { return s_->OnSilence(n); }
  dialog::Reply OnTransferFailed(const std::string& w) override { return s_->OnTransferFailed(w); }
  dialog::Reply OnRecognitionUnavailable() override { return s_->OnRecognitionUnavailable(); }
  dialog::EndInfo Finish() override { return s_->Finish(); }
  bool ended() const override { return s_->ended(); }
  std::vector<std::string> ExpectedPhrases() const override {
    auto p = s_->ExpectedPhrases();
    std::string sample;
    for (size_t i = 0; i < p.size() && i < 12; ++i) sample += "'" + p[i] + "' ";
    std::fprintf(stderr, "hints: %zu phrases, e.g. %s\n", p.size(), sample.c_str());
    return p;
  }
  const std::string& language() const override { return s_->language(); }
  void SetRecordingPath(const std::string& path) override { s_->SetRecordingPath(path); }

 private:
  std::unique_ptr<dialog::DialogSession> s_;
};

// Prices of the grey 60x60 products in the demo catalog (what a correct answer may quote).
std::set<std::string> Grey60Prices() {
  std::set<std::string> prices;
  std::ifstream f(std::string(KIRA_DEMO_DIR) + "/catalog.csv");
  std::string line;
  std::getline(f, line);
  while (std::getline(f, line)) {
    std::vector<std::string> col;
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, ',')) col.push_back(c);
    if (col.size() < 10) continue;
    if (col[5] == "60x60" && col[6] == "серый") prices.insert(col[9]);
  }
  return prices;
}

std::string DigitsOnly(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    // "2,690" / "2 690" → "2690"; other separators split numbers.
    if (std::isdigit(static_cast<unsigned char>(ch)))
      out += ch;
    else if ((ch == ',' || ch == ' ') && !out.empty() && std::isdigit((unsigned char)out.back()) &&
             i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))
      continue;
    else
      out += ' ';
  }
  return " " + out + " ";
}

TEST(PhoneDialogE2E, SpokenStockQuestionGetsACatalogPriceAndACallRecord) {
  for (auto [bin, pkg] : {std::pair{"flite", "flite"}, {"sox", "sox"}})
    ASSERT_EQ(MissingBinary(bin, pkg), "");
  const std::string dir = MakeTempDir("kira-dialog-e2e");
  app::AppOptions opts;
  opts.data_dir = dir + "/data";
  opts.business = std::string(KIRA_DEMO_DIR) + "/profile.en.yaml";
  auto rt = app::OpenRuntime(opts);
  ASSERT_TRUE(rt.ok()) << rt.status().ToString();
  dialog::Engine* engine = (*rt)->engine.get();

  std::mutex mu;
  dialog::EndInfo end;
  bool finished = false;
  voice::PhoneService phone;
  voice::PhoneConfig cfg;
  const uint16_t port = FreePort();
  cfg.sip.listen = "127.0.0.1:" + std::to_string(port);
  cfg.sip.tcp = false;
  cfg.sip.rtp_port_min = 50000;
  cfg.sip.rtp_port_max = 50499;
  cfg.asr = {{"en", "pocketsphinx", {}}};
  cfg.tts = {{"en", "flite", {{"voice", "kal"}}}};
  cfg.data_dir = opts.data_dir;
  cfg.workers = 2;
  phone.set_on_finished([&](const telephony::CallInfo&, const dialog::EndInfo& e) {
    std::lock_guard<std::mutex> l(mu);
    end = e;
    finished = true;
  });
  ASSERT_TRUE(phone
                  .Start(cfg,
                         [engine](const std::string& caller, const std::string&,
                                  const std::string& channel) {
                           dialog::SessionParams p;
                           p.agent = "kira";
                           p.caller = caller;
                           p.channel = channel;
                           auto s = engine->NewSession(p);
                           return s.ok() ? std::unique_ptr<dialog::DialogSession>(
                                               std::make_unique<Traced>(std::move(s).value()))
                                         : nullptr;
                         })
                  .ok());

  // The question after the greeting; then, if Kira asks which surface, "matte".
  const std::string wav = dir + "/q.wav", wav2 = dir + "/a.wav";
  ASSERT_TRUE(MakeSpeechWav("do you have the grey sixty by sixty matte porcelain tile in stock",
                            wav, 9.0, 9.0)
                  .ok());
  ASSERT_TRUE(MakeSpeechWav("the matte one", wav2, 0.0, 0.5).ok());
  media::Pcm talk = media::ReadWav(wav)->Channel(0);
  media::Pcm second = media::ReadWav(wav2)->Channel(0);
  talk.insert(talk.end(), second.begin(), second.end());
  telephony::SipEndpoint caller;
  const telephony::SipConfig c = LoopbackSipConfig(50500, 50999);
  ASSERT_TRUE(caller.Start(c, nullptr).ok());
  ASSERT_TRUE(caller
                  .Originate("sip:kira@127.0.0.1:" + std::to_string(port), "+15551234567",
                             std::make_unique<Talker>(talk), nullptr)
                  .ok());
  for (int i = 0; i < 600; ++i) {
    {
      std::lock_guard<std::mutex> l(mu);
      if (finished) break;
    }
    std::this_thread::sleep_for(50ms);
  }
  caller.Stop();
  phone.Stop();
  std::lock_guard<std::mutex> l(mu);
  ASSERT_TRUE(finished) << "the call never finished";
  ASSERT_GT(end.conversation_id, 0);
  ASSERT_GT(end.lead_id, 0);
  EXPECT_TRUE(end.outcome.has_value());

  auto conv = (*rt)->store->GetConversation(end.conversation_id);
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  EXPECT_EQ(conv->channel, "phone");
  EXPECT_EQ(conv->agent, "kira");
  EXPECT_FALSE(conv->recording_path.empty());
  EXPECT_TRUE(std::filesystem::exists(conv->recording_path)) << conv->recording_path;
  EXPECT_GT(conv->ended_at, 0);
  // The transcript: Kira's greeting, the caller's recognised words, Kira's answers — one of
  // them with a price of a grey 60x60 tile from the catalog.
  std::string caller_said, kira_answer;
  bool after_caller = false;
  for (const auto& t : conv->turns) {
    std::fprintf(stderr, "%s: %s\n", t.speaker.c_str(), t.text.c_str());
    if (t.speaker == "caller") {
      caller_said += t.text + " ";
      after_caller = true;
    } else if (after_caller) {
      kira_answer += t.text + " | ";
    }
  }
  EXPECT_NE(caller_said.find("grey"), std::string::npos) << caller_said;
  EXPECT_NE(caller_said.find("porcelain"), std::string::npos) << caller_said;
  bool quoted = false;
  const std::string digits = DigitsOnly(kira_answer);
  for (const auto& p : Grey60Prices()) quoted |= digits.find(" " + p + " ") != std::string::npos;
  EXPECT_TRUE(quoted) << "answer without a grey 60x60 catalog price: " << kira_answer;
  auto lead = (*rt)->store->GetLead(end.lead_id);
  ASSERT_TRUE(lead.ok());
  RemoveTree(dir);
}

}  // namespace
}  // namespace kira::siptest
