#include "voice/end_of_turn.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace kira::voice {
namespace {

using dialog::Expect;

EndOfTurnRules Builtin(const std::string& lang) {
  auto r = LoadEndOfTurnRules(lang, "", KIRA_DEFAULTS_DIR);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : EndOfTurnRules{};
}

std::string Class(const EndOfTurnRules& r, const std::string& hyp, Expect e,
                  const std::unordered_set<std::string>& phrases = {}) {
  return std::string(TurnEndName(r.Classify(hyp, e, phrases)));
}

TEST(EnglishEndOfTurnTest, AnswersCompleteForTheQuestionAreShort) {
  const EndOfTurnRules r = Builtin("en");
  EXPECT_EQ(Class(r, "yes", Expect::kYesNo), "complete");
  EXPECT_EQ(Class(r, "No, thank you.", Expect::kOrderOffer), "complete");
  EXPECT_EQ(Class(r, "that's right", Expect::kConfirm), "complete");
  EXPECT_EQ(Class(r, "five boxes", Expect::kQuantity), "complete");
  EXPECT_EQ(Class(r, "twenty square meters", Expect::kQuantity), "complete");
  EXPECT_EQ(Class(r, "the second one", Expect::kWhich), "complete");
  EXPECT_EQ(Class(r, "i will pick it up", Expect::kFulfilment), "complete");
  EXPECT_EQ(Class(r, "tomorrow morning", Expect::kCallbackTime), "complete");
  // The same words to another question are only an ordinary pause.
  EXPECT_EQ(Class(r, "five boxes", Expect::kYesNo), "open");
  EXPECT_EQ(Class(r, "yes", Expect::kQuantity), "open");
  EXPECT_EQ(Class(r, "i need grey tile", Expect::kNone), "open");
  EXPECT_EQ(Class(r, "", Expect::kYesNo), "open");
  EXPECT_EQ(r.WaitMs(TurnEnd::kComplete), 200);
  EXPECT_EQ(r.WaitMs(TurnEnd::kOpen), 1000);
  EXPECT_EQ(r.WaitMs(TurnEnd::kUnfinished), 1200);
}

TEST(EnglishEndOfTurnTest, UnfinishedWordsWaitLongAndWinOverCompleteOnes) {
  const EndOfTurnRules r = Builtin("en");
  EXPECT_EQ(Class(r, "do you have the grey sixty by", Expect::kNone), "unfinished");
  EXPECT_EQ(Class(r, "i need tile for", Expect::kNone), "unfinished");
  EXPECT_EQ(Class(r, "uh", Expect::kNone), "unfinished");
  EXPECT_EQ(Class(r, "yes and", Expect::kYesNo), "unfinished");
  EXPECT_EQ(Class(r, "five boxes and", Expect::kQuantity), "unfinished");
  EXPECT_EQ(Class(r, "two point", Expect::kQuantity), "unfinished");
  EXPECT_EQ(Class(r, "I'd like", Expect::kNone), "unfinished");
  EXPECT_EQ(Class(r, "my order number is", Expect::kNone), "unfinished");
}

TEST(EnglishEndOfTurnTest, TheLongerEndingDecides) {
  const EndOfTurnRules r = Builtin("en");
  // "is" needs what follows, but "it is" answers a yes/no question.
  EXPECT_EQ(Class(r, "yes it is", Expect::kYesNo), "complete");
  EXPECT_EQ(Class(r, "the price is", Expect::kYesNo), "unfinished");
  // A tie goes to the unfinished ending.
  EndOfTurnRules tie = r;
  tie.unfinished_endings.push_back({"please"});
  EXPECT_EQ(Class(tie, "yes please", Expect::kYesNo), "unfinished");
}

TEST(EnglishEndOfTurnTest, ANumberThatMayGoOnIsNotComplete) {
  const EndOfTurnRules r = Builtin("en");
  EXPECT_EQ(Class(r, "twenty", Expect::kQuantity), "open");
  EXPECT_EQ(Class(r, "twenty five", Expect::kQuantity), "complete");
  EXPECT_EQ(Class(r, "twenty boxes", Expect::kQuantity), "complete");
}

TEST(EnglishEndOfTurnTest, AWholeGrammarPhraseIsComplete) {
  const EndOfTurnRules r = Builtin("en");
  const std::unordered_set<std::string> phrases = {"do you have grey porcelain tile in stock",
                                                   "yes", "grey tile"};
  EXPECT_EQ(Class(r, "do you have grey porcelain tile in stock", Expect::kNone, phrases),
            "complete");
  // A prefix of a phrase is not; nor is a phrase shorter than whole_phrase_min_words (3).
  EXPECT_EQ(Class(r, "do you have grey porcelain tile", Expect::kNone, phrases), "open");
  EXPECT_EQ(Class(r, "grey tile", Expect::kNone, phrases), "open");
}

TEST(RussianEndOfTurnTest, BuiltInRules) {
  const EndOfTurnRules r = Builtin("ru");
  EXPECT_EQ(Class(r, "да", Expect::kOrderOffer), "complete");
  EXPECT_EQ(Class(r, "Нет, не надо", Expect::kYesNo), "complete");
  EXPECT_EQ(Class(r, "пять коробок", Expect::kQuantity), "complete");
  EXPECT_EQ(Class(r, "двадцать квадратных метров", Expect::kQuantity), "complete");
  EXPECT_EQ(Class(r, "вторую", Expect::kWhich), "complete");
  EXPECT_EQ(Class(r, "самовывоз", Expect::kFulfilment), "complete");
  EXPECT_EQ(Class(r, "завтра вечером", Expect::kCallbackTime), "complete");
  EXPECT_EQ(Class(r, "мне нужна плитка шестьдесят на", Expect::kNone), "unfinished");
  EXPECT_EQ(Class(r, "э-э", Expect::kNone), "unfinished");
  EXPECT_EQ(Class(r, "Ну…", Expect::kQuantity), "unfinished");
  EXPECT_EQ(Class(r, "да и", Expect::kYesNo), "unfinished");
  EXPECT_EQ(Class(r, "серый керамогранит", Expect::kNone), "open");
  EXPECT_EQ(Class(r, "я ищу", Expect::kNone), "unfinished");
  EXPECT_EQ(Class(r, "а сколько стоит", Expect::kNone), "unfinished");
  EXPECT_EQ(Class(r, "есть что-нибудь дешевле чем", Expect::kNone), "unfinished");
  EXPECT_EQ(Class(r, "двадцать", Expect::kQuantity), "open");
  EXPECT_EQ(Class(r, "двадцать пять", Expect::kQuantity), "complete");
  EXPECT_EQ(Class(r, "доставку пожалуйста", Expect::kFulfilment), "complete");
}

TEST(EndOfTurnFileTest, AShopFileReplacesTheKeysItNames) {
  const std::string shop = testing::TempDir() + "/eot-shop";
  std::filesystem::create_directories(shop + "/turn_taking");
  std::ofstream(shop + "/turn_taking/en.yaml") << "wait_ms: {complete: 150}\n"
                                                  "unfinished_endings: [so]\n"
                                                  "complete_endings:\n"
                                                  "  quantity: [tons]\n";
  auto r = LoadEndOfTurnRules("en", shop, KIRA_DEFAULTS_DIR);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->complete_ms, 150);
  EXPECT_EQ(r->open_ms, 1000);                            // kept from the built-in file
  EXPECT_EQ(Class(*r, "i want", Expect::kNone), "open");  // the list was replaced
  EXPECT_EQ(Class(*r, "well so", Expect::kNone), "unfinished");
  EXPECT_EQ(Class(*r, "two tons", Expect::kQuantity), "complete");
  EXPECT_EQ(Class(*r, "five boxes", Expect::kQuantity), "open");
  EXPECT_EQ(Class(*r, "yes", Expect::kYesNo), "complete");  // other questions kept
  std::filesystem::remove_all(shop);
}

