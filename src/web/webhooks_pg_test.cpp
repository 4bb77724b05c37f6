// The webhook outbox shared by several nodes on one PostgreSQL (a real server): three senders,
// each with its own store and connections as three `kira serve` nodes have, deliver 300
// events at once to one receiver on loopback, which counts every delivery: each event arrives
// exactly once. Label pg.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "crm/pg/pg_workspace_store.h"
#include "storage/testing/pg_server.h"
#include "web/webhooks.h"

namespace kira::web {
namespace {

// Counts the deliveries of each outbox row (X-Kira-Delivery); answers 200, or 500 to every
// seventh first attempt so retries are part of the race.
struct CountingReceiver {
  httplib::Server http;
  std::thread thread;
  int port = 0;
  std::mutex mu;
  std::map<std::string, int> ok_by_delivery, failed_by_delivery;
  std::atomic<bool> done{false};

  CountingReceiver() {
    http.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::string id = req.get_header_value("X-Kira-Delivery");
      std::lock_guard<std::mutex> lock(mu);
      if (std::stoll(id) % 7 == 0 && failed_by_delivery[id] == 0) {
        ++failed_by_delivery[id];
        res.status = 500;
        return;
      }
      ++ok_by_delivery[id];
      res.status = 200;
    });
    port = http.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] {
      http.listen_after_bind();
      done = true;
    });
  }
  ~CountingReceiver() {
    while (!done) {
      http.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    thread.join();
  }
};

TEST(WebhooksOnPostgres, ThreeSendersDeliverEachEventExactlyOnce) {
  auto server = storage::testing::PgServer::Start();
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  ASSERT_TRUE((*server)->CreateDatabase("outbox").ok());
  const std::string conninfo = (*server)->Conninfo("outbox");
  CountingReceiver rx;
  constexpr int kEvents = 300, kNodes = 3;

  WebhookOptions opt;
  opt.first_retry = std::chrono::milliseconds(50);
  opt.timeout = std::chrono::seconds(5);
  std::vector<std::unique_ptr<crm::WorkspaceStore>> stores;
  std::vector<std::unique_ptr<Webhooks>> senders;
  for (int n = 0; n < kNodes; ++n) {
    auto s = crm::OpenPgWorkspaceStore(conninfo, 2);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    stores.push_back(std::move(*s));
    auto h = Webhooks::Open(*stores.back(), Clock::System(), opt);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    senders.push_back(std::move(*h));
  }
  ASSERT_TRUE(senders[0]
                  ->Add("http://127.0.0.1:" + std::to_string(rx.port) + "/hook",
                        "0123456789abcdef-secret", {"lead.created"})
                  .ok());
  // Events are queued on every node, as leads arrive on each.
  for (int i = 0; i < kEvents; ++i) {
    ASSERT_TRUE(
        senders[i % kNodes]->Enqueue("lead.created", "{\"id\":" + std::to_string(i) + "}").ok());
  }

  std::atomic<int> errors{0}, sent{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int n = 0; n < kNodes; ++n) {
    threads.emplace_back([&, n] {
      while (!stop) {
        auto r = senders[n]->DeliverDue();
        if (!r.ok()) {
          ++errors;
        } else {
          sent += *r;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (sent.load() < kEvents && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // A little longer: a duplicate would show up now.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop = true;
  for (auto& t : threads) t.join();

  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(sent.load(), kEvents);
  std::lock_guard<std::mutex> lock(rx.mu);
  EXPECT_EQ(rx.ok_by_delivery.size(), static_cast<size_t>(kEvents));
  for (const auto& [id, n] : rx.ok_by_delivery) EXPECT_EQ(n, 1) << "delivery " << id;
  for (const auto& [id, n] : rx.failed_by_delivery) EXPECT_EQ(n, 1) << "delivery " << id;
  EXPECT_GE(rx.failed_by_delivery.size(), static_cast<size_t>(kEvents / 7 - 1));
  auto rows = senders[1]->ListDeliveries(kEvents + 10);
  ASSERT_TRUE(rows.ok());
  int delivered = 0;
  for (const auto& r : *rows) delivered += r.status == "delivered";
  EXPECT_EQ(delivered, kEvents);
}

}  // namespace
}  // namespace kira::web
