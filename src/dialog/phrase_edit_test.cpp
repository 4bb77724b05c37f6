// The shop's phrases edited from the workspace (phrase_edit.h): refused exactly when the loader
// or the dialog could not use them (the field named, nothing written), written with the shop
// file's other keys and the previous version kept, and picked up by new conversations of a
// running engine (Engine::ReloadScenarios) while one already started keeps its phrases.
#include "dialog/phrase_edit.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "business/profile.h"
#include "catalog/catalog_store.h"
#include "catalog/lexicon.h"
#include "core/defaults.h"
#include "crm/crm_store.h"
#include "dialog/engine.h"
#include "storage/sqlite.h"

namespace kira::dialog {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class PhraseEdit : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kira-phrase-edit-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    files_ = {DefaultsDir(), (dir_ / "agents").string()};
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path Own(const std::string& agent, const std::string& lang) const {
    return dir_ / "agents" / agent / lang / "scenario.yaml";
  }
  fs::path dir_;
  PhraseFiles files_;
};

TEST_F(PhraseEdit, ABrokenEditIsRefusedNamingThePhraseAndNothingIsWritten) {
  // Each refusal is also taken apart for the UI's own language (DescribePhraseError).
  struct Case {
    std::map<std::string, std::vector<std::string>> edit;
    std::string field, says, code, value, allowed;
    size_t limit = 0;
  };
  const std::vector<Case> cases = {
      {{{"greetng", {"Алло"}}}, "phrases.greetng", "no such phrase", "unknown_phrase", "", "", 0},
      {{{"greeting", {"Магазин «{shpo}», слушаю"}}},
       "phrases.greeting",
       "{shpo}",
       "unknown_value",
       "shpo",
       "{shop}",
       0},
      {{{"greeting", {"Магазин «{shop», слушаю"}}},
       "phrases.greeting",
       "not closed",
       "unclosed_brace",
       "Магазин «{shop», слушаю",
       "",
       0},
      {{{"goodbye", {"До свидания, {name}!"}}},
       "phrases.goodbye",
       "uses none",
       "unknown_value",
       "name",
       "",
       0},
      {{{"goodbye", std::vector<std::string>(11, "Пока")}},
       "phrases.goodbye",
       "variants",
       "too_many_variants",
       "",
       "",
       kMaxPhraseVariants},
      {{{"goodbye", {std::string(1001, 'a')}}},
       "phrases.goodbye",
       "longer than",
       "too_long",
       "",
       "",
       kMaxPhraseBytes},
  };
  std::set<std::string> codes_seen;
  for (const auto& c : cases) {
    auto e = EditPhrases(files_, "kira", "ru", c.edit);
    ASSERT_FALSE(e.ok()) << c.field;
    const std::string& msg = e.status().message();
    EXPECT_EQ(PhraseErrorField(msg), c.field) << msg;
    EXPECT_NE(msg.find(c.says), std::string::npos) << msg;
    PhraseError d = DescribePhraseError(msg);
    EXPECT_EQ(d.field, c.field) << msg;
    EXPECT_EQ(d.code, c.code) << msg;
    EXPECT_EQ(d.value, c.value) << msg;
    EXPECT_EQ(d.allowed, c.allowed) << msg;
    EXPECT_EQ(d.limit, c.limit) << msg;
    codes_seen.insert(d.code);
  }
  for (const char* const* code = PhraseErrorCodes(); *code; ++code)
    EXPECT_TRUE(codes_seen.count(*code) || std::string(*code) == "other") << *code;
  EXPECT_FALSE(EditPhrases(files_, "olga", "ru", {}).ok());
  EXPECT_FALSE(EditPhrases(files_, "kira", "de", {}).ok());
  EXPECT_FALSE(fs::exists(dir_ / "agents"));

  // The shop's file itself broken: the loader's verdict, naming the file.
  fs::create_directories(Own("kira", "ru").parent_path());
  std::ofstream(Own("kira", "ru")) << "language: ru\nphrases:\n  greeting: [\n";
  auto e = EditPhrases(files_, "kira", "ru", {{"goodbye", {"Всего доброго!"}}});
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("scenario.yaml"), std::string::npos) << e.status().message();
  EXPECT_EQ(DescribePhraseError(e.status().message()).code, "other");
}

