// Manager alerts over the webhooks outbox, against the Telegram Bot API test server
// (testing/telegram_fake.h): settings, delivery with the link, 429 retry_after, a wrong token,
// an outage, quiet hours, switches and restarts. Deliveries are driven by DeliverDue on a fake
// clock, so every retry time is exact.
#include "web/alerts.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/tz.h"
#include "web/testing/telegram_fake.h"

namespace kira::web {
namespace {

using testing::TelegramFake;
using testing::TelegramFakeOptions;

constexpr const char* kToken = "123456:AAE-test_token";
constexpr const char* kChat = "-1001234567890";

// 2026-12-01 12:00 in Moscow (UTC+3): outside any quiet hours used here.
TimePoint Noon() { return FromCivil("Europe/Moscow", 2026, 12, 1, 12, 0); }

std::string TelegramSettingsJson(const std::string& api_url, const std::string& token = kToken,
                                 double per_second = 30) {
  return nlohmann::json{{"language", "ru"},
                        {"workspace_url", "https://kira.example.ru/"},
                        {"telegram",
                         {{"enabled", true},
                          {"bot_token", token},
                          {"chat_id", kChat},
                          {"api_url", api_url},
                          {"max_per_second", per_second}}}}
      .dump();
}

class AlertsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kira_alerts_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_TRUE(tg_.Start().ok());
    Open();
  }
  void TearDown() override {
    Close();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    auto ws = crm::OpenSqliteWorkspaceStore((dir_ / "kira.db").string());
    ASSERT_TRUE(ws.ok()) << ws.status().message();
    ws_ = std::move(*ws);
    WebhookOptions o;
    o.first_retry = std::chrono::seconds(10);
    o.max_attempts = 5;
    auto h = Webhooks::Open(*ws_, clock_, o);
    ASSERT_TRUE(h.ok());
    hooks_ = std::move(*h);
    AlertOptions ao;
    ao.timeout = std::chrono::seconds(3);
    auto a = Alerts::Open(
        *ws_, *hooks_, clock_, [] { return std::string("Europe/Moscow"); }, ao);
    ASSERT_TRUE(a.ok()) << a.status().message();
    alerts_ = std::move(*a);
  }
  void Close() {
    alerts_.reset();
    hooks_.reset();
    ws_.reset();
  }
  int Deliver() {
    auto r = hooks_->DeliverDue();
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : -1;
  }
  crm::WebhookDelivery OnlyRow() {
    auto rows = hooks_->ListDeliveries(10);
    EXPECT_TRUE(rows.ok());
    EXPECT_EQ(rows->size(), 1u);
    return rows->empty() ? crm::WebhookDelivery{} : rows->front();
  }
  AlertFacts Order() { return {7, 31, "Заказ: керамогранит 12 м², самовывоз", "", "14 400 ₽"}; }

  std::filesystem::path dir_;
  FakeClock clock_{Noon()};
  TelegramFake tg_{TelegramFakeOptions{kToken, kChat}};
  std::unique_ptr<crm::WorkspaceStore> ws_;
  std::unique_ptr<Webhooks> hooks_;
  std::unique_ptr<Alerts> alerts_;
};

