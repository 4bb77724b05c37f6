// Helpers shared by the dialer's tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "core/clock.h"

namespace kira::dialer::testing {

inline int64_t Sec(const std::string& iso) {
  auto t = ParseIso(iso);
  EXPECT_TRUE(t.ok()) << iso;
  return t.ok() ? ToUnixMillis(*t) / 1000 : 0;
}
inline int64_t Ms(const std::string& iso) { return Sec(iso) * 1000; }
inline std::string Iso(int64_t ms) { return FormatIsoUtc(FromUnixMillis(ms)); }

}  // namespace kira::dialer::testing
