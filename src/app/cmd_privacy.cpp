// Personal data and the database file, a contract other tools use:
//   kira forget PHONE [--json]   erase one person (crm/personal_data.h); audited
//   kira backup FILE             a consistent copy of the live database (storage/backup.h)
//   kira restore FILE            replace the database with a backup (stop `kira serve` first)
#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/command.h"
#include "app/context.h"
#include "crm/json.h"
#include "crm/personal_data.h"
#include "crm/sqlite/sqlite_crm_store.h"
#include "storage/backup.h"

namespace kira::app {
namespace {

struct PrivacyArgs {
  std::string phone, file;
  bool json = false;
};

int Forget(const AppOptions& o, const PrivacyArgs& a) {
  auto store = OpenCrm(o);
  if (!store.ok()) return Fail(store.status());
  auto r = crm::ForgetPerson(**store, o.data_dir, a.phone, "cli");
  if (!r.ok()) return Fail(r.status());
  if (a.json) {
    nlohmann::json j = *r;
    std::printf("%s\n", j.dump().c_str());
    return 0;
  }
  if (!r->found && !r->dnc_hashed && r->outbox_rows == 0) {
    std::printf("kira: nothing is stored for that number\n");
    return 0;
  }
  std::printf(
      "kira: forgotten: %d lead(s) deleted, %d emptied (an order refers to them), %d "
      "conversation(s), %d turn(s), %zu recording(s), %d order(s) scrubbed, %d task(s), %d "
      "outbox row(s)%s\n",
      r->leads_deleted, r->leads_emptied, r->conversations, r->turns, r->recordings.size(),
      r->orders_scrubbed, r->tasks, r->outbox_rows,
      r->dnc_hashed ? "; still on do-not-call, as a hash" : "");
  return 0;
}

int Backup(const AppOptions& o, const PrivacyArgs& a) {
  if (CrmOnPostgres(o)) {
    return Fail(Status::Invalid(
        "the CRM is on PostgreSQL (--db): back it up with pg_dump and restore it with "
        "pg_restore; kira backup and kira restore copy only the SQLite file"));
  }
  auto path = DatabasePath(o);
  if (!path.ok()) return Fail(path.status());
  auto r = storage::BackupDatabase(*path, a.file);
  if (!r.ok()) return Fail(r.status());
  std::printf("kira: backup written to %s (%lld pages, %lld bytes, integrity ok)\n", a.file.c_str(),
              static_cast<long long>(r->pages), static_cast<long long>(r->bytes));
  // The key of hashed do-not-call entries is not in the database (a copy of it alone cannot
  // be searched for a number); a machine restored without it no longer matches them.
  std::printf(
      "kira: keep %s/dnc.key with your backups (the key of forgotten numbers on the "
      "do-not-call list)\n",
      o.data_dir.c_str());
  return 0;
}

int Restore(const AppOptions& o, const PrivacyArgs& a) {
  if (CrmOnPostgres(o)) {
    return Fail(Status::Invalid(
        "the CRM is on PostgreSQL (--db): back it up with pg_dump and restore it with "
        "pg_restore; kira backup and kira restore copy only the SQLite file"));
  }
  auto path = DatabasePath(o);
  if (!path.ok()) return Fail(path.status());
  auto r = storage::RestoreDatabase(a.file, *path);
  if (!r.ok()) return Fail(r.status());
  // Migrations a newer kira adds run on the restored file now, not at the next start.
  auto store = crm::OpenSqliteCrmStore(*path);
  if (!store.ok()) return Fail(store.status().WithContext("restored database"));
  std::printf("kira: restored %s from %s (%lld pages)\n", path->c_str(), a.file.c_str(),
              static_cast<long long>(r->pages));
  return 0;
}

void RegisterPrivacy(CLI::App& app, AppOptions& opts) {
  static PrivacyArgs args;
  auto* forget = app.add_subcommand(
      "forget", "Erase one person's conversations, recordings, leads and order details");
  forget->add_option("PHONE", args.phone, "Their phone number (any spelling)")->required();
  forget->add_flag("--json", args.json, "Print the counts as JSON");
  forget->callback([&opts] { opts.exit_code = Forget(opts, args); });

  auto* backup = app.add_subcommand("backup", "Copy the live database to FILE (consistent)");
  backup->add_option("FILE", args.file, "A new file")->required();
  backup->callback([&opts] { opts.exit_code = Backup(opts, args); });

  auto* restore =
      app.add_subcommand("restore", "Replace the database with a backup (stop serve first)");
  restore->add_option("FILE", args.file, "A file written by kira backup")->required();
  restore->callback([&opts] { opts.exit_code = Restore(opts, args); });
}

KIRA_COMMAND(RegisterPrivacy);

}  // namespace
}  // namespace kira::app
