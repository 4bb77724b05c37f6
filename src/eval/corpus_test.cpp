// The corpus loader: strict keys, closed lists, limits, missing files and SKUs checked against
// the shop's catalog — every error names the file, the line and what is wrong.
#include "eval/corpus.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "eval/harness.h"

namespace kira::eval {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("kira-eval-corpus-" + std::to_string(::getpid()) + "-" + std::to_string(n_++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, const std::string& content) const {
    fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << content;
    return p.string();
  }
  std::string path() const { return path_.string(); }

 private:
  static inline int n_ = 0;
  fs::path path_;
};

const std::string kDemoProfile = std::string(KIRA_DEMO_DIR) + "/profile.yaml";

std::string Header() { return "profile: " + kDemoProfile + "\nagent: kira\nlang: ru\n"; }

Status ParseError(const std::string& yaml) {
  auto r = ParseCorpusFile(yaml, "bad.yaml");
  EXPECT_FALSE(r.ok()) << yaml;
  return r.status();
}

TEST(Corpus, ParsesUtterancesAndSlots) {
  auto r = ParseCorpusFile(Header() + R"(utterances:
  - text: "Возьму шесть листов мозаики, я Кирилл"
    after: none
    intents: [order]
    slots:
      quantity: {value: 6, unit: piece}
      product: {category: "Мозаика"}
      name: Кирилл
  - {text: "через час", after: callback_time, intents: [], slots: {callback: {in_minutes: 60}}}
  - {text: "второй", after: which, intents: [], slots: {choice: 2}}
  - {text: "последний", after: analogs, intents: [], slots: {choice: last}}
)",
                           "/tmp/x/u.yaml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->utterances.size(), 4u);
  const Utterance& u = r->utterances[0];
  EXPECT_EQ(u.line, 5);
  EXPECT_EQ(u.after, dialog::Expect::kNone);
  EXPECT_EQ(u.intents, std::vector<std::string>{"order"});
  ASSERT_TRUE(u.slots.quantity);
  EXPECT_DOUBLE_EQ(u.slots.quantity->value, 6);
  EXPECT_EQ(u.slots.quantity->unit, "piece");
  EXPECT_EQ(u.slots.product->category, "Мозаика");
  EXPECT_EQ(*u.slots.name, "Кирилл");
  EXPECT_EQ(r->utterances[1].after, dialog::Expect::kCallbackTime);
  EXPECT_EQ(*r->utterances[1].slots.callback->in_minutes, 60);
  EXPECT_EQ(*r->utterances[2].slots.choice, "2");
  EXPECT_EQ(*r->utterances[3].slots.choice, "last");
}

TEST(Corpus, ResolvesTheProfileBesideTheFile) {
  auto r =
      ParseCorpusFile("profile: ../shops/a/profile.yaml\nagent: vera\nlang: en\nutterances: []\n",
                      "/srv/eval/utterances/x.yaml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->profile, "/srv/eval/shops/a/profile.yaml");
}

TEST(Corpus, UnknownKeysNameTheFileLineAndKey) {
  Status s =
      ParseError(Header() + "utterances:\n  - {text: a, after: none, intents: [], slot: {}}\n");
  EXPECT_NE(s.message().find("bad.yaml:5"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("unknown key 'slot' in utterance"), std::string::npos);

  s = ParseError(Header() + "speaker: x\nutterances: []\n");
  EXPECT_NE(s.message().find("unknown key 'speaker'"), std::string::npos) << s.message();

  s = ParseError(Header() +
                 "utterances:\n  - {text: a, after: none, intents: [], slots: {colour: red}}\n");
  EXPECT_NE(s.message().find("unknown key 'colour' in slots"), std::string::npos);

  s = ParseError(Header() +
                 "conversations:\n  - id: a\n    opening: hi\n    answers: {qty: 5}\n"
                 "    expect: {outcome: info_only}\n");
  EXPECT_NE(s.message().find("unknown key 'qty' in answers"), std::string::npos) << s.message();

  s = ParseError(Header() +
                 "conversations:\n  - id: a\n    opening: hi\n"
                 "    expect: {outcome: info_only, orders: []}\n");
  EXPECT_NE(s.message().find("unknown key 'orders' in expect"), std::string::npos);
}

TEST(Corpus, ValuesOutsideTheClosedListsAreErrors) {
  auto has = [](const Status& s, const std::string& what) {
    return s.message().find(what) != std::string::npos;
  };
  EXPECT_TRUE(
      has(ParseError(Header() + "utterances:\n  - {text: a, after: none, intents: [buy]}\n"),
          "intent 'buy' is not one of"));
  EXPECT_TRUE(has(ParseError(Header() + "utterances:\n  - {text: a, after: later, intents: []}\n"),
                  "after 'later'"));
  EXPECT_TRUE(has(ParseError(Header() + "utterances:\n  - {text: a, after: none, intents: [], "
                                        "slots: {quantity: {value: 3, unit: litre}}}\n"),
                  "quantity unit 'litre'"));
  EXPECT_TRUE(has(ParseError(Header() + "utterances:\n  - {text: a, after: none, intents: [], "
                                        "slots: {phone: '89161234567'}}\n"),
                  "not E.164"));
  EXPECT_TRUE(has(ParseError(Header() + "utterances:\n  - {text: a, after: none, intents: [], "
                                        "slots: {product: {sku: A, category: B}}}\n"),
                  "exactly one of"));
  EXPECT_TRUE(
      has(ParseError(Header() + "utterances:\n  - {text: a, after: none}\n"), "has no intents"));
  EXPECT_TRUE(has(ParseError(Header() + "conversations:\n  - id: a\n    opening: hi\n"
                                        "    expect: {outcome: bought}\n"),
                  "outcome 'bought'"));
  EXPECT_TRUE(
      has(ParseError("profile: p.yaml\nagent: anna\nlang: ru\nutterances: []\n"), "agent 'anna'"));
  EXPECT_TRUE(has(ParseError(Header() + "conversations:\n  - id: a\n    turns: [x]\n    "
                                        "opening: hi\n    expect: {outcome: info_only}\n"),
                  "both opening/answers and turns"));
  EXPECT_TRUE(has(ParseError("profile: p.yaml\nagent: vera\nlang: ru\nconversations:\n  - id: "
                             "a\n    opening: hi\n    expect: {outcome: refused}\n"),
                  "needs the task"));
  EXPECT_TRUE(has(ParseError(Header() + "conversations:\n  - {id: a, opening: x, expect: "
                                        "{outcome: prank}}\n  - {id: a, opening: y, expect: "
                                        "{outcome: prank}}\n"),
                  "'a' is used twice"));
  EXPECT_TRUE(has(ParseError(Header()), "no utterances and no conversations"));
  EXPECT_TRUE(has(ParseError(Header() + "utterances: [\n"), "bad.yaml line"));
  EXPECT_TRUE(has(ParseError(Header() + "lang: en\nutterances: []\n"), "duplicate key 'lang'"));
}

TEST(Corpus, LimitsAreEnforced) {
  CorpusLimits lim;
  lim.max_text_bytes = 10;
  lim.max_items = 2;
  auto r = ParseCorpusFile(
      Header() + "utterances:\n  - {text: 'слишком длинная строка', after: none, intents: []}\n",
      "big.yaml", lim);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("longer than 10 bytes"), std::string::npos);
  lim.max_text_bytes = 1000;
  std::string three = Header() + "utterances:\n";
  for (int i = 0; i < 3; ++i) three += "  - {text: a, after: none, intents: []}\n";
  r = ParseCorpusFile(three, "many.yaml", lim);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("more than 2 utterances"), std::string::npos);
  lim.max_file_bytes = 16;
  r = ParseCorpusFile(three, "huge.yaml", lim);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("larger than 16 bytes"), std::string::npos);
}

