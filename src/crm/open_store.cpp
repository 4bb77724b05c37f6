#include "crm/open_store.h"

#include "crm/pg/pg_crm_store.h"
#include "crm/pg/pg_workspace_store.h"
#include "crm/sqlite/sqlite_crm_store.h"

namespace kira::crm {

bool IsPostgresUrl(std::string_view db) {
  return db.rfind("postgres://", 0) == 0 || db.rfind("postgresql://", 0) == 0;
}

Result<std::unique_ptr<CrmStore>> OpenCrmStore(const std::string& db, const std::string& data_dir,
                                               const std::string& node) {
  if (!IsPostgresUrl(db)) {
    SqliteCrmOptions so;
    so.node = node;
    return OpenSqliteCrmStore(db, so);
  }
  PgCrmOptions o;
  o.node = node;
  o.dnc_secret_path = (data_dir.empty() ? std::string(".") : data_dir) + "/dnc.key";
  return OpenPgCrmStore(db, o);
}

Result<std::unique_ptr<WorkspaceStore>> OpenWorkspaceStore(const std::string& db) {
  if (!IsPostgresUrl(db)) return OpenSqliteWorkspaceStore(db);
  return OpenPgWorkspaceStore(db);
}

}  // namespace kira::crm
