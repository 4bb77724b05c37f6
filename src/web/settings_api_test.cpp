// The settings page's API against a running server: a profile edit is checked by the profile
// loader (a broken one is refused naming the field and changes nothing), written to the file,
// audited with a version and the keys changed, handed to on_profile_changed (what `kira serve`
// gives the dialog engine), and refused for managers, for stale versions and oversized bodies.
#include <gtest/gtest.h>

#include <fstream>
#include <mutex>
#include <sstream>

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

  // Broken: the loader's verdict, the field named, nothing written.
  for (auto [edit, field] :
       {std::pair{Json{{"calling_window", {{"weekdays", "20:00-09:00"}}}},
                  "calling_window.weekdays"},
        std::pair{Json{{"manager", {{"name", "Анна"}, {"sip", "anna@pbx"}}}}, "manager.sip"},
        std::pair{Json{{"rules", {{"min_order_m2", "много"}}}}, "rules.min_order_m2"},
        std::pair{Json{{"faq", {{{"q", "Парковка?"}}}}}, "faq[0].a"},
        std::pair{Json{{"language", "de"}}, "language"},
        std::pair{Json{{"hours", Json::array({1, 2})}}, "hours"}}) {
    auto r = admin.Post("/api/settings/profile", {{"profile", edit}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << edit.dump() << ": " << r->body;
    EXPECT_EQ(Json::parse(r->body)["field"], field) << r->body;
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

}  // namespace
}  // namespace kira::web
