// Manager alerts from three nodes on one PostgreSQL (a real server): the nodes start at once
// (their channel rows race: one per channel stays), alerts are raised on every node, and the
// three senders deliver each exactly once to the Telegram Bot API test server, which fails some
// requests with 500 and some with 429 retry_after so retries and holds are part of the race.
// Label pg.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "crm/pg/pg_workspace_store.h"
#include "storage/testing/pg_server.h"
#include "web/alerts.h"
#include "web/testing/telegram_fake.h"

namespace kira::web {
namespace {

TEST(AlertsOnPostgres, ThreeNodesSendEachAlertExactlyOnce) {
  auto server = storage::testing::PgServer::Start();
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  ASSERT_TRUE((*server)->CreateDatabase("alerts").ok());
  const std::string conninfo = (*server)->Conninfo("alerts");
  testing::TelegramFakeOptions fo;
  fo.retry_after_s = 1;
  testing::TelegramFake tg(fo);
  ASSERT_TRUE(tg.Start().ok());
  constexpr int kAlerts = 60, kNodes = 3;

  WebhookOptions opt;
  opt.first_retry = std::chrono::milliseconds(50);
  std::vector<std::unique_ptr<crm::WorkspaceStore>> stores(kNodes);
  std::vector<std::unique_ptr<Webhooks>> senders(kNodes);
  std::vector<std::unique_ptr<Alerts>> alerts(kNodes);
  for (int n = 0; n < kNodes; ++n) {
    auto s = crm::OpenPgWorkspaceStore(conninfo, 2);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    stores[n] = std::move(*s);
    auto h = Webhooks::Open(*stores[n], Clock::System(), opt);
    ASSERT_TRUE(h.ok());
    senders[n] = std::move(*h);
  }
  {
    std::vector<std::thread> starts;
    std::atomic<int> failed{0};
    std::mutex mu;
    std::string why;
    for (int n = 0; n < kNodes; ++n)
      starts.emplace_back([&, n] {
        auto a = Alerts::Open(*stores[n], *senders[n], Clock::System(),
                              [] { return std::string("Europe/Moscow"); });
        if (a.ok())
          alerts[n] = std::move(*a);
        else {
          ++failed;
          std::lock_guard<std::mutex> lock(mu);
          why = a.status().ToString();
        }
      });
    for (auto& t : starts) t.join();
    ASSERT_EQ(failed.load(), 0) << why;
  }
  auto hooks = stores[0]->ListWebhooks();
  ASSERT_TRUE(hooks.ok());
  // The race may leave a spare row until the next start; alerts go to the oldest only if the
  // spares are gone, so none may be left.
  ASSERT_EQ(hooks->size(), 2u) << "one channel row each for Telegram and e-mail";
  nlohmann::json cfg = {{"workspace_url", "https://kira.example.ru"},
                        {"telegram",
                         {{"enabled", true},
                          {"bot_token", fo.token},
                          {"chat_id", fo.chat_id},
                          {"api_url", tg.url()},
                          {"max_per_second", 30}}}};
  ASSERT_TRUE(alerts[0]->SaveConfig(cfg.dump()).ok());
  for (int i = 1; i <= kAlerts; ++i)
    ASSERT_TRUE(alerts[i % kNodes]->Raise(AlertKind::kNewOrder, {i, i, "", "", ""}).ok());
  tg.Fail500(5);
  tg.Fail429(1);

  std::atomic<int> errors{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int n = 0; n < kNodes; ++n)
    threads.emplace_back([&, n] {
      while (!stop) {
        if (!senders[n]->DeliverDue().ok()) ++errors;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (static_cast<int>(tg.messages().size()) < kAlerts &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a duplicate would come now
  stop = true;
  for (auto& t : threads) t.join();

  EXPECT_EQ(errors.load(), 0);
  std::map<std::string, int> by_lead;
  for (const auto& m : tg.messages()) {
    size_t p = m.text.find("/#/lead/");
    ASSERT_NE(p, std::string::npos) << m.text;
    ++by_lead[m.text.substr(p + 8)];
  }
  EXPECT_EQ(by_lead.size(), static_cast<size_t>(kAlerts));
  for (const auto& [lead, n] : by_lead) EXPECT_EQ(n, 1) << "lead " << lead;
  auto rows = senders[1]->ListDeliveries(kAlerts + 10);
  ASSERT_TRUE(rows.ok());
  int delivered = 0;
  for (const auto& r : *rows) delivered += r.status == "delivered";
  EXPECT_EQ(delivered, kAlerts);
}

}  // namespace
}  // namespace kira::web
