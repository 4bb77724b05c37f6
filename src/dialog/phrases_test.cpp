#include "dialog/phrases.h"

#include <gtest/gtest.h>

namespace kira::dialog {
namespace {

TEST(Phrases, RendersVariablesAndRussianPlurals) {
  Vars v = {{"n", "1"}, {"m", "3"}, {"k", "11"}, {"f", "2,5"}, {"x", "21"}};
  EXPECT_EQ(RenderTemplate("{n} {n|день|дня|дней}", v, "ru"), "1 день");
  EXPECT_EQ(RenderTemplate("{m} {m|день|дня|дней}", v, "ru"), "3 дня");
  EXPECT_EQ(RenderTemplate("{k} {k|день|дня|дней}", v, "ru"), "11 дней");
  EXPECT_EQ(RenderTemplate("{x} {x|день|дня|дней}", v, "ru"), "21 день");
  EXPECT_EQ(RenderTemplate("{f} {f|коробка|коробки|коробок}", v, "ru"), "2,5 коробки");
  EXPECT_EQ(RenderTemplate("{n} {n|box|boxes}, {m} {m|box|boxes}", v, "en"), "1 box, 3 boxes");
  // A missing variable stays visible, so a test catches it.
  EXPECT_EQ(RenderTemplate("price {price}", v, "ru"), "price {price}");
}

TEST(Phrases, ParsesScenarioAndRotatesVariants) {
  auto p = Phrases::Parse(R"(
language: ru
settings: {max_clarifications: 3}
units: {м2: "м²"}
units_one: {м2: "квадратный метр"}
lists: {yes_words: [да, ага]}
phrases:
  hello: ["Привет, {name}!", "Здравствуйте, {name}!"]
  bye: "Пока"
)",
                          "s.yaml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->settings().max_clarifications, 3);
  EXPECT_EQ(p->Render("hello", {{"name", "Оля"}}, 0), "Привет, Оля!");
  EXPECT_EQ(p->Render("hello", {{"name", "Оля"}}, 1), "Здравствуйте, Оля!");
  EXPECT_EQ(p->Render("bye", {}, 5), "Пока");
  EXPECT_EQ(p->Render("missing", {}), "");
  EXPECT_FALSE(p->Has("missing"));
  EXPECT_EQ(p->Unit("м2"), "м²");
  EXPECT_EQ(p->UnitOne("м2"), "квадратный метр");
  EXPECT_EQ(p->Unit("шт"), "шт");
  EXPECT_EQ(p->List("yes_words").size(), 2u);
}

TEST(Phrases, BadScenariosNameTheProblem) {
  auto expect_err = [](const std::string& y, const std::string& needle) {
    auto p = Phrases::Parse(y, "s.yaml");
    ASSERT_FALSE(p.ok()) << y;
    EXPECT_NE(p.status().message().find(needle), std::string::npos) << p.status().message();
  };
  expect_err("language: ru\nphrases: {a: b}\nextra: 1\n", "extra: unknown key");
  expect_err("phrases: {a: b}\n", "language");
  expect_err("language: ru\n", "phrases");
  expect_err("language: ru\nsettings: {speed: 2}\nphrases: {a: b}\n", "settings.speed");
  expect_err("language: ru\nphrases: {a: {b: c}}\n", "phrases.a");
  expect_err("language: ru\nphrases: [", "not valid YAML");
}

TEST(Phrases, DemoScenariosHaveEveryPhraseTheAgentsUse) {
  // Keys the policy renders; a scenario missing one would make the agent fall silent.
  const char* kKeys[] = {"greeting",
                         "anything_else",
                         "not_understood",
                         "goodbye",
                         "disclosure",
                         "info_hours",
                         "info_address",
                         "info_delivery",
                         "clarify_1",
                         "clarify_2",
                         "clarify_which",
                         "offer_manager",
                         "not_sold",
                         "in_stock",
                         "shop_out_distributor_has",
                         "ask_quantity",
                         "rounded_to_boxes",
                         "small_quantity",
                         "big_project",
                         "qualified_thanks",
                         "order_from_distributor",
                         "partial_from_distributor",
                         "order_offer",
                         "ask_name",
                         "ask_fulfilment",
                         "ask_address",
                         "confirm_order",
                         "order_placed_pickup",
                         "order_placed_delivery",
                         "analog_item",
                         "discontinued_analogs_intro",
                         "out_of_stock_analogs_intro",
                         "abuse_warning",
                         "abuse_end",
                         "prank_end",
                         "fraud_refuse",
                         "transfer",
                         "transfer_failed",
                         "opt_out",
                         "ask_callback_time",
                         "callback_confirm",
                         "silence_reprompt",
                         "silence_goodbye",
                         "recognition_unavailable",
                         "summary_order_placed",
                         "summary_non_targeted_unclear"};
  for (const char* agent : {"kira", "vera"}) {
    for (const char* lang : {"ru", "en"}) {
      std::string path =
          std::string(KIRA_DEMO_DIR) + "/agents/" + agent + "/" + lang + "/scenario.yaml";
      auto p = Phrases::Load(path);
      ASSERT_TRUE(p.ok()) << p.status().ToString();
      EXPECT_EQ(p->language(), lang);
      for (const char* k : kKeys) EXPECT_TRUE(p->Has(k)) << path << " lacks " << k;
    }
  }
}

}  // namespace
}  // namespace kira::dialog
