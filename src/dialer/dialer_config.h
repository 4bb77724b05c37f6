// DialerConfig: the outbound dialer's settings (retries, limits, caller ID, trunks). The calling
// window itself comes from the business profile (`calling_window`); everything else from an
// optional `dialer.yaml` the operator edits:
//
//   caller_id: "+74951234567"      # shown to callees unless a trunk overrides it
//   max_concurrent: 200            # calls in progress at once, all trunks together
//   calls_per_second: 200          # token bucket rate ...
//   burst: 20                      # ... and depth
//   max_attempts: 4                # first call + 3 retries, then the task ends `no_answer`
//   retry_delays: [15m, 1h, 3h]    # after attempt 1, 2, 3+ (busy / no answer / failed)
//   horizon_days: 35               # how far ahead window schedules are precomputed
//   default_region: RU             # how to read numbers written without "+"
//   trunks:
//     - {name: main, max_concurrent: 120, caller_id: "+74951234567"}
//
// Unknown keys and wrong types are errors that name the key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "business/profile.h"
#include "core/status.h"

namespace kira::dialer {

struct TrunkConfig {
  std::string name = "default";
  int max_concurrent = 200;
  std::string caller_id;  // "" = the global caller_id
};

struct DialerConfig {
  business::CallingWindow window;  // from the profile
  std::string caller_id;
  int max_concurrent = 200;
  double calls_per_second = 200;
  int burst = 20;
  int max_attempts = 4;
  std::vector<int64_t> retry_delays_ms{15 * 60 * 1000, 60 * 60 * 1000, 3 * 60 * 60 * 1000};
  int horizon_days = 35;
  std::string default_region = "RU";
  std::vector<TrunkConfig> trunks{TrunkConfig{}};

  // The wait after `attempts` failed attempts (1-based): the last delay repeats.
  int64_t RetryDelayMs(int attempts) const;
  Status Validate() const;
};

// Parses dialer.yaml text over the defaults in `base` (keep the profile's window there).
Result<DialerConfig> ParseDialerConfig(const std::string& yaml_text, const std::string& name,
                                       DialerConfig base = {});
Result<DialerConfig> LoadDialerConfig(const std::string& path, DialerConfig base = {});

// "15m", "1h", "90s", "2h30m", "1d" → milliseconds; false on anything else.
bool ParseDuration(const std::string& s, int64_t* ms);

}  // namespace kira::dialer
