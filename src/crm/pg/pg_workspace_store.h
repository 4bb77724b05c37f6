// The manager workspace's store (accounts, sessions, webhooks and their outbox, the watcher's
// memory; crm/workspace_store.h) on PostgreSQL, so every node sharing the database shares the
// logins and sessions. Same contract and conformance suite as the SQLite one; a pool of
// connections (storage/pg_pool.h) serves concurrent callers, each call atomic and committed
// before it returns Ok; a broken connection is kUnavailable and the next call reconnects.
//
//   KIRA_ASSIGN_OR_RETURN(auto ws, crm::OpenPgWorkspaceStore("postgres://kira@db/kira"));
//
// Several nodes: each node's webhook sender takes due rows with ClaimDueDeliveries (FOR UPDATE
// SKIP LOCKED, then a lease), so each event goes out once across the nodes.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "crm/workspace_store.h"

namespace kira::crm {

// Migrates the "web" component's tables; `connections`: the pool's size, 1..64.
Result<std::unique_ptr<WorkspaceStore>> OpenPgWorkspaceStore(const std::string& conninfo,
                                                             int connections = 4);

}  // namespace kira::crm
