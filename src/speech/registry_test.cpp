#include "speech/registry.h"

#include <gtest/gtest.h>

#include "speech/espeak_tts.h"

namespace kira::speech {
namespace {

TEST(RegistryTest, BuiltinsAreRegisteredAndDuplicatesRejected) {
  EXPECT_EQ(AsrRegistry::Global().Names(), (std::vector<std::string>{"pocketsphinx", "vosk"}));
  EXPECT_EQ(TtsRegistry::Global().Names(), (std::vector<std::string>{"espeak", "flite"}));
  Status s = TtsRegistry::Global().Register("espeak", &EspeakTts::FromConfig);
  EXPECT_EQ(s.code(), Status::Code::kConflict);
  EXPECT_NE(s.message().find("espeak"), std::string::npos);
}

TEST(RegistryTest, UnknownEngineListsTheKnownOnes) {
  auto e = AsrRegistry::Global().Create({.name = "ru", .engine = "whisper"});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), Status::Code::kNotFound);
  EXPECT_NE(e.status().message().find("whisper"), std::string::npos);
  EXPECT_NE(e.status().message().find("pocketsphinx, vosk"), std::string::npos);
}

TEST(RegistryTest, FactoriesGetTheirParamsAndReportBadOnes) {
  auto tts =
      TtsRegistry::Global().Create({.name = "en", .engine = "espeak", .params = {{"voice", "en"}}});
  ASSERT_TRUE(tts.ok()) << tts.status().ToString();
  EXPECT_EQ((*tts)->voice(), "en");
  auto bad = TtsRegistry::Global().Create(
      {.name = "x", .engine = "espeak", .params = {{"rate_wpm", "fast"}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("rate_wpm"), std::string::npos);
  auto vosk = AsrRegistry::Global().Create({.name = "ru", .engine = "vosk"});
  ASSERT_FALSE(vosk.ok());
  EXPECT_NE(vosk.status().message().find("url"), std::string::npos);
  auto vosk_bad_url = AsrRegistry::Global().Create(
      {.name = "ru", .engine = "vosk", .params = {{"url", "http://x"}}});
  ASSERT_FALSE(vosk_bad_url.ok());
  EXPECT_NE(vosk_bad_url.status().message().find("ws://"), std::string::npos);
}

TEST(RegistryTest, ATestCanReplaceAnEntryInItsOwnRegistry) {
  EngineRegistry<TtsEngine> reg;
  ASSERT_TRUE(reg.Register("espeak", &EspeakTts::FromConfig).ok());
  int calls = 0;
  reg.Replace("espeak", [&](const EngineConfig& cfg) {
    ++calls;
    return EspeakTts::FromConfig(cfg);
  });
  EXPECT_TRUE(reg.Create({.name = "a", .engine = "espeak", .params = {{"voice", "en"}}}).ok());
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(reg.Register("", &EspeakTts::FromConfig).ok());
}

TEST(SpeechEnginesTest, NamedInstancesFromConfigRejectDuplicateNames) {
  SpeechEngines engines;
  ASSERT_TRUE(engines.AddTts({.name = "ru", .engine = "espeak", .params = {{"voice", "ru"}}}).ok());
  ASSERT_TRUE(engines.AddTts({.name = "en", .engine = "flite", .params = {{"voice", "kal"}}}).ok());
  Status dup = engines.AddTts({.name = "ru", .engine = "flite"});
  EXPECT_EQ(dup.code(), Status::Code::kConflict);
  EXPECT_NE(dup.message().find("'ru'"), std::string::npos);
  ASSERT_TRUE(
      engines.AddAsr({.name = "ru", .engine = "vosk", .params = {{"url", "ws://127.0.0.1:1"}}})
          .ok())
      << "creating a Vosk client does not connect; Start() does";
  EXPECT_EQ(
      engines.AddAsr({.name = "ru", .engine = "vosk", .params = {{"url", "ws://127.0.0.1:1"}}})
          .code(),
      Status::Code::kConflict);
  Status bad = engines.AddAsr({.name = "en", .engine = "nope"});
  EXPECT_NE(bad.message().find("ASR engine 'en'"), std::string::npos);
  EXPECT_EQ(engines.tts("en")->name(), "flite");
  EXPECT_EQ(engines.tts("ru")->name(), "espeak");
  EXPECT_EQ(engines.tts("de"), nullptr);
  EXPECT_EQ(engines.asr("ru")->name(), "vosk");
}

}  // namespace
}  // namespace kira::speech
