#include "dialog/phrases.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "dialog/intent_classifier.h"

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
  // Gender forms agree with the product's category: m, f, n, pl.
  for (auto [g, want] :
       {std::pair{"m", "Керамогранит снят"}, std::pair{"f", "Керамогранит снята"},
        std::pair{"n", "Керамогранит снято"}, std::pair{"pl", "Керамогранит сняты"}})
    EXPECT_EQ(RenderTemplate("Керамогранит {g|снят|снята|снято|сняты}", {{"g", g}}, "ru"), want);
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

TEST(Phrases, LayersOverrideKeyByKey) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("kira-phr-" + std::to_string(::getpid())))
          .string();
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir + "/" + name) << text;
    return dir + "/" + name;
  };
  std::string common = write("common.yaml", R"(
language: ru
settings: {max_clarifications: 3, max_analogs: 2}
units: {м2: "м²", шт: "шт"}
lists: {yes_words: [да], no_words: [нет]}
phrases:
  goodbye: "До свидания."
  greeting: "Здравствуйте!"
)");
  std::string agent = write("agent.yaml", R"(
language: ru
lists: {yes_words: [да, ага]}
phrases:
  greeting: "Это Вера."
  vera_remind: "Вы интересовались {product}."
)");
  std::string shop = write("shop.yaml", "settings: {max_analogs: 5}\nunits: {шт: \"штук\"}\n");
  auto p = Phrases::LoadLayers({common, agent, dir + "/absent.yaml", shop}, "ru");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->Render("greeting", {}), "Это Вера.");    // the agent's file wins
  EXPECT_EQ(p->Render("goodbye", {}), "До свидания.");  // shared, not repeated
  EXPECT_TRUE(p->Has("vera_remind"));                   // the agent's own
  EXPECT_EQ(p->List("yes_words").size(), 2u);           // a list is replaced whole
  EXPECT_EQ(p->List("no_words").size(), 1u);
  EXPECT_EQ(p->settings().max_clarifications, 3);  // kept from the first layer
  EXPECT_EQ(p->settings().max_analogs, 5);         // the shop's
  EXPECT_EQ(p->Unit("шт"), "штук");
  EXPECT_EQ(p->Unit("м2"), "м²");

  std::string en = write("en.yaml", "language: en\nphrases: {goodbye: Bye}\n");
  auto mixed = Phrases::LoadLayers({common, en}, "ru");
  ASSERT_FALSE(mixed.ok());
  EXPECT_NE(mixed.status().message().find(en + ": language is 'en'"), std::string::npos)
      << mixed.status().message();
  EXPECT_FALSE(Phrases::LoadLayers({dir + "/none.yaml"}, "ru").ok());
  std::filesystem::remove_all(dir);
}

// The scenario and intents loaders read through core's strict YAML (the shop_yaml_fuzz finding:
// an intents example holding U+000E was accepted): control characters, duplicate keys and
// aliases are refused with the file's name and line.
TEST(Phrases, ScenarioAndIntentsAreStrictYaml) {
  auto scenario_err = [](const std::string& y, const std::string& needle) {
    auto p = Phrases::Parse(y, "s.yaml");
    ASSERT_FALSE(p.ok()) << y;
    EXPECT_EQ(p.status().message().rfind("s.yaml", 0), 0u) << p.status().message();
    EXPECT_NE(p.status().message().find(needle), std::string::npos) << p.status().message();
  };
  scenario_err("language: ru\nphrases: {a: \"x\\x0ey\"}\n", "control character");
  scenario_err("language: ru\nphrases: {a: b}\nlanguage: en\n", "duplicate key 'language'");
  scenario_err("language: ru\nphrases: {a: &x b, c: *x}\n", "are not allowed");

  const std::string dir =
      (std::filesystem::temp_directory_path() / ("kira-int-" + std::to_string(::getpid())))
          .string();
  std::filesystem::create_directories(dir);
  auto intents_err = [&](const std::string& y, const std::string& needle) {
    const std::string path = dir + "/intents.yaml";
    std::ofstream(path, std::ios::trunc) << y;
    auto r = LoadIntentExamples(path);
    ASSERT_FALSE(r.ok()) << y;
    EXPECT_EQ(r.status().message().rfind(path, 0), 0u) << r.status().message();
    EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
  };
  intents_err("greet: [привет]\nbye: [\"пока\x0e\"]\n", "control character");
  intents_err("greet: [привет]\nbye: [пока]\ngreet: [здравствуйте]\n", "duplicate key 'greet'");
  intents_err("greet: [привет]\nbye: [пока\n", "not valid YAML");

  std::ofstream(dir + "/intents.yaml", std::ios::trunc)
      << "greet: [привет, добрый день]\nbye: [пока]\n";
  auto ok = LoadIntentExamples(dir + "/intents.yaml");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->at("greet").size(), 2u);
  auto missing = LoadIntentExamples(dir + "/absent.yaml");
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound) << missing.status().ToString();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kira::dialog
