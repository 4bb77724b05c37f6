// The embedded CRM store: one SQLite file (WAL), shared by the dialogs, the dialer and the web
// workspace of one machine, and by `kira leads`/`kira dnc` running beside them.
//
//   SqliteCrmOptions o;            // defaults: system clock, synchronous=NORMAL, no size cap
//   KIRA_ASSIGN_OR_RETURN(auto crm, crm::OpenSqliteCrmStore(data_dir + "/kira.db", o));
//   KIRA_ASSIGN_OR_RETURN(int64_t lead, crm->CreateLead(lead));
//
// Threads: one connection guarded by a mutex; every method takes it for its whole duration, so
// the store can be shared by any number of threads and each call is atomic. Other processes
// (the CLI beside `kira serve`) open their own connection; WAL lets them read while a dialog
// writes, and writers wait up to 5 s for one another (busy timeout).
//
// Durability: each write is one transaction committed before the call returns; an Ok write is
// in the WAL file, so it survives the process dying at any point (abort, kill -9: see
// sqlite_crash_test.cpp). The default, synchronous=NORMAL, does not fsync each commit: a power
// cut or kernel crash may lose the last moments of writes (never the database's consistency).
// `synchronous_full` fsyncs every commit so an Ok write also survives a power cut, at the price
// of one fsync per turn (measured here: p50 4 ms, p99 16 ms per AppendTurn on a busy disk, vs
// 14 us / 55 us without), which does not fit the 5 ms dialog-turn budget (bench/crm_bench.cpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "crm/crm_store.h"

namespace kira::crm {

struct SqliteCrmOptions {
  const Clock* clock = nullptr;   // "now" for records given time 0; nullptr = system clock
  bool synchronous_full = false;  // PRAGMA synchronous=FULL: fsync every commit (else NORMAL)
  int64_t max_page_count = 0;     // a cap on the file size in pages (0 = none); writes beyond
                                  // it fail with "disk full", as on a full disk
  std::string node;  // stamped on the conversations this process starts (Conversation::node)
};

Result<std::unique_ptr<CrmStore>> OpenSqliteCrmStore(const std::string& path,
                                                     const SqliteCrmOptions& options);

}  // namespace kira::crm
