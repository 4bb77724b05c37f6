#include "app/dialer_settings.h"

#include <filesystem>

namespace kira::app {

Result<dialer::DialerConfig> LoadDialerSettings(const AppOptions& o,
                                                const business::Profile& profile,
                                                const std::string& explicit_path) {
  dialer::DialerConfig base;
  base.window = profile.calling_window;
  if (!explicit_path.empty()) return dialer::LoadDialerConfig(explicit_path, base);
  for (const std::string& dir : {o.data_dir, profile.dir}) {
    std::string p = dir + "/dialer.yaml";
    std::error_code ec;
    if (!dir.empty() && std::filesystem::exists(p, ec)) return dialer::LoadDialerConfig(p, base);
  }
  KIRA_RETURN_IF_ERROR(base.Validate());
  return base;
}

}  // namespace kira::app
