// The manager alerts' words as data (alert_texts.h): the built-in Russian and English files with
// the facts filled in, a shop's file over them, and the mistakes a shop's file can hold.
#include "web/alert_texts.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "web/alerts.h"

namespace kira::web {
namespace {

AlertConfig Config(const std::string& language,
                   const std::string& url = "https://kira.example.ru") {
  AlertConfig c;
  c.language = language;
  c.workspace_url = url;
  return c;
}

class AlertTextsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kira_alert_texts_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "alerts");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& language, const std::string& yaml) {
    std::ofstream(dir_ / "alerts" / (language + ".yaml")) << yaml;
  }
  AlertTexts Load(const std::string& language, bool shop = true) {
    auto t = LoadAlertTexts(language, shop ? dir_.string() : "");
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : AlertTexts{};
  }
  // The message of loading a shop file holding `yaml`.
  std::string Error(const std::string& yaml) {
    Write("ru", yaml);
    auto t = LoadAlertTexts("ru", dir_.string());
    EXPECT_FALSE(t.ok()) << yaml;
    return t.ok() ? std::string() : t.status().message();
  }
  std::filesystem::path dir_;
};

TEST_F(AlertTextsTest, RussianFromTheBuiltInFile) {
  const AlertTexts x = Load("ru", false);
  AlertText t =
      FormatAlert(AlertKind::kNewOrder, {7, 31, "Керамогранит 60x60 — 12 м²", "", "14 400 ₽"},
                  Config("ru"), x);
  EXPECT_EQ(t.subject, "Kira: новый заказ — лид №7");
  EXPECT_EQ(t.body,
            "заказ №31, сумма 14 400 ₽\nКерамогранит 60x60 — 12 "
            "м²\nhttps://kira.example.ru/#/lead/7");
  t = FormatAlert(AlertKind::kNewOrder, {7, 31, "", "", ""}, Config("ru"), x);
  EXPECT_EQ(t.body, "заказ №31\nhttps://kira.example.ru/#/lead/7");
  t = FormatAlert(AlertKind::kVeraResult, {8, 40, "", "refused", ""}, Config("ru"), x);
  EXPECT_EQ(t.subject, "Kira: результат звонка Веры — лид №8");
  EXPECT_EQ(t.body, "итог: Отказ\nhttps://kira.example.ru/#/lead/8");  // the workspace's word
  t = FormatAlert(AlertKind::kTransferFailed, {9, 1, "", "", ""}, Config("ru", ""), x);
  EXPECT_EQ(t.subject, "Kira: не удалось перевести звонок на менеджера — лид №9");
  EXPECT_EQ(t.body,
            "Перевод на менеджера не удался; клиент ждёт обратного звонка.\n"
            "лид №9: откройте лид в рабочем месте Kira");
  EXPECT_EQ(FormatAlert(AlertKind::kCallbackRequested, {3, 4, "", "", ""}, Config("ru"), x).subject,
            "Kira: просят перезвонить — лид №3");
  EXPECT_EQ(FormatAlert(AlertKind::kQualifiedLead, {3, 4, "", "", ""}, Config("ru"), x).subject,
            "Kira: целевой лид — лид №3");
  EXPECT_EQ(x.test_subject, "Kira: проверка уведомлений");
}

TEST_F(AlertTextsTest, EnglishFromTheBuiltInFile) {
  const AlertTexts x = Load("en", false);
  AlertText t = FormatAlert(AlertKind::kNewOrder, {7, 31, "Grey 60x60, 12 m²", "", "£64.00"},
                            Config("en"), x);
  EXPECT_EQ(t.subject, "Kira: new order — lead #7");
  EXPECT_EQ(t.body, "order #31, total £64.00\nGrey 60x60, 12 m²\nhttps://kira.example.ru/#/lead/7");
  t = FormatAlert(AlertKind::kVeraResult, {8, 40, "", "order_placed", ""}, Config("en"), x);
  EXPECT_EQ(t.subject, "Kira: Vera's call result — lead #8");
  EXPECT_EQ(t.body, "result: Order placed\nhttps://kira.example.ru/#/lead/8");
  t = FormatAlert(AlertKind::kTransferFailed, {9, 1, "", "", ""}, Config("en", ""), x);
  EXPECT_EQ(t.body,
            "The transfer to a manager failed; the customer is waiting for a callback.\n"
            "lead #9: open the lead in Kira's workspace");
  EXPECT_EQ(FormatAlert(AlertKind::kCallbackRequested, {3, 4, "", "", ""}, Config("en"), x).subject,
            "Kira: callback requested — lead #3");
  EXPECT_EQ(x.test_body, "Alerts from Kira will come here.");
}

