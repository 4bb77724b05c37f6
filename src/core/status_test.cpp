#include "core/status.h"

#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/log.h"

namespace kira {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Status::Invalid("odd number " + std::to_string(x));
  return x / 2;
}

Status UseHalf(int x, int* out) {
  KIRA_ASSIGN_OR_RETURN(int h, Half(x));
  *out = h;
  return Status::Ok();
}

TEST(Status, ResultCarriesValueOrError) {
  int out = 0;
  EXPECT_TRUE(UseHalf(4, &out).ok());
  EXPECT_EQ(out, 2);
  Status s = UseHalf(3, &out);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kInvalid);
  EXPECT_EQ(s.WithContext("half").message(), "half: odd number 3");
}

TEST(Clock, IsoRoundTrip) {
  TimePoint t;
  ASSERT_TRUE(ParseIso("2026-12-01T06:00:00Z").ok());
  t = *ParseIso("2026-12-01T06:00:00Z");
  EXPECT_EQ(FormatIsoUtc(t), "2026-12-01T06:00:00Z");
  ASSERT_TRUE(ParseIso("2026-12-01T09:00:00+03:00").ok());
  t = *ParseIso("2026-12-01T09:00:00+03:00");
  EXPECT_EQ(FormatIsoUtc(t), "2026-12-01T06:00:00Z");
  EXPECT_FALSE(ParseIso("yesterday").ok());
  EXPECT_FALSE(ParseIso("2026-13-01T00:00").ok());
}

}  // namespace
}  // namespace kira
