// The Bitrix24 connector over the webhooks outbox, against the Bitrix24 test server
// (testing/bitrix24_fake.h, shapes in tests/fixtures/bitrix24/): the test server's own REST
// behaviour, the contact + lead + call log of a call, the webhook sealed at rest, an outage, a
// restart mid-way, 503 QUERY_LIMIT_EXCEEDED, a slow answer, telephony refused to the webhook, the
// pace, and strict settings. Deliveries are driven by DeliverDue on a fake clock, except the pace.
#include "web/bitrix24.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>

#include "web/testing/bitrix24_fake.h"

namespace kira::web {
namespace {

using Json = nlohmann::json;
using testing::Bitrix24Fake;

// --- the test server itself ---

TEST(Bitrix24FakeTest, SpeaksTheDocumentedShapesAndErrors) {
  testing::Bitrix24FakeOptions o;
  o.bucket = 5;
  o.drain_per_second = 2;
  Bitrix24Fake b24(o);
  ASSERT_TRUE(b24.Start().ok());
  httplib::Client c(b24.url());
  auto post = [&](const std::string& path, const Json& body) {
    auto r = c.Post(path, body.dump(), "application/json");
    EXPECT_TRUE(r);
    return r ? std::make_pair(r->status, Json::parse(r->body, nullptr, false))
             : std::make_pair(0, Json());
  };
  const std::string hook = "/rest/1/" + o.code + "/";
  // A wrong code: Bitrix24's 401 body.
  auto [s1, j1] = post("/rest/1/wrongcode/crm.lead.add.json", {{"fields", {{"TITLE", "x"}}}});
  EXPECT_EQ(s1, 401);
  EXPECT_EQ(j1["error"], "INVALID_CREDENTIALS");
  // An unknown method, an undocumented field.
  auto [s2, j2] = post(hook + "crm.lead.explode.json", Json::object());
  EXPECT_EQ(s2, 404);
  EXPECT_EQ(j2["error"], "ERROR_METHOD_NOT_FOUND");
  auto [s3, j3] = post(hook + "crm.lead.add.json", {{"fields", {{"TITLE", "x"}, {"COLOUR", 1}}}});
  EXPECT_EQ(s3, 400);
  EXPECT_NE(j3["error_description"].get<std::string>().find("COLOUR"), std::string::npos);
  // A lead: {"result": id, "time": {...}}; a custom field is fine.
  auto [s4, j4] =
      post(hook + "crm.lead.add.json", {{"fields", {{"TITLE", "x"}, {"UF_CRM_17", "y"}}}});
  EXPECT_EQ(s4, 200);
  EXPECT_TRUE(j4["result"].is_number_integer());
  EXPECT_TRUE(j4["time"].contains("operating"));
  // The bucket of 5 is over after the 5th request in a burst: 503 QUERY_LIMIT_EXCEEDED.
  auto [s5, j5] = post(hook + "crm.contact.list.json", {{"filter", {{"PHONE", "+79120001122"}}}});
  EXPECT_EQ(s5, 200);
  EXPECT_EQ(j5["result"].size(), 0u);
  auto [s6, j6] = post(hook + "crm.contact.list.json", Json::object());
  EXPECT_EQ(s6, 503);
  EXPECT_EQ(j6["error"], "QUERY_LIMIT_EXCEEDED");
  EXPECT_EQ(b24.throttled(), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(2600));  // drained
  // Telephony: finish before register, attachRecord before finish, a local record address.
  auto [s7, j7] = post(hook + "telephony.externalCall.finish.json",
                       {{"CALL_ID", "externalCall.1"}, {"USER_ID", 1}});
  EXPECT_EQ(s7, 400);
  EXPECT_EQ(j7["error"], "ERROR_CORE");
  Json reg = {
      {"USER_ID", 1}, {"PHONE_NUMBER", "+79120001122"}, {"TYPE", 2}, {"EXTERNAL_CALL_ID", "x-1"}};
  auto [s8, j8] = post(hook + "telephony.externalCall.register.json", reg);
  ASSERT_EQ(s8, 200) << j8.dump();
  std::string id = j8["result"]["CALL_ID"];
  auto [s9, j9] = post(hook + "telephony.externalcall.register.json", reg);  // again: same id
  EXPECT_EQ(j9["result"]["CALL_ID"], id);
  auto [s10, j10] = post(hook + "telephony.externalCall.attachRecord.json",
                         {{"CALL_ID", id}, {"FILENAME", "a.wav"}, {"RECORD_URL", "https://x/a"}});
  EXPECT_EQ(s10, 400);
  EXPECT_NE(j10["error_description"].get<std::string>().find("not finished"), std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(1600));
  auto [s11, j11] = post(hook + "telephony.externalCall.finish.json",
                         {{"CALL_ID", id}, {"USER_ID", 1}, {"DURATION", 5}});
  EXPECT_EQ(s11, 200) << j11.dump();
  auto [s12, j12] =
      post(hook + "telephony.externalCall.attachRecord.json",
           {{"CALL_ID", id}, {"FILENAME", "a.wav"}, {"RECORD_URL", "http://192.168.1.5/a.wav"}});
  EXPECT_EQ(s12, 400);
  EXPECT_NE(j12["error_description"].get<std::string>().find("non-public"), std::string::npos);
  // Telephony refused to webhooks, as the newest pages say.
  b24.set_telephony_via_webhook(false);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  auto [s13, j13] = post(hook + "telephony.externalCall.register.json", reg);
  EXPECT_EQ(s13, 401);
  EXPECT_EQ(j13["error"], "WRONG_AUTH_TYPE");
}

// --- the connector ---

TimePoint Noon() { return FromUnixMillis(1796126400000); }  // 2026-12-01 12:00 UTC

class Bitrix24Test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kira_b24_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_TRUE(b24_.Start().ok());
    key_ = std::string(32, 'k');
    Open();
    auto saved = conn_->SaveConfig(SettingsJson());
    ASSERT_TRUE(saved.ok()) << saved.status().message();
  }
  void TearDown() override {
    Close();
    std::filesystem::remove_all(dir_);
  }
  std::string SettingsJson() {
    return Json{{"enabled", true},
                {"webhook_url", b24_.webhook_url()},
                {"lead_status", "IN_PROCESS"},
                {"currency", "RUB"},
                {"fields", {{"outcome", "UF_CRM_OUTCOME"}, {"recording_url", "UF_CRM_REC"}}}}
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
    B24Options bo;
    bo.timeout = std::chrono::seconds(2);
    bo.pace = false;  // the fake clock's tests; the pace has its own test below
    auto b = Bitrix24::Open(*ws_, *hooks_, clock_, key_, bo);
    ASSERT_TRUE(b.ok()) << b.status().message();
    conn_ = std::move(*b);
  }
  void Close() {
    conn_.reset();
    hooks_.reset();
    ws_.reset();
  }
  FinishedCall CallN(int n) {
    FinishedCall c;
    c.conversation_id = n;
    c.phone = "+7912000" + std::to_string(1000 + n);
    c.name = "Caller " + std::to_string(n);
    c.summary = "Wants porcelain tile 60x60 <b>now</b>, call " + std::to_string(n);
    c.outcome = "order_placed";
    c.order = "Porcelain tile 60x60 — 12 m²";
    c.total = 14400;
    c.recording_url =
        "https://kira.example.ru/api/conversations/" + std::to_string(n) + "/recording";
    c.duration_s = 95;
    c.started_at_ms = ToUnixMillis(Noon()) - 95000;
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
  // Each call's contact, lead and logged call once, in call order.
  void ExpectEachOnceInOrder(int n) {
    auto leads = b24_.leads();
    ASSERT_EQ(leads.size(), static_cast<size_t>(n));
    auto calls = b24_.calls();
    ASSERT_EQ(calls.size(), static_cast<size_t>(n));
    auto contacts = b24_.contacts();
    for (int i = 0; i < n; ++i) {
      EXPECT_EQ(leads[i].fields["TITLE"], "Звонок Kira №" + std::to_string(i + 1));
      EXPECT_EQ(calls[i].entity_id, leads[i].id);
      EXPECT_EQ(calls[i].registrations, 1);
      EXPECT_EQ(calls[i].duration, 95);
      EXPECT_FALSE(calls[i].record_url.empty());
      int same = 0;
      for (const auto& c : contacts) same += c.phone == CallN(i + 1).phone;
      EXPECT_EQ(same, 1) << "call " << i + 1;
    }
  }

  std::filesystem::path dir_;
  FakeClock clock_{Noon()};
  testing::Bitrix24FakeOptions fopt_ = [] {
    testing::Bitrix24FakeOptions o;
    o.drain_per_second = 0;  // no limit: these tests do not pace
    return o;
  }();
  Bitrix24Fake b24_{fopt_};
  std::string key_;
  std::unique_ptr<crm::WorkspaceStore> ws_;
  std::unique_ptr<Webhooks> hooks_;
  std::unique_ptr<Bitrix24> conn_;
};

TEST_F(Bitrix24Test, ACallBecomesContactLeadAndCallLog) {
  int64_t known = b24_.AddContact("", "8 912 000-10-01");  // call 1's number, no name yet
  ASSERT_TRUE(conn_->Queue(CallN(1)).ok());
  FinishedCall out = CallN(2);
  out.inbound = false;  // Vera's callback
  ASSERT_TRUE(conn_->Queue(out).ok());
  EXPECT_EQ(Deliver(), 2);
  for (const auto& d : Rows()) EXPECT_EQ(d.status, "delivered") << d.last_error;
  auto contacts = b24_.contacts();
  ASSERT_EQ(contacts.size(), 2u);
  EXPECT_EQ(contacts[0].id, known);
  EXPECT_EQ(contacts[0].name, "Caller 1");  // the nameless contact got the caller's name
  EXPECT_EQ(contacts[1].phone, "+79120001002");
  EXPECT_EQ(contacts[1].name, "Caller 2");
  auto leads = b24_.leads();
  ASSERT_EQ(leads.size(), 2u);
  const Json& f = leads[0].fields;
  EXPECT_EQ(f["CONTACT_ID"], known);
  EXPECT_EQ(f["STATUS_ID"], "IN_PROCESS");
  EXPECT_EQ(f["SOURCE_ID"], "CALL");
  EXPECT_EQ(f["OPPORTUNITY"], 14400);
  EXPECT_EQ(f["CURRENCY_ID"], "RUB");
  EXPECT_EQ(f["PHONE"][0]["VALUE"], "+79120001001");
  EXPECT_EQ(f["ORIGIN_ID"], "conversation-1");
  EXPECT_EQ(f["UF_CRM_OUTCOME"], "order_placed");
  EXPECT_EQ(f["UF_CRM_REC"], "https://kira.example.ru/api/conversations/1/recording");
  std::string comments = f["COMMENTS"];
  EXPECT_NE(comments.find("Итог: order_placed<br>"), std::string::npos) << comments;
  EXPECT_NE(comments.find("Porcelain tile 60x60 — 12 m² (сумма 14400)"), std::string::npos);
  EXPECT_NE(comments.find("&lt;b&gt;now&lt;/b&gt;"), std::string::npos);  // escaped, not HTML
  EXPECT_NE(comments.find("/api/conversations/1/recording"), std::string::npos);
  EXPECT_EQ(leads[1].fields["CONTACT_ID"], contacts[1].id);
  auto calls = b24_.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].type, 2);  // inbound
  EXPECT_EQ(calls[1].type, 1);  // outbound
  EXPECT_EQ(calls[0].entity_type, "LEAD");
  EXPECT_EQ(calls[0].entity_id, leads[0].id);
  EXPECT_EQ(calls[0].phone, "+79120001001");
  EXPECT_EQ(calls[0].start, "2026-12-01T11:58:25+00:00");
  EXPECT_EQ(calls[0].external_id, "kira-conversation-1");
  EXPECT_EQ(calls[0].duration, 95);
  EXPECT_EQ(calls[0].status_code, "200");
  // The record: a link Bitrix24 can download without a session, signed for this conversation.
  const std::string signed_prefix = "https://kira.example.ru/api/recordings/1?exp=";
  ASSERT_EQ(calls[0].record_url.rfind(signed_prefix, 0), 0u) << calls[0].record_url;
  std::string q = calls[0].record_url.substr(signed_prefix.size());
  int64_t exp = std::stoll(q.substr(0, q.find('&')));
  std::string sig = q.substr(q.find("&sig=") + 5);
  EXPECT_EQ(exp, ToUnixMillis(Noon()) / 1000 + kRecordingLinkSeconds);
  RecordingLinks links(key_);
  EXPECT_TRUE(links.Verify(1, exp, sig, exp - 10));
  EXPECT_FALSE(links.Verify(2, exp, sig, exp - 10));      // another conversation
  EXPECT_FALSE(links.Verify(1, exp + 1, sig, exp - 10));  // a longer life
  EXPECT_FALSE(links.Verify(1, exp, sig, exp + 1));       // expired
  EXPECT_EQ(calls[0].filename, "kira-1.wav");
  std::vector<std::string> want = {"crm.contact.list",
                                   "crm.contact.update",
                                   "crm.lead.add",
                                   "telephony.externalcall.register",
                                   "telephony.externalcall.finish",
                                   "telephony.externalcall.attachrecord",
                                   "crm.contact.list",
                                   "crm.contact.add",
                                   "crm.lead.add",
                                   "telephony.externalcall.register",
                                   "telephony.externalcall.finish",
                                   "telephony.externalcall.attachrecord"};
  EXPECT_EQ(b24_.methods(), want);
  // The webhook's code is sealed: not in the database's settings, not sent back.
  auto cfg = ws_->GetState(kB24ConfigKey);
  ASSERT_TRUE(cfg.ok() && *cfg);
  EXPECT_EQ((*cfg)->find(fopt_.code), std::string::npos);
  auto sealed = ws_->GetState(kB24WebhookKey);
  ASSERT_TRUE(sealed.ok() && *sealed);
  EXPECT_EQ((*sealed)->find(fopt_.code), std::string::npos);
  EXPECT_TRUE(*conn_->Connected());
  EXPECT_EQ(Json::parse(B24ConfigJson(*conn_->Config(), false))["portal"], b24_.url());
}

