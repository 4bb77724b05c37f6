#include "business/setup_report.h"

#include <gtest/gtest.h>

namespace kira::business {
namespace {

const SetupItem* Find(const SetupReport& r, const std::string& area, const std::string& lang = "") {
  for (const auto& i : r.items)
    if (i.area == area && i.language == lang) return &i;
  return nullptr;
}

SetupFacts Running() {
  SetupFacts f;
  f.database = "/data/kira.db";
  f.web_on = true;
  f.web_url = "http://127.0.0.1:8080/";
  f.phone_on = true;
  f.sip_listen = "0.0.0.0:5060";
  f.asr = {{"en", "pocketsphinx", "", ""}, {"ru", "vosk", "ws://127.0.0.1:2700", ""}};
  f.tts = {{"en", "flite", "", ""}, {"ru", "espeak", "", ""}};
  f.trunk_registrar = "sip:pbx.example.com";
  f.trunk_registered = true;
  f.dialer_on = true;
  return f;
}

TEST(SetupReport, EverythingLiveHasNoWarning) {
  SetupReport r = BuildSetupReport(Running());
  EXPECT_TRUE(r.ok());
  for (const char* area : {"database", "web", "sip", "trunk", "dialer"}) {
    ASSERT_NE(Find(r, area), nullptr) << area;
    EXPECT_EQ(Find(r, area)->state, SetupState::kLive) << area;
  }
  for (const char* area : {"asr", "tts"})
    for (const char* lang : {"ru", "en"}) {
      ASSERT_NE(Find(r, area, lang), nullptr) << area << lang;
      EXPECT_EQ(Find(r, area, lang)->state, SetupState::kLive) << area << lang;
    }
  EXPECT_EQ(Find(r, "asr", "ru")->detail, "vosk at ws://127.0.0.1:2700");
  std::string text = FormatSetupReport(r);
  EXPECT_NE(text.find("listening on 0.0.0.0:5060"), std::string::npos) << text;
  EXPECT_NE(text.find("registered with sip:pbx.example.com"), std::string::npos) << text;
  EXPECT_EQ(text.find("WARNING"), std::string::npos) << text;
}

TEST(SetupReport, RussianShopWithoutRussianRecogniserIsWarnedWithTheSetting) {
  SetupFacts f = Running();
  f.asr = {{"en", "pocketsphinx", "", ""}};
  SetupReport r = BuildSetupReport(f);
  const SetupItem* ru = Find(r, "asr", "ru");
  ASSERT_NE(ru, nullptr);
  EXPECT_EQ(ru->state, SetupState::kMissing);
  EXPECT_EQ(ru->problem, "not_configured");
  EXPECT_EQ(ru->fix, "phone.vosk_url");
  EXPECT_TRUE(ru->essential);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("Russian calls cannot be understood"), std::string::npos);
  EXPECT_NE(r.warnings[0].find("phone.vosk_url"), std::string::npos);
  std::string text = FormatSetupReport(r);
  EXPECT_NE(text.find("WARNING: Russian calls"), std::string::npos) << text;
  EXPECT_NE(text.find("NO    ASR ru"), std::string::npos) << text;
}

TEST(SetupReport, EnglishShopMissingRussianIsNotAWarning) {
  SetupFacts f = Running();
  f.shop_language = "en";
  f.asr = {{"en", "pocketsphinx", "", ""}};
  SetupReport r = BuildSetupReport(f);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(Find(r, "asr", "ru")->state, SetupState::kMissing);
  EXPECT_FALSE(Find(r, "asr", "ru")->essential);
  EXPECT_EQ(r.items[4].language, "en") << "the shop's language is listed first";
}

TEST(SetupReport, UnreachableVoskServerIsAFailureNamingTheUrlSetting) {
  SetupFacts f = Running();
  f.asr[1].error = "connection refused";
  SetupReport r = BuildSetupReport(f);
  const SetupItem* ru = Find(r, "asr", "ru");
  EXPECT_EQ(ru->state, SetupState::kFailed);
  EXPECT_EQ(ru->problem, "unreachable");
  EXPECT_EQ(ru->fix, "phone.vosk_url");
  EXPECT_NE(ru->text.find("connection refused"), std::string::npos);
  EXPECT_FALSE(r.ok());
}

TEST(SetupReport, TrunkAndDialerGaps) {
  SetupFacts f = Running();
  f.trunk_registrar.clear();
  f.dialer_on = false;
  f.dialer_disabled = true;
  SetupReport r = BuildSetupReport(f);
  EXPECT_EQ(Find(r, "trunk")->state, SetupState::kMissing);
  EXPECT_EQ(Find(r, "trunk")->fix, "phone.trunk.registrar");
  EXPECT_EQ(Find(r, "dialer")->fix, "--no-dialer");
  EXPECT_TRUE(r.ok()) << "inbound from the ACL and no dialer are choices, not failures";

  f = Running();
  f.trunk_registered = false;
  r = BuildSetupReport(f);
  EXPECT_EQ(Find(r, "trunk")->problem, "not_registered");
}

TEST(SetupReport, NoPhoneSideTurnsSpeechOffWithoutWarnings) {
  SetupFacts f = Running();
  f.phone_on = false;
  f.dialer_on = false;
  SetupReport r = BuildSetupReport(f);
  EXPECT_EQ(Find(r, "sip")->problem, "disabled");
  EXPECT_EQ(Find(r, "asr", "ru")->state, SetupState::kOff);
  EXPECT_EQ(Find(r, "dialer")->problem, "needs_phone");
  EXPECT_TRUE(r.ok());

  f.voice_built = false;
  r = BuildSetupReport(f);
  EXPECT_EQ(Find(r, "sip")->problem, "no_voice_build");
  EXPECT_EQ(Find(r, "sip")->fix, "KIRA_VOICE=ON");
}

TEST(SetupReport, SipAndDatabaseFailuresAreWarnings) {
  SetupFacts f = Running();
  f.phone_on = false;
  f.sip_error = "0.0.0.0:5060: address in use";
  f.database_error = "disk I/O error";
  SetupReport r = BuildSetupReport(f);
  EXPECT_EQ(Find(r, "sip")->state, SetupState::kFailed);
  EXPECT_EQ(Find(r, "database")->state, SetupState::kFailed);
  EXPECT_EQ(r.warnings.size(), 2u);
}

}  // namespace
}  // namespace kira::business
