#include "business/currency.h"

#include <gtest/gtest.h>

#include "business/profile.h"

namespace kira::business {
namespace {

const Currency& Get(const std::string& code) {
  auto t = BuiltInCurrencies();
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  const Currency* c = (*t)->Find(code);
  EXPECT_NE(c, nullptr) << code;
  return *c;
}

TEST(Currency, BuiltInTableHasTheCurrenciesShopsUse) {
  auto t = BuiltInCurrencies();
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  for (const char* code : {"RUB", "GBP", "EUR", "USD", "KZT", "BYN", "UAH"}) {
    const Currency* c = (*t)->Find(code);
    ASSERT_NE(c, nullptr) << code;
    EXPECT_TRUE(c->languages.count("ru") && c->languages.count("en")) << code;
  }
  EXPECT_EQ((*t)->Find("XYZ"), nullptr);
}

TEST(Currency, RoublesInRussianAndEnglish) {
  const Currency& rub = Get("RUB");
  EXPECT_EQ(FormatMoney(2690, rub, "ru"), "2 690 руб.");  // the conversation tests' form
  EXPECT_EQ(FormatMoney(54230.4, rub, "ru"), "54 230,40 руб.");
  EXPECT_EQ(FormatMoney(2690, rub, "en"), "2,690 roubles");
  EXPECT_EQ(FormatMoney(1, rub, "en"), "1 rouble");
  EXPECT_EQ(FormatMoney(54230.4, rub, "en"), "54,230.40 roubles");
  EXPECT_EQ(FormatMoney(2690, rub, "ru", MoneyStyle::kSpoken), "2 690 рублей");
  EXPECT_EQ(FormatMoney(21, rub, "ru", MoneyStyle::kSpoken), "21 рубль");
  EXPECT_EQ(FormatMoney(1234, rub, "ru", MoneyStyle::kSpoken), "1 234 рубля");
  EXPECT_EQ(FormatMoney(54230.4, rub, "ru", MoneyStyle::kSpoken), "54 230 рублей 40 копеек");
  EXPECT_EQ(FormatMoney(2690, rub, "en", MoneyStyle::kSpoken), "2,690 roubles");
}

TEST(Currency, PoundsInEnglishAndRussian) {
  const Currency& gbp = Get("GBP");
  EXPECT_EQ(FormatMoney(64, gbp, "en"), "£64.00");
  EXPECT_EQ(FormatMoney(1250.5, gbp, "en"), "£1,250.50");
  EXPECT_EQ(FormatMoney(64, gbp, "en", MoneyStyle::kSpoken), "64 pounds");
  EXPECT_EQ(FormatMoney(1, gbp, "en", MoneyStyle::kSpoken), "1 pound");
  EXPECT_EQ(FormatMoney(24.95, gbp, "en", MoneyStyle::kSpoken), "24 pounds 95 pence");
  EXPECT_EQ(FormatMoney(64, gbp, "ru"), "64 фунта");
  EXPECT_EQ(FormatMoney(65, gbp, "ru"), "65 фунтов");
  EXPECT_EQ(FormatMoney(24.95, gbp, "ru"), "24,95 фунта");
}

TEST(Currency, OtherCurrencies) {
  EXPECT_EQ(FormatMoney(19.9, Get("EUR"), "en"), "€19.90");
  EXPECT_EQ(FormatMoney(19.9, Get("USD"), "en"), "$19.90");
  EXPECT_EQ(FormatMoney(5000, Get("KZT"), "ru"), "5 000 тенге");
  EXPECT_EQ(FormatMoney(45, Get("BYN"), "ru"), "45 бел. руб.");
  EXPECT_EQ(FormatMoney(45, Get("UAH"), "ru", MoneyStyle::kSpoken), "45 гривен");
}

TEST(Currency, BadTablesNameTheProblem) {
  auto err = [](const std::string& y) {
    auto t = CurrencyTable::Parse(y, "c.yaml");
    return t.ok() ? std::string("ok") : t.status().message();
  };
  const std::string lang = "{written: \"{amount} x\", words: [x]}";
  EXPECT_EQ(err("RUB: {ru: " + lang + ", en: " + lang + "}"), "ok");
  EXPECT_NE(err("rub: {ru: " + lang + ", en: " + lang + "}").find("c.yaml: rub"),
            std::string::npos);
  EXPECT_NE(err("RUB: {ru: " + lang + "}").find("RUB.en: required"), std::string::npos);
  EXPECT_NE(err("RUB: {ru: {written: x, words: [x]}, en: " + lang + "}").find("RUB.ru.written"),
            std::string::npos);
  EXPECT_NE(err("RUB: {ru: " + lang + ", en: " + lang + ", fr: " + lang + "}").find("RUB.fr"),
            std::string::npos);
}

TEST(Currency, TheProfileNamesItsCurrency) {
  const std::string base =
      "name: Shop\nlanguage: en\ntimezone: Europe/London\naddress: a\nhours: h\ndelivery: d\n"
      "assistant_disclosure: x\nmanager: {name: Sarah}\n";
  auto rub = ParseProfile(base, "p.yaml");
  ASSERT_TRUE(rub.ok()) << rub.status().ToString();
  EXPECT_EQ(rub->currency, "RUB");  // the default
  auto gbp = ParseProfile(base + "currency: GBP\n", "p.yaml");
  ASSERT_TRUE(gbp.ok()) << gbp.status().ToString();
  EXPECT_EQ(gbp->currency, "GBP");
  auto bad = ParseProfile(base + "currency: POUNDS\n", "p.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("p.yaml line 9: currency: unknown ISO 4217 code 'POUNDS'"),
            std::string::npos)
      << bad.status().message();
}

}  // namespace
}  // namespace kira::business