TEST(AlertConfigTest, BadKeysAndValuesNameWhatIsWrong) {
  auto err = [](const std::string& json) {
    auto c = ParseAlertConfig(json, nullptr);
    EXPECT_FALSE(c.ok()) << json;
    return c.ok() ? std::string() : c.status().message();
  };
  EXPECT_NE(err(R"({"telegramm": {}})").find("unknown key 'telegramm'"), std::string::npos);
  EXPECT_NE(err(R"({"telegram": {"bot_tokn": "1:a"}})").find("'telegram.bot_tokn'"),
            std::string::npos);
  EXPECT_NE(err(R"({"events": {"new_orders": true}})").find("'events.new_orders'"),
            std::string::npos);
  EXPECT_NE(err(R"({"events": {"new_order": 1}})").find("'events.new_order'"), std::string::npos);
  EXPECT_NE(err(R"({"telegram": {"bot_token": "not a token"}})").find("telegram.bot_token"),
            std::string::npos);
  EXPECT_NE(err(R"({"telegram": {"chat_id": "12a"}})").find("telegram.chat_id"), std::string::npos);
  EXPECT_NE(err(R"({"telegram": {"enabled": true}})").find("needs bot_token and chat_id"),
            std::string::npos);
  EXPECT_NE(err(R"({"quiet_hours": {"from": "25:00"}})").find("quiet_hours.from"),
            std::string::npos);
  EXPECT_NE(err(R"({"email": {"smtp_url": "http://mail"}})").find("email.smtp_url"),
            std::string::npos);
  EXPECT_NE(err(R"({"email": {"to": ["a@b.ru", "x y@b.ru"]}})").find("email.to"),
            std::string::npos);
  EXPECT_NE(err(R"({"email": {"to": ["a@b.ru","a@b.ru","a@b.ru","a@b.ru","a@b.ru","a@b.ru",)"
                R"("a@b.ru","a@b.ru","a@b.ru","a@b.ru","a@b.ru"]}})")
                .find("more than 10"),
            std::string::npos);
  EXPECT_NE(
      err(R"({"telegram": {"chat_id": ")" + std::string(70, '1') + R"("}})").find("longer than 64"),
      std::string::npos);
  EXPECT_NE(err(std::string(kMaxAlertConfigBytes + 1, ' ')).find("larger than"), std::string::npos);
  EXPECT_NE(err("[1]").find("not a JSON object"), std::string::npos);
}

TEST(AlertConfigTest, QuietHoursWrapPastMidnightInTheShopZone) {
  auto zone = FindZone("Europe/Moscow");
  ASSERT_TRUE(zone.ok());
  QuietHours q{true, 22 * 60, 8 * 60};
  auto at = [](int d, int h, int m) {
    return ToUnixMillis(FromCivil("Europe/Moscow", 2026, 12, d, h, m));
  };
  EXPECT_EQ(QuietUntil(q, **zone, at(1, 12, 0)), 0);
  EXPECT_EQ(QuietUntil(q, **zone, at(1, 21, 59)), 0);
  EXPECT_EQ(QuietUntil(q, **zone, at(1, 22, 0)), at(2, 8, 0));
  EXPECT_EQ(QuietUntil(q, **zone, at(2, 3, 30)), at(2, 8, 0));
  EXPECT_EQ(QuietUntil(q, **zone, at(2, 8, 0)), 0);
  QuietHours day{true, 13 * 60, 14 * 60};  // a lunch break, not wrapping
  EXPECT_EQ(QuietUntil(day, **zone, at(1, 13, 30)), at(1, 14, 0));
  EXPECT_EQ(QuietUntil(day, **zone, at(1, 14, 30)), 0);
  q.enabled = false;
  EXPECT_EQ(QuietUntil(q, **zone, at(1, 23, 0)), 0);
}

TEST_F(AlertsTest, SecretsAreKeptWhenLeftBlankAndNeverShown) {
  ASSERT_TRUE(alerts_->SaveConfig(TelegramSettingsJson(tg_.url())).ok());
  auto c = alerts_->SaveConfig(R"({"telegram": {"enabled": true, "bot_token": "", "chat_id": ")" +
                               std::string(kChat) + R"("}})");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->telegram.bot_token, kToken);
  std::string shown = AlertConfigJson(*c, false);
  EXPECT_EQ(shown.find(kToken), std::string::npos);
  EXPECT_NE(shown.find("\"bot_token_set\":true"), std::string::npos);
}

TEST_F(AlertsTest, NewOrderReachesTheChatOnceWithTheLinkAndNoPhone) {
  ASSERT_TRUE(alerts_->SaveConfig(TelegramSettingsJson(tg_.url())).ok());
  ASSERT_TRUE(alerts_->Raise(AlertKind::kNewOrder, Order()).ok());
  EXPECT_EQ(Deliver(), 1);
  EXPECT_EQ(Deliver(), 0);
  auto m = tg_.messages();
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].chat_id, kChat);
  EXPECT_NE(m[0].text.find("новый заказ"), std::string::npos) << m[0].text;
  EXPECT_NE(m[0].text.find("заказ №31"), std::string::npos);
  EXPECT_NE(m[0].text.find("14 400 ₽"), std::string::npos);
  EXPECT_NE(m[0].text.find("https://kira.example.ru/#/lead/7"), std::string::npos);
  EXPECT_EQ(m[0].text.find("+7"), std::string::npos);
  crm::WebhookDelivery row = OnlyRow();
  EXPECT_EQ(row.status, "delivered");
  EXPECT_EQ(row.attempts, 1);
  // The alert channel is no webhook a manager manages.
  auto listed = hooks_->List();
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
  auto all = ws_->ListWebhooks();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_FALSE(hooks_->Remove(all->front().id).ok());
}

