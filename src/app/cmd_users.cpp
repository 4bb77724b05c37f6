// `kira users add NAME [--role admin|manager] [--password-stdin]` creates a workspace user
// (the first admin comes from here); `kira users passwd NAME [--password-stdin]` sets a new
// password (ending that user's sessions); `kira users list [--json]`.
// Without --password-stdin the password is asked twice on the terminal, without echo.
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/command.h"
#include "app/context.h"
#include "crm/workspace_store.h"
#include "web/auth.h"

namespace kira::app {
namespace {

struct UserArgs {
  std::string name;
  std::string role = "manager";
  bool password_stdin = false;
  bool json = false;
};

// One line from stdin, without the trailing newline (and '\r').
Result<std::string> ReadLine() {
  std::string line;
  if (!std::getline(std::cin, line)) return Status::Invalid("no password on standard input");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

Result<std::string> Prompt(const char* text) {
  std::fprintf(stderr, "%s", text);
  std::fflush(stderr);
  termios old{};
  bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  auto line = ReadLine();
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fprintf(stderr, "\n");
  }
  return line;
}

Result<std::string> GetPassword(bool from_stdin) {
  if (from_stdin) return ReadLine();
  KIRA_ASSIGN_OR_RETURN(std::string a, Prompt("Password: "));
  KIRA_ASSIGN_OR_RETURN(std::string b, Prompt("Repeat password: "));
  if (a != b) return Status::Invalid("the passwords do not match");
  return a;
}

// The accounts of the workspace: its store, and the Auth that checks and hashes over it.
struct Accounts {
  std::unique_ptr<crm::WorkspaceStore> store;
  std::unique_ptr<web::Auth> auth;
  web::Auth* operator->() { return auth.get(); }
};

Result<Accounts> OpenAuth(const AppOptions& o) {
  Accounts a;
  KIRA_ASSIGN_OR_RETURN(a.store, OpenWorkspace(o));
  KIRA_ASSIGN_OR_RETURN(a.auth, web::Auth::Open(*a.store, Clock::System()));
  return a;
}

int Add(const AppOptions& o, const UserArgs& a) {
  if (Status s = web::ValidateUserName(a.name); !s.ok()) return Fail(s);
  if (!web::IsValidRole(a.role))
    return Fail(Status::Invalid("role '" + a.role + "' is not one of: admin, manager"));
  auto auth = OpenAuth(o);
  if (!auth.ok()) return Fail(auth.status());
  auto password = GetPassword(a.password_stdin);
  if (!password.ok()) return Fail(password.status());
  auto u = (*auth)->AddUser(a.name, a.role, *password);
  if (!u.ok()) return Fail(u.status());
  std::printf("user %s (%s) created\n", u->name.c_str(), u->role.c_str());
  return 0;
}

int Passwd(const AppOptions& o, const UserArgs& a) {
  auto auth = OpenAuth(o);
  if (!auth.ok()) return Fail(auth.status());
  if (auto u = (*auth)->FindUser(a.name); !u.ok()) return Fail(u.status());
  auto password = GetPassword(a.password_stdin);
  if (!password.ok()) return Fail(password.status());
  if (Status s = (*auth)->SetPassword(a.name, *password); !s.ok()) return Fail(s);
  std::printf("password of %s changed; their sessions were ended\n", a.name.c_str());
  return 0;
}

int List(const AppOptions& o, const UserArgs& a) {
  auto auth = OpenAuth(o);
  if (!auth.ok()) return Fail(auth.status());
  auto users = (*auth)->ListUsers();
  if (!users.ok()) return Fail(users.status());
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& u : *users)
      out.push_back(
          {{"id", u.id}, {"name", u.name}, {"role", u.role}, {"created_at", u.created_at}});
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  for (const auto& u : *users) std::printf("%-24s %s\n", u.name.c_str(), u.role.c_str());
  return 0;
}

void RegisterUsers(CLI::App& app, AppOptions& opts) {
  auto* users = app.add_subcommand("users", "Workspace users (kira serve)");
  users->require_subcommand(1);
  static UserArgs args;
  auto* add = users->add_subcommand("add", "Create a user");
  add->add_option("name", args.name, "User name")->required();
  add->add_option("--role", args.role, "admin or manager")->capture_default_str();
  add->add_flag("--password-stdin", args.password_stdin, "Read the password from stdin");
  add->callback([&opts] { opts.exit_code = Add(opts, args); });
  auto* passwd = users->add_subcommand("passwd", "Set a user's password");
  passwd->add_option("name", args.name, "User name")->required();
  passwd->add_flag("--password-stdin", args.password_stdin, "Read the password from stdin");
  passwd->callback([&opts] { opts.exit_code = Passwd(opts, args); });
  auto* list = users->add_subcommand("list", "List users");
  list->add_flag("--json", args.json, "JSON output");
  list->callback([&opts] { opts.exit_code = List(opts, args); });
}
KIRA_COMMAND(RegisterUsers);

}  // namespace
}  // namespace kira::app