TEST(EndOfTurnFileTest, MistakesAreNamedAndChangeNothing) {
  auto err = [](const std::string& yaml) {
    EndOfTurnRules r;
    r.unfinished_endings = {{"and"}};
    Status s = ParseEndOfTurnRules(yaml, "en.yaml", &r);
    if (s.ok()) return std::string("ok");
    EXPECT_EQ(r.unfinished_endings.size(), 1u) << yaml;
    EXPECT_EQ(r.complete_ms, 200) << yaml;
    return s.message();
  };
  EXPECT_EQ(err("wait_ms: {complete: 150}\nunfinished_endings: [a, b]\n"), "ok");
  EXPECT_NE(err("wait_ms: {complete: 150}\nunfinished: [a]\n")
                .find("en.yaml line 2: unfinished: "
                      "unknown key"),
            std::string::npos);
  EXPECT_NE(err("complete_endings:\n  yesno, quantty: [yes]\n")
                .find("unknown question kind "
                      "'quantty'"),
            std::string::npos);
  EXPECT_NE(err("wait_ms: {complete: 1100}\n").find("expected complete <= open <= unfinished"),
            std::string::npos);
  EXPECT_NE(err("wait_ms: {open: 10}\n").find("wait_ms.open: 10 is outside 40..3000"),
            std::string::npos);
  EXPECT_NE(err("unfinished_endings: [one two three four five six seven eight nine]\n")
                .find("has 9 words; at most 8"),
            std::string::npos);
  EXPECT_NE(err("unfinished_endings: ['...']\n").find("an empty phrase"), std::string::npos);
  std::string many = "unfinished_endings: [";
  for (int i = 0; i < 2001; ++i) many += "w" + std::to_string(i) + ",";
  many += "x]\n";
  EXPECT_NE(err(many).find("phrases; at most 2000"), std::string::npos);
  EXPECT_FALSE(LoadEndOfTurnRules("../en", "", KIRA_DEFAULTS_DIR).ok());
  // A language without a built-in file gets the default waits and no word lists.
  auto none = LoadEndOfTurnRules("de", "", KIRA_DEFAULTS_DIR);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(Class(*none, "und", Expect::kNone), "open");
}

}  // namespace
}  // namespace kira::voice
