// The closed list of conversation outcomes and non-targeted reasons. Other tools (the web
// workspace, the dialer, shops' own CRMs via webhooks) rely on these exact strings.
#pragma once

#include <string_view>

namespace kira::crm {

inline constexpr std::string_view kOutcomes[] = {
    "order_placed", "qualified", "non_targeted", "info_only", "callback_scheduled", "transferred",
    "abusive", "prank", "fraud_suspected", "opt_out", "wrong_number", "refused", "secretary",
    "voicemail", "no_answer",
    // A conversation cut off (the process died, the session was lost) and ended afterwards by
    // the recovery pass (dialog/recovery.h).
    "interrupted"};

inline constexpr std::string_view kNonTargetedReasons[] = {
    "discontinued", "out_of_stock", "not_sold", "small_quantity", "unclear", "other"};

inline bool IsOutcome(std::string_view s) {
  for (auto o : kOutcomes)
    if (o == s) return true;
  return false;
}

inline bool IsNonTargetedReason(std::string_view s) {
  for (auto o : kNonTargetedReasons)
    if (o == s) return true;
  return false;
}

}  // namespace kira::crm
