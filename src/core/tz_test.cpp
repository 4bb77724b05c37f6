#include "core/tz.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "core/clock.h"

namespace kira {
namespace {

int64_t Sec(const std::string& iso) {
  auto t = ParseIso(iso);
  EXPECT_TRUE(t.ok()) << iso;
  return t.ok() ? ToUnixMillis(*t) / 1000 : 0;
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

TEST(TzFile, FarPastUsesLocalMeanTimeAndFarFutureTheFooter) {
  auto moscow = Zone("Europe/Moscow");
  auto ny = Zone("America/New_York");
  ASSERT_TRUE(moscow && ny);
  // Before railway time: Moscow's local mean time was +2:30:17, New York's -4:56:02.
  int64_t y1870 = DaysFromCivil(1870, 6, 1) * 86400;  // before ParseIso's range (1970-2100)
  EXPECT_EQ(moscow->OffsetAt(y1870), 2 * 3600 + 30 * 60 + 17);
  EXPECT_EQ(ny->OffsetAt(y1870), -(4 * 3600 + 56 * 60 + 2));
  // Beyond TimePoint's range (nanoseconds end in 2262): offsets work on plain seconds.
  EXPECT_EQ(moscow->OffsetAt(DaysFromCivil(2399, 12, 31) * 86400), 3 * 3600);
  EXPECT_EQ(ny->OffsetAt(DaysFromCivil(2399, 7, 1) * 86400 + 12 * 3600), -4 * 3600);
  EXPECT_EQ(ny->OffsetAt(DaysFromCivil(2399, 12, 1) * 86400 + 12 * 3600), -5 * 3600);
}

TEST(TzFile, SizeLimitAndTruncationAreNamed) {
  auto kam = TimeZone::Load("Asia/Kamchatka");
  ASSERT_TRUE(kam.ok());
  std::ifstream in(TimeZone::DefaultZoneinfoDir() + "/Asia/Kamchatka", std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::string b = bytes.str();
  auto cut = TimeZone::FromTzif("Asia/Kamchatka", b.substr(0, b.size() / 2));
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.status().message().find("truncated"), std::string::npos) << cut.status().message();
}

TEST(TzFile, UtcNeedsNoFile) {
  auto utc = TimeZone::Utc();
  EXPECT_EQ(utc->OffsetAt(Sec("2026-06-01T00:00:00Z")), 0);
  EXPECT_EQ(utc->name(), "UTC");
  auto found = FindZone("UTC");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->get(), utc.get());
}

TEST(TzFile, FindZoneCachesAndRejects) {
  auto a = FindZone("Europe/Samara");
  auto b = FindZone("Europe/Samara");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->get(), b->get());  // one immutable copy per process
  EXPECT_FALSE(FindZone("Mars/Olympus").ok());
  EXPECT_FALSE(FindZone("").ok());
  EXPECT_FALSE(FindZone("/etc/passwd").ok());
}

TEST(TzFile, DayKeys) {
  EXPECT_EQ(DayKey(0), "1970-01-01");
  EXPECT_EQ(DayKey(-1), "1969-12-31");
  EXPECT_EQ(DayKey(DaysFromCivil(2100, 3, 1)), "2100-03-01");
  EXPECT_EQ(FloorDiv(-1, 86400), -1);
  EXPECT_EQ(FloorDiv(86400, 86400), 1);
  EXPECT_EQ(FloorDiv(-86400, 86400), -1);
}

TEST(Civil, RussianZonesFromKaliningradToKamchatka) {
  TimePoint t;
  ASSERT_TRUE(ParseIso("2026-12-01T06:00:00Z").ok());
  t = *ParseIso("2026-12-01T06:00:00Z");
  EXPECT_EQ(ToCivil("Europe/Kaliningrad", t).hour, 8);
  EXPECT_EQ(ToCivil("Europe/Moscow", t).hour, 9);
  EXPECT_EQ(ToCivil("Europe/Samara", t).hour, 10);
  EXPECT_EQ(ToCivil("Asia/Yekaterinburg", t).hour, 11);
  EXPECT_EQ(ToCivil("Asia/Novosibirsk", t).hour, 13);
  EXPECT_EQ(ToCivil("Asia/Vladivostok", t).hour, 16);
  CivilTime kam = ToCivil("Asia/Kamchatka", t);
  EXPECT_EQ(kam.hour, 18);
  EXPECT_EQ(kam.weekday, 2);  // Tuesday
  EXPECT_EQ(kam.utc_offset_s, 12 * 3600);
  EXPECT_EQ(FormatIsoUtc(FromCivil("Asia/Vladivostok", 2026, 12, 2, 10, 0)),
            "2026-12-02T00:00:00Z");
  EXPECT_EQ(FormatIsoUtc(FromCivil("Asia/Kamchatka", 2026, 12, 1, 0, 30)), "2026-11-30T12:30:00Z");
  EXPECT_EQ(FormatIsoUtc(FromCivil("Europe/Kaliningrad", 2026, 12, 1, 0, 30)),
            "2026-11-30T22:30:00Z");
  EXPECT_TRUE(ZoneExists("Europe/Samara"));
  EXPECT_TRUE(ZoneExists("UTC"));
  EXPECT_FALSE(ZoneExists("Mars/Olympus"));
}

TEST(Civil, OverflowIsNormalised) {
  EXPECT_EQ(FormatIsoUtc(FromCivil("Europe/Moscow", 2026, 12, 32, 10, 0)), "2027-01-01T07:00:00Z");
  EXPECT_EQ(FormatIsoUtc(FromCivil("Europe/Moscow", 2026, 13, 1, 10, 0)), "2027-01-01T07:00:00Z");
  EXPECT_EQ(FormatIsoUtc(FromCivil("Europe/Moscow", 2026, 2, 29, 10, 0)), "2026-03-01T07:00:00Z");
  EXPECT_EQ(FormatIsoUtc(FromCivil("Europe/Moscow", 2026, 1, 0, 10, 0)), "2025-12-31T07:00:00Z");
  EXPECT_EQ(FormatIsoUtc(FromCivil("Europe/Moscow", 2026, 1, 1, 24, 0)), "2026-01-01T21:00:00Z");
}

TEST(Civil, DaylightSavingZones) {
  TimePoint t;
  ASSERT_TRUE(ParseIso("2026-06-10T12:00:00Z").ok());
  t = *ParseIso("2026-06-10T12:00:00Z");
  CivilTime ber = ToCivil("Europe/Berlin", t);
  EXPECT_EQ(ber.hour, 14);  // CEST
  EXPECT_EQ(ber.utc_offset_s, 7200);
  EXPECT_EQ(ToCivil("America/New_York", t).hour, 8);  // EDT
  ASSERT_TRUE(ParseIso("2026-12-10T12:00:00Z").ok());
  t = *ParseIso("2026-12-10T12:00:00Z");
  EXPECT_EQ(ToCivil("Europe/Berlin", t).hour, 13);    // CET
  EXPECT_EQ(ToCivil("America/New_York", t).hour, 7);  // EST
  // Around the US spring change (2026-03-08 02:00 local → 03:00).
  ASSERT_TRUE(ParseIso("2026-03-08T06:59:59Z").ok());
  t = *ParseIso("2026-03-08T06:59:59Z");
  EXPECT_EQ(ToCivil("America/New_York", t).hour, 1);
  ASSERT_TRUE(ParseIso("2026-03-08T07:00:00Z").ok());
  t = *ParseIso("2026-03-08T07:00:00Z");
  EXPECT_EQ(ToCivil("America/New_York", t).hour, 3);
  EXPECT_EQ(FormatIsoUtc(FromCivil("America/New_York", 2026, 3, 8, 2, 30)),
            "2026-03-08T07:00:00Z");  // skipped: the moment of the jump
  EXPECT_EQ(FormatIsoUtc(FromCivil("America/New_York", 2026, 11, 1, 1, 30)),
            "2026-11-01T05:30:00Z");  // repeated: the first occurrence (EDT)
  EXPECT_EQ(FormatIsoUtc(FromCivil("Europe/Berlin", 2026, 7, 1, 9, 0)), "2026-07-01T07:00:00Z");
  EXPECT_EQ(FormatIsoUtc(FromCivil("Europe/Berlin", 2026, 1, 1, 9, 0)), "2026-01-01T08:00:00Z");
}

TEST(Civil, FarDates) {
  TimePoint t;
  // Outside ParseIso's range (1970-2100) but inside TimePoint's (1677-2262).
  t = FromUnixMillis((DaysFromCivil(2200, 7, 4) * 86400 + 16 * 3600) * 1000);
  CivilTime ny = ToCivil("America/New_York", t);
  EXPECT_EQ(ny.year, 2200);
  EXPECT_EQ(ny.hour, 12);  // EDT by the footer rule
  EXPECT_EQ(FormatIsoUtc(FromCivil("Europe/Berlin", 2250, 1, 15, 12, 0)), "2250-01-15T11:00:00Z");
  EXPECT_EQ(FormatIsoUtc(FromCivil("Europe/Berlin", 2250, 7, 15, 12, 0)), "2250-07-15T10:00:00Z");
  t = FromUnixMillis(DaysFromCivil(1901, 1, 1) * 86400 * 1000);
  CivilTime old = ToCivil("UTC", t);
  EXPECT_EQ(old.year, 1901);
  EXPECT_EQ(old.weekday, 2);  // a Tuesday
}

TEST(Civil, UnknownZoneReadsAsUtc) {
  TimePoint t;
  ASSERT_TRUE(ParseIso("2026-12-01T06:00:00Z").ok());
  t = *ParseIso("2026-12-01T06:00:00Z");
  EXPECT_EQ(ToCivil("Mars/Olympus", t).hour, 6);
  EXPECT_EQ(FormatIsoUtc(FromCivil("Mars/Olympus", 2026, 12, 1, 6, 0)), "2026-12-01T06:00:00Z");
}

// Many threads converting in different zones at once: each must see its own zone's answer
// (the old implementation switched the process-wide TZ). Run under KIRA_SANITIZE too.
TEST(Civil, ConcurrentUseFromThreads) {
  struct Case {
    const char* zone;
    int hour;
  } cases[] = {{"Europe/Kaliningrad", 8}, {"Europe/Moscow", 9}, {"Asia/Omsk", 12},
               {"Asia/Kamchatka", 18},    {"Europe/Berlin", 7}, {"America/New_York", 1},
               {"Asia/Yakutsk", 15},      {"Europe/Samara", 10}};
  TimePoint t;
  ASSERT_TRUE(ParseIso("2026-12-01T06:00:00Z").ok());
  t = *ParseIso("2026-12-01T06:00:00Z");
  std::vector<int> wrong(8, 0);
  std::vector<std::thread> threads;
  for (int k = 0; k < 8; ++k) {
    threads.emplace_back([&, k] {
      for (int i = 0; i < 2000; ++i) {
        const Case& c = cases[(k + i) % 8];
        if (ToCivil(c.zone, t).hour != c.hour) ++wrong[k];
        if (FromCivil(c.zone, 2026, 12, 1, c.hour, 0) != t) ++wrong[k];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int k = 0; k < 8; ++k) EXPECT_EQ(wrong[k], 0) << "thread " << k;
}

// Registered a second time by CMake with TZDIR=src/core/testdata/zoneinfo (core_tz_tzdir):
// that directory holds only the synthetic zone Kira/Test (UTC+05:30).
TEST(TzDir, Honoured) {
  const char* dir = std::getenv("TZDIR");
  if (!dir || std::string(dir).find("testdata/zoneinfo") == std::string::npos)
    GTEST_SKIP() << "run by the core_tz_tzdir test with TZDIR set";
  EXPECT_EQ(TimeZone::DefaultZoneinfoDir(), dir);
  auto z = FindZone("Kira/Test");
  ASSERT_TRUE(z.ok()) << z.status().message();
  EXPECT_EQ((*z)->OffsetAt(0), 5 * 3600 + 1800);
  EXPECT_EQ((*z)->OffsetAt(DaysFromCivil(2300, 1, 1) * 86400), 5 * 3600 + 1800);  // the footer
  TimePoint t;
  ASSERT_TRUE(ParseIso("2026-12-01T06:00:00Z").ok());
  t = *ParseIso("2026-12-01T06:00:00Z");
  EXPECT_EQ(ToCivil("Kira/Test", t).hour, 11);
  EXPECT_EQ(ToCivil("Kira/Test", t).minute, 30);
  // The system's zones are not in that directory.
  EXPECT_FALSE(FindZone("Europe/Moscow").ok());
}

}  // namespace
}  // namespace kira
