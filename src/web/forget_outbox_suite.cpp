// The forget-versus-outbox suite (forget_outbox_suite.h).
#include "web/forget_outbox_suite.h"

#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "crm/personal_data.h"
#include "web/alerts.h"
#include "web/amocrm.h"
#include "web/bitrix24.h"
#include "web/testing/amocrm_fake.h"
#include "web/testing/bitrix24_fake.h"
#include "web/testing/telegram_fake.h"
#include "web/webhooks.h"

namespace kira::web::testing {
namespace {

using Json = nlohmann::json;

// A webhook receiver: keeps each body it is sent.
class Receiver {
 public:
  Receiver() {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      bodies_.push_back(req.body);
      res.status = 200;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<std::string> bodies() {
    std::lock_guard<std::mutex> lock(mu_);
    return bodies_;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::vector<std::string> bodies_;
};

struct Person {
  std::string phone, name;
  int64_t lead = 0, conversation = 0;
};

Result<Person> AddPerson(crm::CrmStore& store, const std::string& phone, const std::string& name,
                         int64_t now) {
  Person p{phone, name};
  crm::Contact c;
  c.phone = phone;
  c.name = name;
  KIRA_ASSIGN_OR_RETURN(int64_t cid, store.UpsertContact(c));
  crm::Lead l;
  l.contact_id = cid;
  l.channel = "phone";
  l.source = "inbound";
  l.outcome = crm::Outcome::kQualified;
  l.summary = name + " хочет керамогранит 60x60, 12 м²";
  KIRA_ASSIGN_OR_RETURN(p.lead, store.CreateLead(l));
  crm::Conversation conv;
  conv.lead_id = p.lead;
  conv.agent = "kira";
  conv.channel = "phone";
  conv.language = "ru";
  conv.started_at = now - 60000;
  KIRA_ASSIGN_OR_RETURN(p.conversation, store.StartConversation(conv));
  conv.id = p.conversation;
  conv.ended_at = now;
  conv.outcome = crm::Outcome::kQualified;
  conv.summary = l.summary;
  KIRA_RETURN_IF_ERROR(store.EndConversation(conv));
  return p;
}

FinishedCall CallOf(const Person& p) {
  FinishedCall c;
  c.conversation_id = p.conversation;
  c.lead_id = p.lead;
  c.phone = p.phone;
  c.name = p.name;
  c.summary = p.name + " хочет керамогранит 60x60, 12 м²";
  c.outcome = "qualified";
  c.duration_s = 60;
  return c;
}

bool Mentions(const std::string& text, const Person& p) {
  return text.find(p.name) != std::string::npos || text.find(p.phone) != std::string::npos ||
         text.find("9161234567") != std::string::npos;
}

TEST_P(ForgetOutboxTest, AForgottenPersonIsNeitherSentNorLeftInTheOutbox) {
  const std::string dir =
      (std::filesystem::temp_directory_path() /
       ("kira_forget_outbox_" + GetParam().name + "_" + std::to_string(getpid())))
          .string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto stores = GetParam().open(dir);
  ASSERT_TRUE(stores.ok()) << stores.status().ToString();
  crm::CrmStore& crm = *stores->crm;
  crm::WorkspaceStore& ws = *stores->workspace;

  AmoFake amo;
  Bitrix24Fake b24;
  TelegramFakeOptions tgo;
  TelegramFake tg(tgo);
  Receiver receiver;
  ASSERT_TRUE(amo.Start().ok());
  ASSERT_TRUE(b24.Start().ok());
  ASSERT_TRUE(tg.Start().ok());

  WebhookOptions wo;
  wo.first_retry = std::chrono::milliseconds(20);
  auto hooks = Webhooks::Open(ws, Clock::System(), wo);
  ASSERT_TRUE(hooks.ok()) << hooks.status().ToString();
  const std::string key(32, 'k');
  auto amocrm = AmoCrm::Open(ws, **hooks, Clock::System(), key);
  ASSERT_TRUE(amocrm.ok()) << amocrm.status().ToString();
  AmoFakeOptions ao;
  ASSERT_TRUE((*amocrm)
                  ->SaveConfig(Json{
                      {"enabled", true},
                      {"subdomain", "myshop"},
                      {"base_url", amo.url()},
                      {"client_id", ao.client_id},
                      {"client_secret", ao.client_secret},
                      {"redirect_uri", ao.redirect_uri},
                      {"auth_code", ao.auth_code},
                      {"pipeline_id", 3300},
                      {"status_id",
                       142001}}.dump())
                  .ok());
  B24Options bo;
  bo.pace = false;
  auto bitrix = Bitrix24::Open(ws, **hooks, Clock::System(), key, bo);
  ASSERT_TRUE(bitrix.ok()) << bitrix.status().ToString();
  ASSERT_TRUE((*bitrix)
                  ->SaveConfig(Json{{"enabled", true}, {"webhook_url", b24.webhook_url()}}.dump())
                  .ok());
  auto alerts = Alerts::Open(ws, **hooks, Clock::System(), [] { return std::string("UTC"); });
  ASSERT_TRUE(alerts.ok()) << alerts.status().ToString();
  ASSERT_TRUE((*alerts)
                  ->SaveConfig(Json{{"workspace_url", "https://kira.example.ru"},
                                    {"telegram",
                                     {{"enabled", true},
                                      {"bot_token", tgo.token},
                                      {"chat_id", tgo.chat_id},
                                      {"api_url", tg.url()},
                                      {"max_per_second", 30}}}}
                                   .dump())
                  .ok());
  ASSERT_TRUE((*hooks)->Add(receiver.url(), "hook-secret-0123456789", {"lead.created"}).ok());

  const int64_t now = ToUnixMillis(Clock::System().Now());
  auto irina = AddPerson(crm, "8 (916) 123-45-67", "Ирина", now);
  auto oleg = AddPerson(crm, "+79160000002", "Олег", now);
  ASSERT_TRUE(irina.ok() && oleg.ok());
  // Irina's lead.created is delivered before she is forgotten (the row stays as history).
  auto lead_json = [](const Person& p) {
    return Json{{"id", p.lead}, {"contact", {{"phone", p.phone}, {"name", p.name}}}}.dump();
  };
  ASSERT_TRUE((*hooks)->Enqueue("lead.created", lead_json(*irina), irina->lead).ok());
  ASSERT_TRUE((*hooks)->DeliverDue().ok());
  ASSERT_EQ(receiver.bodies().size(), 1u);
  // Then everything else about both of them waits in the outbox.
  for (const Person* p : {&*irina, &*oleg}) {
    if (p == &*oleg) {
      ASSERT_TRUE((*hooks)->Enqueue("lead.created", lead_json(*p), p->lead).ok());
    }
    ASSERT_TRUE((*amocrm)->Queue(CallOf(*p)).ok());
    ASSERT_TRUE((*bitrix)->Queue(CallOf(*p)).ok());
    ASSERT_TRUE((*alerts)
                    ->Raise(AlertKind::kQualifiedLead,
                            {p->lead, p->conversation, CallOf(*p).summary, "", ""})
                    .ok());
  }
  // A row queued before the outbox knew its lead (lead 0): found by the number in it.
  Json legacy = {{"event", kAmoChannelEvent}, {"data", FinishedCallJson([&] {
                                                 FinishedCall c = CallOf(*irina);
                                                 c.lead_id = 0;
                                                 return c;
                                               }())}};
  ASSERT_EQ(*ws.EnqueueDelivery(kAmoChannelEvent, legacy.dump(), now), 1);
  auto before = ws.ListDeliveries(100);
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->size(), 9u);

  auto r = crm::ForgetPerson(crm, dir, "+79161234567", "test");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->found);
  // Delivered lead.created, amoCRM, Bitrix24, the alert and the old amoCRM row.
  EXPECT_EQ(r->outbox_rows, 5);
  auto after = ws.ListDeliveries(100);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->size(), 4u);
  for (const auto& row : *after) {
    EXPECT_FALSE(Mentions(row.payload, *irina)) << row.payload;
    EXPECT_TRUE(row.payload.find("Олег") != std::string::npos) << row.payload;
  }
  auto audit = crm.ListAudit("contact");
  ASSERT_TRUE(audit.ok());
  ASSERT_FALSE(audit->empty());
  EXPECT_NE(audit->back().detail.find("outbox rows 5"), std::string::npos) << audit->back().detail;

