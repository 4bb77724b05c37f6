// The workspace end to end for Bitrix24: the settings saved through the admin API (strict, the
// webhook never shown back), conversations an agent ended found by the store watcher while
// Bitrix24 is down, the workspace restarted, Bitrix24 back: each conversation's contact (matched
// by phone), lead and logged call arrive once, in order, through the running outbox; Bitrix24
// downloads a call's recording from the workspace through its signed link, without a session.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "web/bitrix24.h"
#include "web/testing/bitrix24_fake.h"
#include "web/testing/test_support.h"

namespace kira::web {
namespace {

using namespace testing;

// A lead whose conversation (Anna's order, 60 s) left a recording in the data directory.
Result<int64_t> AddLeadWithRecording(Env& e, const std::string& rel_path, size_t bytes) {
  std::ofstream(e.dir + "/" + rel_path, std::ios::binary) << std::string(bytes, 'R');
  crm::Contact c;
  c.phone = "+79160000003";
  c.name = "Анна";
  KIRA_ASSIGN_OR_RETURN(int64_t cid, e.store->UpsertContact(c));
  crm::Lead l;
  l.contact_id = cid;
  l.channel = "phone";
  l.source = "inbound";
  l.outcome = crm::Outcome::kOrderPlaced;
  l.summary = "Заказал затирку Церезит CE 40, 10 мешков.";
  KIRA_ASSIGN_OR_RETURN(int64_t lid, e.store->CreateLead(l));
  crm::Conversation conv;
  conv.lead_id = lid;
  conv.agent = "kira";
  conv.channel = "phone";
  conv.language = "ru";
  conv.started_at = ToUnixMillis(Clock::System().Now());
  KIRA_ASSIGN_OR_RETURN(conv.id, e.store->StartConversation(conv));
  conv.ended_at = conv.started_at + 60000;
  conv.outcome = crm::Outcome::kOrderPlaced;
  conv.summary = l.summary;
  conv.recording_path = rel_path;
  KIRA_RETURN_IF_ERROR(e.store->EndConversation(conv));
  return lid;
}

TEST(Bitrix24WatchTest, EndedConversationsReachBitrix24OnceAfterAnOutageAndARestart) {
  Bitrix24FakeOptions fo;
  fo.download_records = true;
  Bitrix24Fake b24(fo);
  ASSERT_TRUE(b24.Start().ok());
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("kira_b24_watch_" + std::to_string(getpid())))
          .string();
  std::filesystem::remove_all(dir);
  EnvOptions opt;
  opt.dir = dir;
  opt.webhooks.tick = std::chrono::milliseconds(50);
  auto env = StartEnv(opt);
  ASSERT_TRUE(env.ok()) << env.status().message();
  int64_t first_lead = 0;
  {
    Env& e = **env;
    Client c(e.port());
    ASSERT_TRUE(c.Login("admin", "correct horse battery"));
    auto bad =
        c.Post("/api/settings/bitrix24", Json::parse(R"({"fields": {"colour": "UF_CRM_1"}})"));
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400);
    EXPECT_NE(bad->body.find("fields.colour"), std::string::npos) << bad->body;
    Json settings = {{"enabled", true},
                     {"webhook_url", b24.webhook_url()},
                     {"max_per_second", 5},
                     {"fields", {{"outcome", "UF_CRM_KIRA_OUTCOME"}}}};
    auto put = c.Post("/api/settings/bitrix24", settings);
    ASSERT_TRUE(put);
    ASSERT_EQ(put->status, 200) << put->body;
    Json s = Json::parse(put->body)["settings"];
    EXPECT_EQ(s["webhook_url"], "");
    EXPECT_EQ(s["webhook_url_set"], true);
    EXPECT_EQ(s["portal"], b24.url());
    EXPECT_EQ(put->body.find(fo.code), std::string::npos);

