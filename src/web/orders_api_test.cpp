// Orders and exports over HTTP against a running server with a real SQLite store: the order
// card's fields, a status change refused and accepted, audited and delivered to a real webhook
// receiver as order.status_changed; CSV and XLSX exports with the queue's filters.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "web/testing/test_support.h"

namespace kira::web {
namespace {

using testing::AddLead;
using testing::Client;

class OrdersApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = testing::StartEnv();
    ASSERT_TRUE(e.ok()) << e.status().message();
    env = std::move(*e);
    client = std::make_unique<Client>(env->port());
    ASSERT_TRUE(client->Login("admin", "correct horse battery"));
    auto lead = AddLead(*env->store, "+79161234567", "order_placed", "", "phone", 0, "Ольга");
    ASSERT_TRUE(lead.ok());
    lead_ = *lead;
    crm::Order o;
    o.lead_id = lead_;
    o.fulfilment = "delivery";
    o.address = "Казань, ул. Баумана, 10";
    o.customer_name = "Ольга Петрова";
    o.lines.push_back({"KG-1", "Керамогранит серый 60x60", 14.4, "м2", 1890});
    o.lines.push_back({"CE-40", "Затирка CE 40", 2, "шт", 450});
    o.total = 14.4 * 1890 + 900;
    auto id = env->store->CreateOrder(o);
    ASSERT_TRUE(id.ok()) << id.status().message();
    order_ = *id;
  }

  Json PostStatus(const std::string& status, int want) {
    auto r =
        client->Post("/api/orders/" + std::to_string(order_) + "/status", {{"status", status}});
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, want) << status << ": " << r->body;
    return Json::parse(r->body, nullptr, false);
  }

  std::unique_ptr<testing::Env> env;
  std::unique_ptr<Client> client;
  int64_t lead_ = 0, order_ = 0;
};

TEST_F(OrdersApiTest, TheLeadPageOrderCardHasCustomerPhoneAddressAndNextStatuses) {
  auto r = client->Get("/api/leads/" + std::to_string(lead_));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  Json o = Json::parse(r->body)["orders"][0];
  EXPECT_EQ(o["customer_name"], "Ольга Петрова");
  EXPECT_EQ(o["phone"], "+79161234567");
  EXPECT_EQ(o["address"], "Казань, ул. Баумана, 10");
  EXPECT_EQ(o["fulfilment"], "delivery");
  EXPECT_EQ(o["lines"].size(), 2u);
  EXPECT_EQ(o["next_statuses"], (Json{"confirmed", "cancelled"}));

  auto list = client->Get("/api/orders?status=new");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200) << list->body;
  Json page = Json::parse(list->body);
  ASSERT_EQ(page["orders"].size(), 1u);
  EXPECT_EQ(page["orders"][0]["phone"], "+79161234567");
  EXPECT_EQ(page["total"], 1);
  EXPECT_EQ(Json::parse(client->Get("/api/orders?status=paid")->body)["orders"].size(), 0u);
  EXPECT_EQ(client->Get("/api/orders?status=lost")->status, 400);
  EXPECT_EQ(client->Get("/api/orders?limit=0")->status, 400);
}

// The list under a status tab, page by page through next_before_id, as the store selects and
// counts it (CrmStore::ListOrderPage): newest first, the total of the whole tab on every page.
TEST_F(OrdersApiTest, TheOrdersListPagesOneStatusNewestFirst) {
  std::vector<int64_t> confirmed;
  for (int i = 0; i < 7; ++i) {
    auto o = env->store->GetOrder(order_);
    ASSERT_TRUE(o.ok());
    o->id = 0;
    auto id = env->store->CreateOrder(*o);
    ASSERT_TRUE(id.ok()) << id.status().message();
    if (i % 2 == 0) {
      ASSERT_TRUE(env->store->UpdateOrderStatus(*id, crm::OrderStatus::kConfirmed).ok());
      confirmed.insert(confirmed.begin(), *id);
    }
  }
  std::vector<int64_t> seen;
  std::string url = "/api/orders?status=confirmed&limit=3";
  for (int pages = 0; pages < 5; ++pages) {
    auto r = client->Get(url);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    Json page = Json::parse(r->body);
    EXPECT_EQ(page["total"], 4);
    for (const auto& o : page["orders"]) {
      EXPECT_EQ(o["status"], "confirmed");
      EXPECT_EQ(o["phone"], "+79161234567");
      EXPECT_EQ(o["lines"].size(), 2u);
      seen.push_back(o["id"].get<int64_t>());
    }
    if (page["next_before_id"].is_null()) break;
    url = "/api/orders?status=confirmed&limit=3&before_id=" +
          std::to_string(page["next_before_id"].get<int64_t>());
  }
  EXPECT_EQ(seen, confirmed);
  Json all = Json::parse(client->Get("/api/orders")->body);
  EXPECT_EQ(all["total"], 8);
  EXPECT_EQ(all["orders"].size(), 8u);
  EXPECT_EQ(client->Get("/api/orders?limit=201")->status, 400);
}

