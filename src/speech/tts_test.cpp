#include "speech/tts.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <thread>

#include "speech/espeak_tts.h"
#include "speech/flite_tts.h"

namespace kira::speech {
namespace {

TEST(SplitSentencesTest, SplitsAtSentenceEndsNotDecimals) {
  auto s = SplitSentences("Здравствуйте! Плитка стоит 12.5 евро. Нужен клей? Да… Хорошо");
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[0], "Здравствуйте!");
  EXPECT_EQ(s[1], "Плитка стоит 12.5 евро.");
  EXPECT_EQ(s[3], "Да…");
  EXPECT_EQ(s[4], "Хорошо");
  EXPECT_TRUE(SplitSentences("   ").empty());
  // Very long sentences are cut at commas/spaces.
  std::string long_text;
  for (int i = 0; i < 100; ++i) long_text += "word, ";
  for (const auto& piece : SplitSentences(long_text, 50)) EXPECT_LE(piece.size(), 60u);
}

TEST(EspeakTtsTest, UnknownVoiceAndBadRateAreRefused) {
  auto bad = EspeakTts::Create({.voice = "xx-nope"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("xx-nope"), std::string::npos);
  EXPECT_FALSE(EspeakTts::Create({.voice = "en", .rate_wpm = 5}).ok());
  auto ru = EspeakTts::Create({.voice = "ru"});
  ASSERT_TRUE(ru.ok());
  EXPECT_EQ((*ru)->language(), "ru");
  EXPECT_EQ((*ru)->native_sample_rate(), 22050);
}

TEST(FliteTtsTest, VoicesAndRates) {
  EXPECT_FALSE(FliteTts::Create({.voice = "nope"}).ok());
  auto kal = FliteTts::Create({.voice = "kal"});
  ASSERT_TRUE(kal.ok());
  EXPECT_EQ((*kal)->native_sample_rate(), 8000) << "kal is the telephone-rate voice";
  auto slt = FliteTts::Create({.voice = "slt"});
  ASSERT_TRUE(slt.ok());
  EXPECT_EQ((*slt)->native_sample_rate(), 16000);
}

// espeak-ng is not reentrant: engines serialise internally, so concurrent calls with two
// voices from four threads must each get their own language's audio, intact. (espeak's output
// varies slightly between calls, so compare durations, not samples.)
TEST(EspeakTtsTest, ConcurrentCallsFromSeveralThreads) {
  auto ru = EspeakTts::Create({.voice = "ru"});
  auto en = EspeakTts::Create({.voice = "en"});
  ASSERT_TRUE(ru.ok() && en.ok());
  auto ref_ru = (*ru)->Synthesize("Добрый день, магазин плитки.");
  auto ref_en = (*en)->Synthesize("Yes.");
  ASSERT_TRUE(ref_ru.ok() && ref_en.ok());
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        bool use_ru = (t + i) % 2 == 0;
        auto a =
            use_ru ? (*ru)->Synthesize("Добрый день, магазин плитки.") : (*en)->Synthesize("Yes.");
        double ref = double((use_ru ? ref_ru : ref_en)->samples.size());
        if (!a.ok() || std::abs(double(a->samples.size()) - ref) > 0.15 * ref) ++mismatches;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(TtsStreamTest, ChunksArriveBySentenceAndCanStopEarly) {
  auto en = EspeakTts::Create({.voice = "en"});
  ASSERT_TRUE(en.ok());
  int chunks = 0;
  ASSERT_TRUE((*en)
                  ->SynthesizeStream("One. Two. Three.",
                                     [&](const media::Audio& a) {
                                       EXPECT_EQ(a.rate, 8000);
                                       EXPECT_FALSE(a.samples.empty());
                                       return ++chunks < 2;  // barge-in after the second sentence
                                     })
                  .ok());
  EXPECT_EQ(chunks, 2);
}

}  // namespace
}  // namespace kira::speech
