// The workspace end to end for amoCRM: the settings saved through the admin API (strict), a
// conversation an agent ended found by the store watcher, queued for amoCRM and delivered by the
// running outbox to the amoCRM test server — lead, contact by phone and notes, once.
#include <gtest/gtest.h>

#include <thread>

#include "web/amocrm.h"
#include "web/testing/amocrm_fake.h"
#include "web/testing/test_support.h"

namespace kira::web {
namespace {

using namespace testing;

TEST(AmoCrmWatchTest, AnEndedConversationReachesAmoCrmThroughTheWorkspace) {
  AmoFakeOptions fo;
  AmoFake amo(fo);
  ASSERT_TRUE(amo.Start().ok());
  EnvOptions opt;
  opt.webhooks.tick = std::chrono::milliseconds(50);
  auto env = StartEnv(opt);
  ASSERT_TRUE(env.ok()) << env.status().message();
  Env& e = **env;
  Client c(e.port());
  ASSERT_TRUE(c.Login("admin", "correct horse battery"));
  auto bad = c.Post("/api/settings/amocrm", Json::parse(R"({"fields": {"colour": 5}})"));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("fields.colour"), std::string::npos) << bad->body;
  Json settings = {{"enabled", true},
                   {"subdomain", "myshop"},
                   {"base_url", amo.url()},
                   {"client_id", fo.client_id},
                   {"client_secret", fo.client_secret},
                   {"redirect_uri", fo.redirect_uri},
                   {"auth_code", fo.auth_code},
                   {"fields", {{"outcome", 501}}}};
  auto put = c.Post("/api/settings/amocrm", settings);
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  EXPECT_EQ(Json::parse(put->body)["settings"]["client_secret"], "");
  EXPECT_EQ(Json::parse(put->body)["settings"]["connected"], false);

  int64_t known = amo.AddContact("Ирина", "8 916 123-45-67");
  auto lead = AddLead(*e.store, "+79161234567", "qualified", "");
  ASSERT_TRUE(lead.ok());
  for (int i = 0; i < 200 && amo.notes().size() < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // nothing more comes
  auto leads = amo.leads();
  ASSERT_EQ(leads.size(), 1u);
  EXPECT_EQ(leads[0].contact_id, known);
  EXPECT_EQ(leads[0].custom_fields[0]["values"][0]["value"], "qualified");
  auto notes = amo.notes();
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(notes[0].params["text"].get<std::string>().find("Монте Тиберио"), std::string::npos);
  EXPECT_EQ(notes[1].type, "call_in");
  EXPECT_EQ(notes[1].params["phone"], "+79161234567");
  EXPECT_EQ(notes[1].params["duration"], 60);

  auto got = c.Get("/api/settings/amocrm");
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200);
  Json j = Json::parse(got->body);
  EXPECT_EQ(j["settings"]["connected"], true);
  EXPECT_EQ(j["settings"]["auth_code_set"], false);  // used, cleared
  ASSERT_EQ(j["recent"].size(), 1u);
  EXPECT_EQ(j["recent"][0]["status"], "delivered") << j.dump();
}

}  // namespace
}  // namespace kira::web
