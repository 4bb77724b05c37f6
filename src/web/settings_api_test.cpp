// The settings page's API against a running server: a profile edit is checked by the profile
// loader (a broken one is refused naming the field and changes nothing), written to the file,
// audited with a version and the keys changed, handed to on_profile_changed (what `kira serve`
// gives the dialog engine), and refused for managers, for stale versions and oversized bodies.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

#include "business/profile.h"
#include "web/testing/test_support.h"

namespace kira::web {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(SettingsApi, ProfileEditsAreValidatedSavedAuditedAndHandedOn) {
  std::mutex mu;
  std::vector<business::Profile> handed;
  testing::EnvOptions opt;
  opt.configure = [&](WebConfig& cfg) {
    cfg.on_profile_changed = [&](const business::Profile& p) {
      std::lock_guard<std::mutex> lock(mu);
      handed.push_back(p);
    };
  };
  auto env = testing::StartEnv(opt);
  ASSERT_TRUE(env.ok()) << env.status().message();
  testing::Client admin((*env)->port());
  ASSERT_TRUE(admin.Login("admin", "correct horse battery"));
  const std::string path = (*env)->dir + "/profile.yaml";
  const std::string before = ReadFile(path);

  auto get = admin.Get("/api/settings/profile");
  ASSERT_TRUE(get);
  ASSERT_EQ(get->status, 200) << get->body;
  Json page = Json::parse(get->body);
  EXPECT_EQ(page["version"], 0);
  EXPECT_EQ(page["editable"], true);
  EXPECT_EQ(page["profile"]["calling_window"]["weekdays"], "09:00-20:00");

  // Broken: the loader's verdict, the field named, the problem as a code and the value it
  // quotes for the page to say in its own language, nothing written.
  struct Broken {
    Json edit;
    const char* field;
    const char* code;
    const char* value;
  };
  for (const Broken& c :
       std::vector<Broken>{{{{"calling_window", {{"weekdays", "20:00-09:00"}}}},
                            "calling_window.weekdays",
                            "bad_window",
                            "20:00-09:00"},
                           {{{"manager", {{"name", "Анна"}, {"sip", "anna@pbx"}}}},
                            "manager.sip",
                            "bad_sip",
                            "anna@pbx"},
                           {{{"rules", {{"min_order_m2", "много"}}}},
                            "rules.min_order_m2",
                            "not_a_number",
                            "много"},
                           {{{"rules", {{"min_order_m2", 50}, {"big_project_m2", 10}}}},
                            "rules.big_project_m2",
                            "not_above_min",
                            ""},
                           {{{"faq", {{{"q", "Парковка?"}}}}}, "faq[0].a", "required", ""},
                           {{{"manager", {{"name", "Анна"}, {"email", "a@b"}}}},
                            "manager.email",
                            "unknown_key",
                            "email"},
                           {{{"language", "de"}}, "language", "not_editable", ""},
                           {{{"address", std::string(5000, 'x')}}, "address", "too_long", ""},
                           {{{"hours", Json::array({1, 2})}}, "hours", "not_text", ""}}) {
    auto r = admin.Post("/api/settings/profile", {{"profile", c.edit}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << c.edit.dump() << ": " << r->body;
    Json body = Json::parse(r->body);
    EXPECT_EQ(body["field"], c.field) << r->body;
    EXPECT_EQ(body["problem"]["code"], c.code) << r->body;
    EXPECT_EQ(body["problem"]["value"], c.value) << r->body;
  }
  EXPECT_EQ(ReadFile(path), before);

  // A good edit.
  Json edit = {{"hours", "ежедневно с 7:30 до 22:30"},
               {"calling_window", {{"weekdays", "08:00-21:00"}, {"weekends", "10:00-18:00"}}},
               {"faq", {{{"q", "Есть ли парковка?"}, {"a", "Да, 20 мест у входа."}}}}};
  auto ok = admin.Post("/api/settings/profile", {{"profile", edit}, {"version", 0}});
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(Json::parse(ok->body)["version"], 1);
  auto reloaded = business::LoadProfile(path);
  ASSERT_TRUE(reloaded.ok()) << reloaded.status().message();
  EXPECT_EQ(reloaded->hours, "ежедневно с 7:30 до 22:30");
  EXPECT_EQ(reloaded->calling_window.weekdays.start_min, 8 * 60);
  ASSERT_EQ(reloaded->faq.size(), 1u);
  EXPECT_EQ(ReadFile((*env)->dir + "/profile-history/profile.1.yaml"), before);
  {
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_EQ(handed.size(), 1u);
    EXPECT_EQ(handed[0].hours, "ежедневно с 7:30 до 22:30");
    EXPECT_EQ(handed[0].dir, (*env)->dir);
  }
  auto audit = (*env)->store->ListAudit("profile", 0);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].actor, "user:admin");
  EXPECT_EQ((*audit)[0].entity_id, 1);
  EXPECT_EQ((*audit)[0].detail, "changed hours, faq, calling_window");

