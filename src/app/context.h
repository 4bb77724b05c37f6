// Shared start-up for commands: resolving the data dir and the business profile path.
#pragma once

#include <string>

#include "app/command.h"
#include "core/status.h"

namespace kira::app {

// The demo shop's directory (compiled in), used when --business is not given.
std::string DemoDir();
// --business, or the demo profile.
std::string BusinessPath(const AppOptions& o);
// Creates the data dir if needed; returns the database path inside it.
Result<std::string> DatabasePath(const AppOptions& o);
// Prints "kira: <message>" to stderr and returns the exit code for a failed status.
int Fail(const Status& s);

}  // namespace kira::app
