// CRM commands, a contract other tools use:
//   kira leads [--json] [--limit N] [--outcome X] [--channel C] [--status S]
//   kira leads take|vera|close|approve ID ...  (cmd_leads.cpp)
//   kira orders [--json]                       (with their lines)
//   kira orders status ID STATUS               (cmd_orders.cpp)
//   kira dnc [--json]                          (the do-not-call list)
//   kira dnc add PHONE [--reason R]
//   kira dnc remove PHONE
//   kira dnc import FILE [--reason R]          (one number per line or CSV; all-or-nothing)
// --json prints one JSON document: an array of records in the crm/json.h shape (leads also
// carry their contact's "phone"). Changes to the do-not-call list go to the audit log.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "app/cmd_leads.h"
#include "app/command.h"
#include "app/context.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/text.h"
#include "crm/crm_store.h"
#include "crm/dnc_list.h"
#include "crm/json.h"
#include "leads/lead_service.h"

namespace kira::app {
namespace {

using nlohmann::json;

struct LeadsArgs {
  bool json = false;
  int limit = 50;
  std::string outcome, channel, status;
};

struct DncArgs {
  bool json = false;
  std::string phone;
  std::string reason;
  std::string file;
};

Result<std::unique_ptr<crm::CrmStore>> OpenStore(const AppOptions& o) { return OpenCrm(o); }

std::string When(int64_t ms) { return ms ? FormatIsoUtc(FromUnixMillis(ms)) : "-"; }

// At most `n` characters of UTF-8 text, on one line.
std::string Clip(const std::string& s, size_t n) {
  std::u32string u = text::Decode(s);
  for (char32_t& c : u)
    if (c == U'\n' || c == U'\r' || c == U'\t') c = U' ';
  if (u.size() > n) {
    u.resize(n - 1);
    u.push_back(U'…');
  }
  return text::Encode(u);
}

void PrintJson(const json& j) {
  std::string out = j.dump(2);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fputc('\n', stdout);
}

int Leads(const AppOptions& o, const LeadsArgs& a) {
  if (a.limit < 0) return Fail(Status::Invalid("--limit must be 0 (all) or more"));
  auto store = OpenStore(o);
  if (!store.ok()) return Fail(store.status());
  crm::LeadFilter f;
  if (!a.outcome.empty()) {
    auto outcome = crm::ParseNamed(crm::kOutcomeTable, a.outcome, "--outcome");
    if (!outcome.ok()) return Fail(outcome.status());
    f.outcome = *outcome;
  }
  f.channel = a.channel;
  if (!a.status.empty()) {
    auto status = crm::ParseNamed(crm::kLeadStatusTable, a.status, "--status");
    if (!status.ok()) return Fail(status.status());
    f.status = *status;
  }
  std::vector<crm::Lead> leads;
  // Page through with the keyset until the limit (0 = every lead).
  while (a.limit == 0 || static_cast<int>(leads.size()) < a.limit) {
    int want = a.limit == 0 ? crm::kMaxLeadPage : a.limit - static_cast<int>(leads.size());
    f.limit = std::min(want, crm::kMaxLeadPage);
    auto page = (*store)->ListLeads(f);
    if (!page.ok()) return Fail(page.status());
    if (page->empty()) break;
    f.before_id = page->back().id;
    leads.insert(leads.end(), page->begin(), page->end());
  }
  std::map<int64_t, std::string> phones;
  for (const crm::Lead& l : leads) {
    if (l.contact_id == 0 || phones.count(l.contact_id)) continue;
    auto c = (*store)->GetContact(l.contact_id);
    if (!c.ok()) return Fail(c.status());
    phones[l.contact_id] = c->phone;
  }
  if (a.json) {
    json arr = json::array();
    for (const crm::Lead& l : leads) {
      json j = l;
      j["phone"] = l.contact_id ? phones[l.contact_id] : "";
      arr.push_back(std::move(j));
    }
    PrintJson(arr);
    return 0;
  }
  if (leads.empty()) {
    std::printf("no leads\n");
    return 0;
  }
  for (const crm::Lead& l : leads) {
    std::string outcome = l.outcome ? std::string(crm::Name(*l.outcome)) : "-";
    if (std::string reason = crm::StoredReason(l); !reason.empty()) outcome += "/" + reason;
    std::string phone = l.contact_id ? phones[l.contact_id] : "";
    std::printf("%-6lld %-20s %-6s %-13s %-30s %-16s %s\n", static_cast<long long>(l.id),
                When(l.created_at).c_str(), l.channel.c_str(),
                std::string(crm::Name(l.status)).c_str(), outcome.c_str(),
                phone.empty() ? "-" : phone.c_str(), Clip(l.summary, 70).c_str());
  }
  return 0;
}

int Orders(const AppOptions& o, bool as_json) {
  auto store = OpenStore(o);
  if (!store.ok()) return Fail(store.status());
  auto orders = (*store)->ListOrders();
  if (!orders.ok()) return Fail(orders.status());
  if (as_json) {
    PrintJson(json(*orders));
    return 0;
  }
  if (orders->empty()) std::printf("no orders\n");
  for (const crm::Order& r : *orders) {
    std::printf("order %lld  lead %lld  %s  %s  %s%s%s  total %.2f\n", static_cast<long long>(r.id),
                static_cast<long long>(r.lead_id), When(r.created_at).c_str(),
                std::string(crm::Name(r.status)).c_str(),
                r.fulfilment.empty() ? "-" : r.fulfilment.c_str(),
                r.supply.empty() ? "" : ", from ", r.supply.c_str(), r.total);
    for (const crm::OrderLine& l : r.lines) {
      std::printf("  %-16s %-40s %10.2f %-5s x %.2f\n", l.sku.c_str(), Clip(l.name, 40).c_str(),
                  l.qty, l.unit.c_str(), l.price);
    }
  }
  return 0;
}

int DncList(const AppOptions& o, bool as_json) {
  auto store = OpenStore(o);
  if (!store.ok()) return Fail(store.status());
  auto list = (*store)->ListDnc();
  if (!list.ok()) return Fail(list.status());
  if (as_json) {
    PrintJson(json(*list));
    return 0;
  }
  if (list->empty()) std::printf("the do-not-call list is empty\n");
  for (const crm::DncEntry& e : *list) {
    std::printf("%-20s %-13s %-20s %s\n", e.phone.c_str(), e.reason.c_str(),
                When(e.added_at).c_str(), e.source.c_str());
  }
  return 0;
}

// The list's changes go through the lead service, which audits them (actor "cli").
int DncAdd(const AppOptions& o, const DncArgs& a) {
  auto store = OpenStore(o);
  if (!store.ok()) return Fail(store.status());
  leads::LeadService svc(**store, Clock::System());
  bool already = false;
  if (Status s = svc.AddDnc(a.phone, a.reason, leads::Actor::Cli(), &already); !s.ok())
    return Fail(s);
  if (already) {
    std::printf("%s is already on the do-not-call list\n", a.phone.c_str());
    return 0;
  }
  std::printf("added %s to the do-not-call list\n", a.phone.c_str());
  return 0;
}

int DncRemove(const AppOptions& o, const DncArgs& a) {
  auto store = OpenStore(o);
  if (!store.ok()) return Fail(store.status());
  leads::LeadService svc(**store, Clock::System());
  if (Status s = svc.RemoveDnc(a.phone, leads::Actor::Cli()); !s.ok()) return Fail(s);
  std::printf("removed %s from the do-not-call list\n", a.phone.c_str());
  return 0;
}

int DncImport(const AppOptions& o, const DncArgs& a) {
  std::ifstream in(a.file, std::ios::binary);
  if (!in) return Fail(Status::Io("cannot read " + a.file));
  std::stringstream buf;
  buf << in.rdbuf();
  std::string name = a.file.substr(a.file.find_last_of('/') + 1);
  auto store = OpenStore(o);
  if (!store.ok()) return Fail(store.status());
  leads::LeadService svc(**store, Clock::System());
  auto r = svc.ImportDnc(buf.str(), name, a.reason, leads::Actor::Cli());
  if (!r.ok()) return Fail(r.status());
  std::printf("imported %zu numbers from %s: %zu new, %zu already listed\n", r->numbers,
              name.c_str(), r->added, r->numbers - r->added);
  return 0;
}

void RegisterCrm(CLI::App& app, AppOptions& opts) {
  static LeadsArgs leads_args;
  auto* leads = app.add_subcommand("leads", "List leads, newest first");
  leads->add_flag("--json", leads_args.json, "Print a JSON array");
  leads->add_option("--limit", leads_args.limit, "How many (0 = all)")->capture_default_str();
  leads->add_option("--outcome", leads_args.outcome, "Only leads with this outcome");
  leads->add_option("--channel", leads_args.channel, "Only leads from this channel");
  leads->add_option("--status", leads_args.status, "Only leads in this status");
  RegisterLeadActions(*leads, opts);
  leads->callback([&opts, leads] {
    if (leads->get_subcommands().empty()) opts.exit_code = Leads(opts, leads_args);
  });

  static bool orders_json = false;
  auto* orders = app.add_subcommand("orders", "List orders with their lines");
  orders->add_flag("--json", orders_json, "Print a JSON array");
  RegisterOrderActions(*orders, opts);
  orders->callback([&opts, orders] {
    if (orders->get_subcommands().empty()) opts.exit_code = Orders(opts, orders_json);
  });

  static DncArgs dnc_args;
  auto* dnc = app.add_subcommand("dnc", "The do-not-call list: list, add, remove, import");
  dnc->add_flag("--json", dnc_args.json, "Print a JSON array");
  auto* add = dnc->add_subcommand("add", "Add a number (any spelling; matched by digits)");
  add->add_option("PHONE", dnc_args.phone, "Phone number")->required();
  add->add_option("--reason", dnc_args.reason, "Why (default: manual)");
  add->callback([&opts] { opts.exit_code = DncAdd(opts, dnc_args); });
  auto* remove = dnc->add_subcommand("remove", "Remove a number");
  remove->add_option("PHONE", dnc_args.phone, "Phone number")->required();
  remove->callback([&opts] { opts.exit_code = DncRemove(opts, dnc_args); });
  auto* import_cmd = dnc->add_subcommand(
      "import", "Import numbers: one per line or CSV with a phone column; all or nothing");
  import_cmd->add_option("FILE", dnc_args.file, "The list")->required();
  import_cmd->add_option("--reason", dnc_args.reason,
                         "Reason for numbers without one (default: import)");
  import_cmd->callback([&opts] { opts.exit_code = DncImport(opts, dnc_args); });
  dnc->callback([&opts, dnc] {
    if (dnc->get_subcommands().empty()) opts.exit_code = DncList(opts, dnc_args.json);
  });
}
KIRA_COMMAND(RegisterCrm);

}  // namespace
}  // namespace kira::app
