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
// The profile file the workspace's settings page may write, the shop's own files (lexicon,
// phrases) living beside it: --business, unless that lies inside the built-in demo or
// defaults folder, which ship with Kira and are never written. Without one: an error saying
// why and naming the option to give (--business), shown on the settings page.
Result<std::string> EditableProfilePath(const AppOptions& o);
// Creates the data dir if needed; returns the SQLite database's path: --db when it names a
// file, else kira.db inside the data dir.
Result<std::string> DatabasePath(const AppOptions& o);
// True when --db puts the CRM on PostgreSQL.
bool CrmOnPostgres(const AppOptions& o);
// The CRM store --db names (crm::OpenCrmStore): PostgreSQL for a postgres:// URL, else the
// SQLite file of DatabasePath. `node`: kira serve's node name, stamped on the conversations it
// starts (crm::Conversation::node).
Result<std::unique_ptr<crm::CrmStore>> OpenCrm(const AppOptions& o, const std::string& node = "");
// The workspace store (users, sessions, webhooks), chosen the same way.
Result<std::unique_ptr<crm::WorkspaceStore>> OpenWorkspace(const AppOptions& o);
// Prints "kira: <message>" to stderr and returns the exit code for a failed status.
int Fail(const Status& s);

}  // namespace kira::app
