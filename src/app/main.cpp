// kira: the one binary. Commands register themselves (command.h); this file only parses.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <string>

#include "app/command.h"
#include "core/log.h"

namespace kira::app {
std::vector<Registrar>& Registry() {
  static std::vector<Registrar> r;
  return r;
}
}  // namespace kira::app

namespace {

// `kira`, `kira help`: the subcommands with one line each.
void PrintCommands(const CLI::App& app) {
  std::printf("%s\n\nUsage: kira [--data DIR] [--business FILE] COMMAND [ARGS]\n\nCommands:\n",
              app.get_description().c_str());
  auto subs = app.get_subcommands([](const CLI::App*) { return true; });
  size_t width = 0;
  for (const CLI::App* s : subs) width = std::max(width, s->get_name().size());
  for (const CLI::App* s : subs)
    std::printf("  %-*s  %s\n", static_cast<int>(width), s->get_name().c_str(),
                s->get_description().c_str());
  std::printf("\n`kira help COMMAND` (or `kira COMMAND --help`) shows a command's options.\n");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace kira::app;
  CLI::App app{"Kira — an AI phone operator for small businesses"};
  AppOptions opts;
  app.add_option("--data", opts.data_dir, "Data directory (database, recordings)")
      ->capture_default_str();
  app.add_option("--db", opts.db,
                 "The database: a SQLite file (default: DATA/kira.db), or postgres://… to keep "
                 "the CRM (leads, conversations, orders, tasks, do-not-call) and the workspace's "
                 "users and sessions in PostgreSQL");
  app.add_option("--business", opts.business, "Business profile YAML (default: the demo shop)");
  app.add_flag("-v,--verbose", opts.verbose,
               "Debug logging (shows callers' numbers, names and words in clear)");
  // Below debug, phone numbers, names and transcripts in log lines are masked (core/log.h).
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "Lowest level logged: debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
      ->capture_default_str();
  app.set_version_flag("--version", "kira " KIRA_VERSION);
  app.require_subcommand(0, 1);
  app.fallthrough();
  for (Registrar r : Registry()) r(app, opts);
  std::string help_topic;
  auto* help = app.add_subcommand("help", "List the commands, or show one command's options");
  help->add_option("command", help_topic, "A command name");
  help->callback([&] {
    if (help_topic.empty()) return PrintCommands(app);
    const CLI::App* sub = nullptr;
    try {
      sub = app.get_subcommand(help_topic);
    } catch (const CLI::OptionNotFound&) {
    }
    if (!sub) {
      std::fprintf(stderr, "kira: no command '%s'\n", help_topic.c_str());
      opts.exit_code = 2;
      return;
    }
    std::printf("%s", sub->help().c_str());
  });
  app.parse_complete_callback([&] {
    using kira::log::Level;
    const Level level = log_level == "debug"  ? Level::kDebug
                        : log_level == "info" ? Level::kInfo
                        : log_level == "warn" ? Level::kWarn
                                              : Level::kError;
    kira::log::SetLevel(opts.verbose ? Level::kDebug : level);
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (app.get_subcommands().empty()) PrintCommands(app);
  return opts.exit_code;
}
