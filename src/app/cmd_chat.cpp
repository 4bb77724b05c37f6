// `kira chat`: a conversation on stdin/stdout, one caller utterance per line; EOF means the
// caller hung up; the agent speaks first. With --json, one JSON object per line:
// {"type":"agent","text":...}, {"type":"listen"}, and at the end {"type":"end",...}.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "app/command.h"
#include "app/context.h"
#include "app/runtime.h"
#include "crm/phone.h"

namespace kira::app {
namespace {

struct ChatArgs {
  std::string agent = "kira";
  std::string caller;
  std::string lang;
  int64_t task = 0;
  bool json = false;
};

void Emit(const nlohmann::json& j) {
  std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  std::cout.flush();
}

void Print(const dialog::Reply& r, bool json) {
  for (const auto& s : r.say) {
    if (json)
      Emit({{"type", "agent"}, {"text", s}});
    else
      std::cout << "kira> " << s << "\n";
  }
  if (json && !r.transfer_to.empty()) Emit({{"type", "transfer"}, {"to", r.transfer_to}});
  std::cout.flush();
}

int RunChat(const AppOptions& o, const ChatArgs& a) {
  auto rt = OpenRuntime(o);
  if (!rt.ok()) return Fail(rt.status());
  dialog::SessionParams p;
  p.agent = a.task > 0 && a.agent == "kira" ? "vera" : a.agent;
  if (!a.caller.empty()) {  // stored in E.164, like every number that enters
    auto e164 = crm::ToE164(a.caller);
    if (!e164.ok()) return Fail(e164.status().WithContext("--caller"));
    p.caller = *e164;
  }
  p.language = a.lang;
  p.channel = "chat";
  p.task_id = a.task;
  auto s = (*rt)->engine->NewSession(p);
  if (!s.ok()) return Fail(s.status());
  dialog::DialogSession& session = **s;
  Print(session.Start(), a.json);
  std::string line;
  while (!session.ended()) {
    if (a.json)
      Emit({{"type", "listen"}});
    else
      std::cout << "you> " << std::flush;
    if (!std::getline(std::cin, line)) break;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    Print(session.OnCallerText(line), a.json);
  }
  dialog::EndInfo e = session.Finish();
  const std::string outcome(crm::OptionalName(e.outcome)), reason(crm::OptionalName(e.reason));
  if (a.json) {
    nlohmann::json j = {{"type", "end"},        {"outcome", outcome},
                        {"reason", reason},     {"lead_id", e.lead_id},
                        {"summary", e.summary}, {"conversation_id", e.conversation_id}};
    j["order_id"] = e.order_id ? nlohmann::json(e.order_id) : nlohmann::json(nullptr);
    j["task_id"] = e.task_id ? nlohmann::json(e.task_id) : nlohmann::json(nullptr);
    Emit(j);
  } else {
    std::cout << "\n[" << outcome << (reason.empty() ? "" : "/" + reason) << "] " << e.summary
              << " (lead " << e.lead_id << ")\n";
  }
  return 0;
}

void RegisterChat(CLI::App& app, AppOptions& opts) {
  auto* a = new ChatArgs;  // lives for the process
  auto* c = app.add_subcommand("chat", "Talk to an agent in text (stdin/stdout)");
  c->add_option("--agent", a->agent, "Agent: kira (inbound) or vera (outbound callback)")
      ->capture_default_str();
  c->add_option("--caller", a->caller, "The caller's phone number, e.g. +79161234567");
  c->add_option("--lang", a->lang, "Language ru|en (default: the profile's)");
  c->add_option("--task", a->task, "Run Vera's conversation for this task id");
  c->add_flag("--json", a->json, "One JSON object per line");
  c->callback([&opts, a] { opts.exit_code = RunChat(opts, *a); });
}
KIRA_COMMAND(RegisterChat);

}  // namespace
}  // namespace kira::app
