// The caller simulator answers by the pending question; driven against the real Kira on the
// demo shop it places the order the answers describe, and the report counts it.
#include "eval/simulator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "eval/harness.h"

namespace kira::eval {
namespace {

namespace fs = std::filesystem;
using dialog::Expect;

ConversationSpec Spec() {
  ConversationSpec c;
  c.id = "t";
  c.opening = "здравствуйте";
  c.answers["quantity"] = {"двадцать метров", "тридцать"};
  c.answers["name"] = {"Иван"};
  return c;
}

TEST(Simulator, AnswersByThePendingQuestion) {
  ConversationSpec c = Spec();
  CallerSimulator s(c, "ru");
  EXPECT_EQ(*s.Next(Expect::kQuantity), "здравствуйте");  // the opening comes first
  EXPECT_EQ(*s.Next(Expect::kName), "Иван");
  EXPECT_EQ(*s.Next(Expect::kQuantity), "двадцать метров");
  EXPECT_EQ(*s.Next(Expect::kQuantity), "тридцать");
  EXPECT_EQ(*s.Next(Expect::kQuantity), "тридцать");  // the last item repeats
  EXPECT_EQ(*s.Next(Expect::kName), "Иван");
  EXPECT_EQ(*s.Next(Expect::kAddress), "не знаю");  // no answer: a neutral one once…
  EXPECT_FALSE(s.Next(Expect::kFulfilment));        // …then the caller hangs up
}

TEST(Simulator, EnglishNeutralAnswerAndScripts) {
  ConversationSpec c = Spec();
  CallerSimulator en(c, "en");
  en.Next(Expect::kNone);
  EXPECT_EQ(*en.Next(Expect::kConfirm), "I don't know");
  ConversationSpec script;
  script.scripted = true;
  script.turns = {"a", "b"};
  CallerSimulator s(script, "ru");
  EXPECT_EQ(*s.Next(Expect::kName), "a");
  EXPECT_EQ(*s.Next(Expect::kName), "b");
  EXPECT_FALSE(s.Next(Expect::kName));
}

class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    path_ = (fs::temp_directory_path() /
             ("kira-eval-sim-" + std::to_string(::getpid()) + "-" + std::to_string(n_++) + ".yaml"))
                .string();
    std::ofstream(path_) << content;
  }
  ~TempFile() { fs::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  static inline int n_ = 0;
  std::string path_;
};

EvalOptions Options() {
  EvalOptions o;
  o.transcripts = true;
  return o;
}

// A real session: each answer is said only when Kira asks for it, so the order comes out
// right only if the simulator follows Pending().
TEST(Simulator, DrivesARealSessionToAnOrder) {
  TempFile f("profile: " + std::string(KIRA_DEMO_DIR) + "/profile.yaml\n" + R"(agent: kira
lang: ru
conversations:
  - id: matte_grey_pickup
    opening: "у вас есть монте тиберио серый шестьдесят на шестьдесят"
    answers:
      which: "матовый"
      quantity: "двадцать метров"
      order_offer: "да"
      name: "Иван"
      fulfilment: "самовывоз"
      confirm: "да"
      yesno: "нет"
      none: "нет спасибо, до свидания"
    expect: {outcome: order_placed, order: [{sku: SG622600R, qty: 20.16}], name: Иван, fulfilment: pickup}
  - id: expects_the_wrong_product
    opening: "у вас есть монте тиберио серый шестьдесят на шестьдесят"
    answers:
      which: "матовый"
      quantity: "двадцать метров"
      order_offer: "да"
      name: "Иван"
      fulfilment: "самовывоз"
      confirm: "да"
      yesno: "нет"
      none: "нет спасибо, до свидания"
    expect: {outcome: order_placed, order: [{sku: SG622602R}]}
)");
  auto r = RunEval({f.path()}, Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->groups.size(), 1u);
  const GroupScores& s = r->groups[0].clean;
  EXPECT_EQ(r->groups[0].shop, "demo");
  EXPECT_EQ(s.conversations, 2);
  EXPECT_EQ(s.unsupported_facts, 0);
  EXPECT_GT(s.agent_utterances, 5);
  ASSERT_EQ(r->failed.size(), 1u) << FormatReport(*r, true);
  EXPECT_EQ(s.succeeded, 1) << FormatReport(*r, true);
  EXPECT_EQ(r->failed[0].id, "expects_the_wrong_product");
  EXPECT_EQ(s.wrong_product_conversations, 1);
  EXPECT_EQ(s.wrong_product_lines, 1);
  std::string text = FormatReport(*r, true);
  EXPECT_NE(text.find("wrong product ordered: SG622600R"), std::string::npos) << text;
  EXPECT_NE(text.find("caller: двадцать метров   [quantity]"), std::string::npos) << text;
  EXPECT_NE(ReportJson(*r, false).find("\"wrong_product_rate\": 0.5"), std::string::npos);
}

TEST(Simulator, UtterancesAndNoiseAreScored) {
  TempFile f("profile: " + std::string(KIRA_DEMO_DIR) + "/profile.yaml\n" + R"(agent: kira
lang: ru
utterances:
  - {text: "сорок квадратов", after: quantity, intents: [], slots: {quantity: {value: 40, unit: m2}}}
  - {text: "Иван", after: name, intents: [], slots: {name: Иван}}
  - {text: "самовывоз", after: fulfilment, intents: [], slots: {fulfilment: pickup}}
)");
  EvalOptions o = Options();
  o.noise = true;
  auto r = RunEval({f.path()}, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->groups.size(), 1u);
  ASSERT_TRUE(r->groups[0].noisy);
  EXPECT_EQ(r->groups[0].clean.utterances.utterances, 3);
  EXPECT_EQ(r->groups[0].noisy->utterances.utterances, 3);
  auto q = r->groups[0].clean.utterances.slots.at("quantity");
  EXPECT_EQ(q.tp + q.fn, 1);
  std::string json = ReportJson(*r, false);
  EXPECT_NE(json.find("\"noisy\""), std::string::npos);
  EXPECT_NE(json.find("\"intent_macro_f1\""), std::string::npos);
  // The same seed gives the same numbers.
  auto again = RunEval({f.path()}, o);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ReportJson(*again, false), json);
}

}  // namespace
}  // namespace kira::eval