TEST(AlertTextTest, ANumberOrAddressSaidInTheSummaryIsMasked) {
  AlertConfig cfg;
  AlertText t =
      FormatAlert(AlertKind::kCallbackRequested,
                  {3, 4, "Просил перезвонить на +79161234567, почта ivan.petrov@mail.ru", "", ""},
                  cfg, *LoadAlertTexts("ru", ""));
  EXPECT_EQ(t.body.find("+79161234567"), std::string::npos) << t.body;
  EXPECT_EQ(t.body.find("ivan.petrov"), std::string::npos) << t.body;
  EXPECT_NE(t.body.find("Просил перезвонить"), std::string::npos);
}

TEST_F(AlertsTest, EnglishTextsAndAllFiveEvents) {
  ASSERT_TRUE(alerts_->SaveConfig(TelegramSettingsJson(tg_.url())).ok());
  ASSERT_TRUE(alerts_->SaveConfig(R"({"language": "en"})").ok());
  for (size_t k = 0; k < kAlertKinds; ++k)
    ASSERT_TRUE(
        alerts_->Raise(static_cast<AlertKind>(k), {9, 40, "Grey 60x60", "refused", ""}).ok());
  EXPECT_EQ(Deliver(), 5);
  auto m = tg_.messages();
  ASSERT_EQ(m.size(), 5u);
  EXPECT_NE(m[0].text.find("new order — lead #9"), std::string::npos) << m[0].text;
  EXPECT_NE(m[1].text.find("qualified lead"), std::string::npos);
  EXPECT_NE(m[2].text.find("callback requested"), std::string::npos);
  EXPECT_NE(m[3].text.find("transfer to a manager failed"), std::string::npos);
  EXPECT_NE(m[4].text.find("result: Refused"), std::string::npos) << m[4].text;
}

TEST_F(AlertsTest, ASwitchedOffEventIsNotQueued) {
  ASSERT_TRUE(alerts_->SaveConfig(TelegramSettingsJson(tg_.url())).ok());
  ASSERT_TRUE(alerts_->SaveConfig(R"({"events": {"qualified_lead": false}})").ok());
  ASSERT_TRUE(alerts_->Raise(AlertKind::kQualifiedLead, Order()).ok());
  EXPECT_EQ(Deliver(), 0);
  EXPECT_TRUE(hooks_->ListDeliveries(10)->empty());
  EXPECT_EQ(tg_.requests(), 0);
}

TEST_F(AlertsTest, RetryAfterOf429IsHonouredAndIsNoFailedAttempt) {
  tg_.set_retry_after(5);
  ASSERT_TRUE(alerts_->SaveConfig(TelegramSettingsJson(tg_.url())).ok());
  tg_.Fail429(1);
  ASSERT_TRUE(alerts_->Raise(AlertKind::kNewOrder, Order()).ok());
  ASSERT_TRUE(alerts_->Raise(AlertKind::kCallbackRequested, Order()).ok());
  EXPECT_EQ(Deliver(), 0);
  EXPECT_EQ(tg_.requests(), 1);  // the second row waited with the first, unsent
  clock_.Advance(std::chrono::seconds(4));
  EXPECT_EQ(Deliver(), 0);
  EXPECT_EQ(tg_.requests(), 1);
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(Deliver(), 2);
  EXPECT_EQ(tg_.messages().size(), 2u);
  auto rows = hooks_->ListDeliveries(10);
  for (const auto& r : *rows) {
    EXPECT_EQ(r.status, "delivered");
    EXPECT_EQ(r.attempts, 1) << "a 429 is flow control, not a failed attempt";
  }
}

