// The `kira` command line: each command group lives in its own cmd_*.cpp and registers itself
// with KIRA_COMMAND, so layers add commands without touching main.cpp.
//
//   static void RegisterChat(CLI::App& app, AppOptions& opts) {
//     auto* c = app.add_subcommand("chat", "Talk to an agent in text");
//     c->callback([&opts] { ... });
//   }
//   KIRA_COMMAND(RegisterChat);
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace kira::app {

// Options every command takes.
struct AppOptions {
  std::string data_dir = "./kira-data";  // SQLite database, recordings, models
  std::string business;                  // profile YAML; "" = the demo shop's
  // --db: "" = data_dir/kira.db; a file path = that SQLite file; postgres://… = the CRM and
  // the workspace (users, sessions, webhooks) on PostgreSQL; the catalog stays in
  // data_dir/kira.db for now.
  std::string db;
  bool verbose = false;
  int exit_code = 0;  // set by a command's callback
};

using Registrar = void (*)(CLI::App&, AppOptions&);
std::vector<Registrar>& Registry();

struct AutoRegister {
  explicit AutoRegister(Registrar r) { Registry().push_back(r); }
};

}  // namespace kira::app

#define KIRA_COMMAND_CAT2(a, b) a##b
#define KIRA_COMMAND_CAT(a, b) KIRA_COMMAND_CAT2(a, b)
#define KIRA_COMMAND(fn) static ::kira::app::AutoRegister KIRA_COMMAND_CAT(kira_cmd_, __LINE__)(&fn)
