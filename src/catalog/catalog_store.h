// Persistence of the catalog in the shop's SQLite database (tables products, distributor_stock),
// and loading it into a searchable Catalog. Readers that must not know the database (the web
// workspace) use the CatalogStore interface below; the functions on storage::Db are what its
// SQLite implementation, the CLI and the tests build on.
#pragma once

#include <memory>
#include <string>

#include "catalog/catalog.h"
#include "catalog/importer.h"
#include "core/status.h"
#include "storage/sqlite.h"

namespace kira::catalog {

// Creates/upgrades tables products (sku primary key) and distributor_stock (sku primary key, no
// foreign key: see importer.h) through storage::Migrate(db, "catalog", ...).
Status MigrateCatalog(storage::Db& db);
// Reads both tables and builds the search index (100,000 products: ~0.35 s of CPU here).
// Distributor rows whose sku the catalog lacks are kept but never surface in Search.
Result<Catalog> LoadCatalog(storage::Db& db, Lexicon lexicon);
Result<size_t> CountProducts(storage::Db& db);

// The catalog and stock of one shop, wherever they are kept. Each import is all-or-nothing
// (importer.h) and Load sees every import that returned Ok. Thread safety: every method may be
// called from several threads at once.
class CatalogStore {
 public:
  virtual ~CatalogStore() = default;
  virtual Result<Catalog> Load(Lexicon lexicon) = 0;
  // options: encoding, replace, the shop's column mapping (importer.h).
  virtual Result<ImportReport> ImportCatalog(const std::string& content,
                                             const std::string& name_for_errors,
                                             const CatalogImportOptions& options = {}) = 0;
  // source: "distributor" or "shop" (importer.h, ImportStockContent).
  virtual Result<ImportReport> ImportStock(const std::string& content, const std::string& source,
                                           const std::string& name_for_errors) = 0;
};

// The catalog tables of the SQLite file at `path` (":memory:" for tests), migrated on open;
// one connection guarded by a mutex.
Result<std::unique_ptr<CatalogStore>> OpenSqliteCatalogStore(const std::string& path);

}  // namespace kira::catalog
