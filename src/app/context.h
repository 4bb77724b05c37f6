// Shared start-up for commands: resolving the data dir and the business profile path.
#pragma once

#include <memory>
#include <string>

#include "app/command.h"
#include "core/status.h"
#include "crm/crm_store.h"
#include "crm/workspace_store.h"

namespace kira::app {

// The demo shop's directory (compiled in), used when --business is not given.
std::string DemoDir();
// --business, or the demo profile.
std::string BusinessPath(const AppOptions& o);
// Creates the data dir if needed; returns the SQLite database's path: --db when it names a
// file, else kira.db inside the data dir.
Result<std::string> DatabasePath(const AppOptions& o);
// True when --db puts the CRM on PostgreSQL.
bool CrmOnPostgres(const AppOptions& o);
// The CRM store --db names (crm::OpenCrmStore): PostgreSQL for a postgres:// URL, else the
// SQLite file of DatabasePath.
Result<std::unique_ptr<crm::CrmStore>> OpenCrm(const AppOptions& o);
// The workspace store (users, sessions, webhooks), chosen the same way.
Result<std::unique_ptr<crm::WorkspaceStore>> OpenWorkspace(const AppOptions& o);
// Prints "kira: <message>" to stderr and returns the exit code for a failed status.
int Fail(const Status& s);

}  // namespace kira::app
