// The evaluation corpus stays held out: no caller line of eval/ (an utterance, a conversation's
// opening, answers or turns) may equal, in canonical form (text::Canonical), an intent example
// of any intents file under data/ (every agent's intents.yaml, and any built-in defaults file
// whose name contains "intent"). A failure names both files.
//
// Stock replies of at most kStockMaxWords words ("да", "нет, спасибо", "no, thank you", "до
// свидания") are what callers say and what the intent examples must hold too; they are counted
// and printed, not failed (431 of 2,146 lines when this test was written, all of them such
// replies). Every longer line must be the corpus's own.
//
// Nothing outside eval/ leans on it either: no file under tests/ or data/ names a path into
// eval/shops, eval/utterances or eval/conversations (the development corpora in tests/dev_eval
// use their own shops), and no string in a YAML file or a C++ test there equals a caller line of
// eval/ of more than kOutsideStockMaxWords words. A failure names the file outside and the eval/
// file and line, never the held-out text.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "core/text.h"
#include "eval/corpus.h"

namespace kira::eval {
namespace {

namespace fs = std::filesystem;

constexpr size_t kStockMaxWords = 3;
// Outside eval/ (conversation tests, development corpora) a reply of up to four words ("нет,
// спасибо, до свидания", "no that's all thanks") is a stock reply too.
constexpr size_t kOutsideStockMaxWords = 4;

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

// Files outside eval/ that may hold caller lines or point at a shop: text files under tests/
// and data/.
std::vector<fs::path> FilesOutsideEval() {
  std::vector<fs::path> out;
  static const std::set<std::string> kText = {".yaml", ".yml", ".csv",  ".cpp", ".h",  ".md",
                                              ".txt",  ".sh",  ".json", ".py",  ".mjs"};
  for (const char* top : {"tests", "data"}) {
    fs::path dir = fs::path(KIRA_SOURCE_DIR) / top;
    if (!fs::exists(dir)) continue;
    for (const auto& e : fs::recursive_directory_iterator(dir))
      if (e.is_regular_file() && kText.count(e.path().extension().string()))
        out.push_back(e.path());
  }
  return out;
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Line numbers (1-based) where `text` names a path into the held-out corpus: "eval/shops",
// "eval/utterances" or "eval/conversations" not preceded by a word character, so
// "tests/dev_eval/shops/kafel" is not one and "../../eval/shops/x/profile.yaml" is.
std::vector<int> HeldOutPathLines(const std::string& text) {
  std::vector<int> lines;
  for (const char* needle : {"eval/shops", "eval/utterances", "eval/conversations"}) {
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
      char before = at == 0 ? ' ' : text[at - 1];
      bool word =
          std::isalnum(static_cast<unsigned char>(before)) || before == '_' || before == '-';
      if (word) continue;
      lines.push_back(1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n')));
    }
  }
  return lines;
}

// Double-quoted string literals of a C++ file (no escapes: a caller line has none).
std::vector<std::string> StringLiterals(const std::string& text) {
  std::vector<std::string> out;
  size_t i = 0;
  while ((i = text.find('"', i)) != std::string::npos) {
    size_t j = text.find('"', i + 1);
    if (j == std::string::npos) break;
    std::string lit = text.substr(i + 1, j - i - 1);
    if (lit.find('\\') == std::string::npos && lit.find('\n') == std::string::npos)
      out.push_back(lit);
    i = j + 1;
  }
  return out;
}

TEST(EvalOverlap, NoFileOutsideEvalPointsAtItsShopsOrCorpus) {
  int files = 0, hits = 0;
  for (const auto& p : FilesOutsideEval()) {
    ++files;
    std::string rel = fs::relative(p, KIRA_SOURCE_DIR).string();
    for (int line : HeldOutPathLines(ReadAll(p))) {
      ++hits;
      ADD_FAILURE() << rel << ":" << line
                    << ": names a path into the held-out eval/ (use a development shop under "
                       "tests/dev_eval/shops)";
    }
  }
  EXPECT_GT(files, 20) << "tests/ and data/ not found: the check would prove nothing";
  EXPECT_EQ(hits, 0);
}

// The path check must see the paths it is meant to refuse.
TEST(EvalOverlap, HeldOutPathCheckSeesRelativeAndAbsolutePaths) {
  EXPECT_EQ(HeldOutPathLines("profile: ../../eval/shops/x/profile.yaml").size(), 1u);
  EXPECT_EQ(HeldOutPathLines("a\nb\n  \"eval/utterances/ru.yaml\"").size(), 1u);
  EXPECT_EQ(HeldOutPathLines("a\nb\n  \"eval/utterances/ru.yaml\"")[0], 3);
  EXPECT_EQ(HeldOutPathLines("kira eval eval/conversations/a.yaml").size(), 1u);
  EXPECT_TRUE(HeldOutPathLines("profile: shops/kafel/profile.yaml").empty());
  EXPECT_TRUE(HeldOutPathLines("tests/dev_eval/shops/kafel/catalog.csv").empty());
  EXPECT_TRUE(HeldOutPathLines("kira eval eval/ --noise").empty());
}

TEST(EvalOverlap, NoEvaluationLineIsCopiedOutsideEval) {
  std::string eval_dir = std::string(KIRA_SOURCE_DIR) + "/eval";
  if (!fs::exists(eval_dir)) GTEST_SKIP() << "no eval/ corpus yet";
  // canonical eval line (longer than a stock reply) → "eval/file.yaml:line".
  std::map<std::string, std::string> held_out;
  auto files = ExpandCorpusPaths({eval_dir});
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  for (const auto& path : *files) {
    auto f = LoadCorpusFile(path);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    std::string rel = fs::relative(path, KIRA_SOURCE_DIR).string();
    auto add = [&](const std::string& line, int at) {
      std::string c = text::Canonical(line);
      if (text::Tokens(c).size() > kOutsideStockMaxWords)
        held_out.emplace(c, rel + ":" + std::to_string(at));
    };
    for (const auto& u : f->utterances) add(u.text, u.line);
    for (const auto& c : f->conversations) {
      if (!c.opening.empty()) add(c.opening, c.line);
      for (const auto& [key, answers] : c.answers)
        for (const auto& a : answers) add(a, c.line);
      for (const auto& t : c.turns) add(t, c.line);
    }
  }
  ASSERT_GT(held_out.size(), 100u);
  int strings = 0, copies = 0;
  for (const auto& p : FilesOutsideEval()) {
    std::string ext = p.extension().string();
    std::vector<std::string> found;
    if (ext == ".yaml" || ext == ".yml") {
      YAML::Node root;
      try {
        root = YAML::LoadFile(p.string());
      } catch (const YAML::Exception&) {
        continue;  // a deliberately broken fixture holds no caller line
      }
      CollectStrings(root, &found);
    } else if (ext == ".cpp") {
      found = StringLiterals(ReadAll(p));
    } else {
      continue;
    }
    std::string rel = fs::relative(p, KIRA_SOURCE_DIR).string();
    for (const auto& s : found) {
      ++strings;
      auto it = held_out.find(text::Canonical(s));
      if (it == held_out.end()) continue;
      ++copies;
      ADD_FAILURE() << rel << ": '" << s << "' is the held-out caller line " << it->second;
    }
  }
  EXPECT_GT(strings, 1000);
  EXPECT_EQ(copies, 0) << copies << " strings outside eval/ are held-out caller lines";
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
