// The catalog and stock on PostgreSQL, for several Kira nodes sharing one database (issue 12):
// the same CatalogStore as the SQLite tables (catalog_store.h), passing the same conformance
// suite, chosen by a postgres:// database URL (OpenCatalogStore).
//
//   KIRA_ASSIGN_OR_RETURN(auto cat, catalog::OpenPgCatalogStore("postgres://kira@db/kira"));
//
// Schema: versioned migrations (component "catalog", storage::pg::Migrate) run at open. An
// import is one transaction that first locks the table it writes, so imports from two nodes
// run one after the other and each is all-or-nothing; Load reads one consistent snapshot.
// Threads: a small pool of connections; any number of threads may call at once.
#pragma once

#include <memory>
#include <string>

#include "catalog/catalog_store.h"

namespace kira::catalog {

// `conninfo`: a postgres:// URI or libpq key=value pairs; `connections`: the pool's size.
Result<std::unique_ptr<CatalogStore>> OpenPgCatalogStore(const std::string& conninfo,
                                                         int connections = 2);

// postgres://… opens the PostgreSQL store, anything else the SQLite file at that path.
Result<std::unique_ptr<CatalogStore>> OpenCatalogStore(const std::string& db);

}  // namespace kira::catalog
