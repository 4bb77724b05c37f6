#include "dialer/phone_zones.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "dialer/ru_area_zones.h"

namespace kira::dialer {
namespace {

class PhoneZonesTest : public ::testing::Test {
 protected:
  std::string Names(std::string_view phone, std::string_view own = {}) {
    auto r = resolver_.Resolve(phone, own);
    if (!r.ok()) return "error: " + r.status().message();
    return db_.SetNames(r->set);
  }
  ZoneDb db_;
  PhoneZoneResolver resolver_{&db_};
};

TEST_F(PhoneZonesTest, GeographicNumbersMapToTheirArea) {
  EXPECT_EQ(Names("+74951234567"), "Europe/Moscow");
  EXPECT_EQ(Names("+78121234567"), "Europe/Moscow");
  EXPECT_EQ(Names("+74012123456"), "Europe/Kaliningrad");
  EXPECT_EQ(Names("+73432123456"), "Asia/Yekaterinburg");
  EXPECT_EQ(Names("+73832123456"), "Asia/Novosibirsk");
  EXPECT_EQ(Names("+73952123456"), "Asia/Irkutsk");
  EXPECT_EQ(Names("+74232123456"), "Asia/Vladivostok");
  EXPECT_EQ(Names("+74152123456"), "Asia/Kamchatka");
  EXPECT_EQ(Names("+78462123456"), "Europe/Samara");
  auto r = resolver_.Resolve("+74951234567");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->source, ZoneSource::kAreaCode);
}

TEST_F(PhoneZonesTest, NationalFormsAreReadAsRussian) {
  EXPECT_EQ(Names("8 (495) 123-45-67"), "Europe/Moscow");
  EXPECT_EQ(Names("+7 (343) 212-34-56"), "Asia/Yekaterinburg");
}

TEST_F(PhoneZonesTest, MobileNumbersGetEveryRussianZone) {
  auto r = resolver_.Resolve("+79161234567");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->source, ZoneSource::kCountry);
  auto ru = db_.CountryZones("RU");
  ASSERT_TRUE(ru.ok());
  EXPECT_EQ(db_.Members(r->set).size(), ru->size());
  std::string names = db_.SetNames(r->set);
  EXPECT_NE(names.find("Europe/Kaliningrad"), std::string::npos);
  EXPECT_NE(names.find("Asia/Kamchatka"), std::string::npos);
  EXPECT_NE(names.find("Asia/Anadyr"), std::string::npos);
  // A second mobile number shares the cached set.
  auto r2 = resolver_.Resolve("+79031112233");
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->set, r->set);
}

TEST_F(PhoneZonesTest, TheLeadsOwnZoneWins) {
  auto r = resolver_.Resolve("+79161234567", "Asia/Vladivostok");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->source, ZoneSource::kOwnZone);
  EXPECT_EQ(db_.SetNames(r->set), "Asia/Vladivostok");
  // An unknown zone on the task falls back to the number.
  EXPECT_EQ(Names("+74951234567", "Mars/Base"), "Europe/Moscow");
}

TEST_F(PhoneZonesTest, SakhaSpansSeveralZonesButYakutskCityOne) {
  EXPECT_EQ(Names("+74112123456"), "Asia/Yakutsk");
  auto r = resolver_.Resolve("+74114123456");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(db_.Members(r->set).size(), 4u);
}

TEST_F(PhoneZonesTest, OtherCountriesUseTheTzDatabase) {
  std::string kz = Names("+77012345678");
  EXPECT_NE(kz.find("Asia/Almaty"), std::string::npos) << kz;
  std::string de = Names("+4930123456");
  EXPECT_NE(de.find("Europe/Berlin"), std::string::npos) << de;
}

TEST_F(PhoneZonesTest, BadNumbersAreErrorsWithoutTheDigits) {
  auto r = resolver_.Resolve("12");
  ASSERT_FALSE(r.ok());
  r = resolver_.Resolve("not a number");
  ASSERT_FALSE(r.ok());
  r = resolver_.Resolve("+79161234");  // too short
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().find("9161234"), std::string::npos) << r.status().message();
}

TEST(RuAreaTable, EveryZoneExistsInTheTzDatabase) {
  ZoneDb db;
  size_t n = 0;
  const RuAreaZones* t = RuAreaTable(&n);
  ASSERT_GT(n, 80u);
  for (size_t i = 0; i < n; ++i) {
    std::string_view names = t[i].zones;
    while (!names.empty()) {
      size_t c = names.find(',');
      std::string name(names.substr(0, c));
      EXPECT_TRUE(db.Zone(name).ok()) << t[i].prefix << " " << name;
      names = c == std::string_view::npos ? std::string_view{} : names.substr(c + 1);
    }
  }
  // Prefixes are unique.
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j) EXPECT_NE(t[i].prefix, t[j].prefix);
}

}  // namespace
}  // namespace kira::dialer