TEST_F(Bitrix24Test, AnOutageLosesNothingAndKeepsTheOrder) {
  ASSERT_TRUE(conn_->Queue(CallN(1)).ok());
  EXPECT_EQ(Deliver(), 1);
  b24_.Fail500(100000);  // Bitrix24 is down
  for (int i = 2; i <= 5; ++i) ASSERT_TRUE(conn_->Queue(CallN(i)).ok());
  for (int k = 0; k < 12; ++k) {  // two hours: far longer than the outbox's attempts last
    EXPECT_EQ(Deliver(), 0);
    clock_.Advance(std::chrono::minutes(10));
  }
  for (const auto& d : Rows())
    if (d.status != "delivered") {
      EXPECT_EQ(d.status, "pending");
      EXPECT_EQ(d.attempts, 0);
      EXPECT_NE(d.last_error.find("500"), std::string::npos) << d.last_error;
      EXPECT_EQ(d.last_error.find(fopt_.code), std::string::npos);  // never the secret
    }
  b24_.Fail500(0);  // back
  clock_.Advance(std::chrono::minutes(10));
  EXPECT_EQ(Deliver(), 4);
  ExpectEachOnceInOrder(5);
}

TEST_F(Bitrix24Test, ARestartMidWayRepeatsNothing) {
  ASSERT_TRUE(conn_->Queue(CallN(1)).ok());
  ASSERT_TRUE(conn_->Queue(CallN(2)).ok());
  b24_.Fail500(1, "telephony.externalcall.finish");  // contact, lead, register made; finish fails
  EXPECT_EQ(Deliver(), 0);
  ASSERT_EQ(b24_.leads().size(), 1u);
  ASSERT_EQ(b24_.calls().size(), 1u);
  EXPECT_EQ(b24_.calls()[0].duration, -1);
  Close();  // the process stops mid-way
  Open();
  clock_.Advance(std::chrono::minutes(2));
  EXPECT_EQ(Deliver(), 2);
  ExpectEachOnceInOrder(2);
  // After the restart call 1 went on at finish: no second list, add, lead or register.
  auto m = b24_.methods();
  EXPECT_EQ(std::count(m.begin(), m.end(), "crm.lead.add"), 2);
  EXPECT_EQ(std::count(m.begin(), m.end(), "crm.contact.add"), 2);
  EXPECT_EQ(std::count(m.begin(), m.end(), "telephony.externalcall.register"), 2);
  EXPECT_EQ(std::count(m.begin(), m.end(), "telephony.externalcall.finish"), 3);
}

