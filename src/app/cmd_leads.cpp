// The lead actions, a contract other tools use:
//   kira leads take ID --as NAME                 (assigns the lead to manager NAME)
//   kira leads vera ID [--note T] [--not-before TIME] [--deadline TIME] [--timezone ZONE]
//   kira leads close ID --reason R               (sold, not_targeted, duplicate, no_contact, ...)
//   kira leads approve ID                        (accepts Vera's finished call)
// --as NAME acts as that manager (the audit log says user:NAME, as for the web); without it the
// actor is "cli". --json prints {"lead": ...} (vera: {"task": ..., "lead": ...}) in the
// crm/json.h shape; otherwise one line. Errors: "kira: <message>" on stderr, the same message
// the web workspace answers, exit 2 for a bad argument, 3 for an unknown lead, 1 for a conflict.
#include "app/cmd_leads.h"

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

struct ActionArgs {
  int64_t lead = 0;
  std::string as;
  bool json = false;
  std::string reason;
  std::string note, not_before, deadline, timezone;
};

Result<int64_t> ParseTime(const std::string& flag, const std::string& s) {
  if (s.empty()) return int64_t{0};
  auto t = ParseIso(s);
  if (!t.ok()) return t.status().WithContext(flag);
  return ToUnixMillis(*t);
}

leads::Actor ActorOf(const ActionArgs& a) {
  return a.as.empty() ? leads::Actor::Cli() : leads::Actor::User(a.as);
}

// Opens the store and runs `op` on a lead service over it; prints what `op` returns.
template <typename Op>
int Run(const AppOptions& o, const ActionArgs& a, Op op) {
  auto store = OpenCrm(o);
  if (!store.ok()) return Fail(store.status());
  leads::LeadService svc(**store, Clock::System());
  Result<nlohmann::json> out = op(svc);
  if (!out.ok()) return Fail(out.status());
  if (a.json) {
    std::printf("%s\n", out->dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    const auto& l = (*out)["lead"];
    std::printf("lead %lld: %s%s%s\n", static_cast<long long>(a.lead),
                l["status"].get<std::string>().c_str(),
                l["assigned_to"].get<std::string>().empty() ? "" : ", manager ",
                l["assigned_to"].get<std::string>().c_str());
    if (out->contains("task"))
      std::printf("task %lld\n", static_cast<long long>((*out)["task"]["id"].get<int64_t>()));
  }
  return 0;
}

Result<nlohmann::json> LeadJson(Result<crm::Lead> l) {
  if (!l.ok()) return l.status();
  return nlohmann::json{{"lead", *l}};
}

}  // namespace

void RegisterLeadActions(CLI::App& leads, AppOptions& opts) {
  auto* a = new ActionArgs;
  auto add = [&](const char* name, const char* help) {
    auto* c = leads.add_subcommand(name, help);
    c->add_option("ID", a->lead, "Lead id")->required();
    c->add_option("--as", a->as, "Act as this manager (user name)");
    c->add_flag("--json", a->json, "Print the result as JSON");
    return c;
  };
  add("take", "Assign the lead to a manager (--as NAME)")->callback([&opts, a] {
    opts.exit_code = Run(
        opts, *a, [&](leads::LeadService& s) { return LeadJson(s.Take(a->lead, ActorOf(*a))); });
  });
  auto* vera = add("vera", "Send Vera to call the lead back; prints the task id");
  vera->add_option("--note", a->note, "What Vera should offer");
  vera->add_option("--not-before", a->not_before,
                   "Earliest time (the lead's preferred time), ISO 8601");
  vera->add_option("--deadline", a->deadline, "Give up after this time, ISO 8601");
  vera->add_option("--timezone", a->timezone, "The callee's IANA zone, e.g. Asia/Novosibirsk");
  vera->callback([&opts, a] {
    opts.exit_code = Run(opts, *a, [&](leads::LeadService& s) -> Result<nlohmann::json> {
      leads::CallRequest r;
      r.note = a->note;
      r.timezone = a->timezone;
      KIRA_ASSIGN_OR_RETURN(r.not_before, ParseTime("--not-before", a->not_before));
      KIRA_ASSIGN_OR_RETURN(r.deadline, ParseTime("--deadline", a->deadline));
      KIRA_ASSIGN_OR_RETURN(auto v, s.SendToVera(a->lead, r, ActorOf(*a)));
      return nlohmann::json{{"task", v.task}, {"lead", v.lead}};
    });
  });
  auto* close = add("close", "Close the lead with a reason");
  close
      ->add_option("--reason", a->reason,
                   "sold, not_targeted, duplicate, no_contact, spam or other")
      ->required();
  close->callback([&opts, a] {
    opts.exit_code = Run(opts, *a, [&](leads::LeadService& s) {
      return LeadJson(s.Close(a->lead, a->reason, ActorOf(*a)));
    });
  });
  add("approve", "Accept Vera's finished call: the lead is closed with her result")
      ->callback([&opts, a] {
        opts.exit_code = Run(opts, *a, [&](leads::LeadService& s) {
          return LeadJson(s.Approve(a->lead, ActorOf(*a)));
        });
      });
}

}  // namespace kira::app
