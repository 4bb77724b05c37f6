// `kira import catalog FILE` and `kira import stock FILE --source distributor`: all-or-nothing
// imports that report counts, or the line, field and problem that stopped them.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "app/command.h"
#include "app/context.h"
#include "catalog/catalog_store.h"
#include "catalog/importer.h"

namespace kira::app {
namespace {

struct ImportArgs {
  std::string file;
  std::string source = "distributor";
};

void PrintReport(const catalog::ImportReport& r) {
  for (const auto& w : r.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  std::printf("rows: %zu, inserted: %zu, updated: %zu", r.rows, r.inserted, r.updated);
  if (r.removed) std::printf(", removed: %zu", r.removed);
  std::printf("\n");
}

int Run(const AppOptions& o, const ImportArgs& a, bool catalog_file) {
  auto path = DatabasePath(o);
  if (!path.ok()) return Fail(path.status());
  auto db = storage::Db::Open(*path);
  if (!db.ok()) return Fail(db.status());
  Status s = catalog::MigrateCatalog(**db);
  if (!s.ok()) return Fail(s);
  auto rep = catalog_file ? catalog::ImportCatalogFile(**db, a.file)
                          : catalog::ImportStockFile(**db, a.file, a.source);
  if (!rep.ok()) {
    std::fprintf(stderr, "kira: import failed, nothing was changed: %s\n",
                 rep.status().message().c_str());
    return 2;
  }
  PrintReport(*rep);
  return 0;
}

void RegisterImport(CLI::App& app, AppOptions& opts) {
  auto* imp = app.add_subcommand("import", "Import the catalog or a stock feed");
  imp->require_subcommand(1);
  auto* ca = new ImportArgs;
  auto* c = imp->add_subcommand("catalog", "Import a catalog (CSV or Yandex Market YML)");
  c->add_option("FILE", ca->file, "catalog.csv or catalog.yml")->required();
  c->callback([&opts, ca] { opts.exit_code = Run(opts, *ca, true); });
  auto* sa = new ImportArgs;
  auto* s = imp->add_subcommand("stock", "Import a stock feed CSV (sku,qty,lead_days)");
  s->add_option("FILE", sa->file, "stock CSV")->required();
  s->add_option("--source", sa->source, "distributor or shop")->capture_default_str();
  s->callback([&opts, sa] { opts.exit_code = Run(opts, *sa, false); });
}
KIRA_COMMAND(RegisterImport);

}  // namespace
}  // namespace kira::app
