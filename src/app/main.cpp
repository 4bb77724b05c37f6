// kira: the one binary. Commands register themselves (command.h); this file only parses.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "app/command.h"
#include "core/log.h"

namespace kira::app {
std::vector<Registrar>& Registry() {
  static std::vector<Registrar> r;
  return r;
}
}  // namespace kira::app

int main(int argc, char** argv) {
  using namespace kira::app;
  CLI::App app{"Kira — an AI phone operator for small businesses"};
  AppOptions opts;
  app.add_option("--data", opts.data_dir, "Data directory (database, recordings)")
      ->capture_default_str();
  app.add_option("--business", opts.business, "Business profile YAML (default: the demo shop)");
  app.add_flag("-v,--verbose", opts.verbose, "Debug logging");
  app.require_subcommand(1);
  app.fallthrough();
  for (Registrar r : Registry()) r(app, opts);
  app.parse_complete_callback([&] {
    kira::log::SetLevel(opts.verbose ? kira::log::Level::kDebug : kira::log::Level::kWarn);
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return opts.exit_code;
}
