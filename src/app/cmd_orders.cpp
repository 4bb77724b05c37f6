// Order status and exports, a contract other tools use:
//   kira orders status ID STATUS [--as NAME] [--json]
//       moves the order (new → confirmed → paid → shipped | picked_up → done, or cancelled);
//       audited; queued as the webhook event order.status_changed, which a running
//       `kira serve` delivers (the outbox is in the same database)
//   kira export leads|orders|conversations --format csv|xlsx [--out FILE] [--lang ru|en]
//       [--status S] [--outcome O] [--reason R] [--channel C] [--from T] [--to T]
//       [--order-status S]
//       the workspace's export (leads/export.h): the same filters, the same file; times in the
//       profile's time zone, column names in its language unless --lang says otherwise
// Errors: "kira: <message>" on stderr; exit 2 for a bad argument, 3 for an unknown order, 1 for
// a refused move.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>

#include "app/cmd_leads.h"
#include "app/command.h"
#include "app/context.h"
#include "business/profile.h"
#include "core/clock.h"
#include "crm/crm_store.h"
#include "crm/json.h"
#include "crm/workspace_store.h"
#include "leads/export.h"
#include "leads/lead_service.h"
#include "web/webhooks.h"

namespace kira::app {
namespace {

struct StatusArgs {
  int64_t order = 0;
  std::string status, as;
  bool json = false;
};

struct ExportArgs {
  std::string what, format = "csv", out, lang;
  std::string status, outcome, reason, channel, from, to, order_status;
};

int OrderStatus(const AppOptions& o, const StatusArgs& a) {
  auto store = OpenCrm(o);
  if (!store.ok()) return Fail(store.status());
  leads::LeadService svc(**store, Clock::System());
  leads::Actor by = a.as.empty() ? leads::Actor::Cli() : leads::Actor::User(a.as);
  auto c = svc.SetOrderStatus(a.order, a.status, by);
  if (!c.ok()) return Fail(c.status());
  // The webhook outbox is shared with `kira serve`, whose delivery thread sends it.
  nlohmann::json event = {{"order", c->order},
                          {"from", crm::Name(c->from)},
                          {"to", crm::Name(c->order.status)},
                          {"by", by.audit}};
  auto ws = OpenWorkspace(o);
  Status queued = ws.ok() ? Status::Ok() : ws.status();
  if (ws.ok()) {
    auto hooks = web::Webhooks::Open(**ws, Clock::System());
    queued = hooks.ok() ? (*hooks)->Enqueue("order.status_changed", event.dump(), c->order.lead_id)
                        : hooks.status();
  }
  if (!queued.ok())
    std::fprintf(stderr, "kira: warning: the webhook was not queued: %s\n",
                 queued.message().c_str());
  if (a.json) {
    std::printf("%s\n", event.dump(2).c_str());
  } else {
    std::printf("order %lld: %s -> %s\n", static_cast<long long>(a.order),
                std::string(crm::Name(c->from)).c_str(),
                std::string(crm::Name(c->order.status)).c_str());
  }
  return 0;
}

Result<int64_t> Time(const std::string& flag, const std::string& s) {
  if (s.empty()) return int64_t{0};
  auto t = ParseIso(s);
  if (!t.ok()) return t.status().WithContext(flag);
  return ToUnixMillis(*t);
}

int Export(const AppOptions& o, const ExportArgs& a) {
  leads::ExportRequest r;
  auto kind = leads::ParseExportKind(a.what);
  if (!kind.ok()) return Fail(kind.status());
  auto format = leads::ParseExportFormat(a.format);
  if (!format.ok()) return Fail(format.status().WithContext("--format"));
  r.kind = *kind;
  auto profile = business::LoadProfile(BusinessPath(o));
  if (!profile.ok()) return Fail(profile.status());
  r.language = a.lang.empty() ? profile->language : a.lang;
  r.timezone = profile->timezone;
  if (!a.status.empty()) {
    auto status = crm::ParseNamed(crm::kLeadStatusTable, a.status, "--status");
    if (!status.ok()) return Fail(status.status());
    r.filter.status = *status;
  }
  if (!a.outcome.empty()) {
    auto outcome = crm::ParseNamed(crm::kOutcomeTable, a.outcome, "--outcome");
    if (!outcome.ok()) return Fail(outcome.status());
    r.filter.outcome = *outcome;
  }
  if (Status s = crm::ParseReasonFilter(a.reason, &r.filter); !s.ok())
    return Fail(s.WithContext("--reason"));
  r.filter.channel = a.channel;
  r.order_status = a.order_status;
  auto from = Time("--from", a.from), to = Time("--to", a.to);
  if (!from.ok()) return Fail(from.status());
  if (!to.ok()) return Fail(to.status());
  r.filter.from = *from;
  r.filter.to = *to;
  auto store = OpenCrm(o);
  if (!store.ok()) return Fail(store.status());
  leads::LeadService svc(**store, Clock::System());
  auto table = svc.Export(r);
  if (!table.ok()) return Fail(table.status());
  std::string out =
      a.out.empty() ? std::string("kira-") + leads::ExportKindName(r.kind) + "." + a.format : a.out;
  if (*format == leads::ExportFormat::kXlsx) {
    if (Status s = leads::WriteXlsx(*table, out); !s.ok()) return Fail(s);
  } else {
    std::ofstream f(out, std::ios::binary | std::ios::trunc);
    f << leads::ToCsv(*table, r.language);
    if (!f.flush()) return Fail(Status::Io("cannot write " + out));
  }
  std::printf("wrote %zu rows to %s\n", table->rows.size(), out.c_str());
  return 0;
}

}  // namespace

void RegisterOrderActions(CLI::App& orders, AppOptions& opts) {
  auto* a = new StatusArgs;
  auto* st = orders.add_subcommand("status", "Move an order to its next status");
  st->add_option("ID", a->order, "Order id")->required();
  st->add_option("STATUS", a->status, "confirmed, paid, shipped, picked_up, done or cancelled")
      ->required();
  st->add_option("--as", a->as, "Act as this manager (user name)");
  st->add_flag("--json", a->json, "Print the change as JSON");
  st->callback([&opts, a] { opts.exit_code = OrderStatus(opts, *a); });
}

namespace {

void RegisterExport(CLI::App& app, AppOptions& opts) {
  static ExportArgs a;
  auto* e = app.add_subcommand("export", "Export leads, orders or conversations to CSV or XLSX");
  e->add_option("WHAT", a.what, "leads, orders or conversations")->required();
  e->add_option("--format", a.format, "csv or xlsx")->capture_default_str();
  e->add_option("--out", a.out, "Output file (default kira-WHAT.FORMAT)");
  e->add_option("--lang", a.lang, "Column names: ru or en (default: the profile's language)");
  e->add_option("--status", a.status, "Only leads in this status");
  e->add_option("--outcome", a.outcome, "Only leads with this outcome");
  e->add_option("--reason", a.reason, "Only leads with this reason");
  e->add_option("--channel", a.channel, "Only leads from this channel");
  e->add_option("--from", a.from, "Created at or after (ISO 8601)");
  e->add_option("--to", a.to, "Created before (ISO 8601)");
  e->add_option("--order-status", a.order_status, "Orders only: in this status");
  e->callback([&opts] { opts.exit_code = Export(opts, a); });
}
KIRA_COMMAND(RegisterExport);

}  // namespace
}  // namespace kira::app
