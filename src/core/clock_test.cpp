// ParseIso: the probe F8 inputs (overflow, year 1, 31 February) are refused with a reason.
#include "core/clock.h"

#include <gtest/gtest.h>

#include <ctime>
#include <vector>

namespace kira {
namespace {

std::string Iso(const std::string& s) {
  auto t = ParseIso(s);
  return t.ok() ? FormatIsoUtc(*t) : "error: " + t.status().message();
}

TEST(ParseIso, AcceptsTheUsualForms) {
  EXPECT_EQ(Iso("2026-12-01T06:00:00Z"), "2026-12-01T06:00:00Z");
  EXPECT_EQ(Iso("2026-12-01T09:00+03:00"), "2026-12-01T06:00:00Z");
  EXPECT_EQ(Iso("2026-12-01T09:00+0300"), "2026-12-01T06:00:00Z");
  EXPECT_EQ(Iso("2026-12-01T09:00+03"), "2026-12-01T06:00:00Z");
  EXPECT_EQ(Iso("2026-12-01 06:00"), "2026-12-01T06:00:00Z");
  EXPECT_EQ(Iso("2026-11-30T21:00:00-09:00"), "2026-12-01T06:00:00Z");
  EXPECT_EQ(Iso("2028-02-29T12:00Z"), "2028-02-29T12:00:00Z");  // a leap year
  EXPECT_EQ(Iso("2100-12-31T23:59:59Z"), "2100-12-31T23:59:59Z");
  EXPECT_EQ(Iso("1970-01-01T00:00Z"), "1970-01-01T00:00:00Z");
  auto t = ParseIso("2026-12-01T06:00:00.250Z");  // what JavaScript sends
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(ToUnixMillis(*t) % 1000, 250);
}

// FormatIsoUtc writes its digits by hand: the same text as gmtime_r + strftime, second by
// second around day, month, leap-year and century edges, before 1970 and far ahead.
TEST(FormatIsoUtc, AgreesWithStrftime) {
  auto reference = [](int64_t s) {
    std::time_t tt = static_cast<std::time_t>(s);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buf);
  };
  std::vector<int64_t> at = {0,          -1,         -86400,     951782400,  951868799,
                             4107542399, 9214646400, 1796104800, 1709164800, -2208988800};
  for (int64_t s = 1796104800 - 400000; s < 1796104800 + 400000; s += 997) at.push_back(s);
  for (int64_t s = -70LL * 365 * 86400; s < 290LL * 365 * 86400; s += 86400 * 7 + 3601)
    at.push_back(s);  // system_clock counts nanoseconds: 1677..2262
  for (int64_t s : at) {
    TimePoint t{std::chrono::seconds(s)};
    EXPECT_EQ(FormatIsoUtc(t), reference(s)) << s;
    if (s >= 0) EXPECT_EQ(FormatIsoUtc(t + std::chrono::milliseconds(999)), reference(s)) << s;
  }
}

// Probe F8: "2999-01-01T10:00+03:00" overflowed to a negative time (the task was due at once).
TEST(ParseIso, RefusesYearsOutside1970To2100) {
  EXPECT_EQ(Iso("2999-01-01T10:00+03:00"),
            "error: '2999-01-01T10:00+03:00' is not a valid time: the year must be between 1970 "
            "and 2100");
  EXPECT_EQ(Iso("0001-01-01T00:00"),
            "error: '0001-01-01T00:00' is not a valid time: the year must be between 1970 and "
            "2100");
  EXPECT_EQ(Iso("1969-12-31T23:59Z").substr(0, 6), "error:");
  EXPECT_EQ(Iso("1970-01-01T01:00+03:00"),
            "error: '1970-01-01T01:00+03:00' is not a valid time: before 1970-01-01T00:00Z");
  EXPECT_EQ(Iso("2100-12-31T23:00-02:00"),
            "error: '2100-12-31T23:00-02:00' is not a valid time: after the year 2100 (UTC)");
  EXPECT_FALSE(ParseIso("2999-01-01T10:00+03:00").ok());
}

// Probe F8: "2030-02-31" silently became 3 March.
TEST(ParseIso, RefusesImpossibleDates) {
  EXPECT_EQ(Iso("2030-02-31T10:00"),
            "error: '2030-02-31T10:00' is not a valid time: there is no day 31 in month 2 of "
            "2030");
  EXPECT_EQ(Iso("2027-02-29T10:00").substr(0, 6), "error:");  // not a leap year
  EXPECT_EQ(Iso("2100-02-29T10:00").substr(0, 6), "error:");  // centuries are not leap years
  EXPECT_EQ(Iso("2026-04-31T10:00").substr(0, 6), "error:");
  EXPECT_EQ(Iso("2026-13-01T00:00"),
            "error: '2026-13-01T00:00' is not a valid time: there is no month 13");
  EXPECT_EQ(Iso("2026-00-10T00:00").substr(0, 6), "error:");
  EXPECT_EQ(Iso("2026-12-00T00:00").substr(0, 6), "error:");
  EXPECT_EQ(Iso("2026-12-01T24:00").substr(0, 6), "error:");
  EXPECT_EQ(Iso("2026-12-01T10:60").substr(0, 6), "error:");
  EXPECT_EQ(Iso("2026-12-01T10:00:61").substr(0, 6), "error:");
  EXPECT_EQ(Iso("2026-12-01T10:00+15:00"),
            "error: '2026-12-01T10:00+15:00' is not a valid time: the UTC offset must be between "
            "-14:00 and +14:00");
}

TEST(ParseIso, RefusesOtherShapes) {
  for (const char* s : {"yesterday", "", "2026-1-1T10:00", "2026-12-01", "2026-12-01T10",
                        "2026-12-01T10:00Zjunk", "2026-12-01T10:00 +03:00", "+2026-12-01T10:00",
                        "2026-12-01T10:00:00.Z", "2026-12-01T10:00+3"}) {
    Status st = ParseIso(s).status();
    EXPECT_FALSE(st.ok()) << s;
    EXPECT_NE(st.message().find("is not a valid time"), std::string::npos) << st.message();
  }
  std::string long_text(10000, '9');
  Status st = ParseIso(long_text).status();
  EXPECT_FALSE(st.ok());
  EXPECT_LT(st.message().size(), 200u);  // the message quotes a bounded prefix
}

}  // namespace
}  // namespace kira
