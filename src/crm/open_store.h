// Choosing the CRM and workspace stores by the database a user names (`kira --db …`): a
// postgres:// URL opens the PostgreSQL stores (crm/pg/), shared by several nodes; anything else
// is the path of the embedded SQLite file (crm/sqlite/), the default.
//
//   KIRA_ASSIGN_OR_RETURN(auto crm, crm::OpenCrmStore("postgres://kira@db/kira", data_dir));
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "crm/crm_store.h"
#include "crm/workspace_store.h"

namespace kira::crm {

// postgres://… or postgresql://… (libpq's URI forms).
bool IsPostgresUrl(std::string_view db);

// `data_dir` holds the do-not-call key (dnc.key) of a PostgreSQL store; a SQLite store keeps
// it beside its file. `node`: the name stamped on the conversations this process starts
// (Conversation::node; several nodes on one database), "" on a single node.
Result<std::unique_ptr<CrmStore>> OpenCrmStore(const std::string& db, const std::string& data_dir,
                                               const std::string& node = "");
// The workspace's accounts, sessions, webhooks and watcher memory, chosen the same way.
Result<std::unique_ptr<WorkspaceStore>> OpenWorkspaceStore(const std::string& db);

}  // namespace kira::crm
