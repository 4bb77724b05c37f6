// The required-keys check: the built-in scenarios have every key the code uses, every literal
// key in the dialog code is listed, a broken scenario stops the engine with the key and the
// file named, and a shop's own agent files override the built-in ones key by key.
#include "dialog/scenario_keys.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "crm/crm_store.h"
#include "dialog/agent_policy.h"
#include "dialog/engine.h"
#include "dialog/expect.h"

namespace kira::dialog {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> BuiltInLayers(const std::string& defaults, const std::string& agent,
                                       const std::string& lang) {
  return {defaults + "/agents/common/" + lang + "/scenario.yaml",
          defaults + "/agents/" + agent + "/" + lang + "/scenario.yaml"};
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ScenarioKeys, BuiltInScenariosHaveEveryKeyTheCodeUses) {
  for (const char* agent : {"kira", "vera"}) {
    for (const char* lang : {"ru", "en"}) {
      auto files = BuiltInLayers(KIRA_DEFAULTS_DIR, agent, lang);
      auto p = Phrases::LoadLayers(files, lang);
      ASSERT_TRUE(p.ok()) << p.status().ToString();
      EXPECT_TRUE(CheckRequiredKeys(*p, agent, files).ok())
          << CheckRequiredKeys(*p, agent, files).ToString();
    }
  }
}

// A phrase the code says but the list lacks would not be checked at start-up: scan the dialog
// sources for literal keys handed to Say/Ask/Render/List and demand each one is listed.
TEST(ScenarioKeys, EveryLiteralKeyInTheDialogCodeIsListed) {
  std::set<std::string> listed;
  for (const char* agent : {"kira", "vera"}) {
    for (auto k : RequiredPhrases(agent)) listed.insert(std::string(k));
    for (auto k : RequiredLists(agent)) listed.insert(std::string(k));
  }
  // Say(r, "key"  Ask(r, cond ? "a" : "b"  Render("key"  List("key"
  const std::regex call(
      R"re((?:Say|Ask)\(\s*r\s*,\s*(?:[^,"()]*\?\s*)?"([a-z0-9_]+)"(?:\s*:\s*"([a-z0-9_]+)")?|(?:Render|List)\(\s*"([a-z0-9_]+)")re");
  size_t found = 0;
  for (const auto& e : fs::directory_iterator(std::string(KIRA_SOURCE_DIR) + "/src/dialog")) {
    const std::string path = e.path().string();
    if (e.path().extension() != ".cpp" || path.find("_test.cpp") != std::string::npos) continue;
    const std::string text = ReadFile(path);
    for (std::sregex_iterator it(text.begin(), text.end(), call), end; it != end; ++it) {
      for (size_t g = 1; g <= 3; ++g) {
        const std::string key = (*it)[g].str();
        if (key.empty() || key.back() == '_') continue;  // a prefix: "info_" + what
        ++found;
        EXPECT_TRUE(listed.count(key))
            << path << " uses scenario key '" << key << "' that scenario_keys.h does not list";
      }
    }
  }
  EXPECT_GT(found, 50u) << "the scan found too few keys; has the call syntax changed?";
}

// Every dialog stage has its recogniser templates (heard_<expect>), and each built-in template
// renders with its placeholders filled: no placeholder left, no group nested by a filling.
TEST(ScenarioKeys, EveryStageHasHeardTemplatesThatRender) {
  std::set<std::string> lists;
  for (auto k : RequiredLists("kira")) lists.insert(std::string(k));
  for (int e = static_cast<int>(Expect::kNone); e <= static_cast<int>(Expect::kConsent); ++e)
    EXPECT_TRUE(lists.count("heard_" + std::string(ExpectName(static_cast<Expect>(e)))))
        << ExpectName(static_cast<Expect>(e));
  const std::map<std::string, std::vector<std::string>> fill = {
      {"yes", {"yes", "yeah"}},  {"no", {"no"}},         {"number", {"2", "25"}},
      {"unit", {"boxes", "m2"}}, {"name", {"anna"}},     {"weekday", {"monday"}},
      {"hour", {"10"}},          {"street", {"high"}},   {"ordinal", {"first"}},
      {"attribute", {"matte"}},  {"category", {"tile"}}, {"product", {"Loft (grey)"}}};
  for (const char* lang : {"ru", "en"}) {
    auto p = Phrases::LoadLayers(BuiltInLayers(KIRA_DEFAULTS_DIR, "kira", lang), lang);
    ASSERT_TRUE(p.ok()) << p.status().message();
    size_t templates = 0;
    for (const auto& key : lists) {
      if (key.rfind("heard_", 0) != 0 || key.find("_words") != std::string::npos) continue;
      for (const auto& t : p->List(key)) {
        std::string r = policy::RenderHeardTemplate(t, fill);
        ++templates;
        EXPECT_EQ(r.find('{'), std::string::npos) << lang << " " << key << ": " << t;
        int depth = 0, max_depth = 0;
        for (char c : r) {
          if (c == '(' || c == '[') max_depth = std::max(max_depth, ++depth);
          if (c == ')' || c == ']') --depth;
        }
        EXPECT_EQ(depth, 0) << lang << " " << key << ": " << r;
        EXPECT_LE(max_depth, 1) << lang << " " << key << ": " << r;
      }
    }
    EXPECT_GT(templates, 60u) << lang;
  }
  EXPECT_EQ(policy::RenderHeardTemplate("[i need] {number} [{unit}] of {product}", fill),
            "[i need] (2|25) [boxes|m2] of (Loft  grey )");
  EXPECT_EQ(policy::RenderHeardTemplate("{name} {nobody}", fill), "(anna) {nobody}");
  EXPECT_EQ(policy::RenderHeardTemplate("{name} {street}", {{"name", {"x"}}, {"street", {}}}), "");
}