TEST(Corpus, MissingFilesAndProfilesAreNamed) {
  auto r = LoadCorpusFile("/nonexistent/eval.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kNotFound);
  EXPECT_NE(r.status().message().find("/nonexistent/eval.yaml"), std::string::npos);

  TempDir d;
  std::string f = d.Write("u.yaml",
                          "profile: ../nowhere/profile.yaml\nagent: kira\nlang: ru\n"
                          "utterances:\n  - {text: a, after: none, intents: []}\n");
  auto run = RunEval({f}, EvalOptions{});
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("profile"), std::string::npos);
  EXPECT_NE(run.status().message().find("does not exist"), std::string::npos)
      << run.status().message();
}

TEST(Corpus, SkusMustBeTheShops) {
  TempDir d;
  std::string f = d.Write("u.yaml", Header() +
                                        "utterances:\n  - {text: a, after: none, "
                                        "intents: [], slots: {product: {sku: NO-SUCH}}}\n");
  EvalOptions o;
  auto run = RunEval({f}, o);
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("u.yaml:5: sku 'NO-SUCH' is not in the catalog"),
            std::string::npos)
      << run.status().message();
  f = d.Write("c.yaml", Header() +
                            "conversations:\n  - id: x\n    opening: hi\n    expect: "
                            "{outcome: order_placed, order: [{sku: NOPE-1}]}\n");
  run = RunEval({f}, o);
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("sku 'NOPE-1'"), std::string::npos);
}

TEST(Corpus, DirectoriesExpandToCorpusFilesOnly) {
  TempDir d;
  std::string a = d.Write("utterances/a.yaml", Header() + "utterances: []\n");
  std::string b = d.Write("conversations/b.yaml", Header() + "conversations: []\n");
  d.Write("shops/x/profile.yaml", "name: X\nlanguage: ru\n");
  d.Write("shops/x/lexicon.yaml", "categories: []\n");
  d.Write("README.md", "# corpus\n");
  auto files = ExpandCorpusPaths({d.path()});
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_EQ(*files, (std::vector<std::string>{b, a}));
  auto missing = ExpandCorpusPaths({d.path() + "/nope"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace kira::eval
