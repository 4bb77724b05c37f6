#include "dialer/window.h"

#include <gtest/gtest.h>

#include "dialer/testing/test_util.h"

namespace kira::dialer {
namespace {

using testing::Iso;
using testing::Sec;

class WindowTest : public ::testing::Test {
 protected:
  WindowSchedule For(std::initializer_list<const char*> zones,
                     business::CallingWindow w = business::CallingWindow{}) {
    std::vector<ZoneId> ids;
    for (const char* z : zones) {
      auto id = db_.Zone(z);
      EXPECT_TRUE(id.ok()) << z;
      ids.push_back(id.value());
    }
    return WindowSchedule(db_, ids, w);
  }
  std::string Next(WindowSchedule& w, const std::string& at) {
    int64_t t = w.NextOpen(Sec(at));
    return t == kNever ? "never" : Iso(t * 1000);
  }
  ZoneDb db_;
};

// 2026-12-01 is a Tuesday; 2026-12-05/06 the weekend.
TEST_F(WindowTest, MoscowWeekdayWindow) {
  auto w = For({"Europe/Moscow"});
  EXPECT_EQ(Next(w, "2026-12-01T06:00:00Z"), "2026-12-01T06:00:00Z");  // 09:00 MSK
  EXPECT_EQ(Next(w, "2026-12-01T05:59:59Z"), "2026-12-01T06:00:00Z");
  EXPECT_EQ(Next(w, "2026-12-01T16:59:59Z"), "2026-12-01T16:59:59Z");  // 19:59:59
  EXPECT_EQ(Next(w, "2026-12-01T17:00:00Z"), "2026-12-02T06:00:00Z");  // 20:00 is closed
  EXPECT_EQ(w.CloseAfter(Sec("2026-12-01T10:00:00Z")), Sec("2026-12-01T17:00:00Z"));
}

TEST_F(WindowTest, WeekendsUseTheirOwnWindow) {
  auto w = For({"Europe/Moscow"});
  EXPECT_EQ(Next(w, "2026-12-05T06:30:00Z"), "2026-12-05T07:00:00Z");  // Sat opens at 10:00
  EXPECT_EQ(Next(w, "2026-12-04T17:30:00Z"), "2026-12-05T07:00:00Z");  // Fri 20:30 → Sat 10:00
  EXPECT_EQ(Next(w, "2026-12-06T16:00:00Z"), "2026-12-07T06:00:00Z");  // Sun 19:00 → Mon 09:00
}

TEST_F(WindowTest, EveryRussianZoneOpensAtNineLocal) {
  struct Case {
    const char* zone;
    const char* opens;  // Tuesday 09:00 local in UTC
  } cases[] = {
      {"Europe/Kaliningrad", "2026-12-01T07:00:00Z"},
      {"Europe/Moscow", "2026-12-01T06:00:00Z"},
      {"Europe/Samara", "2026-12-01T05:00:00Z"},
      {"Asia/Yekaterinburg", "2026-12-01T04:00:00Z"},
      {"Asia/Omsk", "2026-12-01T03:00:00Z"},
      {"Asia/Novosibirsk", "2026-12-01T02:00:00Z"},
      {"Asia/Krasnoyarsk", "2026-12-01T02:00:00Z"},
      {"Asia/Irkutsk", "2026-12-01T01:00:00Z"},
      {"Asia/Yakutsk", "2026-12-01T00:00:00Z"},
      {"Asia/Vladivostok", "2026-11-30T23:00:00Z"},
      {"Asia/Magadan", "2026-11-30T22:00:00Z"},
      {"Asia/Kamchatka", "2026-11-30T21:00:00Z"},
  };
  for (const auto& c : cases) {
    auto w = For({c.zone});
    EXPECT_EQ(Next(w, "2026-11-30T20:30:00Z"), c.opens) << c.zone;
  }
}

TEST_F(WindowTest, SeveralZonesMustAllBeOpen) {
  // Kaliningrad 09–20 = 07:00–18:00Z; Kamchatka 09–20 = 21:00–08:00Z: only 07:00–08:00Z.
  auto w = For({"Europe/Kaliningrad", "Asia/Kamchatka"});
  EXPECT_EQ(Next(w, "2026-12-01T06:00:00Z"), "2026-12-01T07:00:00Z");
  EXPECT_EQ(Next(w, "2026-12-01T07:59:00Z"), "2026-12-01T07:59:00Z");
  EXPECT_EQ(Next(w, "2026-12-01T08:00:00Z"), "2026-12-02T07:00:00Z");
  // Weekends (10–19) do not overlap at all: Friday 08:00Z → Monday 07:00Z.
  EXPECT_EQ(Next(w, "2026-12-04T08:00:00Z"), "2026-12-07T07:00:00Z");
}

TEST_F(WindowTest, DisjointWindowsNeverOpen) {
  business::CallingWindow narrow;
  narrow.weekdays = {10 * 60, 18 * 60};
  narrow.weekends = {10 * 60, 18 * 60};
  auto w = For({"Europe/Kaliningrad", "Asia/Kamchatka"}, narrow);
  EXPECT_EQ(Next(w, "2026-12-01T00:00:00Z"), "never");
}

TEST_F(WindowTest, ClosedDayAndFullDay) {
  business::CallingWindow w;
  w.weekdays = {0, 24 * 60};
  w.weekends = {0, 0};  // never on weekends
  auto s = For({"Europe/Moscow"}, w);
  EXPECT_EQ(Next(s, "2026-12-02T03:00:00Z"), "2026-12-02T03:00:00Z");
  EXPECT_EQ(Next(s, "2026-12-04T21:00:00Z"), "2026-12-06T21:00:00Z");  // Sat 00:00 → Mon 00:00
}

TEST_F(WindowTest, FarFutureAndPastQueriesAreExact) {
  auto w = For({"Europe/Moscow"});
  EXPECT_EQ(Next(w, "2026-12-01T05:00:00Z"), "2026-12-01T06:00:00Z");
  EXPECT_EQ(Next(w, "2027-06-01T05:00:00Z"), "2027-06-01T06:00:00Z");  // beyond the horizon
  EXPECT_EQ(Next(w, "2026-12-01T05:00:00Z"), "2026-12-01T06:00:00Z");  // and back
  EXPECT_EQ(Next(w, "2031-01-04T05:00:00Z"), "2031-01-04T07:00:00Z");  // a Saturday
}

TEST_F(WindowTest, DstZonesFollowTheirClocks) {
  auto w = For({"Europe/Berlin"});
  EXPECT_EQ(Next(w, "2030-01-08T00:00:00Z"), "2030-01-08T08:00:00Z");  // CET
  EXPECT_EQ(Next(w, "2030-07-09T00:00:00Z"), "2030-07-09T07:00:00Z");  // CEST
}

}  // namespace
}  // namespace kira::dialer
