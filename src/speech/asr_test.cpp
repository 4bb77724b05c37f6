#include "speech/asr.h"

#include <gtest/gtest.h>

#include "media/audio.h"
#include "speech/pocketsphinx_asr.h"
#include "speech/registry.h"

namespace kira::speech {
namespace {

TEST(NormalizeTranscriptTest, LowerCasePunctuationAndCyrillic) {
  EXPECT_EQ(NormalizeTranscript("  Do you have the GREY tile?  "), "do you have the grey tile");
  EXPECT_EQ(NormalizeTranscript("Да-да, ЁЛКА… «Плитка» — 60×60!"), "да-да ёлка плитка 60×60");
  EXPECT_EQ(NormalizeTranscript("don't - stop"), "don't stop");
  EXPECT_EQ(NormalizeTranscript(""), "");
  EXPECT_EQ(NormalizeTranscript("?!..."), "");
}

class PocketsphinxGrammarTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto e = PocketsphinxAsr::Create({});
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    engine_ = std::move(e).value().release();
  }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
  }
  static PocketsphinxAsr* engine_;
};
PocketsphinxAsr* PocketsphinxGrammarTest::engine_ = nullptr;

TEST_F(PocketsphinxGrammarTest, GrammarFromPhrasesSpellsNumbersAndDropsUnknownWords) {
  std::vector<std::string> dropped;
  std::string g = engine_->BuildGrammar(
      {"Do you have the grey 60 by 60 porcelain tile?", "yes", "YES", "qwzxv tile"}, &dropped);
  EXPECT_NE(g.find("#JSGF V1.0;"), std::string::npos);
  EXPECT_NE(g.find("do you have the grey sixty by sixty porcelain tile"), std::string::npos) << g;
  EXPECT_EQ(dropped, std::vector<std::string>{"qwzxv"});
  // "yes" once (deduplicated), the OOV phrase reduced to its known word.
  EXPECT_EQ(g.find("yes | yes"), std::string::npos);
  EXPECT_EQ(g.find("<words>"), std::string::npos) << "word loop off by default";
  EXPECT_TRUE(engine_->InDictionary("porcelain"));
  EXPECT_FALSE(engine_->InDictionary("qwzxv"));
}

TEST_F(PocketsphinxGrammarTest, NoUsablePhrasesIsAClearError) {
  auto s = engine_->Start({.phrases = {}});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("phrases"), std::string::npos);
  auto bad_rate = engine_->Start({.phrases = {"yes"}, .sample_rate = 44100});
  ASSERT_FALSE(bad_rate.ok());
  EXPECT_NE(bad_rate.status().message().find("44100"), std::string::npos);
}

// Templates become one FSG: every combination is recognised without being listed, and the
// grammar text shows the groups (JSGF notation).
TEST_F(PocketsphinxGrammarTest, TemplatesAreRecognisedInAnyCombination) {
  const std::vector<std::string> phrases = {
      "[i need|i'll take] (one|two|five|twenty five|forty) (boxes|square meters) [please]",
      "(yes|yeah|sure) [i'll pick it up myself|deliver it please]", "no"};
  std::string g = engine_->BuildGrammar(phrases);
  EXPECT_NE(g.find("[ i need | i'll take ] ( one | two | five | twenty five | forty )"),
            std::string::npos)
      << g;
  auto tts = TtsRegistry::Global().Create({.name = "en", .engine = "flite", .params = {}});
  ASSERT_TRUE(tts.ok()) << tts.status().message();
  int right = 0;
  const std::vector<std::string> said = {"I'll take twenty five boxes please",
                                         "forty square meters", "yeah, I'll pick it up myself",
                                         "no"};
  for (const auto& line : said) {
    auto audio = (*tts)->Synthesize(line, 8000);
    ASSERT_TRUE(audio.ok());
    auto s = engine_->Start({.phrases = phrases});
    ASSERT_TRUE(s.ok()) << s.status().message();
    media::Pcm pad = media::Silence(2400);
    ASSERT_TRUE((*s)->Feed(pad).ok());
    ASSERT_TRUE((*s)->Feed(audio->samples).ok());
    ASSERT_TRUE((*s)->Feed(pad).ok());
    auto r = (*s)->Finish();
    ASSERT_TRUE(r.ok()) << r.status().message();
    right += r->text == NormalizeTranscript(line);
    EXPECT_EQ(r->text, NormalizeTranscript(line));
  }
  EXPECT_EQ(right, 4);
}

TEST(PocketsphinxTest, MissingModelFailsAtCreate) {
  PocketsphinxConfig cfg;
  cfg.dict = "/nonexistent/dict";
  auto e = PocketsphinxAsr::Create(cfg);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("/nonexistent/dict"), std::string::npos);
  cfg = {};
  cfg.model_dir = "/nonexistent/model";
  e = PocketsphinxAsr::Create(cfg);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("/nonexistent/model"), std::string::npos);
}

}  // namespace
}  // namespace kira::speech
