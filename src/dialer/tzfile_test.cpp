#include "dialer/tzfile.h"

#include <gtest/gtest.h>

#include "core/clock.h"

namespace kira::dialer {
namespace {

int64_t Sec(const std::string& iso) {
  TimePoint t;
  EXPECT_TRUE(ParseIso(iso, &t)) << iso;
  return ToUnixMillis(t) / 1000;
}

std::shared_ptr<const TimeZone> Zone(const std::string& name) {
  auto z = TimeZone::Load(name);
  EXPECT_TRUE(z.ok()) << z.status().ToString();
  return z.ok() ? z.value() : nullptr;
}

TEST(TzFile, RussianZonesHaveFixedOffsetsSince2014) {
  struct Case {
    const char* zone;
    int hours;
  } cases[] = {{"Europe/Kaliningrad", 2}, {"Europe/Moscow", 3},   {"Europe/Samara", 4},
               {"Asia/Yekaterinburg", 5}, {"Asia/Omsk", 6},       {"Asia/Novosibirsk", 7},
               {"Asia/Irkutsk", 8},       {"Asia/Yakutsk", 9},    {"Asia/Vladivostok", 10},
               {"Asia/Magadan", 11},      {"Asia/Kamchatka", 12}, {"Europe/Volgograd", 3}};
  for (const auto& c : cases) {
    auto z = Zone(c.zone);
    ASSERT_TRUE(z);
    EXPECT_EQ(z->OffsetAt(Sec("2026-12-01T06:00:00Z")), c.hours * 3600) << c.zone;
    EXPECT_EQ(z->OffsetAt(Sec("2026-07-01T06:00:00Z")), c.hours * 3600) << c.zone;
  }
}

TEST(TzFile, MoscowHistoryIsRead) {
  auto z = Zone("Europe/Moscow");
  ASSERT_TRUE(z);
  EXPECT_EQ(z->OffsetAt(Sec("2010-01-15T12:00:00Z")), 3 * 3600);  // winter time
  EXPECT_EQ(z->OffsetAt(Sec("2010-07-15T12:00:00Z")), 4 * 3600);  // summer time
  EXPECT_EQ(z->OffsetAt(Sec("2013-01-15T12:00:00Z")), 4 * 3600);  // "permanent summer" 2011-14
  EXPECT_EQ(z->OffsetAt(Sec("2014-10-26T00:00:00Z")), 3 * 3600);  // back to +3 at 22:00Z on 25th
  EXPECT_EQ(z->OffsetAt(Sec("2014-10-25T21:59:59Z")), 4 * 3600);
}

TEST(TzFile, FooterRuleGovernsFarFuture) {
  auto berlin = Zone("Europe/Berlin");
  auto ny = Zone("America/New_York");
  auto sydney = Zone("Australia/Sydney");
  ASSERT_TRUE(berlin && ny && sydney);
  EXPECT_EQ(berlin->OffsetAt(Sec("2100-07-01T12:00:00Z")), 7200);
  EXPECT_EQ(berlin->OffsetAt(Sec("2100-01-01T12:00:00Z")), 3600);
  EXPECT_EQ(ny->OffsetAt(Sec("2100-07-01T12:00:00Z")), -4 * 3600);
  EXPECT_EQ(ny->OffsetAt(Sec("2100-12-01T12:00:00Z")), -5 * 3600);
  EXPECT_EQ(sydney->OffsetAt(Sec("2100-01-15T12:00:00Z")), 11 * 3600);  // southern summer
  EXPECT_EQ(sydney->OffsetAt(Sec("2100-07-01T12:00:00Z")), 10 * 3600);
  // EU rule: last Sunday of March 01:00 UTC. 2100-03-28 is a Sunday.
  EXPECT_EQ(berlin->OffsetAt(Sec("2100-03-28T00:59:59Z")), 3600);
  EXPECT_EQ(berlin->OffsetAt(Sec("2100-03-28T01:00:00Z")), 7200);
}

TEST(TzFile, LocalToUtcHandlesGapsAndOverlaps) {
  auto berlin = Zone("Europe/Berlin");
  ASSERT_TRUE(berlin);
  // Plain: 09:00 local in winter = 08:00Z.
  EXPECT_EQ(berlin->LocalToUtc(Sec("2030-01-10T09:00:00Z")), Sec("2030-01-10T08:00:00Z"));
  // 02:30 on 2030-03-31 does not exist: the jump happens at 01:00Z.
  EXPECT_EQ(berlin->LocalToUtc(Sec("2030-03-31T02:30:00Z")), Sec("2030-03-31T01:00:00Z"));
  // 02:30 on 2030-10-27 happens twice: the first is 00:30Z.
  EXPECT_EQ(berlin->LocalToUtc(Sec("2030-10-27T02:30:00Z")), Sec("2030-10-27T00:30:00Z"));
  auto kam = Zone("Asia/Kamchatka");
  ASSERT_TRUE(kam);
  EXPECT_EQ(kam->LocalToUtc(Sec("2026-12-01T09:00:00Z")), Sec("2026-11-30T21:00:00Z"));
}

TEST(TzFile, PosixRules) {
  PosixTzRule r;
  ASSERT_TRUE(PosixTzRule::Parse("<+03>-3", &r));
  EXPECT_FALSE(r.has_dst);
  EXPECT_EQ(r.std_offset, 10800);
  ASSERT_TRUE(PosixTzRule::Parse("EST5EDT,M3.2.0,M11.1.0", &r));
  EXPECT_TRUE(r.has_dst);
  EXPECT_EQ(r.std_offset, -5 * 3600);
  EXPECT_EQ(r.dst_offset, -4 * 3600);
  ASSERT_TRUE(PosixTzRule::Parse("<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", &r));  // America/Nuuk
  EXPECT_EQ(r.start.time, -7200);
  ASSERT_TRUE(PosixTzRule::Parse("XXX-1YYY,J60/2,300", &r));
  EXPECT_EQ(r.start.kind, 'J');
  EXPECT_EQ(r.end.kind, 'D');
  EXPECT_FALSE(PosixTzRule::Parse("", &r));
  EXPECT_FALSE(PosixTzRule::Parse("AB1", &r));  // name too short
  EXPECT_FALSE(PosixTzRule::Parse("EST5EDT,M13.1.0,M11.1.0", &r));
}

TEST(TzFile, ErrorsNameTheZone) {
  auto z = TimeZone::Load("Mars/Olympus_Mons");
  ASSERT_FALSE(z.ok());
  EXPECT_NE(z.status().message().find("Mars/Olympus_Mons"), std::string::npos);
  EXPECT_FALSE(TimeZone::Load("../etc/passwd").ok());
  auto bad = TimeZone::FromTzif("Fake/Zone", "TZif2 not really");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("Fake/Zone"), std::string::npos);
}

TEST(TzFile, CivilDates) {
  int64_t d = DaysFromCivil(2026, 12, 1);
  EXPECT_EQ(WeekdayFromDays(d), 2);  // Tuesday
  EXPECT_EQ(WeekdayFromDays(DaysFromCivil(1970, 1, 1)), 4);
  EXPECT_EQ(WeekdayFromDays(DaysFromCivil(1969, 12, 28)), 0);
  int64_t y;
  unsigned m, dd;
  CivilFromDays(DaysFromCivil(2024, 2, 29), &y, &m, &dd);
  EXPECT_EQ(y, 2024);
  EXPECT_EQ(m, 2u);
  EXPECT_EQ(dd, 29u);
}

}  // namespace
}  // namespace kira::dialer
