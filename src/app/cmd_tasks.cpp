// `kira tasks [--json] [--status S]` lists tasks; `kira tasks assign --lead ID --agent vera
// [--note TEXT] [--not-before TIME] [--deadline TIME] [--timezone ZONE]` creates a call task for
// a lead (phone and time zone from the lead's contact; --timezone sets the callee's IANA zone
// when the manager knows it) and prints its id. Without a zone the dialer derives the zone(s)
// from the number.
//
// --json prints one JSON array of tasks in the crm/json.h shape (as `kira leads --json`).
// TIME is ISO 8601: "2026-12-01T10:00:00Z" or with an offset "2026-12-01T13:00+03:00";
// without a zone it is read as UTC.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "app/command.h"
#include "app/context.h"
#include "core/clock.h"
#include "crm/crm_store.h"
#include "crm/json.h"
#include "leads/lead_service.h"

namespace kira::app {
namespace {

struct ListArgs {
  bool json = false;
  std::string status;
};

struct AssignArgs {
  int64_t lead = 0;
  std::string agent = "vera";
  std::string note;
  std::string not_before;
  std::string deadline;
  std::string timezone;
};

Result<std::unique_ptr<crm::CrmStore>> OpenStore(const AppOptions& o) { return OpenCrm(o); }

std::string IsoOrDash(int64_t ms) { return ms ? FormatIsoUtc(FromUnixMillis(ms)) : "-"; }

int List(const AppOptions& o, const ListArgs& a) {
  auto store = OpenStore(o);
  if (!store.ok()) return Fail(store.status());
  std::optional<crm::TaskStatus> status;
  if (!a.status.empty()) {
    auto s = crm::ParseNamed(crm::kTaskStatusTable, a.status, "--status");
    if (!s.ok()) return Fail(s.status());
    status = *s;
  }
  auto tasks = (*store)->ListTasks(status);
  if (!tasks.ok()) return Fail(tasks.status());
  if (a.json) {
    std::string out =
        nlohmann::json(*tasks).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    std::printf("%s\n", out.c_str());
    return 0;
  }
  for (const crm::Task& t : *tasks) {
    std::printf("%-6lld %-11s %-15s %-5s %-16s not_before %-20s attempts %d%s%s\n",
                static_cast<long long>(t.id), std::string(crm::Name(t.status)).c_str(),
                std::string(crm::Name(t.kind)).c_str(), t.agent.empty() ? "-" : t.agent.c_str(),
                t.phone.c_str(), IsoOrDash(t.not_before).c_str(), t.attempts,
                t.last_result.empty() ? "" : "  last ", t.last_result.c_str());
  }
  if (tasks->empty()) std::printf("no tasks\n");
  return 0;
}

Result<int64_t> ParseTime(const std::string& flag, const std::string& s) {
  if (s.empty()) return int64_t{0};
  auto t = ParseIso(s);
  if (!t.ok()) return t.status().WithContext(flag);
  return ToUnixMillis(*t);
}

// Vera's call goes through the lead service's SendToVera (as `kira leads vera` and the web),
// a manager's callback through AssignCallback: the same checks and audit entries.
int Assign(const AppOptions& o, const AssignArgs& a) {
  leads::CallRequest r;
  auto nb = ParseTime("--not-before", a.not_before);
  if (!nb.ok()) return Fail(nb.status());
  auto dl = ParseTime("--deadline", a.deadline);
  if (!dl.ok()) return Fail(dl.status());
  r.not_before = *nb;
  r.deadline = *dl;
  r.note = a.note;
  r.timezone = a.timezone;
  auto store = OpenStore(o);
  if (!store.ok()) return Fail(store.status());
  leads::LeadService svc(**store, Clock::System());
  int64_t id = 0;
  if (a.agent == "vera") {
    auto v = svc.SendToVera(a.lead, r, leads::Actor::Cli());
    if (!v.ok()) return Fail(v.status());
    id = v->task.id;
  } else {
    auto t = svc.AssignCallback(a.lead, r, leads::Actor::Cli());
    if (!t.ok()) return Fail(t.status());
    id = t->id;
  }
  std::printf("%lld\n", static_cast<long long>(id));
  return 0;
}

void RegisterTasks(CLI::App& app, AppOptions& opts) {
  auto* la = new ListArgs;
  auto* tasks = app.add_subcommand("tasks", "List call tasks, or assign one (tasks assign)");
  tasks->add_flag("--json", la->json, "Print a JSON array");
  tasks->add_option("--status", la->status, "open, in_progress, done, cancelled, failed");
  auto* aa = new AssignArgs;
  auto* assign = tasks->add_subcommand("assign", "Create a call task for a lead; prints its id");
  assign->add_option("--lead", aa->lead, "Lead id")->required();
  assign->add_option("--agent", aa->agent, "vera (the outbound agent) or manager")
      ->check(CLI::IsMember({"vera", "manager"}))
      ->capture_default_str();
  assign->add_option("--note", aa->note, "What the call is about");
  assign->add_option(
      "--not-before", aa->not_before,
      "Earliest time (the lead's preferred time), ISO 8601, e.g. 2026-12-01T10:00+03:00");
  assign->add_option("--deadline", aa->deadline, "Give up after this time, ISO 8601");
  assign->add_option("--timezone", aa->timezone, "The callee's IANA zone, e.g. Asia/Novosibirsk");
  assign->callback([&opts, aa] { opts.exit_code = Assign(opts, *aa); });
  tasks->callback([&opts, la, tasks] {
    if (tasks->get_subcommands().empty()) opts.exit_code = List(opts, *la);
  });
}
KIRA_COMMAND(RegisterTasks);

}  // namespace
}  // namespace kira::app
