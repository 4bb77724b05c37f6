// The workspace end to end: what the agents write to the CRM (a qualified caller, an order, a
// callback left by a failed transfer) is found by the store watcher, queued as alerts and
// delivered to the Telegram Bot API test server by the running outbox; the settings go through
// the admin API.
#include <gtest/gtest.h>

#include <thread>

#include "web/alerts.h"
#include "web/testing/telegram_fake.h"
#include "web/testing/test_support.h"

namespace kira::web {
namespace {

using namespace testing;

TEST(AlertsWatchTest, AgentsEventsReachTheChatThroughTheWorkspace) {
  TelegramFake tg;
  ASSERT_TRUE(tg.Start().ok());
  EnvOptions opt;
  opt.webhooks.tick = std::chrono::milliseconds(50);
  auto env = StartEnv(opt);
  ASSERT_TRUE(env.ok()) << env.status().message();
  Env& e = **env;
  Client c(e.port());
  ASSERT_TRUE(c.Login("admin", "correct horse battery"));
  Json settings = {{"workspace_url", "https://kira.example.ru"},
                   {"telegram",
                    {{"enabled", true},
                     {"bot_token", TelegramFakeOptions().token},
                     {"chat_id", TelegramFakeOptions().chat_id},
                     {"api_url", tg.url()},
                     {"max_per_second", 30}}}};
  auto put = c.Post("/api/settings/alerts", settings);
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  auto bad = c.Post("/api/settings/alerts", Json::parse(R"({"telegram":{"chat":"1"}})"));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("telegram.chat"), std::string::npos) << bad->body;

  auto qualified = AddLead(*e.store, "+79161234567", "qualified", "");
  ASSERT_TRUE(qualified.ok());
  auto ordered = AddLead(*e.store, "+79161234568", "order_placed", "");
  ASSERT_TRUE(ordered.ok());
  crm::Order o;
  o.lead_id = *ordered;
  o.fulfilment = "pickup";
  o.total = 14400;
  o.lines = {{"MT-6060", "Монте Тиберио серый 60x60", 12, "м2", 1200}};
  ASSERT_TRUE(e.store->CreateOrder(o).ok());
  auto transfer = AddLead(*e.store, "+79161234569", "callback_scheduled", "");
  ASSERT_TRUE(transfer.ok());
  crm::Task t;
  t.lead_id = *transfer;
  t.kind = crm::TaskKind::kCallback;
  t.phone = "+79161234569";
  t.note = "transfer failed: 486 Busy Here";
  t.created_by = "kira";
  ASSERT_TRUE(e.store->CreateTask(t).ok());

  for (int i = 0; i < 200 && tg.messages().size() < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // nothing more comes
  auto m = tg.messages();
  ASSERT_EQ(m.size(), 3u);
  std::string all;
  for (const auto& x : m) all += x.text + "\n---\n";
  EXPECT_NE(all.find("целевой лид — лид №" + std::to_string(*qualified)), std::string::npos) << all;
  EXPECT_NE(all.find("новый заказ — лид №" + std::to_string(*ordered)), std::string::npos);
  EXPECT_NE(all.find("Монте Тиберио серый 60x60 — 12 м2"), std::string::npos) << all;
  EXPECT_NE(all.find("не удалось перевести звонок"), std::string::npos);
  EXPECT_NE(all.find("https://kira.example.ru/#/lead/" + std::to_string(*transfer)),
            std::string::npos);
  EXPECT_EQ(all.find("+7916"), std::string::npos) << "no phone numbers in Telegram";
  EXPECT_EQ(all.find("Ирина"), std::string::npos) << "no caller names in Telegram";

  auto got = c.Get("/api/settings/alerts");
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200);
  Json j = Json::parse(got->body);
  EXPECT_EQ(j["settings"]["telegram"]["bot_token"], "");
  EXPECT_EQ(j["settings"]["telegram"]["bot_token_set"], true);
  ASSERT_EQ(j["recent"].size(), 3u);
  for (const auto& r : j["recent"]) EXPECT_EQ(r["status"], "delivered") << r.dump();
  // The test button queues a test alert, which goes out like the others.
  auto test = c.Post("/api/settings/alerts/test", {{"channel", "telegram"}});
  ASSERT_TRUE(test);
  EXPECT_EQ(test->status, 202) << test->body;
  for (int i = 0; i < 100 && tg.messages().size() < 4; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(tg.messages().size(), 4u);
  EXPECT_NE(tg.messages()[3].text.find("проверка уведомлений"), std::string::npos);
}

}  // namespace
}  // namespace kira::web
