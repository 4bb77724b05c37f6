// The amoCRM connector over the webhooks outbox, against the amoCRM test server
// (testing/amocrm_fake.h, shapes in tests/fixtures/amocrm/): the test server's own OAuth and
// API behaviour, the lead + contact + notes of a call, the authorization code and the refresh
// with rotation, tokens encrypted at rest, an outage, a restart mid-way, a 429, the pace, and
// strict settings. Deliveries are driven by DeliverDue on a fake clock, except the pace test.
#include "web/amocrm.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>

#include "web/testing/amocrm_fake.h"

namespace kira::web {
namespace {

using Json = nlohmann::json;
using testing::AmoFake;

// --- the test server itself ---

class AmoFakeTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(amo_.Start().ok()); }
  httplib::Result Token(Json body) {
    httplib::Client c(amo_.url());
    body["client_id"] = opt_.client_id;
    body["client_secret"] = opt_.client_secret;
    body["redirect_uri"] = opt_.redirect_uri;
    return c.Post("/oauth2/access_token", body.dump(), "application/json");
  }
  testing::AmoFakeOptions opt_;
  AmoFake amo_{opt_};
};

TEST_F(AmoFakeTest, CodeOnceThenRefreshRotates) {
  auto r = Token({{"grant_type", "authorization_code"}, {"code", opt_.auth_code}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  Json t = Json::parse(r->body);
  EXPECT_EQ(t["token_type"], "Bearer");
  std::string refresh = t["refresh_token"];
  // The code works once.
  r = Token({{"grant_type", "authorization_code"}, {"code", opt_.auth_code}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(Json::parse(r->body)["type"],
            "https://developers.amocrm.ru/v3/errors/OAuthProblemJson");
  // A refresh gives a new pair; the used refresh token then stops working.
  r = Token({{"grant_type", "refresh_token"}, {"refresh_token", refresh}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  std::string access = Json::parse(r->body)["access_token"];
  r = Token({{"grant_type", "refresh_token"}, {"refresh_token", refresh}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  // An unknown parameter is refused.
  r = Token({{"grant_type", "refresh_token"}, {"refresh_token", refresh}, {"scope", "all"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);

  httplib::Client c(amo_.url());
  auto q = c.Get("/api/v4/contacts?query=79120001122");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->status, 401);
  EXPECT_EQ(Json::parse(q->body)["status"], 401);
  httplib::Headers h = {{"Authorization", "Bearer " + access}};
  q = c.Get("/api/v4/contacts?query=79120001122", h);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->status, 204);  // nothing found
  amo_.AddContact("Ivan", "8 (912) 000-11-22");
  q = c.Get("/api/v4/contacts?query=79120001122", h);
  ASSERT_TRUE(q);
  ASSERT_EQ(q->status, 200);
  EXPECT_EQ(Json::parse(q->body)["_embedded"]["contacts"][0]["name"], "Ivan");
  // A key amoCRM does not document is a validation error; a note on an unknown lead too.
  auto p =
      c.Post("/api/v4/leads/complex", h, R"([{"name":"x","colour":"red"}])", "application/json");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 400);
  EXPECT_TRUE(Json::parse(p->body).contains("validation-errors"));
  p = c.Post("/api/v4/leads/notes", h,
             R"([{"entity_id":1,"note_type":"common","params":{"text":"x"}}])", "application/json");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 400);
}

TEST_F(AmoFakeTest, MoreThanSevenInASecondIs429) {
  auto r = Token({{"grant_type", "authorization_code"}, {"code", opt_.auth_code}});
  ASSERT_TRUE(r && r->status == 200);
  httplib::Headers h = {
      {"Authorization", "Bearer " + Json::parse(r->body)["access_token"].get<std::string>()}};
  httplib::Client c(amo_.url());
  int ok = 0, too_many = 0;
  for (int i = 0; i < 10; ++i) {
    auto q = c.Get("/api/v4/contacts?query=79120001122", h);
    ASSERT_TRUE(q);
    (q->status == 429 ? too_many : ok) += 1;
  }
  EXPECT_EQ(ok, 7);
  EXPECT_EQ(too_many, 3);
  EXPECT_EQ(amo_.throttled(), 3);
}

// --- the connector ---

TimePoint Noon() { return FromUnixMillis(1796126400000); }  // 2026-12-01 12:00 UTC

class AmoCrmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kira_amocrm_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_TRUE(amo_.Start().ok());
    auto key = LoadOrCreateKeyFile((dir_ / "amocrm.key").string());
    ASSERT_TRUE(key.ok()) << key.status().message();
    key_ = *key;
    Open();
    auto saved = amocrm_->SaveConfig(SettingsJson());
    ASSERT_TRUE(saved.ok()) << saved.status().message();
  }
  void TearDown() override {
    Close();
    std::filesystem::remove_all(dir_);
  }
  std::string SettingsJson() {
    return Json{{"enabled", true},
                {"subdomain", "myshop"},
                {"base_url", amo_.url()},
                {"client_id", fopt_.client_id},
                {"client_secret", fopt_.client_secret},
                {"redirect_uri", fopt_.redirect_uri},
                {"auth_code", fopt_.auth_code},
                {"pipeline_id", 3300},
                {"status_id", 142001},
                {"fields", {{"outcome", 501}, {"recording_url", 502}}}}
        .dump();
  }
  void Open() {
    auto ws = crm::OpenSqliteWorkspaceStore((dir_ / "kira.db").string());
    ASSERT_TRUE(ws.ok()) << ws.status().message();
    ws_ = std::move(*ws);
    WebhookOptions o;
    o.max_attempts = 3;
    auto h = Webhooks::Open(*ws_, clock_, o);
    ASSERT_TRUE(h.ok());
    hooks_ = std::move(*h);
    AmoOptions ao;
    ao.timeout = std::chrono::seconds(2);
    auto a = AmoCrm::Open(*ws_, *hooks_, clock_, key_, ao);
    ASSERT_TRUE(a.ok()) << a.status().message();
    amocrm_ = std::move(*a);
  }
  void Close() {
    amocrm_.reset();
    hooks_.reset();
    ws_.reset();
  }
  FinishedCall CallN(int n) {
    FinishedCall c;
    c.conversation_id = n;
    c.phone = "+7912000" + std::to_string(1000 + n);
    c.name = "Caller " + std::to_string(n);
    c.summary = "Wants porcelain tile 60x60, call " + std::to_string(n);
    c.outcome = "order_placed";
    c.order = "Porcelain tile 60x60, 12 m²";
    c.total = 14400;
    c.recording_url = "https://kira.example.ru/recordings/" + std::to_string(n) + ".wav";
    c.duration_s = 95;
    return c;
  }
  int Deliver() {
    auto r = hooks_->DeliverDue();
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : -1;
  }
  std::vector<Delivery> Rows() {
    auto d = hooks_->ListDeliveries();
    EXPECT_TRUE(d.ok());
    return d.ok() ? *d : std::vector<Delivery>{};
  }
  // Each call's lead once, in call order, each with its two notes.
  void ExpectEachOnceInOrder(int n) {
    auto leads = amo_.leads();
    ASSERT_EQ(leads.size(), static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) EXPECT_EQ(leads[i].name, "Звонок Kira №" + std::to_string(i + 1));
    auto notes = amo_.notes();
    ASSERT_EQ(notes.size(), static_cast<size_t>(2 * n));
    for (int i = 0; i < n; ++i) {
      EXPECT_EQ(notes[2 * i].entity_id, leads[i].id);
      EXPECT_EQ(notes[2 * i + 1].entity_id, leads[i].id);
    }
  }

  std::filesystem::path dir_;
  FakeClock clock_{Noon()};
  testing::AmoFakeOptions fopt_{.max_per_second = 0};
  AmoFake amo_{fopt_};
  std::string key_;
  std::unique_ptr<crm::WorkspaceStore> ws_;
  std::unique_ptr<Webhooks> hooks_;
  std::unique_ptr<AmoCrm> amocrm_;
};

TEST_F(AmoCrmTest, ACallBecomesLeadContactAndNotes) {
  int64_t known = amo_.AddContact("Ivan", "8 912 000-10-01");  // call 1's number
  ASSERT_TRUE(amocrm_->Queue(CallN(1)).ok());
  ASSERT_TRUE(amocrm_->Queue(CallN(2)).ok());
  EXPECT_EQ(Deliver(), 2);
  auto leads = amo_.leads();
  ASSERT_EQ(leads.size(), 2u);
  EXPECT_EQ(leads[0].contact_id, known);  // matched by phone
  EXPECT_EQ(leads[0].pipeline_id, 3300);
  EXPECT_EQ(leads[0].status_id, 142001);
  EXPECT_EQ(leads[0].price, 14400);
  EXPECT_EQ(leads[0].custom_fields.dump(),
            R"([{"field_id":501,"values":[{"value":"order_placed"}]},)"
            R"({"field_id":502,"values":[{"value":"https://kira.example.ru/recordings/1.wav"}]}])");
  auto contacts = amo_.contacts();
  ASSERT_EQ(contacts.size(), 2u);  // call 2's contact was made with its lead
  EXPECT_EQ(contacts[1].phone, "+79120001002");
  EXPECT_EQ(contacts[1].name, "Caller 2");
  EXPECT_EQ(leads[1].contact_id, contacts[1].id);
  auto notes = amo_.notes();
  ASSERT_EQ(notes.size(), 4u);
  EXPECT_EQ(notes[0].type, "common");
  std::string text = notes[0].params["text"];
  EXPECT_NE(text.find("order_placed"), std::string::npos);
  EXPECT_NE(text.find("Porcelain tile 60x60, 12 m²"), std::string::npos);
  EXPECT_NE(text.find("Wants porcelain tile"), std::string::npos);
  EXPECT_NE(text.find("recordings/1.wav"), std::string::npos);
  EXPECT_EQ(notes[1].type, "call_in");
  EXPECT_EQ(notes[1].params["link"], "https://kira.example.ru/recordings/1.wav");
  EXPECT_EQ(notes[1].params["duration"], 95);
  EXPECT_EQ(notes[1].params["uniq"], "kira-conversation-1");
  // The one-use code was exchanged and cleared from the settings; the tokens are stored
  // encrypted: no token appears in the database file.
  auto cfg = amocrm_->Config();
  ASSERT_TRUE(cfg.ok());
  EXPECT_EQ(cfg->auth_code, "");
  EXPECT_TRUE(*amocrm_->Connected());
  auto blob = ws_->GetState(kAmoTokensKey);
  ASSERT_TRUE(blob.ok() && *blob);
  EXPECT_EQ((*blob)->find("access-"), std::string::npos);
  EXPECT_EQ((*blob)->find("refresh-"), std::string::npos);
  for (const auto& d : Rows()) EXPECT_EQ(d.status, "delivered") << d.last_error;
}

TEST_F(AmoCrmTest, AnExpiredTokenIsRefreshedAndTheOldRefreshTokenIsDead) {
  ASSERT_TRUE(amocrm_->Queue(CallN(1)).ok());
  EXPECT_EQ(Deliver(), 1);
  auto first = TokenVault(*ws_, key_, kAmoTokensKey).Load();
  ASSERT_TRUE(first.ok() && *first);
  amo_.ExpireAccessToken();  // the next call gets 401
  ASSERT_TRUE(amocrm_->Queue(CallN(2)).ok());
  EXPECT_EQ(Deliver(), 1);
  EXPECT_EQ(amo_.refreshes(), 1);
  auto second = TokenVault(*ws_, key_, kAmoTokensKey).Load();
  ASSERT_TRUE(second.ok() && *second);
  EXPECT_NE((*second)->refresh_token, (*first)->refresh_token);
  // A restarted connector uses the stored (rotated) pair: no new code needed.
  Close();
  Open();
  amo_.ExpireAccessToken();
  ASSERT_TRUE(amocrm_->Queue(CallN(3)).ok());
  EXPECT_EQ(Deliver(), 1);
  EXPECT_EQ(amo_.refreshes(), 2);
  ExpectEachOnceInOrder(3);
  // A wrong key does not open the tokens.
  auto wrong = TokenVault(*ws_, std::string(32, 'x'), kAmoTokensKey).Load();
  EXPECT_FALSE(wrong.ok());
}

TEST_F(AmoCrmTest, ALostKeyFileIsMendedByANewCode) {
  ASSERT_TRUE(amocrm_->Queue(CallN(1)).ok());
  EXPECT_EQ(Deliver(), 1);
  Close();
  key_ = std::string(32, 'n');  // the key file was replaced: the stored tokens do not open
  Open();
  ASSERT_TRUE(amocrm_->Queue(CallN(2)).ok());
  EXPECT_EQ(Deliver(), 0);
  auto rows = Rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].status, "pending");  // newest first
  EXPECT_NE(rows[0].last_error.find("do not open with this key"), std::string::npos)
      << rows[0].last_error;
  EXPECT_FALSE(amocrm_->Connected().ok());
  // The owner takes a new code in amoCRM and saves it: the tokens are replaced, nothing lost.
  amo_.set_auth_code("def50200-second-code");
  ASSERT_TRUE(amocrm_->SaveConfig(R"({"auth_code": "def50200-second-code"})").ok());
  clock_.Advance(std::chrono::minutes(1));
  EXPECT_EQ(Deliver(), 1);
  EXPECT_TRUE(*amocrm_->Connected());
  ExpectEachOnceInOrder(2);
}

TEST_F(AmoCrmTest, AnOutageLosesNothingAndKeepsTheOrder) {
  ASSERT_TRUE(amocrm_->Queue(CallN(1)).ok());
  EXPECT_EQ(Deliver(), 1);
  amo_.Fail500(1000);  // amoCRM is down
  for (int i = 2; i <= 6; ++i) ASSERT_TRUE(amocrm_->Queue(CallN(i)).ok());
  // Far longer than the outbox's attempts would last: held, not failed.
  for (int k = 0; k < 12; ++k) {  // two hours
    EXPECT_EQ(Deliver(), 0);
    clock_.Advance(std::chrono::minutes(10));
  }
  for (const auto& d : Rows())
    if (d.status != "delivered") {
      EXPECT_EQ(d.status, "pending");
      EXPECT_NE(d.last_error.find("500"), std::string::npos) << d.last_error;
    }
  amo_.Fail500(0);  // back
  clock_.Advance(std::chrono::minutes(10));
  EXPECT_EQ(Deliver(), 5);
  ExpectEachOnceInOrder(6);
}

TEST_F(AmoCrmTest, ARestartAfterTheLeadWasMadeSendsOnlyTheNotes) {
  ASSERT_TRUE(amocrm_->Queue(CallN(1)).ok());
  ASSERT_TRUE(amocrm_->Queue(CallN(2)).ok());
  amo_.Fail500(1, "/api/v4/leads/notes");  // the lead is made, its notes fail
  EXPECT_EQ(Deliver(), 0);
  ASSERT_EQ(amo_.leads().size(), 1u);
  EXPECT_EQ(amo_.notes().size(), 0u);
  Close();  // the process stops mid-way
  Open();
  clock_.Advance(std::chrono::minutes(2));
  EXPECT_EQ(Deliver(), 2);
  ExpectEachOnceInOrder(2);
}

TEST_F(AmoCrmTest, A429PausesTheChannelAndIsNoAttempt) {
  ASSERT_TRUE(amocrm_->Queue(CallN(1)).ok());
  ASSERT_TRUE(amocrm_->Queue(CallN(2)).ok());
  amo_.Fail429(5);
  // Each try gets a 429 and holds both rows (the pause grows: 1, 2, 4, 8, 16 s).
  for (int k = 0; k < 5; ++k) {
    EXPECT_EQ(Deliver(), 0);
    for (const auto& d : Rows()) {
      EXPECT_EQ(d.status, "pending");
      EXPECT_EQ(d.attempts, 0);  // a 429 is no attempt
      EXPECT_NE(d.last_error.find("429"), std::string::npos) << d.last_error;
    }
    EXPECT_EQ(Deliver(), 0);  // still paused
    clock_.Advance(std::chrono::minutes(1));
  }
  EXPECT_EQ(Deliver(), 2);
  ExpectEachOnceInOrder(2);
  for (const auto& d : Rows()) EXPECT_EQ(d.status, "delivered");
}

TEST_F(AmoCrmTest, SlowAnswersPastTheTimeoutAreRetriedOnce) {
  ASSERT_TRUE(amocrm_->Queue(CallN(1)).ok());
  EXPECT_EQ(Deliver(), 1);  // tokens in hand
  ASSERT_TRUE(amocrm_->Queue(CallN(2)).ok());
  amo_.Slow(1, std::chrono::milliseconds(2500));  // the contact search, past the 2 s timeout
  EXPECT_EQ(Deliver(), 0);
  clock_.Advance(std::chrono::minutes(1));
  EXPECT_EQ(Deliver(), 1);
  ExpectEachOnceInOrder(2);
}

TEST_F(AmoCrmTest, TheSettingsAreStrict) {
  auto bad = [&](const std::string& json, const std::string& names) {
    auto r = amocrm_->SaveConfig(json);
    ASSERT_FALSE(r.ok()) << json;
    EXPECT_NE(r.status().message().find(names), std::string::npos) << r.status().message();
  };
  bad(R"({"colour": 1})", "'colour'");
  bad(R"({"fields": {"price_of_moon": 5}})", "fields.price_of_moon");
  bad(R"({"fields": {"outcome": -1}})", "fields.outcome");
  bad(R"({"pipeline_id": "main"})", "pipeline_id");
  bad(R"({"subdomain": "my.shop"})", "subdomain");
  bad(R"({"max_per_second": 20})", "max_per_second");
  bad(R"({"redirect_uri": "ftp://x"})", "redirect_uri");
  bad(R"({"client_secret": ")" + std::string(300, 'a') + "\"}", "client_secret");
  bad(std::string(kMaxAmoConfigBytes + 1, ' '), "larger than");
  // The page never gets the secrets back, and a blank one keeps the stored one.
  auto c = amocrm_->Config();
  ASSERT_TRUE(c.ok());
  Json shown = Json::parse(AmoConfigJson(*c, false));
  EXPECT_EQ(shown["client_secret"], "");
  EXPECT_EQ(shown["client_secret_set"], true);
  ASSERT_TRUE(amocrm_->SaveConfig(R"({"client_secret": "", "status_id": 7})").ok());
  EXPECT_EQ(amocrm_->Config()->client_secret, fopt_.client_secret);
  EXPECT_EQ(amocrm_->Config()->status_id, 7);
}

// The pace, on the real clock against a test server enforcing amoCRM's 7 a second.
TEST(AmoCrmPace, SevenASecondNeverThrottled) {
  auto dir =
      std::filesystem::temp_directory_path() / ("kira_amocrm_pace_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  testing::AmoFakeOptions fo;  // 7 a second
  AmoFake amo(fo);
  ASSERT_TRUE(amo.Start().ok());
  const Clock& clock = Clock::System();
  auto ws = crm::OpenSqliteWorkspaceStore((dir / "kira.db").string());
  ASSERT_TRUE(ws.ok());
  auto hooks = Webhooks::Open(**ws, clock, {});
  ASSERT_TRUE(hooks.ok());
  auto amo_crm = AmoCrm::Open(**ws, **hooks, clock, std::string(32, 'k'));
  ASSERT_TRUE(amo_crm.ok());
  ASSERT_TRUE((*amo_crm)
                  ->SaveConfig(Json{{"enabled", true},
                                    {"base_url", amo.url()},
                                    {"client_id", fo.client_id},
                                    {"client_secret", fo.client_secret},
                                    {"redirect_uri", fo.redirect_uri},
                                    {"auth_code", fo.auth_code}}
                                   .dump())
                  .ok());
  const int n = 8;  // 24 API calls
  for (int i = 1; i <= n; ++i) {
    FinishedCall c;
    c.conversation_id = i;
    c.phone = "+7912000" + std::to_string(2000 + i);
    ASSERT_TRUE((*amo_crm)->Queue(c).ok());
  }
  int sent = 0;
  for (int k = 0; k < 20 && sent < n; ++k) {
    auto r = (*hooks)->DeliverDue();
    ASSERT_TRUE(r.ok());
    sent += *r;
  }
  EXPECT_EQ(sent, n);
  EXPECT_EQ(amo.throttled(), 0);
  auto at = amo.accepted_at();
  ASSERT_EQ(at.size(), static_cast<size_t>(3 * n));
  for (size_t i = 7; i < at.size(); ++i)
    EXPECT_GE(at[i] - at[i - 7], std::chrono::milliseconds(990)) << "at " << i;
  amo_crm->reset();
  hooks->reset();
  ws->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kira::web
