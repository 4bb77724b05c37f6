// UTC offsets of an IANA time zone, read from the system's zoneinfo (TZif) file, so the
// dashboard can bucket requests by the shop's local day and hour without touching the
// process-wide TZ. Instants after the file's last transition use the last offset (exact for
// zones without daylight saving, e.g. all of Russia).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace kira::web {

class TimeZone {
 public:
  static TimeZone Utc() { return TimeZone(); }
  // "Europe/Moscow" → offsets from /usr/share/zoneinfo (or $TZDIR).
  static Result<TimeZone> Load(const std::string& name);
  int64_t OffsetSeconds(int64_t utc_seconds) const;
  int64_t ToLocalMs(int64_t utc_ms) const { return utc_ms + OffsetSeconds(utc_ms / 1000) * 1000; }
  // Instants (UTC seconds) in (from, to) where the offset changes.
  std::vector<int64_t> TransitionsBetween(int64_t from_s, int64_t to_s) const;

 private:
  std::vector<int64_t> times_;    // transition instants (UTC seconds), ascending
  std::vector<int32_t> offsets_;  // offset in effect from times_[i]
  int32_t initial_ = 0;           // before the first transition
};

}  // namespace kira::web
