// The CRM on PostgreSQL, for several Kira nodes sharing one database (issue 12). The same
// CrmStore as the embedded SQLite store (sqlite_crm_store.h), passing the same conformance
// suite; chosen by a postgres:// database URL (OpenCrmStore, crm/open_store.h).
//
//   PgCrmOptions o;
//   o.dnc_secret_path = data_dir + "/dnc.key";   // the same file on every node
//   KIRA_ASSIGN_OR_RETURN(auto crm, crm::OpenPgCrmStore("postgres://kira@db/kira", o));
//
// Schema: versioned migrations (component "crm", storage::pg::Migrate), run at open; nodes
// starting together apply each step once under an advisory lock.
//
// Threads: a small pool of connections (`connections`, default 4); each call borrows one for
// its whole duration, so any number of threads may share the store, each call is atomic, and
// up to `connections` calls run at once. Across nodes, ClaimTask is one conditional UPDATE:
// exactly one node's claim of an open task succeeds.
//
// Durability: each write is one transaction, committed (synchronous_commit, the server's
// default) before the call returns Ok.
//
// Failures: a server that cannot be reached, or a connection broken under a call (the server
// restarted), is kUnavailable; the call is not retried (a write whose commit was not
// acknowledged may or may not have happened), and the pool drops its connections, so the next
// call connects afresh.
#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "crm/crm_store.h"

namespace kira::crm {

struct PgCrmOptions {
  const Clock* clock = nullptr;  // "now" for records given time 0; nullptr = system clock
  // The do-not-call key file (dnc_key.h), created at the first open. Required: every node must
  // use a copy of the same file, or forgotten numbers would stop matching on the others; the
  // database keeps the first key's fingerprint and refuses a node with another (kInvalid).
  std::string dnc_secret_path;
  int connections = 4;  // the pool's size, 1..64
  // This node's name (kira serve --node), stamped on the conversations it starts
  // (Conversation::node), so that when it starts again it ends only its own cut-off calls.
  std::string node;
};

// `conninfo`: a postgres:// URI or libpq key=value pairs.
Result<std::unique_ptr<CrmStore>> OpenPgCrmStore(const std::string& conninfo,
                                                 const PgCrmOptions& options);

}  // namespace kira::crm
