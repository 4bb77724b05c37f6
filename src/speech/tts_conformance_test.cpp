// TtsEngine conformance: every implementation and voice passes the same checks.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>

#include "media/audio.h"
#include "speech/registry.h"

namespace kira::speech {
namespace {

struct TtsCase {
  std::string label;
  EngineConfig cfg;
  std::string sentence;  // a typical agent sentence in the voice's language
};

std::string Label(const ::testing::TestParamInfo<TtsCase>& i) { return i.param.label; }

class TtsConformance : public ::testing::TestWithParam<TtsCase> {
 protected:
  void SetUp() override {
    auto e = TtsRegistry::Global().Create(GetParam().cfg);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    tts_ = std::move(e).value();
  }
  std::unique_ptr<TtsEngine> tts_;
};

TEST_P(TtsConformance, AudioAtTheRequestedRateWithPlausibleDuration) {
  const std::string& text = GetParam().sentence;
  for (int rate : {8000, 16000}) {
    auto a = tts_->Synthesize(text, rate);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_EQ(a->rate, rate);
    ASSERT_FALSE(a->samples.empty());
    // Speech runs at ~10-20 characters per second; allow a wide band.
    double chars = 0;
    for (unsigned char c : text) chars += (c & 0xC0) != 0x80;  // UTF-8 code points
    double ms_per_char = double(a->DurationMs()) / chars;
    EXPECT_GT(ms_per_char, 25) << a->DurationMs() << " ms for " << chars << " chars";
    EXPECT_LT(ms_per_char, 200) << a->DurationMs() << " ms for " << chars << " chars";
    // Not silence, not clipped to death.
    EXPECT_GT(media::RmsDbfs(a->samples), -40);
    EXPECT_LT(media::RmsDbfs(a->samples), -3);
  }
}

TEST_P(TtsConformance, EmptyAndBlankTextGiveNoAudio) {
  for (std::string t : {"", "   ", "\n\t"}) {
    auto a = tts_->Synthesize(t);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_TRUE(a->samples.empty());
    EXPECT_EQ(a->rate, 8000);
  }
  int chunks = 0;
  EXPECT_TRUE(tts_->SynthesizeStream("  ", [&](const media::Audio&) { return ++chunks > 0; }).ok());
  EXPECT_EQ(chunks, 0);
}

TEST_P(TtsConformance, VeryLongTextWorks) {
  std::string text;
  while (text.size() < 3000) text += GetParam().sentence + " ";
  auto a = tts_->Synthesize(text);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto one = tts_->Synthesize(GetParam().sentence);
  ASSERT_TRUE(one.ok());
  size_t copies = text.size() / (GetParam().sentence.size() + 1);
  EXPECT_GT(a->samples.size(), one->samples.size() * copies / 2);
}

TEST_P(TtsConformance, StreamDeliversTheWholeTextInChunks) {
  std::string text = GetParam().sentence + " " + GetParam().sentence;
  size_t total = 0;
  int chunks = 0;
  ASSERT_TRUE(tts_->SynthesizeStream(text,
                                     [&](const media::Audio& a) {
                                       EXPECT_EQ(a.rate, 8000);
                                       total += a.samples.size();
                                       ++chunks;
                                       return true;
                                     })
                  .ok());
  EXPECT_GE(chunks, 2);
  auto whole = tts_->Synthesize(text);
  ASSERT_TRUE(whole.ok());
  EXPECT_NEAR(double(total), double(whole->samples.size()), whole->samples.size() * 0.25);
}

TEST_P(TtsConformance, OddInputDoesNotCrash) {
  for (std::string t :
       {"!!!???...", "12345678901234567890", "\x01\x02 tile \x7f",
        "\xF0\x9F\x98\x80 \xF0\x9F\x91\x8D", "<speak>tag</speak>", "\xC3\x28 bad utf8"}) {
    auto a = tts_->Synthesize(t);
    EXPECT_TRUE(a.ok()) << t << ": " << a.status().ToString();
  }
}

TEST_P(TtsConformance, IdentifiesItself) {
  EXPECT_EQ(tts_->name(), GetParam().cfg.engine);
  EXPECT_FALSE(tts_->voice().empty());
  EXPECT_FALSE(tts_->language().empty());
  EXPECT_GT(tts_->native_sample_rate(), 0);
}

const char kRu[] =
    "Серая плитка шестьдесят на шестьдесят стоит тысячу двести девяносто рублей "
    "за квадратный метр, на складе сорок два метра.";
const char kEn[] =
    "The grey sixty by sixty porcelain tile costs twelve ninety per square metre, "
    "and we have forty two metres in stock.";

INSTANTIATE_TEST_SUITE_P(
    Engines, TtsConformance,
    ::testing::Values(
        TtsCase{"espeak_ru", {.name = "ru", .engine = "espeak", .params = {{"voice", "ru"}}}, kRu},
        TtsCase{"espeak_en", {.name = "en", .engine = "espeak", .params = {{"voice", "en"}}}, kEn},
        TtsCase{"flite_kal", {.name = "en", .engine = "flite", .params = {{"voice", "kal"}}}, kEn},
        TtsCase{"flite_slt", {.name = "en", .engine = "flite", .params = {{"voice", "slt"}}}, kEn}),
    Label);

// Russian numbers are read as words by espeak (the voice is usable for prices).
TEST(EspeakRussianTest, NumbersAreSpoken) {
  auto tts =
      TtsRegistry::Global().Create({.name = "ru", .engine = "espeak", .params = {{"voice", "ru"}}});
  ASSERT_TRUE(tts.ok());
  auto digits = (*tts)->Synthesize("1290 рублей");
  ASSERT_TRUE(digits.ok());
  // "тысяча двести девяносто рублей" takes well over a second; a skipped number would not.
  EXPECT_GT(digits->DurationMs(), 1200);
}

}  // namespace
}  // namespace kira::speech
