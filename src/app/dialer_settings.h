// Where the dialer's settings come from, for `kira dialer plan` and `kira serve` alike: --config,
// else dialer.yaml in the data dir, else beside the profile, else the defaults
// (dialer/dialer_config.h); the calling window is always the profile's.
#pragma once

#include <string>

#include "app/command.h"
#include "business/profile.h"
#include "core/status.h"
#include "dialer/dialer_config.h"

namespace kira::app {

Result<dialer::DialerConfig> LoadDialerSettings(const AppOptions& o,
                                                const business::Profile& profile,
                                                const std::string& explicit_path);

}  // namespace kira::app
