#include "core/defaults.h"

#include <cstdlib>

namespace kira {

std::string DefaultsDir() {
  if (const char* env = std::getenv("KIRA_DEFAULTS_DIR"); env && *env) return env;
  return KIRA_DEFAULTS_DIR;
}

}  // namespace kira
