#include <CLI/CLI.hpp>
#include <cstdio>

#include "app/command.h"

namespace kira::app {
namespace {
void RegisterVersion(CLI::App& app, AppOptions& opts) {
  auto* c = app.add_subcommand("version", "Print the version");
  c->callback([] { std::printf("kira %s\n", KIRA_VERSION); });
}
KIRA_COMMAND(RegisterVersion);
}  // namespace
}  // namespace kira::app
