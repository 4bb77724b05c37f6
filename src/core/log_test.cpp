// Log masking (personal data) and the per-key rate limiter (issue 10, F13).
#include "core/log.h"

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

namespace kira::log {
namespace {

using namespace std::chrono_literals;

TEST(LogMask, PhonesKeepCountryOperatorAndLastFour) {
  EXPECT_EQ(MaskPhone("+79161234567"), "+7916***4567");
  EXPECT_EQ(MaskPhone("+7 (916) 123-45-67"), "+7 (916) ***-45-67");
  EXPECT_EQ(MaskPhone("1234567"), "*****67");
  EXPECT_EQ(MaskPhone("101"), "***");
  EXPECT_EQ(MaskPhone(""), "");
}

TEST(LogMask, RedactFindsNumbersAndMailsInText) {
  EXPECT_EQ(Redact("call +7 916 123-45-67 now"), "call +7 916 ***-45-67 now");
  EXPECT_EQ(Redact("from 89161234567, local 1234567"), "from 8916***4567, local *****67");
  EXPECT_EQ(Redact("mail ivan@example.com"), "mail ****@example.com");
  EXPECT_EQ(Redact("60x60 price 1250"), "60x60 price 1250");
  EXPECT_EQ(Redact("REFER to sip:+79161234567@pbx"), "REFER to sip:************@pbx");
}

TEST(LogMask, NamesKeepInitials) {
  EXPECT_EQ(MaskName("Иван Петров"), "И*** П***");
  EXPECT_EQ(MaskName("Anna-Maria"), "A***-M***");
  EXPECT_EQ(MaskName(""), "");
}

TEST(LogMask, ClearOnlyAtDebugLevel) {
  const Level saved = GetLevel();
  SetLevel(Level::kInfo);
  EXPECT_EQ(Phone("+79161234567"), "+7916***4567");
  EXPECT_EQ(Name("Иван"), "И***");
  EXPECT_EQ(Pii("call me at +79161234567"), "call me at +7916***4567");
  SetLevel(Level::kDebug);
  EXPECT_EQ(Phone("+79161234567"), "+79161234567");
  EXPECT_EQ(Name("Иван"), "Иван");
  EXPECT_EQ(Pii("call me at +79161234567"), "call me at +79161234567");
  SetLevel(saved);
}

TEST(LogRateLimiter, BurstThenSteadyRateThenReportsDrops) {
  RateLimiter rl(RateLimit{.burst = 3, .per_minute = 60});
  auto t = RateLimiter::Clock::time_point{} + 1h;
  int64_t dropped = 0;
  int allowed = 0;
  for (int i = 0; i < 1000; ++i) allowed += rl.Allow("decode", t, &dropped);
  EXPECT_EQ(allowed, 3);
  EXPECT_EQ(rl.total_suppressed(), 997);
  // Other kinds have their own bucket.
  EXPECT_TRUE(rl.Allow("other kind", t, &dropped));
  // One token per second at 60/min; the next line carries the drop count.
  t += 1s;
  EXPECT_TRUE(rl.Allow("decode", t, &dropped));
  EXPECT_EQ(dropped, 997);
  EXPECT_FALSE(rl.Allow("decode", t, &dropped));
  auto pending = rl.TakeSuppressed();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending["decode"], 1);
  EXPECT_TRUE(rl.TakeSuppressed().empty());
}

TEST(LogRateLimiter, KeysAreBounded) {
  RateLimiter rl(RateLimit{.burst = 1, .per_minute = 1}, 4);
  auto t = RateLimiter::Clock::time_point{} + 1h;
  int64_t dropped = 0;
  int allowed = 0;
  for (int i = 0; i < 100; ++i) allowed += rl.Allow("key " + std::to_string(i), t, &dropped);
  EXPECT_EQ(allowed, 5);  // four keys and the shared "(other)" bucket
}

TEST(LogLimited, FloodGivesBoundedLinesAndASummary) {
  std::mutex mu;
  std::vector<std::string> lines;
  SetSink([&](Level, std::string_view, std::string_view m) {
    std::lock_guard<std::mutex> l(mu);
    lines.emplace_back(m);
  });
  const int64_t before = SuppressedTotal();
  for (int i = 0; i < 10000; ++i) Limited(Level::kWarn, "test", "test flood", "bad datagram");
  EXPECT_LE(lines.size(), 6u);
  EXPECT_GE(SuppressedTotal() - before, 9994);
  EXPECT_GE(FlushSuppressed(), 1);
  SetSink(nullptr);
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines.back().find("test flood: "), std::string::npos);
  EXPECT_NE(lines.back().find("more suppressed"), std::string::npos);
}

}  // namespace
}  // namespace kira::log