struct TempDir {
  std::string path;
  TempDir() {
    path = (fs::temp_directory_path() / ("kira-keys-" + std::to_string(::getpid()))).string();
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

Result<std::unique_ptr<Engine>> StartEngine(const std::string& defaults, const std::string& shop,
                                            crm::CrmStore* store) {
  business::Profile profile;
  profile.name = "Test";
  profile.dir = shop;
  EngineOptions eo;
  eo.defaults_dir = defaults;
  eo.agents_dir = shop + "/agents";
  return Engine::Create(profile, std::make_shared<const catalog::Catalog>(), store, eo);
}

TEST(ScenarioKeys, AMissingKeyStopsTheEngineNamingTheKeyAndTheFile) {
  TempDir tmp;
  const std::string defaults = tmp.path + "/defaults";
  fs::copy(KIRA_DEFAULTS_DIR, defaults, fs::copy_options::recursive);
  const std::string vera_en = defaults + "/agents/vera/en/scenario.yaml";
  std::string text = ReadFile(vera_en);
  const std::regex line("\\n  vera_remind:[^\\n]*");
  ASSERT_TRUE(std::regex_search(text, line));
  std::ofstream(vera_en, std::ios::trunc) << std::regex_replace(text, line, "");
  auto store = crm::OpenSqliteCrmStore(":memory:");
  ASSERT_TRUE(store.ok());
  auto e = StartEngine(defaults, tmp.path + "/shop", store->get());
  ASSERT_FALSE(e.ok());
  const std::string msg = e.status().message();
  EXPECT_NE(msg.find("phrases.vera_remind"), std::string::npos) << msg;
  EXPECT_NE(msg.find("agent vera, language en"), std::string::npos) << msg;
  EXPECT_NE(msg.find(vera_en), std::string::npos) << msg;
}

TEST(ScenarioKeys, AShopOverridesPhrasesAndAddsIntentExamples) {
  TempDir tmp;
  const std::string shop = tmp.path + "/shop";
  fs::create_directories(shop + "/agents/kira/ru");
  fs::create_directories(shop + "/agents/common/ru");
  std::ofstream(shop + "/agents/kira/ru/scenario.yaml")
      << "phrases:\n  greeting: \"Плиточный двор, Кира слушает.\"\n";
  std::ofstream(shop + "/agents/common/ru/intents.yaml")
      << "hours:\n  - до скольки работает ваш склад на окружной\n";
  auto store = crm::OpenSqliteCrmStore(":memory:");
  ASSERT_TRUE(store.ok());
  auto e = StartEngine(KIRA_DEFAULTS_DIR, shop, store->get());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  auto kira = (*e)->Agent("kira", "ru");
  ASSERT_TRUE(kira.ok()) << kira.status().ToString();
  EXPECT_EQ((*kira)->phrases.Render("greeting", {}), "Плиточный двор, Кира слушает.");
  EXPECT_TRUE((*kira)->phrases.Has("goodbye"));  // the shared phrases are still there
  const auto& hours = (*kira)->examples.at("hours");
  EXPECT_NE(std::find(hours.begin(), hours.end(), "до скольки работает ваш склад на окружной"),
            hours.end());
  EXPECT_GT(hours.size(), 1u);  // added to the built-in examples, not replacing them
  // Vera keeps her own greeting and gets the shop's shared intent example too.
  AgentData vera;
  ASSERT_TRUE((*e)->LoadAgentFiles("vera", "ru", &vera).ok());
  EXPECT_EQ(vera.phrases.Render("greeting", {{"shop", "X"}}).find("Вера") != std::string::npos,
            true);
  EXPECT_TRUE(vera.examples.count("secretary"));
  EXPECT_FALSE((*kira)->examples.count("secretary"));
  const auto& vh = vera.examples.at("hours");
  EXPECT_NE(std::find(vh.begin(), vh.end(), "до скольки работает ваш склад на окружной"), vh.end());
}

}  // namespace
}  // namespace kira::dialog
