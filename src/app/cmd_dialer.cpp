// `kira dialer plan --at TIME [--json] [--config FILE]`: a dry run of the outbound dialer. For
// every open task for Vera it prints whether the dialer would dial it at TIME and, if not, why
// and when it next may — computed by the same Planner and Admission as the live Dialer.
//
// --json writes one JSON object per line, in task order (format: dialer/plan_writer.h); the
// text form ends with a summary line.
//
// The dialer config is --config, else dialer.yaml in the data dir, else beside the profile,
// else the defaults (dialer/dialer_config.h); the calling window is the profile's.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "app/command.h"
#include "app/context.h"
#include "app/dialer_settings.h"
#include "business/profile.h"
#include "core/clock.h"
#include "crm/crm_store.h"
#include "dialer/plan_store.h"
#include "dialer/plan_writer.h"
#include "dialer/planner.h"

namespace kira::app {
namespace {

struct PlanArgs {
  std::string at;
  bool json = false;
  std::string config;
};

Result<dialer::DialerConfig> LoadConfig(const AppOptions& o, const std::string& explicit_path) {
  KIRA_ASSIGN_OR_RETURN(business::Profile profile, business::LoadProfile(BusinessPath(o)));
  return LoadDialerSettings(o, profile, explicit_path);
}

int RunPlan(const AppOptions& o, const PlanArgs& a) {
  auto at = ParseIso(a.at);
  if (!at.ok()) return Fail(at.status().WithContext("--at"));
  int64_t now = ToUnixMillis(*at);
  auto cfg = LoadConfig(o, a.config);
  if (!cfg.ok()) return Fail(cfg.status());
  auto store = OpenCrm(o);
  if (!store.ok()) return Fail(store.status());
  crm::CrmStore& crm = **store;

  auto dnc_list = crm.ListDnc();
  if (!dnc_list.ok()) return Fail(dnc_list.status());

  dialer::ZoneDb zones;
  dialer::PhoneZoneResolver resolver(&zones, cfg->default_region);
  dialer::DncSnapshot dnc(*dnc_list);
  dialer::Planner planner(*cfg, &resolver, &dnc);
  dialer::PlanWriter writer(zones, *cfg, a.json);
  std::string out;
  // The tasks come a page at a time: memory holds one page, however many tasks there are.
  Status planned = dialer::PlanStore(crm, planner, now, [&](const dialer::PlanEntry& e) {
    writer.Append(e, &out);
    if (out.size() > (1 << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  });
  if (!planned.ok()) return Fail(planned);
  if (!a.json) out += writer.Summary(now);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

void RegisterDialer(CLI::App& app, AppOptions& opts) {
  auto* d = app.add_subcommand("dialer", "The outbound dialer");
  d->require_subcommand(1);
  auto* pa = new PlanArgs;
  auto* plan = d->add_subcommand(
      "plan", "Dry run: for each open task, would it be dialed at --at, and if not why and when");
  plan->add_option("--at", pa->at, "The instant, ISO 8601 (e.g. 2026-12-01T06:00:00Z)")->required();
  plan->add_flag("--json", pa->json, "One JSON object per task and line");
  plan->add_option("--config", pa->config, "dialer.yaml (default: data dir, then profile dir)");
  plan->callback([&opts, pa] { opts.exit_code = RunPlan(opts, *pa); });
}
KIRA_COMMAND(RegisterDialer);

}  // namespace
}  // namespace kira::app
