// The evaluation corpus stays held out: no caller line of eval/ (an utterance, a conversation's
// opening, answers or turns) may equal, in canonical form (text::Canonical), an intent example
// of any intents file under data/ (every agent's intents.yaml, and any built-in defaults file
// whose name contains "intent"). A failure names both files.
//
// Stock replies of at most kStockMaxWords words ("да", "нет, спасибо", "no, thank you", "до
// свидания") are what callers say and what the intent examples must hold too; they are counted
// and printed, not failed (431 of 2,146 lines when this test was written, all of them such
// replies). Every longer line must be the corpus's own.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

#include "core/text.h"
#include "eval/corpus.h"

namespace kira::eval {
namespace {

namespace fs = std::filesystem;

constexpr size_t kStockMaxWords = 3;

void CollectStrings(const YAML::Node& n, std::vector<std::string>* out) {
  if (n.IsScalar()) {
    out->push_back(n.Scalar());
  } else if (n.IsSequence()) {
    for (const auto& x : n) CollectStrings(x, out);
  } else if (n.IsMap()) {
    for (const auto& kv : n) CollectStrings(kv.second, out);  // keys are intent names
  }
}

// canonical example → the intents files it is in.
std::map<std::string, std::vector<std::string>> IntentExamples(const std::string& data_dir,
                                                               int* files) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& e : fs::recursive_directory_iterator(data_dir)) {
    std::string name = e.path().filename().string();
    if (!e.is_regular_file() || e.path().extension() != ".yaml" ||
        name.find("intent") == std::string::npos)
      continue;
    ++*files;
    YAML::Node root = YAML::LoadFile(e.path().string());
    std::vector<std::string> strings;
    CollectStrings(root, &strings);
    std::string rel = fs::relative(e.path(), KIRA_SOURCE_DIR).string();
    for (const auto& s : strings) {
      std::string c = text::Canonical(s);
      if (!c.empty()) out[c].push_back(rel);
    }
  }
  return out;
}

TEST(EvalOverlap, NoEvaluationLineIsAnIntentExample) {
  std::string eval_dir = std::string(KIRA_SOURCE_DIR) + "/eval";
  if (!fs::exists(eval_dir)) GTEST_SKIP() << "no eval/ corpus yet";
  int intent_files = 0;
  auto examples = IntentExamples(std::string(KIRA_SOURCE_DIR) + "/data", &intent_files);
  ASSERT_GT(intent_files, 0) << "no intents files under data/: the test would prove nothing";
  ASSERT_GT(examples.size(), 50u);

  auto files = ExpandCorpusPaths({eval_dir});
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_FALSE(files->empty());
  int lines = 0, overlaps = 0, stock = 0;
  for (const auto& path : *files) {
    auto f = LoadCorpusFile(path);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    std::string rel = fs::relative(path, KIRA_SOURCE_DIR).string();
    auto check = [&](const std::string& line, int at) {
      ++lines;
      std::string canonical = text::Canonical(line);
      auto it = examples.find(canonical);
      if (it == examples.end()) return;
      if (text::Tokens(canonical).size() <= kStockMaxWords) {
        ++stock;
        return;
      }
      ++overlaps;
      ADD_FAILURE() << rel << ":" << at << ": '" << line << "' is an intent example in "
                    << it->second[0] << " (held-out lines must not be training data)";
    };
    for (const auto& u : f->utterances) check(u.text, u.line);
    for (const auto& c : f->conversations) {
      if (!c.opening.empty()) check(c.opening, c.line);
      for (const auto& [key, answers] : c.answers)
        for (const auto& a : answers) check(a, c.line);
      for (const auto& t : c.turns) check(t, c.line);
    }
  }
  EXPECT_GT(lines, 0);
  std::printf("%d of %d evaluation lines are stock replies that are also intent examples\n", stock,
              lines);
  EXPECT_EQ(overlaps, 0) << overlaps << " of " << lines << " evaluation lines are intent examples";
}

// The check itself must catch an overlap, or the test above proves nothing: every example
// of four or more words would be caught.
TEST(EvalOverlap, CanonicalFormsMatchAcrossSpellings) {
  int files = 0;
  auto examples = IntentExamples(std::string(KIRA_SOURCE_DIR) + "/data", &files);
  size_t longer = 0;
  for (const auto& [c, where] : examples) longer += text::Tokens(c).size() > kStockMaxWords;
  EXPECT_GT(longer, 100u);
  EXPECT_EQ(text::Canonical("Хочу оформить заказ!"), text::Canonical("хочу оформить   заказ"));
  EXPECT_EQ(text::Canonical("Двадцать метров"), text::Canonical("20 метров"));
  EXPECT_NE(text::Canonical("хочу оформить заказ"), text::Canonical("хочу оформить заказ сейчас"));
}

}  // namespace
}  // namespace kira::eval
