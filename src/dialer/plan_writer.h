// PlanWriter: prints a dry-run plan (planner.h Plan()) for `kira dialer plan`, as text for people
// or as one JSON object per line for tools:
//   {"task_id":7,"lead_id":3,"phone":"+74951234567","decision":"wait","reason":"window",
//    "next_allowed":"2026-12-01T06:00:00Z","zones":["Europe/Moscow"],"zone_source":"area_code",
//    "consent_required":true,"attempts":0,"trunk":null,"caller_id":null}
// decision: dial | wait | close; reason: ReasonName(); next_allowed: ISO UTC or null (none);
// zone_source: lead | area_code | country, or null for a bad number; trunk is set for dial
// decisions, caller_id too when one is configured. The full number is printed: this is the
// operator's output, not a log.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "dialer/planner.h"

namespace kira::dialer {

class PlanWriter {
 public:
  PlanWriter(const ZoneDb& db, const DialerConfig& cfg, bool json)
      : db_(db), cfg_(cfg), json_(json) {}

  // Appends the entry's line (with '\n') to *out.
  void Append(const PlanEntry& e, std::string* out);
  // "plan at 2026-12-01T06:00:00Z: 3 open task(s): 1 dial, 2 wait, 0 close\n"
  std::string Summary(int64_t at_ms) const;

 private:
  const std::string& ZonesJson(ZoneSetId id);
  const std::string& ZoneNames(ZoneSetId id);

  const ZoneDb& db_;
  const DialerConfig& cfg_;
  bool json_;
  int64_t counts_[3] = {0, 0, 0};
  std::unordered_map<ZoneSetId, std::string> zone_json_;   // formatted once per zone set
  std::unordered_map<ZoneSetId, std::string> zone_names_;  // the same for the text form
};

// Appends s as a JSON string literal.
void AppendJsonString(const std::string& s, std::string* out);

}  // namespace kira::dialer