TEST_F(PhraseEdit, AnEditKeepsTheFilesOtherKeysAndThePreviousVersion) {
  fs::create_directories(Own("vera", "ru").parent_path());
  std::ofstream(Own("vera", "ru")) << "language: ru\nlists:\n  voicemail_phrases: [оставьте "
                                      "сообщение]\nphrases:\n  goodbye: \"Пока!\"\n";
  auto e = EditPhrases(
      files_, "vera", "ru",
      {{"greeting", {"Добрый день! Это Вера из «{shop}».", "Здравствуйте, это «{shop}»."}},
       {"goodbye", {"Пока!"}}});
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(e->changed, std::vector<std::string>{"greeting"});  // goodbye was already so
  ASSERT_TRUE(SavePhrases(*e, 3).ok());
  const std::string text = Read(Own("vera", "ru"));
  EXPECT_NE(text.find("оставьте сообщение"), std::string::npos) << text;
  EXPECT_NE(text.find("Это Вера из «{shop}»"), std::string::npos) << text;
  EXPECT_TRUE(fs::exists(Own("vera", "ru").parent_path() / "scenario-history" / "scenario.3.yaml"));

  auto list = ListPhrases(files_, "vera", "ru");
  ASSERT_TRUE(list.ok()) << list.status().message();
  bool seen = false;
  for (const auto& p : *list) {
    if (p.key != "greeting") continue;
    seen = true;
    EXPECT_TRUE(p.own);
    EXPECT_EQ(p.text.size(), 2u);
    EXPECT_EQ(p.values, std::vector<std::string>{"shop"});
    EXPECT_NE(p.builtin[0].find("Вера"), std::string::npos);
  }
  EXPECT_TRUE(seen);

  // An empty list: back to the built-in text.
  e = EditPhrases(files_, "vera", "ru", {{"greeting", {}}});
  ASSERT_TRUE(e.ok()) << e.status().message();
  ASSERT_TRUE(SavePhrases(*e, 4).ok());
  list = ListPhrases(files_, "vera", "ru");
  ASSERT_TRUE(list.ok());
  for (const auto& p : *list) {
    if (p.key == "greeting") {
      EXPECT_FALSE(p.own);
    }
  }
}

TEST_F(PhraseEdit, ARunningEngineGivesNewConversationsTheSavedPhrases) {
  auto profile = business::LoadProfile(std::string(KIRA_DEMO_DIR) + "/profile.yaml");
  ASSERT_TRUE(profile.ok()) << profile.status().message();
  auto db = storage::Db::Open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(catalog::MigrateCatalog(**db).ok());
  auto lex = catalog::LoadShopLexicon("");
  ASSERT_TRUE(lex.ok());
  auto cat = catalog::LoadCatalog(**db, std::move(*lex));
  ASSERT_TRUE(cat.ok()) << cat.status().message();
  auto store = crm::OpenSqliteCrmStore(":memory:");
  ASSERT_TRUE(store.ok());
  EngineOptions eo;
  eo.agents_dir = files_.agents_dir;
  auto engine = Engine::Create(*profile, std::make_shared<const catalog::Catalog>(std::move(*cat)),
                               store->get(), eo);
  ASSERT_TRUE(engine.ok()) << engine.status().message();

  SessionParams sp;
  sp.agent = "kira";
  sp.language = "ru";
  auto first = (*engine)->NewSession(sp);
  ASSERT_TRUE(first.ok());
  auto said = (*first)->Start().say;
  ASSERT_FALSE(said.empty());
  EXPECT_NE(said[0].find("меня зовут Кира"), std::string::npos) << said[0];

  auto e =
      EditPhrases(files_, "kira", "ru", {{"goodbye", {"Всего доброго, ждём вас в «{shop}»!"}}});
  EXPECT_FALSE(e.ok()) << "goodbye has no {shop}";
  e = EditPhrases(files_, "kira", "ru", {{"greeting", {"Алло! «{shop}», Кира слушает."}}});
  ASSERT_TRUE(e.ok()) << e.status().message();
  ASSERT_TRUE(SavePhrases(*e, 1).ok());
  ASSERT_TRUE((*engine)->ReloadScenarios().ok());

  auto second = (*engine)->NewSession(sp);
  ASSERT_TRUE(second.ok());
  said = (*second)->Start().say;
  ASSERT_FALSE(said.empty());
  EXPECT_NE(said[0].find("Кира слушает"), std::string::npos) << said[0];
  EXPECT_NE(said[0].find(profile->name), std::string::npos) << said[0];
  // The conversation started before goes on with the phrases it began with.
  EXPECT_FALSE((*first)->OnCallerText("до свидания").say.empty());
}

}  // namespace
}  // namespace kira::dialog
