// The shop's own setup over HTTP, against a running server with real SQLite stores: the status
// report (GET /api/admin/status), catalog uploads as shops export them (template, replace,
// localisable errors), the catalog page (paging, filters) and campaigns.
#include <gtest/gtest.h>

#include "web/testing/test_support.h"

namespace kira::web {
namespace {

using testing::Client;

Json Parse(const httplib::Result& r) {
  if (!r) return {};
  return Json::parse(r->body, nullptr, false);
}

TEST(ShopSetup, StatusReportIsTheServeReportAndAdminOnly) {
  testing::EnvOptions opt;
  opt.configure = [](WebConfig& c) {
    c.setup_report = [] {
      business::SetupFacts f;
      f.shop_language = "ru";
      f.database = "/data/kira.db";
      f.web_on = true;
      f.phone_on = true;
      f.sip_listen = "0.0.0.0:5060";
      f.asr = {{"en", "pocketsphinx", "", ""}};
      f.tts = {{"ru", "espeak", "", ""}, {"en", "flite", "", ""}};
      return business::BuildSetupReport(f);
    };
  };
  auto env = testing::StartEnv(opt);
  ASSERT_TRUE(env.ok()) << env.status().message();
  Client admin((*env)->port());
  ASSERT_TRUE(admin.Login("admin", "correct horse battery"));
  auto r = admin.Get("/api/admin/status");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  Json j = Parse(r);
  EXPECT_FALSE(j["ok"].get<bool>());
  bool found = false;
  for (const auto& i : j["items"])
    if (i["area"] == "asr" && i["language"] == "ru") {
      found = true;
      EXPECT_EQ(i["state"], "missing");
      EXPECT_EQ(i["problem"], "not_configured");
      EXPECT_EQ(i["fix"], "phone.vosk_url");
      EXPECT_TRUE(i["essential"].get<bool>());
    }
  EXPECT_TRUE(found) << r->body;
  ASSERT_EQ(j["warnings"].size(), 1u);
  EXPECT_NE(j["warnings"][0].get<std::string>().find("phone.vosk_url"), std::string::npos);

  ASSERT_TRUE((*env)->server->auth()->AddUser("masha", "manager", "manager pass 1").ok());
  Client masha((*env)->port());
  ASSERT_TRUE(masha.Login("masha", "manager pass 1"));
  auto m = masha.Get("/api/admin/status");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 403);
}

TEST(ShopSetup, StatusWithoutAReportFunctionDescribesTheWorkspaceAlone) {
  auto env = testing::StartEnv();
  ASSERT_TRUE(env.ok()) << env.status().message();
  Client admin((*env)->port());
  ASSERT_TRUE(admin.Login("admin", "correct horse battery"));
  Json j = Parse(admin.Get("/api/admin/status"));
  ASSERT_TRUE(j.is_object());
  std::map<std::string, std::string> state;
  for (const auto& i : j["items"])
    if (i["language"] == "") state[i["area"]] = i["state"];
  EXPECT_EQ(state["web"], "live");
  EXPECT_EQ(state["database"], "live");
  EXPECT_EQ(state["sip"], "off");
  EXPECT_EQ(state["dialer"], "off");
}

}  // namespace
}  // namespace kira::web