  // A stale version, a key the page does not edit, an oversized body.
  auto stale = admin.Post("/api/settings/profile", {{"profile", {{"hours", "x"}}}, {"version", 0}});
  EXPECT_EQ(stale->status, 409);
  auto name = admin.Post("/api/settings/profile", {{"profile", {{"timezone", "Asia/Tokyo"}}}});
  EXPECT_EQ(name->status, 400);
  std::string big(300 * 1024, 'a');
  auto huge = admin.Post("/api/settings/profile", {{"profile", {{"hours", big}}}});
  EXPECT_EQ(huge->status, 413);
  EXPECT_EQ(business::LoadProfile(path)->hours, "ежедневно с 7:30 до 22:30");

  // Managers neither read nor change it.
  ASSERT_TRUE((*env)->server->auth()->AddUser("bob", "manager", "bob's long password").ok());
  testing::Client bob((*env)->port());
  ASSERT_TRUE(bob.Login("bob", "bob's long password"));
  EXPECT_EQ(bob.Get("/api/settings/profile")->status, 403);
  EXPECT_EQ(bob.Post("/api/settings/profile", {{"profile", {{"hours", "x"}}}})->status, 403);
}

// The agents' phrases and the lexicon beside the shop's profile: a broken edit is refused
// naming the field (a lexicon error also its line) and writes nothing; a good one is written,
// audited, versioned and handed on (on_phrases_changed / on_catalog_changed).
TEST(SettingsApi, PhrasesAndLexiconEditsAreValidatedSavedAuditedAndHandedOn) {
  std::atomic<int> phrases_changed{0}, catalog_changed{0};
  testing::EnvOptions opt;
  opt.configure = [&](WebConfig& cfg) {
    cfg.on_phrases_changed = [&] {
      ++phrases_changed;
      return Status::Ok();
    };
    cfg.on_catalog_changed = [&] { ++catalog_changed; };
  };
  auto env = testing::StartEnv(opt);
  ASSERT_TRUE(env.ok()) << env.status().message();
  testing::Client admin((*env)->port());
  ASSERT_TRUE(admin.Login("admin", "correct horse battery"));
  const std::string own = (*env)->dir + "/agents/kira/ru/scenario.yaml";

  auto get = admin.Get("/api/settings/phrases?agent=kira&language=ru");
  ASSERT_TRUE(get);
  ASSERT_EQ(get->status, 200) << get->body;
  Json page = Json::parse(get->body);
  EXPECT_EQ(page["editable"], true);
  EXPECT_GT(page["phrases"].size(), 100u);
  for (const auto& [edit, field] :
       {std::pair{Json{{"greeting", "«{shpo}», слушаю"}}, "phrases.greeting"},
        std::pair{Json{{"no_such_phrase", "x"}}, "phrases.no_such_phrase"},
        std::pair{Json{{"goodbye", Json::array({1})}}, "phrases.goodbye"}}) {
    auto r = admin.Post("/api/settings/phrases",
                        {{"agent", "kira"}, {"language", "ru"}, {"phrases", edit}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << r->body;
    EXPECT_EQ(Json::parse(r->body)["field"], field) << r->body;
  }
  // The problem as a code and its values, for the page to say in its own language.
  auto coded = admin.Post(
      "/api/settings/phrases",
      {{"agent", "kira"}, {"language", "ru"}, {"phrases", {{"greeting", "«{shpo}», слушаю"}}}});
  ASSERT_TRUE(coded);
  Json problem = Json::parse(coded->body)["problem"];
  EXPECT_EQ(problem["code"], "unknown_value") << coded->body;
  EXPECT_EQ(problem["value"], "shpo") << coded->body;
  EXPECT_EQ(problem["allowed"], "{shop}") << coded->body;
  auto bad_agent = admin.Post("/api/settings/phrases",
                              {{"agent", "olga"}, {"language", "ru"}, {"phrases", Json::object()}});
  EXPECT_EQ(Json::parse(bad_agent->body)["field"], "agent") << bad_agent->body;
  EXPECT_FALSE(std::filesystem::exists(own));

  auto ok =
      admin.Post("/api/settings/phrases",
                 {{"agent", "kira"},
                  {"language", "ru"},
                  {"version", 0},
                  {"phrases", {{"greeting", Json::array({"Алло! «{shop}», Кира слушает."})}}}});
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(Json::parse(ok->body)["version"], 1);
  EXPECT_NE(ReadFile(own).find("Кира слушает"), std::string::npos);
  EXPECT_EQ(phrases_changed.load(), 1);
  auto audit = (*env)->store->ListAudit("phrases", 0);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].detail, "kira/ru: changed greeting");
  auto stale = admin.Post(
      "/api/settings/phrases",
      {{"agent", "kira"}, {"language", "ru"}, {"version", 0}, {"phrases", {{"goodbye", "Пока!"}}}});
  EXPECT_EQ(stale->status, 409);

  // The lexicon: the loader's verdict with the field and line; nothing written.
  const std::string lex = (*env)->dir + "/lexicon.yaml";
  auto broken = admin.Post("/api/settings/lexicon",
                           {{"yaml", "colors:\n  - value: мятный\n    ru: [мятный, \"\"]\n"}});
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->status, 400) << broken->body;
  Json b = Json::parse(broken->body);
  EXPECT_EQ(b["field"], "colors[0].ru[1]") << broken->body;
  EXPECT_EQ(b["line"], 3) << broken->body;
  EXPECT_EQ(b["problem"]["code"], "empty") << broken->body;
  auto unknown = admin.Post("/api/settings/lexicon", {{"yaml", "colour:\n  - value: x\n"}});
  EXPECT_EQ(unknown->status, 400) << unknown->body;
  Json u = Json::parse(unknown->body);
  EXPECT_EQ(u["problem"]["code"], "unknown_key") << unknown->body;
  EXPECT_EQ(u["problem"]["value"], "colour") << unknown->body;
  EXPECT_EQ(u["line"], 1) << unknown->body;
  EXPECT_FALSE(std::filesystem::exists(lex));
  EXPECT_EQ(catalog_changed.load(), 0);

