// The embedded CRM store: one SQLite file (WAL), shared by the dialogs, the dialer and the web
// workspace of one machine, and by `kira leads`/`kira dnc` running beside them.
//
//   SqliteCrmOptions o;            // defaults: system clock, synchronous=FULL, no size cap
//   KIRA_ASSIGN_OR_RETURN(auto crm, crm::OpenSqliteCrmStore(data_dir + "/kira.db", o));
//   KIRA_ASSIGN_OR_RETURN(int64_t lead, crm->CreateLead(lead));
//
// Threads: one connection guarded by a mutex; every method takes it for its whole duration, so
// the store can be shared by any number of threads and each call is atomic. Other processes
// (the CLI beside `kira serve`) open their own connection; WAL lets them read while a dialog
// writes, and writers wait up to 5 s for one another (busy timeout).
//
// Durability: each write is one transaction committed before the call returns. With
// `synchronous_full` (the default) the commit is fsync'ed, so an Ok write survives a power cut;
// without it, it survives a crash of the process but maybe not of the machine.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "crm/crm_store.h"

namespace kira::crm {

struct SqliteCrmOptions {
  const Clock* clock = nullptr;  // "now" for records given time 0; nullptr = system clock
  bool synchronous_full = true;  // PRAGMA synchronous=FULL (else NORMAL)
  int64_t max_page_count = 0;    // a cap on the file size in pages (0 = none); writes beyond
                                 // it fail with "disk full", as on a full disk
};

Result<std::unique_ptr<CrmStore>> OpenSqliteCrmStore(const std::string& path,
                                                     const SqliteCrmOptions& options);

}  // namespace kira::crm