TEST_F(AlertsTest, AWrongTokenIsRetriedWithBackoffUntilItIsFixed) {
  ASSERT_TRUE(alerts_->SaveConfig(TelegramSettingsJson(tg_.url(), "999:wrong")).ok());
  ASSERT_TRUE(alerts_->Raise(AlertKind::kTransferFailed, Order()).ok());
  EXPECT_EQ(Deliver(), 0);
  crm::WebhookDelivery row = OnlyRow();
  EXPECT_EQ(row.status, "pending");
  EXPECT_EQ(row.attempts, 1);
  EXPECT_NE(row.last_error.find("401"), std::string::npos) << row.last_error;
  EXPECT_NE(row.last_error.find("bot token"), std::string::npos) << row.last_error;
  EXPECT_EQ(row.last_error.find("999:wrong"), std::string::npos) << "the token is a secret";
  EXPECT_EQ(row.next_attempt_at, ToUnixMillis(clock_.Now()) + 10000);
  ASSERT_TRUE(alerts_->SaveConfig(TelegramSettingsJson(tg_.url(), kToken)).ok());
  clock_.Advance(std::chrono::seconds(9));
  EXPECT_EQ(Deliver(), 0);  // the backoff still runs
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(Deliver(), 1);
  EXPECT_EQ(tg_.messages().size(), 1u);
  EXPECT_EQ(OnlyRow().attempts, 2);
}

TEST_F(AlertsTest, AnOutageLosesNothingAndSendsNothingTwice) {
  // Telegram unreachable (a port nobody listens on), then answering 500, then up.
  int dead_port = 0;
  {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
    dead_port = ntohs(a.sin_port);
    close(fd);  // bound, never listening, now closed: connections are refused
  }
  ASSERT_TRUE(
      alerts_->SaveConfig(TelegramSettingsJson("http://127.0.0.1:" + std::to_string(dead_port)))
          .ok());
  ASSERT_TRUE(alerts_->Raise(AlertKind::kNewOrder, Order()).ok());
  EXPECT_EQ(Deliver(), 0);
  EXPECT_NE(OnlyRow().last_error.find("Telegram unreachable"), std::string::npos)
      << OnlyRow().last_error;
  ASSERT_TRUE(alerts_->SaveConfig(TelegramSettingsJson(tg_.url())).ok());
  tg_.Fail500(1);
  clock_.Advance(std::chrono::seconds(10));
  EXPECT_EQ(Deliver(), 0);
  EXPECT_NE(OnlyRow().last_error.find("500"), std::string::npos) << OnlyRow().last_error;
  clock_.Advance(std::chrono::seconds(20));
  EXPECT_EQ(Deliver(), 1);
  clock_.Advance(std::chrono::minutes(10));
  EXPECT_EQ(Deliver(), 0);
  EXPECT_EQ(tg_.messages().size(), 1u);
  EXPECT_EQ(OnlyRow().attempts, 3);
}

TEST_F(AlertsTest, QuietHoursHoldAlertsAndSendThemAfter) {
  ASSERT_TRUE(alerts_->SaveConfig(TelegramSettingsJson(tg_.url())).ok());
  ASSERT_TRUE(
      alerts_->SaveConfig(R"({"quiet_hours": {"enabled": true, "from": "22:00", "to": "08:00"}})")
          .ok());
  clock_.Set(FromCivil("Europe/Moscow", 2026, 12, 1, 23, 10));
  ASSERT_TRUE(alerts_->Raise(AlertKind::kCallbackRequested, Order()).ok());
  EXPECT_EQ(Deliver(), 0);
  EXPECT_EQ(tg_.requests(), 0);
  crm::WebhookDelivery row = OnlyRow();
  EXPECT_EQ(row.status, "pending");
  EXPECT_EQ(row.attempts, 0);
  const int64_t morning = ToUnixMillis(FromCivil("Europe/Moscow", 2026, 12, 2, 8, 0));
  EXPECT_EQ(row.next_attempt_at, morning);
  EXPECT_NE(row.last_error.find("quiet hours"), std::string::npos);
  clock_.Set(FromUnixMillis(morning - 1000));
  EXPECT_EQ(Deliver(), 0);
  clock_.Set(FromUnixMillis(morning));
  EXPECT_EQ(Deliver(), 1);
  EXPECT_EQ(tg_.messages().size(), 1u);
}

