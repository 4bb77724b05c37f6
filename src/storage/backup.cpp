#include "storage/backup.h"

#include <sqlite3.h>

#include <filesystem>
#include <memory>

#include "storage/sqlite.h"

namespace kira::storage {
namespace {

namespace fs = std::filesystem;

// Copies every page of `from` into `to` in one step: one read snapshot of the source.
Result<BackupInfo> Copy(sqlite3* from, sqlite3* to, const std::string& what) {
  sqlite3_backup* b = sqlite3_backup_init(to, "main", from, "main");
  if (!b) return Status::Io(what + ": " + sqlite3_errmsg(to));
  int rc;
  int tries = 0;
  while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    if (++tries > 100) break;  // ~5 s of a writer holding the lock
    sqlite3_sleep(50);
  }
  BackupInfo info;
  info.pages = sqlite3_backup_pagecount(b);
  const int fin = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) {
    if (rc == SQLITE_FULL) return Status::Io(what + ": disk full");
    return Status::Unavailable(what + ": " + sqlite3_errstr(rc == SQLITE_OK ? fin : rc));
  }
  if (fin != SQLITE_OK) return Status::Io(what + ": " + sqlite3_errmsg(to));
  return info;
}

// Text of the first column of the first row of `sql`, or an error naming `path`.
Result<std::string> One(sqlite3* db, const char* sql, const std::string& path) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
    std::string msg = sqlite3_errmsg(db);
    sqlite3_finalize(st);
    if (msg.find("not a database") != std::string::npos)
      return Status::Invalid(path + " is not a database");
    return Status::Io(path + ": " + msg);
  }
  std::string out;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(st, 0);
    out = t ? reinterpret_cast<const char*>(t) : "";
  }
  std::string msg = sqlite3_errmsg(db);
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    if (rc == SQLITE_NOTADB) return Status::Invalid(path + " is not a database");
    return Status::Io(path + ": " + msg);
  }
  return out;
}

// An intact SQLite file with Kira's schema_version table.
Status Check(sqlite3* db, const std::string& path) {
  KIRA_ASSIGN_OR_RETURN(std::string ok, One(db, "PRAGMA integrity_check", path));
  if (ok != "ok") return Status::Invalid(path + " is damaged (integrity_check: " + ok + ")");
  KIRA_ASSIGN_OR_RETURN(
      std::string n,
      One(db, "SELECT COUNT(*) FROM sqlite_master WHERE name='schema_version'", path));
  if (n != "1") return Status::Invalid(path + " is not a Kira database (no schema_version table)");
  return Status::Ok();
}

}  // namespace

Result<BackupInfo> BackupDatabase(const std::string& src, const std::string& dest) {
  std::error_code ec;
  if (!fs::exists(src, ec)) return Status::NotFound("no database at " + src);
  if (fs::exists(dest, ec))
    return Status::Invalid(dest + " exists; give a new file name (a backup never overwrites)");
  KIRA_ASSIGN_OR_RETURN(auto from, Db::Open(src));
  Result<BackupInfo> info = [&]() -> Result<BackupInfo> {
    KIRA_ASSIGN_OR_RETURN(auto to, Db::Open(dest));
    KIRA_ASSIGN_OR_RETURN(BackupInfo i, Copy(from->raw(), to->raw(), "backup to " + dest));
    // One self-contained file: fold the copy's WAL back in.
    KIRA_RETURN_IF_ERROR(to->Exec("PRAGMA journal_mode=DELETE"));
    KIRA_RETURN_IF_ERROR(Check(to->raw(), dest));
    return i;
  }();
  if (!info.ok()) {
    for (const char* ext : {"", "-wal", "-shm", "-journal"}) fs::remove(dest + ext, ec);
    return info.status();
  }
  info->bytes = static_cast<int64_t>(fs::file_size(dest, ec));
  return info;
}

Result<BackupInfo> RestoreDatabase(const std::string& src, const std::string& dest) {
  std::error_code ec;
  if (!fs::exists(src, ec)) return Status::NotFound("no backup at " + src);
  // The backup is opened read-only: checking and copying it never changes it.
  sqlite3* from = nullptr;
  int rc = sqlite3_open_v2(src.c_str(), &from, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> guard(from, sqlite3_close_v2);
  if (rc != SQLITE_OK) return Status::Io("cannot open " + src + ": " + sqlite3_errstr(rc));
  KIRA_RETURN_IF_ERROR(Check(from, src));
  KIRA_ASSIGN_OR_RETURN(auto to, Db::Open(dest));
  KIRA_ASSIGN_OR_RETURN(BackupInfo info, Copy(from, to->raw(), "restore into " + dest));
  KIRA_RETURN_IF_ERROR(Check(to->raw(), dest));
  info.bytes = static_cast<int64_t>(fs::file_size(src, ec));
  return info;
}

}  // namespace kira::storage
