// Persistence of the catalog in the shop's SQLite database (tables products, distributor_stock),
// and loading it into a searchable Catalog.
#pragma once

#include "catalog/catalog.h"
#include "core/status.h"
#include "storage/sqlite.h"

namespace kira::catalog {

Status MigrateCatalog(storage::Db& db);
Result<Catalog> LoadCatalog(storage::Db& db, Lexicon lexicon);
Result<size_t> CountProducts(storage::Db& db);

}  // namespace kira::catalog