TEST_F(AlertsTest, QueuedAlertsSurviveARestartAndChannelsAreNotDuplicated) {
  ASSERT_TRUE(alerts_->SaveConfig(TelegramSettingsJson(tg_.url())).ok());
  ASSERT_TRUE(
      alerts_->Raise(AlertKind::kVeraResult, {5, 2, "Перезвонили", "order_placed", ""}).ok());
  Close();
  Open();
  EXPECT_EQ(Deliver(), 1);
  auto m = tg_.messages();
  ASSERT_EQ(m.size(), 1u);
  EXPECT_NE(m[0].text.find("результат звонка Веры"), std::string::npos);
  auto all = ws_->ListWebhooks();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
}

TEST_F(AlertsTest, ThePaceKeepsToTheLimitSoTelegramNeverThrottles) {
  // The server allows 5 a second; the sender is set to 5: 12 alerts take two windows past the
  // first burst, without one 429.
  TelegramFakeOptions fo{kToken, kChat, 5, 1};
  TelegramFake limited(fo);
  ASSERT_TRUE(limited.Start().ok());
  ASSERT_TRUE(alerts_->SaveConfig(TelegramSettingsJson(limited.url(), kToken, 5)).ok());
  for (int i = 0; i < 12; ++i) ASSERT_TRUE(alerts_->Raise(AlertKind::kNewOrder, Order()).ok());
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(Deliver(), 12);
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(limited.throttled(), 0);
  EXPECT_EQ(limited.messages().size(), 12u);
  EXPECT_GE(took, std::chrono::seconds(2));
  EXPECT_LT(took, std::chrono::seconds(4));
}

TEST_F(AlertsTest, ASwitchedOffChannelGivesUpItsRows) {
  ASSERT_TRUE(alerts_->SaveConfig(TelegramSettingsJson(tg_.url())).ok());
  ASSERT_TRUE(alerts_->Raise(AlertKind::kNewOrder, Order()).ok());
  ASSERT_TRUE(alerts_->SaveConfig(R"({"telegram": {"enabled": false}})").ok());
  EXPECT_EQ(Deliver(), 0);
  crm::WebhookDelivery row = OnlyRow();
  EXPECT_EQ(row.status, "failed");
  EXPECT_NE(row.last_error.find("switched off"), std::string::npos);
  EXPECT_EQ(tg_.requests(), 0);
}

// The words come from the shop's alerts/ru.yaml when it has one, read at each alert; a file with
// a mistake does not silence the alerts: the built-in words go instead.
TEST_F(AlertsTest, AShopsOwnWordsGoOutAndABrokenFileFallsBackToTheBuiltInOnes) {
  std::filesystem::create_directories(dir_ / "shop" / "alerts");
  std::ofstream(dir_ / "shop" / "alerts" / "ru.yaml") << "events:\n  new_order: заказ с сайта\n";
  alerts_.reset();
  AlertOptions ao;
  ao.shop_dir = (dir_ / "shop").string();
  auto a = Alerts::Open(
      *ws_, *hooks_, clock_, [] { return std::string("Europe/Moscow"); }, ao);
  ASSERT_TRUE(a.ok()) << a.status().message();
  alerts_ = std::move(*a);
  ASSERT_TRUE(alerts_->SaveConfig(TelegramSettingsJson(tg_.url())).ok());
  ASSERT_TRUE(alerts_->Raise(AlertKind::kNewOrder, Order()).ok());
  std::ofstream(dir_ / "shop" / "alerts" / "ru.yaml") << "events:\n  new_order: \"{phone}\"\n";
  ASSERT_TRUE(alerts_->Raise(AlertKind::kNewOrder, Order()).ok());
  EXPECT_EQ(Deliver(), 2);
  auto m = tg_.messages();
  ASSERT_EQ(m.size(), 2u);
  EXPECT_NE(m[0].text.find("Kira: заказ с сайта — лид №7"), std::string::npos) << m[0].text;
  EXPECT_NE(m[1].text.find("Kira: новый заказ — лид №7"), std::string::npos) << m[1].text;
}

}  // namespace
}  // namespace kira::web
