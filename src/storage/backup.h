// Backup and restore of one SQLite database file with SQLite's online backup API: a backup is
// a consistent snapshot taken while the service keeps serving (in WAL mode the copy reads one
// snapshot; writers go on), checked with PRAGMA integrity_check before it is reported done.
//
//   KIRA_RETURN_IF_ERROR(storage::BackupDatabase(data_dir + "/kira.db", "/backups/kira.db"));
//   KIRA_RETURN_IF_ERROR(storage::RestoreDatabase("/backups/kira.db", data_dir + "/kira.db"));
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace kira::storage {

struct BackupInfo {
  int64_t pages = 0;
  int64_t bytes = 0;
};

// Copies the live database at `src` into a new file `dest` (refused if `dest` exists), then
// checks the copy. A failed backup leaves no file behind.
Result<BackupInfo> BackupDatabase(const std::string& src, const std::string& dest);

// Replaces the database at `dest` with the backup `src`, after checking that `src` is an
// intact SQLite database holding a schema_version table (a Kira database). Writers of `dest`
// wait (busy timeout) while the pages are copied; stop `kira serve` first so no conversation
// writes into the restored data mid-way.
Result<BackupInfo> RestoreDatabase(const std::string& src, const std::string& dest);

}  // namespace kira::storage
