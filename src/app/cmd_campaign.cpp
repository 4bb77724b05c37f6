// `kira campaign import FILE --name NAME [--service] [--skip-refused] [--encoding E] [--as USER]`
// turns a CSV of numbers into Vera's calls (leads/campaign.h: the same checks as the
// workspace's campaign upload); refused rows are printed with their line and reason, and
// nothing is created unless --skip-refused. `kira campaign list` shows each campaign's
// progress.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "app/command.h"
#include "app/context.h"
#include "business/profile.h"
#include "crm/crm_store.h"
#include "leads/campaign.h"

namespace kira::app {
namespace {

struct CampaignArgs {
  std::string file, name, encoding = "auto", as;
  bool service = false, skip = false;
};

int Import(const AppOptions& o, const CampaignArgs& a) {
  auto profile = business::LoadProfile(BusinessPath(o));
  if (!profile.ok()) return Fail(profile.status());
  auto store = OpenCrm(o);  // SQLite in the data dir, or PostgreSQL with --db
  if (!store.ok()) return Fail(store.status());
  std::ifstream f(a.file, std::ios::binary);
  if (!f) return Fail(Status::NotFound("cannot read " + a.file));
  leads::CampaignOptions opt;
  f.seekg(0, std::ios::end);
  if (static_cast<size_t>(f.tellg()) > opt.max_bytes)
    return Fail(
        Status::Invalid(a.file + " is larger than " + std::to_string(opt.max_bytes) + " bytes"));
  f.seekg(0);
  std::stringstream ss;
  ss << f.rdbuf();
  opt.name = a.name;
  opt.advertising = !a.service;
  opt.skip_refused = a.skip;
  opt.encoding = a.encoding;
  opt.timezone = profile->timezone;
  leads::LeadService svc(**store, Clock::System());
  leads::CampaignService campaigns(svc, **store, o.data_dir, Clock::System());
  leads::Actor by = a.as.empty() ? leads::Actor::Cli() : leads::Actor::User(a.as);
  auto r = campaigns.Create(ss.str(), a.file, opt, by);
  if (!r.ok()) return Fail(r.status());
  for (const auto& x : r->refused)
    std::fprintf(stderr, "%s line %zu: refused (%s) %s\n", a.file.c_str(), x.line, x.reason.c_str(),
                 x.value.c_str());
  if (!r->created) {
    std::fprintf(stderr,
                 "kira: %zu of %zu rows refused; nothing was created (--skip-refused creates the "
                 "rest)\n",
                 r->refused.size(), r->rows);
    return 2;
  }
  std::printf("campaign %lld: %zu call(s) for Vera, %zu row(s) refused\n",
              static_cast<long long>(r->campaign.id), r->campaign.task_ids.size(),
              r->refused.size());
  return 0;
}

int List(const AppOptions& o) {
  auto store = OpenCrm(o);  // SQLite in the data dir, or PostgreSQL with --db
  if (!store.ok()) return Fail(store.status());
  leads::LeadService svc(**store, Clock::System());
  leads::CampaignService campaigns(svc, **store, o.data_dir, Clock::System());
  auto list = campaigns.List();
  if (!list.ok()) return Fail(list.status());
  for (const auto& c : *list) {
    auto p = campaigns.Progress(c.id);
    if (!p.ok()) return Fail(p.status());
    std::printf("%-4lld %-30s calls %zu, open %zu, done %zu, failed %zu, refused %zu\n",
                static_cast<long long>(c.id), c.name.c_str(), p->total, p->open + p->in_progress,
                p->done, p->failed + p->cancelled, c.refused.size());
    for (const auto& [result, n] : p->results) std::printf("       %s: %zu\n", result.c_str(), n);
  }
  if (list->empty()) std::printf("no campaigns\n");
  return 0;
}

void RegisterCampaign(CLI::App& app, AppOptions& opts) {
  auto* c = app.add_subcommand("campaign", "Calling campaigns: a list of numbers → Vera's calls");
  c->require_subcommand(1);
  auto* a = new CampaignArgs;
  auto* imp = c->add_subcommand("import", "Create Vera's calls from a CSV of numbers");
  imp->add_option("FILE", a->file, "CSV: phone, name, note, consent, time")->required();
  imp->add_option("--name", a->name, "The campaign's name")->required();
  imp->add_flag("--service", a->service,
                "A service call, not advertising (rows need no consent source)");
  imp->add_flag("--skip-refused", a->skip, "Create the good rows even when some are refused");
  imp->add_option("--encoding", a->encoding, "auto, utf-8 or windows-1251")->capture_default_str();
  imp->add_option("--as", a->as, "The manager the calls are created for (audit)");
  imp->callback([&opts, a] { opts.exit_code = Import(opts, *a); });
  auto* ls = c->add_subcommand("list", "Campaigns with their progress and outcomes");
  ls->callback([&opts] { opts.exit_code = List(opts); });
}
KIRA_COMMAND(RegisterCampaign);

}  // namespace
}  // namespace kira::app
