// `kira import catalog FILE` and `kira import stock FILE --source distributor`: all-or-nothing
// imports that report counts, or the line, field and problem that stopped them.
// `kira import catalog FILE --columns map.yaml` saves the shop's own header names to
// <data>/catalog_columns.yaml, which later imports use; `kira import template` prints a CSV
// to start from.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "app/command.h"
#include "app/context.h"
#include "catalog/catalog_store.h"
#include "catalog/importer.h"
#include "catalog/pg_catalog_store.h"

namespace kira::app {
namespace {

struct ImportArgs {
  std::string file;
  std::string source = "distributor";
  std::string encoding = "auto";
  std::string columns;  // a column mapping to use and save
  bool replace = false;
};

constexpr const char* kSavedColumns = catalog::kSavedColumnsFile;

// The options of a catalog import: the encoding asked for and the column mapping given now
// (then saved in the data dir) or saved before.
Result<catalog::CatalogImportOptions> CatalogOptions(const AppOptions& o, const ImportArgs& a) {
  catalog::CatalogImportOptions opt;
  opt.replace = a.replace;
  Result<catalog::TextEncoding> encoding = catalog::ParseTextEncoding(a.encoding);
  if (!encoding.ok()) return encoding.status().WithContext("--encoding");
  opt.encoding = *encoding;
  const std::string saved = (std::filesystem::path(o.data_dir) / kSavedColumns).string();
  const std::string mapping = !a.columns.empty()               ? a.columns
                              : std::filesystem::exists(saved) ? saved
                                                               : "";
  if (mapping.empty()) return opt;
  KIRA_ASSIGN_OR_RETURN(opt.columns, catalog::LoadColumnMapping(mapping));
  return opt;
}

// Keeps the mapping just used for the next import.
Status SaveColumns(const AppOptions& o, const std::string& from) {
  std::error_code ec;
  const auto to = std::filesystem::path(o.data_dir) / kSavedColumns;
  if (std::filesystem::exists(to) && std::filesystem::equivalent(from, to, ec)) return Status::Ok();
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec)
    return Status::Io("cannot save the column mapping to " + to.string() + ": " + ec.message());
  std::printf("column mapping saved to %s (used by later imports)\n", to.string().c_str());
  return Status::Ok();
}

void PrintReport(const catalog::ImportReport& r) {
  for (const auto& w : r.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  std::printf("rows: %zu, inserted: %zu, updated: %zu", r.rows, r.inserted, r.updated);
  if (r.removed) std::printf(", removed: %zu", r.removed);
  std::printf("\n");
}

// --db postgres://…: the catalog tables every node shares.
Result<catalog::ImportReport> ImportIntoPostgres(const AppOptions& o, const ImportArgs& a,
                                                 bool catalog_file) {
  KIRA_ASSIGN_OR_RETURN(auto store, catalog::OpenPgCatalogStore(o.db));
  KIRA_ASSIGN_OR_RETURN(std::string content, catalog::ReadImportFile(a.file));
  const std::string name = std::filesystem::path(a.file).filename().string();
  if (!catalog_file) return store->ImportStock(content, a.source, name);
  KIRA_ASSIGN_OR_RETURN(auto opt, CatalogOptions(o, a));
  return store->ImportCatalog(content, name, opt);
}

int Run(const AppOptions& o, const ImportArgs& a, bool catalog_file) {
  if (CrmOnPostgres(o)) {
    auto rep = ImportIntoPostgres(o, a, catalog_file);
    if (!rep.ok()) {
      std::fprintf(stderr, "kira: import failed, nothing was changed: %s\n",
                   rep.status().message().c_str());
      return 2;
    }
    PrintReport(*rep);
    if (catalog_file && !a.columns.empty()) {
      Status saved = SaveColumns(o, a.columns);
      if (!saved.ok()) return Fail(saved);
    }
    return 0;
  }
  auto path = DatabasePath(o);
  if (!path.ok()) return Fail(path.status());
  auto db = storage::Db::Open(*path);
  if (!db.ok()) return Fail(db.status());
  Status s = catalog::MigrateCatalog(**db);
  if (!s.ok()) return Fail(s);
  Result<catalog::ImportReport> rep = Status::Invalid("");
  if (catalog_file) {
    auto opt = CatalogOptions(o, a);
    if (!opt.ok()) return Fail(opt.status());
    rep = catalog::ImportCatalogFile(**db, a.file, {}, *opt);
  } else {
    rep = catalog::ImportStockFile(**db, a.file, a.source);
  }
  if (!rep.ok()) {
    std::fprintf(stderr, "kira: import failed, nothing was changed: %s\n",
                 rep.status().message().c_str());
    return 2;
  }
  PrintReport(*rep);
  if (catalog_file && !a.columns.empty()) {
    Status saved = SaveColumns(o, a.columns);
    if (!saved.ok()) return Fail(saved);
  }
  return 0;
}

void RegisterImport(CLI::App& app, AppOptions& opts) {
  auto* imp = app.add_subcommand("import", "Import the catalog or a stock feed");
  imp->require_subcommand(1);
  auto* ca = new ImportArgs;
  auto* c = imp->add_subcommand("catalog", "Import a catalog (CSV or Yandex Market YML)");
  c->add_option("FILE", ca->file, "catalog.csv or catalog.yml")->required();
  c->add_option("--encoding", ca->encoding, "auto, utf-8 or windows-1251 (CSV)")
      ->capture_default_str();
  c->add_option("--columns", ca->columns,
                "YAML map of your header names to columns (\"Наим. товара\": name); saved for "
                "later imports");
  c->add_flag("--replace", ca->replace,
              "Remove the products the file does not list (orders keep their history)");
  auto* lang = new std::string("ru");
  auto* t = imp->add_subcommand("template", "Print a catalog CSV to start from");
  t->add_option("--lang", *lang, "ru (Excel, ';') or en")->capture_default_str();
  t->callback([lang] { std::fputs(catalog::CatalogCsvTemplate(*lang).c_str(), stdout); });
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