TEST_F(Bitrix24Test, ACallQueuedAfterARestartWaitsForTheHeldOnes) {
  b24_.Fail500(1);  // Bitrix24 fails once: call 1 is held (the channel pauses 2 s)
  ASSERT_TRUE(conn_->Queue(CallN(1)).ok());
  EXPECT_EQ(Deliver(), 0);
  Close();  // the pause was in memory
  Open();
  ASSERT_TRUE(conn_->Queue(CallN(2)).ok());  // due at once; call 1 only in 2 s
  EXPECT_EQ(Deliver(), 0);                   // held behind call 1, not sent before it
  EXPECT_EQ(b24_.leads().size(), 0u);
  clock_.Advance(std::chrono::minutes(1));
  EXPECT_EQ(Deliver(), 2);
  ExpectEachOnceInOrder(2);
}

TEST_F(Bitrix24Test, QueryLimitExceededPausesTheChannelAndIsNoAttempt) {
  ASSERT_TRUE(conn_->Queue(CallN(1)).ok());
  ASSERT_TRUE(conn_->Queue(CallN(2)).ok());
  b24_.Fail503(5);
  // Each try gets 503 QUERY_LIMIT_EXCEEDED and holds both rows (the pause grows: 1, 2, 4, 8, 16 s).
  for (int k = 0; k < 5; ++k) {
    EXPECT_EQ(Deliver(), 0);
    for (const auto& d : Rows()) {
      EXPECT_EQ(d.status, "pending");
      EXPECT_EQ(d.attempts, 0);
      EXPECT_NE(d.last_error.find("QUERY_LIMIT_EXCEEDED"), std::string::npos) << d.last_error;
    }
    EXPECT_EQ(Deliver(), 0);  // still paused
    clock_.Advance(std::chrono::minutes(1));
  }
  EXPECT_EQ(b24_.requests(), 5);  // one try per pause, none while paused
  EXPECT_EQ(Deliver(), 2);
  ExpectEachOnceInOrder(2);
}