  Json before = Json::parse(admin.Get("/api/settings/lexicon")->body);
  auto saved =
      admin.Post("/api/settings/lexicon",
                 {{"yaml",
                   "colors:\n  - value: мятный\n    name_en: mint\n    ru: [мятный, мятная]\n    "
                   "en: [mint]\n"},
                  {"version", 0}});
  ASSERT_TRUE(saved);
  ASSERT_EQ(saved->status, 200) << saved->body;
  Json after = Json::parse(saved->body);
  EXPECT_EQ(after["version"], 1);
  EXPECT_EQ(after["counts"]["colors"].get<int>(), before["counts"]["colors"].get<int>() + 1);
  EXPECT_NE(ReadFile(lex).find("мятный"), std::string::npos);
  EXPECT_EQ(catalog_changed.load(), 1);
  audit = (*env)->store->ListAudit("lexicon", 0);
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(audit->size(), 1u);

  // Managers neither read nor change them.
  ASSERT_TRUE((*env)->server->auth()->AddUser("bob", "manager", "bob's long password").ok());
  testing::Client bob((*env)->port());
  ASSERT_TRUE(bob.Login("bob", "bob's long password"));
  EXPECT_EQ(bob.Get("/api/settings/phrases")->status, 403);
  EXPECT_EQ(bob.Post("/api/settings/lexicon", {{"yaml", ""}})->status, 403);
}

// Without a profile file of its own (the built-in demo), every edit is refused with the reason
// and nothing is written.
TEST(SettingsApi, WithoutTheShopsOwnProfileEveryEditIsRefused) {
  testing::EnvOptions opt;
  opt.configure = [](WebConfig& cfg) {
    cfg.profile_path.clear();
    cfg.profile_read_only_reason = "this server runs the built-in demo profile: use --business";
  };
  auto env = testing::StartEnv(opt);
  ASSERT_TRUE(env.ok()) << env.status().message();
  testing::Client admin((*env)->port());
  ASSERT_TRUE(admin.Login("admin", "correct horse battery"));
  Json page = Json::parse(admin.Get("/api/settings/phrases")->body);
  EXPECT_EQ(page["editable"], false);
  EXPECT_EQ(page["read_only_reason"], "this server runs the built-in demo profile: use --business");
  for (auto [path, body] :
       {std::pair{"/api/settings/profile", Json{{"profile", {{"hours", "x"}}}}},
        std::pair{"/api/settings/phrases",
                  Json{{"agent", "kira"}, {"language", "ru"}, {"phrases", {{"goodbye", "Пока"}}}}},
        std::pair{"/api/settings/lexicon", Json{{"yaml", "filler:\n  ru: [ну]\n"}}}}) {
    auto r = admin.Post(path, body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 409) << path;
    EXPECT_NE(r->body.find("--business"), std::string::npos) << r->body;
  }
  EXPECT_FALSE(std::filesystem::exists((*env)->dir + "/agents"));
  EXPECT_FALSE(std::filesystem::exists((*env)->dir + "/lexicon.yaml"));
}

}  // namespace
}  // namespace kira::web
