// The grounding check allows what follows from the data and the caller's words, and nothing
// else: whole boxes derived from the quantity the caller said (however it was said), totals of
// those; a number from nowhere is caught once, with its reason.
#include "dialog/grounding.h"

#include <gtest/gtest.h>

namespace kira::dialog {
namespace {

std::shared_ptr<const catalog::Catalog> StoneTile() {
  auto c = std::make_shared<catalog::Catalog>();
  catalog::Product p;
  p.sku = "ST-1";
  p.name = "Плитка Stonehill Гранит серый 30x60";
  p.category = "Плитка";
  p.brand = "Stonehill";
  p.format = "30x60";
  p.price = 1700;
  p.unit = "м2";
  p.box_m2 = 0.56;
  p.stock = 40;
  c->Add(p);
  c->BuildIndex();
  return c;
}

business::Profile Shop() {
  business::Profile p;
  p.name = "Тест";
  p.language = "ru";
  p.currency = "RUB";
  return p;
}

TEST(Grounding, WholeBoxesFromAQuantitySaidInWordsAreSupported) {
  auto cat = StoneTile();
  const business::Profile shop = Shop();
  GroundingChecker checker(*cat, shop);
  GroundingContext ctx;
  ctx.agent_turns = {"Плитка Stonehill Гранит серый 30x60 — 1 700 руб. за м²."};
  // 2.5 m² is 5 boxes of 0.56 = 2.8 m², 4 760 roubles.
  for (const char* said : {"два с половиной метра", "метра два с половиной", "2,5 квадрата"}) {
    ctx.caller_turns = {said};
    EXPECT_TRUE(checker.Check("Это 5 коробок — 2,8 м², итого 4 760 руб.", ctx).empty()) << said;
  }
  // "полтора" is 1.5 m²: 3 boxes, 1.68 m².
  ctx.caller_turns = {"полтора квадрата"};
  EXPECT_TRUE(checker.Check("Это 3 коробки — 1,68 м².", ctx).empty());
  // Without the caller's quantity the same numbers are unsupported.
  ctx.caller_turns = {"здравствуйте"};
  EXPECT_FALSE(checker.Check("Это 5 коробок — 2,8 м², итого 4 760 руб.", ctx).empty());
}

// Digits inside a name ("APZ1", "anti-slip R11") are the name, not a number to ground; a
// name with digits that no product has is still caught, as a number.
TEST(Grounding, DigitsInsideCatalogNamesAreNames) {
  auto c = std::make_shared<catalog::Catalog>();
  catalog::Product p;
  p.sku = "GR-1";
  p.name = "Решётка переливная APZ1 белая";
  p.category = "Решётки";
  p.collection = "APZ1";
  p.surface = "anti-slip R11";
  p.price = 900;
  p.unit = "шт";
  p.stock = 12;
  c->Add(p);
  c->BuildIndex();
  const business::Profile shop = Shop();
  GroundingChecker checker(*c, shop);
  EXPECT_TRUE(checker.Check("Какая коллекция: Confluo Premium Line или APZ1?", {}).empty());
  EXPECT_TRUE(checker.Check("Porcelain, anti-slip r11, is in stock.", {}).empty());
  auto wrong = checker.Check("Какая коллекция: APZ7?", {});
  ASSERT_EQ(wrong.size(), 1u);
  EXPECT_EQ(wrong[0].fact, "7");
  // A collection whose name has a number as a word of its own, named in full.
  catalog::Product cm;
  cm.sku = "CM-11";
  cm.name = "Клей Ceresit";
  cm.category = "Клей";
  cm.brand = "Ceresit";
  cm.collection = "CM 11";
  cm.price = 500;
  cm.unit = "шт";
  cm.stock = 3;
  auto c2 = std::make_shared<catalog::Catalog>();
  c2->Add(cm);
  c2->BuildIndex();
  GroundingChecker checker2(*c2, shop);
  EXPECT_TRUE(checker2.Check("Какая коллекция: CM 11?", {}).empty());
  EXPECT_FALSE(checker2.Check("Какая коллекция: CM 12?", {}).empty());
  EXPECT_FALSE(checker2.Check("Осталось 11 штук.", {}).empty());
  // A unit glued to a number is still a number: "12 м2" needs 12 from the data.
  EXPECT_FALSE(checker.Check("Осталось 3 м2.", {}).empty());
}

TEST(Grounding, AnUnknownFormatIsReportedOnce) {
  auto cat = StoneTile();
  const business::Profile shop = Shop();
  GroundingChecker checker(*cat, shop);
  auto issues = checker.Check("Есть формат 45x90.", {});
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].fact, "45x90");
  EXPECT_TRUE(checker.Check("Есть формат 30x60.", {}).empty());
}

// A callback time said in words and read back as a clock time is the caller's time: "около
// десяти" is 10:00 (the "00" of a whole hour is no new fact), "в три" is 15:00, "десять
// тридцать" is 10:30; a time nobody said is caught, once, as the whole clock time.
TEST(Grounding, ClockTimesReadBackFromTheCallersWordsAreSupported) {
  auto cat = StoneTile();
  business::Profile shop = Shop();
  shop.hours = "пн-пт 9-18";
  GroundingChecker checker(*cat, shop);
  GroundingContext ctx;
  ctx.caller_turns = {"перезвоните завтра около десяти"};
  EXPECT_TRUE(checker.Check("Перезвоним завтра в 10:00.", ctx).empty());
  ctx.caller_turns = {"call me back tomorrow around ten"};
  EXPECT_TRUE(checker.Check("We'll call you tomorrow at 10:00.", ctx).empty());
  ctx.caller_turns = {"наберите в пятницу в три"};
  EXPECT_TRUE(checker.Check("Перезвоним в пятницу в 15:00.", ctx).empty());
  ctx.caller_turns = {"давайте в десять тридцать"};
  EXPECT_TRUE(checker.Check("Перезвоним в 10:30.", ctx).empty());
  // The shop's own hours, whole hours included.
  ctx.caller_turns = {"когда вы открыты"};
  EXPECT_TRUE(checker.Check("Мы работаем с 9:00 до 18:00.", ctx).empty());
  // Minutes or hours nobody said.
  ctx.caller_turns = {"перезвоните завтра около десяти"};
  auto wrong = checker.Check("Перезвоним завтра в 10:45.", ctx);
  ASSERT_EQ(wrong.size(), 1u);
  EXPECT_EQ(wrong[0].fact, "10:45");
  EXPECT_EQ(checker.Check("Перезвоним завтра в 11:00.", ctx).size(), 1u);
}

}  // namespace
}  // namespace kira::dialog