TEST_F(Bitrix24Test, ASlowAnswerPastTheTimeoutIsRetriedAndSentOnce) {
  ASSERT_TRUE(conn_->Queue(CallN(1)).ok());
  b24_.Slow(1, std::chrono::milliseconds(2500));  // the contact search, past the 2 s timeout
  EXPECT_EQ(Deliver(), 0);
  auto rows = Rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, "pending");
  EXPECT_NE(rows[0].last_error.find("did not answer crm.contact.list"), std::string::npos)
      << rows[0].last_error;
  clock_.Advance(std::chrono::minutes(1));
  EXPECT_EQ(Deliver(), 1);
  ExpectEachOnceInOrder(1);
}

TEST_F(Bitrix24Test, TelephonyRefusedToTheWebhookLeavesTheCallLogOut) {
  b24_.set_telephony_via_webhook(false);  // WRONG_AUTH_TYPE, as the newest pages say
  ASSERT_TRUE(conn_->Queue(CallN(1)).ok());
  ASSERT_TRUE(conn_->Queue(CallN(2)).ok());
  EXPECT_EQ(Deliver(), 2);
  EXPECT_EQ(b24_.leads().size(), 2u);  // the leads are made all the same
  EXPECT_EQ(b24_.calls().size(), 0u);
  auto m = b24_.methods();
  EXPECT_EQ(std::count(m.begin(), m.end(), "telephony.externalcall.register"), 1);  // once
  EXPECT_NE(conn_->TelephonyError().find("WRONG_AUTH_TYPE"), std::string::npos)
      << conn_->TelephonyError();
  // The owner fixes it (an app, or a portal that allows it) and saves: the call log is back.
  b24_.set_telephony_via_webhook(true);
  ASSERT_TRUE(conn_->SaveConfig(R"({"telephony": true})").ok());
  EXPECT_EQ(conn_->TelephonyError(), "");
  ASSERT_TRUE(conn_->Queue(CallN(3)).ok());
  EXPECT_EQ(Deliver(), 1);
  ASSERT_EQ(b24_.calls().size(), 1u);
  EXPECT_EQ(b24_.calls()[0].entity_id, b24_.leads()[2].id);
}

