// Prices carry the shop's currency: rendered in the agent's language, and the grounding check
// refuses an amount said in another currency ("64 roubles" in a UK shop).
#include <gtest/gtest.h>

#include "crm/crm_store.h"
#include "dialog/engine.h"
#include "dialog/grounding.h"

namespace kira::dialog {
namespace {

std::shared_ptr<const catalog::Catalog> OneTile() {
  auto c = std::make_shared<catalog::Catalog>();
  catalog::Product p;
  p.sku = "HC-CAM-G66M";
  p.name = "Porcelain tile Harlow Ceramics Camden grey 60x60 matt";
  p.category = "Porcelain";
  p.brand = "Harlow Ceramics";
  p.collection = "Camden";
  p.format = "60x60";
  p.color = "grey";
  p.surface = "matt";
  p.price = 24.95;
  p.unit = "м2";
  p.box_m2 = 1.44;
  p.stock = 89.28;
  c->Add(p);
  c->BuildIndex();
  return c;
}

business::Profile Shop(const std::string& currency, const std::string& language) {
  business::Profile p;
  p.name = "Aire Valley Tiles";
  p.language = language;
  p.currency = currency;
  p.hours = "Monday to Friday 8:00 to 17:30";
  p.delivery = "35 pounds per drop, free for orders over 750 pounds";
  return p;
}

TEST(GroundingCurrency, DollarsOfTheShopsOwnCountry) {
  // "$" and "dollars" are the mark of NZD, AUD, CAD and USD alike: the shop's own wins.
  auto cat = OneTile();
  const std::string name = "Porcelain tile Harlow Ceramics Camden grey 60x60 matt";
  for (const char* code : {"NZD", "AUD", "CAD", "USD"}) {
    const business::Profile shop = Shop(code, "en");
    GroundingChecker checker(*cat, shop);
    GroundingContext ctx;
    EXPECT_TRUE(checker.Check(name + " is $24.95 per square meter.", ctx).empty()) << code;
    EXPECT_TRUE(checker.Check(name + " is 24 dollars 95 cents per square meter.", ctx).empty())
        << code;
    EXPECT_FALSE(checker.Check(name + " is £24.95 per square meter.", ctx).empty()) << code;
    EXPECT_FALSE(checker.Check(name + " is $25.95 per square meter.", ctx).empty()) << code;
  }
  const business::Profile nz = Shop("NZD", "en");
  GroundingChecker checker(*cat, nz);
  GroundingContext ctx;
  EXPECT_FALSE(checker.Check(name + " is 24.95 AUD per square meter.", ctx).empty());
  EXPECT_TRUE(checker.Check(name + " is 24.95 NZD per square meter.", ctx).empty());
}

TEST(GroundingCurrency, AnAmountInAnotherCurrencyIsUnsupported) {
  auto cat = OneTile();
  const business::Profile uk = Shop("GBP", "en");
  GroundingChecker checker(*cat, uk);
  GroundingContext ctx;
  // An English catalog's product is spoken by its own name.
  const std::string name = "Porcelain tile Harlow Ceramics Camden grey 60x60 matt";
  EXPECT_TRUE(checker.Check(name + " is £24.95 per square meter.", ctx).empty());
  EXPECT_TRUE(checker.Check(name + " is 24 pounds 95 pence per square meter.", ctx).empty());
  auto roubles = checker.Check(name + " is 24.95 roubles per square meter.", ctx);
  ASSERT_EQ(roubles.size(), 1u);
  EXPECT_NE(roubles[0].why.find("RUB"), std::string::npos) << roubles[0].why;
  EXPECT_FALSE(checker.Check(name + " is 24,95 руб. за м².", ctx).empty());
  EXPECT_FALSE(checker.Check(name + " is €24.95 per square meter.", ctx).empty());
  EXPECT_FALSE(checker.Check(name + " is $24.95 per square meter.", ctx).empty());
  // The right currency with the wrong number is still caught.
  EXPECT_FALSE(checker.Check(name + " is £25.95 per square meter.", ctx).empty());
  // The profile's own amounts, in its currency.
  EXPECT_TRUE(checker.Check("Delivery is 35 pounds per drop.", ctx).empty());

  // And the other way round: a Russian shop quoting pounds.
  const business::Profile ru = Shop("RUB", "ru");
  GroundingChecker rub(*cat, ru);
  EXPECT_TRUE(rub.Check(name + ": 24,95 руб. за м².", ctx).empty());
  EXPECT_TRUE(rub.Check(name + ": 24 рубля 95 копеек за м².", ctx).empty());
  EXPECT_FALSE(rub.Check(name + ": 24,95 фунта за м².", ctx).empty());
  EXPECT_FALSE(rub.Check(name + ": £24.95 за м².", ctx).empty());
  // "бел. руб." is Belarusian, not Russian, roubles.
  EXPECT_FALSE(rub.Check(name + ": 24,95 бел. руб. за м².", ctx).empty());
}

// The agent quotes the shop's currency in its language, written in a chat and said on the phone.
TEST(GroundingCurrency, TheAgentQuotesTheShopsCurrency) {
  auto cat = OneTile();
  auto store = crm::OpenSqliteCrmStore(":memory:");
  ASSERT_TRUE(store.ok());
  for (const char* lang : {"en", "ru"}) {
    const business::Profile uk = Shop("GBP", lang);
    auto engine = Engine::Create(uk, cat, store->get(), {});
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    for (const char* channel : {"chat", "phone"}) {
      SessionParams sp;
      sp.channel = channel;
      auto s = (*engine)->NewSession(sp);
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      (*s)->Start();
      auto r = (*s)->OnCallerText("Harlow Ceramics Camden grey 60x60 matt");
      std::string said;
      for (const auto& l : r.say) said += l + " ";
      const std::string want =
          std::string(lang) == "en"
              ? (std::string(channel) == "chat" ? "£24.95" : "24 pounds 95 pence")
              : (std::string(channel) == "chat" ? "24,95 фунта" : "24 фунта 95 пенсов");
      EXPECT_NE(said.find(want), std::string::npos) << lang << "/" << channel << ": " << said;
      EXPECT_EQ(said.find("руб"), std::string::npos) << said;
      EXPECT_EQ(said.find("rouble"), std::string::npos) << said;
      GroundingChecker checker(*cat, uk);
      GroundingContext ctx;
      ctx.caller_turns.push_back("Harlow Ceramics Camden grey 60x60 matt");
      for (const auto& l : r.say) {
        auto issues = checker.Check(l, ctx);
        EXPECT_TRUE(issues.empty()) << l << ": " << (issues.empty() ? "" : issues[0].why);
      }
    }
  }
}

}  // namespace
}  // namespace kira::dialog
