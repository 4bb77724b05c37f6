// The Bitrix24 connector on three nodes sharing one PostgreSQL (a real server): the nodes open
// the connector at once (their channel rows race: one stays), calls are queued on every node, and
// the three senders deliver each call's contact, lead and logged call exactly once to the Bitrix24
// test server, which fails some crm.lead.add calls with 500 and some calls with 503
// QUERY_LIMIT_EXCEEDED, so a row half done on one node is finished by another from the shared
// record of its steps. Label pg.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "crm/pg/pg_workspace_store.h"
#include "storage/testing/pg_server.h"
#include "web/bitrix24.h"
#include "web/testing/bitrix24_fake.h"

namespace kira::web {
namespace {

TEST(Bitrix24OnPostgres, ThreeNodesSendEachCallExactlyOnce) {
  auto server = storage::testing::PgServer::Start();
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  ASSERT_TRUE((*server)->CreateDatabase("bitrix24").ok());
  const std::string conninfo = (*server)->Conninfo("bitrix24");
  testing::Bitrix24FakeOptions fo;
  fo.drain_per_second = 0;  // the pace is each node's own; this test is about once
  testing::Bitrix24Fake b24(fo);
  ASSERT_TRUE(b24.Start().ok());
  constexpr int kCalls = 30, kNodes = 3;

  WebhookOptions opt;
  opt.first_retry = std::chrono::milliseconds(50);
  B24Options bo;
  bo.pace = false;
  bo.first_retry = std::chrono::milliseconds(100);
  bo.max_throttle = std::chrono::milliseconds(500);
  const std::string key(32, 'k');  // every node has the same key file
  std::vector<std::unique_ptr<crm::WorkspaceStore>> stores(kNodes);
  std::vector<std::unique_ptr<Webhooks>> senders(kNodes);
  std::vector<std::unique_ptr<Bitrix24>> conns(kNodes);
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
        auto b = Bitrix24::Open(*stores[n], *senders[n], Clock::System(), key, bo);
        if (b.ok()) {
          conns[n] = std::move(*b);
        } else {
          ++failed;
          std::lock_guard<std::mutex> lock(mu);
          why = b.status().ToString();
        }
      });
    for (auto& t : starts) t.join();
    ASSERT_EQ(failed.load(), 0) << why;
  }
  auto hooks = stores[0]->ListWebhooks();
  ASSERT_TRUE(hooks.ok());
  ASSERT_EQ(hooks->size(), 1u) << "one channel row for Bitrix24";
  nlohmann::json cfg = {{"enabled", true}, {"webhook_url", b24.webhook_url()}};
  ASSERT_TRUE(conns[0]->SaveConfig(cfg.dump()).ok());
  for (int i = 1; i <= kCalls; ++i) {
    FinishedCall c;
    c.conversation_id = i;
    c.phone = "+7912" + std::to_string(3000000 + i);
    c.outcome = "order_placed";
    c.duration_s = 30;
    ASSERT_TRUE(conns[i % kNodes]->Queue(c).ok());
  }
  b24.Fail500(4, "crm.lead.add");
  b24.Fail503(3);

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
  auto finished = [&] {
    auto calls = b24.calls();
    return std::count_if(calls.begin(), calls.end(), [](const auto& c) { return c.duration >= 0; });
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (finished() < kCalls && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a duplicate would come now
  stop = true;
  for (auto& t : threads) t.join();

  EXPECT_EQ(errors.load(), 0);
  std::map<std::string, int> leads, contacts, calls;
  for (const auto& l : b24.leads()) ++leads[l.fields.value("ORIGIN_ID", "")];
  for (const auto& c : b24.contacts()) ++contacts[c.phone];
  for (const auto& c : b24.calls()) {
    ++calls[c.external_id];
    EXPECT_EQ(c.registrations, 1) << c.external_id;
    EXPECT_EQ(c.duration, 30) << c.external_id;
  }
  EXPECT_EQ(leads.size(), static_cast<size_t>(kCalls));
  EXPECT_EQ(contacts.size(), static_cast<size_t>(kCalls));
  EXPECT_EQ(calls.size(), static_cast<size_t>(kCalls));
  for (const auto& [k, n] : leads) EXPECT_EQ(n, 1) << k;
  for (const auto& [k, n] : contacts) EXPECT_EQ(n, 1) << k;
  for (const auto& [k, n] : calls) EXPECT_EQ(n, 1) << k;
  auto rows = senders[1]->ListDeliveries(kCalls + 10);
  ASSERT_TRUE(rows.ok());
  int delivered = 0;
  for (const auto& r : *rows) delivered += r.status == "delivered";
  EXPECT_EQ(delivered, kCalls);
}

}  // namespace
}  // namespace kira::web