  // The senders run: Oleg arrives everywhere, Irina nowhere.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline &&
         (amo.leads().size() < 1 || b24.leads().size() < 1 || tg.messages().size() < 1 ||
          receiver.bodies().size() < 2)) {
    ASSERT_TRUE((*hooks)->DeliverDue().ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE((*hooks)->DeliverDue().ok());  // anything left would go now
  ASSERT_EQ(amo.leads().size(), 1u);
  ASSERT_EQ(b24.leads().size(), 1u);
  ASSERT_EQ(tg.messages().size(), 1u);
  ASSERT_EQ(receiver.bodies().size(), 2u);
  for (const auto& c : amo.contacts()) EXPECT_EQ(c.name, "Олег");
  for (const auto& c : b24.contacts()) EXPECT_EQ(c.name, "Олег");
  EXPECT_FALSE(Mentions(tg.messages()[0].text, *irina)) << tg.messages()[0].text;
  EXPECT_NE(tg.messages()[0].text.find("/#/lead/" + std::to_string(oleg->lead)), std::string::npos);
  EXPECT_FALSE(Mentions(receiver.bodies()[1], *irina));
  auto rows = ws.ListDeliveries(100);
  ASSERT_TRUE(rows.ok());
  for (const auto& row : *rows) EXPECT_EQ(row.status, "delivered") << row.payload;

  // Forgetting again finds nothing left.
  auto again = crm::ForgetPerson(crm, dir, "+79161234567", "test");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outbox_rows, 0);
  alerts->reset();
  bitrix->reset();
  amocrm->reset();
  hooks->reset();
  stores->workspace.reset();
  stores->crm.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kira::web::testing