// Each language has its own words for every event and text (none left in the other language).
TEST_F(AlertTextsTest, EveryTextIsThereInBothLanguages) {
  const AlertTexts ru = Load("ru", false), en = Load("en", false);
  auto cyrillic = [](const std::string& s) { return s.find("\xD0") != std::string::npos; };
  for (size_t k = 0; k < kAlertKinds; ++k) {
    EXPECT_TRUE(cyrillic(ru.events[k])) << kAlertKindNames[k];
    EXPECT_FALSE(cyrillic(en.events[k])) << kAlertKindNames[k];
    for (size_t j = 0; j < k; ++j) EXPECT_NE(ru.events[k], ru.events[j]);
  }
  for (std::string AlertTexts::*f :
       {&AlertTexts::lead, &AlertTexts::order, &AlertTexts::order_total, &AlertTexts::outcome,
        &AlertTexts::transfer_failed, &AlertTexts::no_link, &AlertTexts::test_subject,
        &AlertTexts::test_body}) {
    EXPECT_NE(ru.*f, en.*f);
    EXPECT_FALSE(cyrillic(en.*f)) << en.*f;
  }
}

TEST_F(AlertTextsTest, AShopFileReplacesOnlyItsOwnKeys) {
  Write("ru",
        "events:\n  new_order: \"заказ с сайта\"\nlead: \"заявка {lead_id}\"\n"
        "order: \"заказ {{{order_id}}}\"\n");
  const AlertTexts x = Load("ru");
  AlertText t = FormatAlert(AlertKind::kNewOrder, {7, 31, "", "", ""}, Config("ru"), x);
  EXPECT_EQ(t.subject, "Kira: заказ с сайта — заявка 7");
  EXPECT_EQ(t.body, "заказ {31}\nhttps://kira.example.ru/#/lead/7");
  EXPECT_EQ(FormatAlert(AlertKind::kCallbackRequested, {7, 1, "", "", ""}, Config("ru"), x).subject,
            "Kira: просят перезвонить — заявка 7");
  // English has no shop file: the built-in words.
  EXPECT_EQ(
      FormatAlert(AlertKind::kNewOrder, {7, 31, "", "", ""}, Config("en"), Load("en")).subject,
      "Kira: new order — lead #7");
}

TEST_F(AlertTextsTest, MistakesNameTheFileAndTheKey) {
  std::string e = Error("leed: \"лид {lead_id}\"\n");
  EXPECT_NE(e.find("alerts/ru.yaml"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown key 'leed'"), std::string::npos) << e;
  // A slot a text does not have: the customer's phone is never one.
  e = Error("lead: \"лид {phone}\"\n");
  EXPECT_NE(e.find("lead: unknown slot {phone} (known: {lead_id})"), std::string::npos) << e;
  e = Error("transfer_failed: \"лид {lead_id}\"\n");
  EXPECT_NE(e.find("this text has none"), std::string::npos) << e;
  EXPECT_NE(Error("lead: \"№{lead_id\"\n").find("'{' without '}'"), std::string::npos);
  EXPECT_NE(Error("lead: \"a } b\"\n").find("lone '}'"), std::string::npos);
  EXPECT_NE(Error("lead: [a, b]\n").find("lead: must be text"), std::string::npos);
  EXPECT_NE(Error("events: новый\n").find("events: must be a mapping"), std::string::npos);
  e = Error("events:\n  new_orders: заказ\n");
  EXPECT_NE(e.find("unknown event 'new_orders'"), std::string::npos) << e;
  e = Error("lead: \"" + std::string(kMaxAlertTextBytes + 1, 'a') + "\"\n");
  EXPECT_NE(e.find("longer than 1000 bytes"), std::string::npos) << e;
  EXPECT_NE(Error("lead: a\nlead: b\n").find("duplicate key"), std::string::npos);
  EXPECT_NE(Error("- lead\n").find("must be a mapping"), std::string::npos);
  EXPECT_FALSE(LoadAlertTexts("../ru", "").ok());
  auto de = LoadAlertTexts("de", "");
  ASSERT_FALSE(de.ok());
  EXPECT_NE(de.status().message().find("alerts/de.yaml"), std::string::npos);
}

}  // namespace
}  // namespace kira::web