TEST_F(OrdersApiTest, StatusChangesFollowTheFlowAreAuditedAndSentAsWebhooks) {
  // A real receiver for the webhook.
  httplib::Server rx;
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> got;  // event header, body
  rx.Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    got.emplace_back(req.get_header_value("X-Kira-Event"), req.body);
    res.status = 200;
  });
  int port = rx.bind_to_any_port("127.0.0.1");
  std::thread t([&] { rx.listen_after_bind(); });
  auto hook = env->server->webhooks()->Add("http://127.0.0.1:" + std::to_string(port) + "/hook",
                                           "a-secret-of-16-chars", {"order.status_changed"});
  ASSERT_TRUE(hook.ok()) << hook.status().message();

  Json skip = PostStatus("paid", 409);
  EXPECT_EQ(skip["error"], "an order that is new cannot become paid (next: confirmed, cancelled)");
  PostStatus("lost", 400);
  PostStatus("", 400);
  Json ok = PostStatus("confirmed", 200);
  EXPECT_EQ(ok["from"], "new");
  EXPECT_EQ(ok["order"]["status"], "confirmed");
  EXPECT_EQ(ok["order"]["next_statuses"], (Json{"paid", "cancelled"}));
  PostStatus("paid", 200);
  PostStatus("picked_up", 409);  // a delivery is shipped, not picked up
  PostStatus("shipped", 200);
  PostStatus("cancelled", 409);
  PostStatus("done", 200);
  EXPECT_EQ(crm::Name(env->store->GetOrder(order_)->status), "done");
  // Without the CSRF token nothing changes.
  auto csrf = client->Post("/api/orders/" + std::to_string(order_) + "/status",
                           {{"status", "cancelled"}}, false);
  ASSERT_TRUE(csrf);
  EXPECT_EQ(csrf->status, 403);

  auto audit = env->store->ListAudit("order", order_);
  ASSERT_TRUE(audit.ok());
  std::vector<std::string> lines;
  for (const auto& a : *audit) lines.push_back(a.actor + " " + a.action + " " + a.detail);
  EXPECT_EQ(lines, (std::vector<std::string>{"user:admin order.status new -> confirmed",
                                             "user:admin order.status confirmed -> paid",
                                             "user:admin order.status paid -> shipped",
                                             "user:admin order.status shipped -> done"}));
  // The lead's timeline shows them.
  Json page = Json::parse(client->Get("/api/leads/" + std::to_string(lead_))->body);
  int status_entries = 0;
  for (const auto& e : page["timeline"]) status_entries += e["type"] == "order.status";
  EXPECT_EQ(status_entries, 4);

  for (int i = 0; i < 500; ++i) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (got.size() >= 4) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  rx.stop();
  t.join();
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].first, "order.status_changed");
  Json first = Json::parse(got[0].second);
  EXPECT_EQ(first["event"], "order.status_changed");
  EXPECT_EQ(first["data"]["from"], "new");
  EXPECT_EQ(first["data"]["to"], "confirmed");
  EXPECT_EQ(first["data"]["by"], "user:admin");
  EXPECT_EQ(first["data"]["order"]["id"], order_);
  EXPECT_EQ(Json::parse(got[3].second)["data"]["to"], "done");
}

std::string Shell(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

TEST_F(OrdersApiTest, ExportsCsvAndXlsxWithTheQueueFilters) {
  ASSERT_TRUE(AddLead(*env->store, "+79160000009", "non_targeted", "discontinued", "chat").ok());
  auto csv = client->Get("/api/export?what=leads&format=csv&channel=phone");
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->status, 200) << csv->body;
  EXPECT_EQ(csv->get_header_value("Content-Disposition"),
            "attachment; filename=\"kira-leads.csv\"");
  EXPECT_EQ(csv->body.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv->body.find("+79161234567"), std::string::npos);
  EXPECT_EQ(csv->body.find("+79160000009"), std::string::npos) << "filtered out (chat)";
  auto all = client->Get("/api/export?what=leads&format=csv&lang=en");
  EXPECT_NE(all->body.find("ID,Created,Channel"), std::string::npos);
  EXPECT_NE(all->body.find("+79160000009"), std::string::npos);

  auto conv = client->Get("/api/export?what=conversations&format=csv");
  ASSERT_EQ(conv->status, 200);
  EXPECT_NE(conv->body.find("Клиент: "), std::string::npos) << conv->body.substr(0, 600);

  auto x = client->Get("/api/export?what=orders&format=xlsx");
  ASSERT_TRUE(x);
  ASSERT_EQ(x->status, 200) << x->body.substr(0, 200);
  EXPECT_EQ(x->get_header_value("Content-Type"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  std::string path = env->dir + "/orders.xlsx";
  std::ofstream(path, std::ios::binary) << x->body;
  std::string sheet = Shell("unzip -p '" + path + "' xl/worksheets/sheet1.xml");
  for (const char* s : {"Покупатель", "Ольга Петрова", "Казань, ул. Баумана, 10", "доставка",
                        "Затирка CE 40", "<v>14.4</v>", "<v>27216</v>"})
    EXPECT_NE(sheet.find(s), std::string::npos) << s << "\n" << sheet.substr(0, 1500);

  EXPECT_EQ(client->Get("/api/export?what=users&format=csv")->status, 400);
  EXPECT_EQ(client->Get("/api/export?what=leads&format=pdf")->status, 400);
  EXPECT_EQ(client->Get("/api/export?what=leads&format=csv&from=yesterday")->status, 400);
  EXPECT_EQ(client->Get("/api/export?what=leads&format=csv&lang=de")->status, 400);
  // Exports are audited (who took the data out).
  auto audit = env->store->ListAudit("orders", 0);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].actor, "user:admin");
  EXPECT_EQ((*audit)[0].detail, "2 rows, xlsx");
  // Anonymous: refused.
  Client anon(env->port());
  EXPECT_EQ(anon.Get("/api/export?what=leads&format=csv")->status, 401);
}

}  // namespace
}  // namespace kira::web
