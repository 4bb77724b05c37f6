// Outgoing webhooks: a receiver on loopback port 0 checks the HMAC signature; a failed
// delivery is retried with backoff and then delivered; events come from the store watcher.
#include "web/webhooks.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "web/auth.h"
#include "web/testing/test_support.h"

namespace kira::web {
namespace {

struct Receiver {
  httplib::Server http;
  std::thread thread;
  int port = 0;
  std::mutex mu;
  std::vector<httplib::Request> got;
  int fail_first = 0;  // answer 500 to this many requests first
  std::string secret;
  int bad_signatures = 0;

  Receiver(const std::string& s, int fail) : fail_first(fail), secret(s) {
    http.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu);
      std::string sig = SignWebhook(secret, req.get_header_value("X-Kira-Timestamp"), req.body);
      if (sig != req.get_header_value("X-Kira-Signature")) ++bad_signatures;
      got.push_back(req);
      res.status = fail_first-- > 0 ? 500 : 200;
    });
    port = http.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] {
      http.listen_after_bind();
      done = true;
    });
  }
  ~Receiver() {
    while (!done) {  // stop() is a no-op until the accept loop runs
      http.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    thread.join();
  }
  std::atomic<bool> done{false};
  size_t count() {
    std::lock_guard<std::mutex> lock(mu);
    return got.size();
  }
};

bool WaitFor(const std::function<bool()>& cond, int ms = 10000) {
  for (int i = 0; i < ms / 20; ++i) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

TEST(WebhookSignature, IsHmacSha256OfTimestampAndBody) {
  // Expected value from Python: hmac.new(b"Jefe", b'1700000000.{"a":1}', sha256).
  EXPECT_EQ(SignWebhook("Jefe", "1700000000", R"({"a":1})"),
            "sha256=fa5f6481efc59da48b19c9dc10196c9953e5651f8304b3a318b6b87d70272e0a");
}

TEST(Webhooks, RejectsBadConfiguration) {
  auto env = testing::StartEnv();
  ASSERT_TRUE(env.ok());
  Webhooks* h = (*env)->server->webhooks();
  EXPECT_FALSE(h->Add("ftp://x/", "0123456789abcdef", {"lead.created"}).ok());
  EXPECT_FALSE(h->Add("http://127.0.0.1/", "short", {"lead.created"}).ok());
  EXPECT_FALSE(h->Add("http://127.0.0.1/", "0123456789abcdef", {"lead.deleted"}).ok());
  EXPECT_FALSE(h->Add("http://127.0.0.1/", "0123456789abcdef", {}).ok());
}

TEST(Webhooks, SignedRetriedAndDeliveredFromTheWatcher) {
  const std::string secret = "s3cret-s3cret-s3cret";
  Receiver rx(secret, 1);
  testing::EnvOptions opt;
  opt.webhooks.first_retry = std::chrono::milliseconds(300);
  opt.webhooks.tick = std::chrono::milliseconds(50);
  auto e = testing::StartEnv(opt);
  ASSERT_TRUE(e.ok()) << e.status().message();
  auto& env = **e;
  auto hook =
      env.server->webhooks()->Add("http://127.0.0.1:" + std::to_string(rx.port) + "/hook", secret,
                                  {"lead.created", "conversation.ended", "order.created"});
  ASSERT_TRUE(hook.ok()) << hook.status().message();

  auto lead = testing::AddLead(*env.store, "+79161112233", "order_placed", "");
  ASSERT_TRUE(lead.ok());
  crm::Order order;
  order.lead_id = *lead;
  order.total = 22680;
  order.lines.push_back({"SG622600R", "Монте Тиберио серый 60x60", 12, "м2", 1890});
  ASSERT_TRUE(env.store->CreateOrder(order).ok());
  env.server->NotifyStoreChanged();
  // lead.created (failed once, then retried), conversation.ended, order.created.
  ASSERT_TRUE(WaitFor([&] { return rx.count() >= 4; })) << rx.count();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::lock_guard<std::mutex> lock(rx.mu);
  EXPECT_EQ(rx.bad_signatures, 0);
  int lead_created = 0, conv_ended = 0, order_created = 0;
  std::vector<std::string> lead_deliveries;
  for (const auto& r : rx.got) {
    Json body = Json::parse(r.body);
    std::string ev = r.get_header_value("X-Kira-Event");
    EXPECT_EQ(body["event"], ev);
    if (ev == "lead.created") {
      ++lead_created;
      lead_deliveries.push_back(r.get_header_value("X-Kira-Delivery"));
      EXPECT_EQ(body["data"]["id"], *lead);
      EXPECT_EQ(body["data"]["contact"]["phone"], "+79161112233");
    }
    if (ev == "order.created") {
      ++order_created;
      EXPECT_EQ(body["data"]["total"], 22680);
      EXPECT_EQ(body["data"]["lines"][0]["sku"], "SG622600R");
    }
    if (ev == "conversation.ended") {
      ++conv_ended;
      EXPECT_EQ(body["data"]["lead_id"], *lead);
      EXPECT_EQ(body["data"]["turns"].size(), 2u);
    }
  }
  EXPECT_EQ(lead_created, 2);  // the first attempt got HTTP 500
  EXPECT_EQ(conv_ended, 1);
  EXPECT_EQ(order_created, 1);
  ASSERT_EQ(lead_deliveries.size(), 2u);
  EXPECT_EQ(lead_deliveries[0], lead_deliveries[1]) << "the retry is the same delivery";
  auto deliveries = env.server->webhooks()->ListDeliveries();
  ASSERT_TRUE(deliveries.ok());
  ASSERT_EQ(deliveries->size(), 3u);
  for (const auto& d : *deliveries) EXPECT_EQ(d.status, "delivered") << d.last_error;
  auto first = std::find_if(deliveries->begin(), deliveries->end(),
                            [](const Delivery& d) { return d.event == "lead.created"; });
  EXPECT_EQ(first->attempts, 2);
}

TEST(Webhooks, GivesUpAfterMaxAttemptsWithBackoff) {
  const std::string secret = "s3cret-s3cret-s3cret";
  testing::EnvOptions opt;
  opt.webhooks.first_retry = std::chrono::milliseconds(100);
  opt.webhooks.max_attempts = 3;
  opt.webhooks.tick = std::chrono::milliseconds(20);
  opt.webhooks.timeout = std::chrono::seconds(1);
  auto e = testing::StartEnv(opt);
  ASSERT_TRUE(e.ok());
  auto& env = **e;
  // Nothing listens on this port (bound and closed at once).
  int dead_port;
  {
    httplib::Server s;
    dead_port = s.bind_to_any_port("127.0.0.1");
  }
  ASSERT_TRUE(
      env.server->webhooks()
          ->Add("http://127.0.0.1:" + std::to_string(dead_port) + "/x", secret, {"order.created"})
          .ok());
  ASSERT_TRUE(env.server->webhooks()->Enqueue("order.created", R"({"id": 7})").ok());
  std::vector<Delivery> d;
  ASSERT_TRUE(WaitFor([&] {
    d = *env.server->webhooks()->ListDeliveries();
    return !d.empty() && d[0].status == "failed";
  }));
  EXPECT_EQ(d[0].attempts, 3);
  EXPECT_NE(d[0].last_error.find("connection"), std::string::npos) << d[0].last_error;
  // Backoff: 100 ms then 200 ms between the three attempts.
  EXPECT_GE(d[0].next_attempt_at - d[0].created_at, 300);
}

}  // namespace
}  // namespace kira::web
