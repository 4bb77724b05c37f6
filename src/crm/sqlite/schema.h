// The CRM's SQLite schema as versioned migrations (storage::Migrate component "crm").
// Other components reading the same database (the web dashboard's aggregate queries) may rely
// on the table and column names here; they only ever grow.
#pragma once

#include <vector>

#include "storage/sqlite.h"

namespace kira::crm {

const std::vector<storage::Migration>& CrmMigrations();

}  // namespace kira::crm