TEST_F(Bitrix24Test, AsAnApplicationTheTokenIsRefreshedAndTheCallLogIsAllowed) {
  b24_.set_telephony_via_webhook(false);  // the portal gives telephony to applications only
  ASSERT_TRUE(conn_
                  ->SaveConfig(Json{
                      {"portal_url", b24_.url()},
                      {"oauth_url", b24_.url()},
                      {"client_id", fopt_.client_id},
                      {"client_secret", fopt_.client_secret},
                      {"user_id",
                       1}}.dump())
                  .ok());
  auto url = conn_->BeginConnect();
  ASSERT_TRUE(url.ok()) << url.status().message();
  ASSERT_EQ(
      url->rfind(b24_.url() + "/oauth/authorize/?client_id=" + fopt_.client_id + "&state=", 0), 0u)
      << *url;
  std::string state = url->substr(url->find("state=") + 6);
  EXPECT_EQ(conn_->FinishConnect(b24_.IssueCode(), "not-the-state").code(),
            Status::Code::kConflict);
  Status done = conn_->FinishConnect(b24_.IssueCode(), state);
  ASSERT_TRUE(done.ok()) << done.message();
  EXPECT_EQ(conn_->FinishConnect(b24_.IssueCode(), state).code(), Status::Code::kConflict);  // once
  EXPECT_EQ(conn_->Config()->auth, "app");
  EXPECT_TRUE(*conn_->Connected());
  auto blob = ws_->GetState(kB24TokensKey);  // sealed: no token in the database
  ASSERT_TRUE(blob.ok() && *blob);
  EXPECT_EQ((*blob)->find("access"), std::string::npos);
  EXPECT_EQ((*blob)->find("refresh"), std::string::npos);

  ASSERT_TRUE(conn_->Queue(CallN(1)).ok());
  EXPECT_EQ(Deliver(), 1);
  EXPECT_EQ(b24_.calls().size(), 1u);  // the call log, as the application
  b24_.ExpireAccessToken();            // an hour later: 401 expired_token
  ASSERT_TRUE(conn_->Queue(CallN(2)).ok());
  EXPECT_EQ(Deliver(), 1);
  EXPECT_EQ(b24_.refreshes(), 1);
  // A restarted connector uses the stored (rotated) pair: no new connection needed.
  Close();
  Open();
  b24_.ExpireAccessToken();
  ASSERT_TRUE(conn_->Queue(CallN(3)).ok());
  EXPECT_EQ(Deliver(), 1);
  EXPECT_EQ(b24_.refreshes(), 2);
  ExpectEachOnceInOrder(3);
  EXPECT_EQ(conn_->TelephonyError(), "");
  for (const auto& d : Rows()) EXPECT_EQ(d.status, "delivered") << d.last_error;
}