    b24.AddContact("Ирина", "8 916 123-45-67");
    b24.Fail500(100000);  // Bitrix24 goes down
    auto lead = AddLead(*e.store, "+79161234567", "qualified", "");
    ASSERT_TRUE(lead.ok());
    first_lead = *lead;
    ASSERT_TRUE(AddLead(*e.store, "+79160000002", "order_placed", "", "phone", 0, "Олег").ok());
    for (int i = 0; i < 100 && b24.requests() < 2; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_GE(b24.requests(), 1);
    EXPECT_EQ(b24.leads().size(), 0u);
    auto got = c.Get("/api/settings/bitrix24");
    ASSERT_TRUE(got);
    Json j = Json::parse(got->body);
    ASSERT_EQ(j["recent"].size(), 2u) << j.dump();
    for (const auto& r : j["recent"]) {
      EXPECT_EQ(r["status"], "pending");
      EXPECT_EQ(r["attempts"], 0);
    }
  }
  env->reset();  // the workspace stops while Bitrix24 is down
  b24.Fail500(0);
  env = StartEnv(opt);
  ASSERT_TRUE(env.ok()) << env.status().message();
  Env& e = **env;
  Client c(e.port());
  ASSERT_TRUE(c.Login("admin", "correct horse battery"));
  // Where the recording links point (Settings → Alerts): this workspace, and a third
  // conversation, with a recording, ends after the restart.
  auto ws = c.Post("/api/settings/alerts",
                   Json{{"workspace_url", "http://127.0.0.1:" + std::to_string(e.port())}});
  ASSERT_TRUE(ws);
  ASSERT_EQ(ws->status, 200) << ws->body;
  ASSERT_TRUE(AddLeadWithRecording(e, "recordings/b24-test.wav", 4321).ok());
  for (int i = 0; i < 300 && (b24.calls().size() < 3 || b24.calls()[2].record_url.empty()); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // nothing more comes
  auto leads = b24.leads();
  ASSERT_EQ(leads.size(), 3u);
  auto contacts = b24.contacts();
  ASSERT_EQ(contacts.size(), 3u);  // the known one, and Oleg's and Anna's made
  EXPECT_EQ(leads[0].fields["CONTACT_ID"], contacts[0].id);
  EXPECT_EQ(leads[1].fields["CONTACT_ID"], contacts[1].id);
  EXPECT_EQ(contacts[1].name, "Олег");
  EXPECT_EQ(leads[0].fields["UF_CRM_KIRA_OUTCOME"], "qualified");
  EXPECT_EQ(leads[1].fields["UF_CRM_KIRA_OUTCOME"], "order_placed");
  EXPECT_NE(leads[0].fields["COMMENTS"].get<std::string>().find("Монте Тиберио"),
            std::string::npos);
  EXPECT_EQ(leads[2].fields["CONTACT_ID"], contacts[2].id);
  auto calls = b24.calls();
  ASSERT_EQ(calls.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(calls[i].entity_id, leads[i].id);
    EXPECT_EQ(calls[i].type, 2);
    EXPECT_EQ(calls[i].duration, 60);
    EXPECT_EQ(calls[i].registrations, 1);
  }
  EXPECT_EQ(calls[0].phone, "+79161234567");
  // The recording: none for the first two calls; the third's downloaded by "Bitrix24" through
  // the signed link, with no session (4,321 bytes, as written).
  EXPECT_EQ(calls[0].record_url, "");
  EXPECT_NE(calls[2].record_url.find("/api/recordings/"), std::string::npos) << calls[2].record_url;
  EXPECT_EQ(calls[2].record_bytes, 4321u);
  // Without the signature the same address is refused.
  httplib::Client anon("127.0.0.1", e.port());
  auto plain = anon.Get(calls[2].record_url.substr(
      calls[2].record_url.find("/api/recordings/"),
      calls[2].record_url.find('?') - calls[2].record_url.find("/api/recordings/")));
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 403);
  auto got = c.Get("/api/settings/bitrix24");
  ASSERT_TRUE(got);
  Json j = Json::parse(got->body);
  EXPECT_EQ(j["settings"]["connected"], true);
  EXPECT_EQ(j["settings"]["telephony_error"], "");
  ASSERT_EQ(j["recent"].size(), 3u);
  for (const auto& r : j["recent"]) EXPECT_EQ(r["status"], "delivered") << j.dump();
  EXPECT_GT(first_lead, 0);
  env->reset();
  std::filesystem::remove_all(dir);
}

// Connecting as a local application through the workspace: the settings, "connect" gives the
// portal's authorize address, Bitrix24 sends the browser back with a code and the state (no
// session), and the page says connected; the same state again is refused.
TEST(Bitrix24WatchTest, ConnectingAsAnApplication) {
  Bitrix24FakeOptions fo;
  Bitrix24Fake b24(fo);
  ASSERT_TRUE(b24.Start().ok());
  auto env = StartEnv({});
  ASSERT_TRUE(env.ok()) << env.status().message();
  Env& e = **env;
  Client c(e.port());
  ASSERT_TRUE(c.Login("admin", "correct horse battery"));
  auto early = c.Post("/api/settings/bitrix24/connect", Json::object());
  ASSERT_TRUE(early);
  EXPECT_EQ(early->status, 400);  // no application settings yet
  auto put = c.Post("/api/settings/bitrix24", Json{{"portal_url", b24.url()},
                                                   {"oauth_url", b24.url()},
                                                   {"client_id", fo.client_id},
                                                   {"client_secret", fo.client_secret}});
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  EXPECT_EQ(Json::parse(put->body)["settings"]["client_secret"], "");
  EXPECT_EQ(Json::parse(put->body)["settings"]["client_secret_set"], true);
  auto go = c.Post("/api/settings/bitrix24/connect", Json::object());
  ASSERT_TRUE(go);
  ASSERT_EQ(go->status, 200) << go->body;
  std::string url = Json::parse(go->body)["url"];
  std::string state = url.substr(url.find("state=") + 6);
  httplib::Client browser("127.0.0.1", e.port());  // back from Bitrix24: no session cookie
  std::string back = "/api/bitrix24/oauth?code=" + b24.IssueCode() + "&state=" + state +
                     "&domain=127.0.0.1&member_id=a223c6b3&scope=crm%2Ctelephony";
  auto r = browser.Get(back);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->body.find("/#/settings/bitrix24"), std::string::npos);
  r = browser.Get(back);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  auto got = c.Get("/api/settings/bitrix24");
  ASSERT_TRUE(got);
  Json j = Json::parse(got->body)["settings"];
  EXPECT_EQ(j["auth"], "app");
  EXPECT_EQ(j["connected"], true);
  EXPECT_EQ(j["portal"], b24.url());
}

}  // namespace
}  // namespace kira::web