TEST_F(Bitrix24Test, TheSettingsAreStrict) {
  auto bad = [&](const std::string& json, const std::string& names) {
    auto r = conn_->SaveConfig(json);
    ASSERT_FALSE(r.ok()) << json;
    EXPECT_NE(r.status().message().find(names), std::string::npos) << r.status().message();
  };
  bad(R"({"colour": 1})", "'colour'");
  bad(R"({"fields": {"price_of_moon": "UF_CRM_1"}})", "fields.price_of_moon");
  bad(R"({"fields": {"outcome": "TITLE"}})", "fields.outcome");
  bad(R"({"webhook_url": "https://myshop.bitrix24.ru/rest/1/"})", "webhook_url");
  bad(R"({"webhook_url": "ftp://myshop.bitrix24.ru/rest/1/abc/"})", "webhook_url");
  bad(R"({"webhook_url": "https://myshop.bitrix24.ru/rest/x/abc/"})", "user id");
  bad(R"({"lead_status": "NEW STAGE"})", "lead_status");
  bad(R"({"max_per_second": 20})", "max_per_second");
  bad(R"({"currency": "rubles"})", "currency");
  bad(std::string(kMaxB24ConfigBytes + 1, ' '), "larger than");
  // The request builder's sample address (with a method name) is taken.
  auto w = ParseB24Webhook("https://myshop.bitrix24.ru/rest/7/abc123def456/profile.json");
  ASSERT_TRUE(w.ok()) << w.status().message();
  EXPECT_EQ(w->user_id, 7);
  EXPECT_EQ(w->MethodUrl("crm.lead.add"),
            "https://myshop.bitrix24.ru/rest/7/abc123def456/crm.lead.add.json");
  // A blank webhook keeps the sealed one; the settings never show it.
  ASSERT_TRUE(conn_->SaveConfig(R"({"webhook_url": "", "lead_status": "NEW"})").ok());
  EXPECT_TRUE(*conn_->Connected());
  std::string shown = B24ConfigJson(*conn_->Config(), false);
  EXPECT_EQ(shown.find(fopt_.code), std::string::npos);
  EXPECT_EQ(conn_->Config()->lead_status, "NEW");
}

TEST(Bitrix24Switch, OnNeedsAWebhook) {
  auto dir = std::filesystem::temp_directory_path() / ("kira_b24_on_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  FakeClock clock(Noon());
  auto ws = crm::OpenSqliteWorkspaceStore((dir / "kira.db").string());
  ASSERT_TRUE(ws.ok());
  auto hooks = Webhooks::Open(**ws, clock, {});
  ASSERT_TRUE(hooks.ok());
  auto b = Bitrix24::Open(**ws, **hooks, clock, std::string(32, 'k'));
  ASSERT_TRUE(b.ok());
  auto r = (*b)->SaveConfig(R"({"enabled": true})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("bitrix24.webhook_url"), std::string::npos);
  EXPECT_FALSE(*(*b)->Connected());
  // A key that is not the one it was sealed with does not open the webhook.
  ASSERT_TRUE((*b)->SaveConfig(R"({"webhook_url": "https://x.bitrix24.ru/rest/1/abc/"})").ok());
  SealedState other(**ws, std::string(32, 'o'), kB24WebhookKey, "Bitrix24 webhook");
  EXPECT_FALSE(other.Load().ok());
  b->reset();
  hooks->reset();
  ws->reset();
  std::filesystem::remove_all(dir);
}

// The pace, on the real clock against a test server whose bucket holds only 2: any third request
// inside a second would be refused.
TEST(Bitrix24Pace, TwoASecondNeverThrottled) {
  auto dir = std::filesystem::temp_directory_path() / ("kira_b24_pace_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  testing::Bitrix24FakeOptions fo;
  fo.bucket = 2;
  Bitrix24Fake b24(fo);
  ASSERT_TRUE(b24.Start().ok());
  const Clock& clock = Clock::System();
  auto ws = crm::OpenSqliteWorkspaceStore((dir / "kira.db").string());
  ASSERT_TRUE(ws.ok());
  auto hooks = Webhooks::Open(**ws, clock, {});
  ASSERT_TRUE(hooks.ok());
  auto b = Bitrix24::Open(**ws, **hooks, clock, std::string(32, 'k'));
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE(
      (*b)->SaveConfig(
              Json{{"enabled", true}, {"webhook_url", b24.webhook_url()}, {"telephony", false}}
                  .dump())
          .ok());
  const int n = 3;  // 9 requests: contact search, contact, lead
  for (int i = 1; i <= n; ++i) {
    FinishedCall c;
    c.conversation_id = i;
    c.phone = "+7912000" + std::to_string(2000 + i);
    ASSERT_TRUE((*b)->Queue(c).ok());
  }
  int sent = 0;
  for (int k = 0; k < 20 && sent < n; ++k) {
    auto r = (*hooks)->DeliverDue();
    ASSERT_TRUE(r.ok());
    sent += *r;
  }
  EXPECT_EQ(sent, n);
  EXPECT_EQ(b24.throttled(), 0);
  auto at = b24.accepted_at();
  ASSERT_EQ(at.size(), static_cast<size_t>(3 * n));
  for (size_t i = 2; i < at.size(); ++i)
    EXPECT_GE(at[i] - at[i - 2], std::chrono::milliseconds(990)) << "at " << i;
  b->reset();
  hooks->reset();
  ws->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kira::web
