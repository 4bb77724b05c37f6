#include "storage/sqlite.h"

#include <sqlite3.h>

namespace kira::storage {

Stmt::~Stmt() { sqlite3_finalize(st_); }

Stmt& Stmt::Bind(int i, int64_t v) {
  sqlite3_bind_int64(st_, i, v);
  return *this;
}
Stmt& Stmt::Bind(int i, double v) {
  sqlite3_bind_double(st_, i, v);
  return *this;
}
Stmt& Stmt::Bind(int i, std::string_view v) {
  sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::BindNull(int i) {
  sqlite3_bind_null(st_, i);
  return *this;
}

Row Stmt::Step() {
  int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return Row::kRow;
  if (rc == SQLITE_DONE) return Row::kDone;
  return Row::kError;
}

Status Stmt::Exec() {
  Row r;
  while ((r = Step()) == Row::kRow) {
  }
  Status s = r == Row::kDone ? Status::Ok() : LastError();
  sqlite3_reset(st_);
  return s;
}

void Stmt::Reset() {
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
}

int64_t Stmt::Int(int col) const { return sqlite3_column_int64(st_, col); }
double Stmt::Double(int col) const { return sqlite3_column_double(st_, col); }
std::string Stmt::Text(int col) const {
  const unsigned char* t = sqlite3_column_text(st_, col);
  int n = sqlite3_column_bytes(st_, col);
  return t ? std::string(reinterpret_cast<const char*>(t), n) : std::string();
}
bool Stmt::IsNull(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }
std::optional<std::string> Stmt::OptText(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Text(col);
}
std::optional<int64_t> Stmt::OptInt(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}

Status Stmt::LastError() const {
  int rc = sqlite3_errcode(db_);
  std::string msg = sqlite3_errmsg(db_);
  if (rc == SQLITE_FULL) return Status::Io("disk full: " + msg);
  if (rc == SQLITE_CONSTRAINT) return Status::Conflict(msg);
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return Status::Unavailable("database busy: " + msg);
  return Status::Io("sqlite: " + msg);
}

Result<std::unique_ptr<Db>> Db::Open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status::Io("cannot open database " + path + ": " + msg);
  }
  std::unique_ptr<Db> d(new Db(db, path));
  sqlite3_busy_timeout(db, 5000);
  if (path != ":memory:") KIRA_RETURN_IF_ERROR(d->Exec("PRAGMA journal_mode=WAL"));
  KIRA_RETURN_IF_ERROR(d->Exec("PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;"));
  return d;
}

Db::~Db() { sqlite3_close_v2(db_); }

Status Db::Exec(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    if (rc == SQLITE_FULL) return Status::Io("disk full: " + msg);
    if (rc == SQLITE_CONSTRAINT) return Status::Conflict(msg);
    return Status::Io("sqlite: " + msg);
  }
  return Status::Ok();
}

Result<std::unique_ptr<Stmt>> Db::Prepare(std::string_view sql) {
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st, nullptr);
  if (rc != SQLITE_OK) {
    return Status::Internal("sqlite prepare: " + std::string(sqlite3_errmsg(db_)) +
                            " in: " + std::string(sql.substr(0, 80)));
  }
  return std::make_unique<Stmt>(db_, st);
}

int64_t Db::LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
int Db::Changes() const { return sqlite3_changes(db_); }

Transaction::Transaction(Db& db) : db_(db) { begin_ = db_.Exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  // A destructor cannot report, and a failed ROLLBACK means SQLite has already ended the
  // transaction (it rolls back by itself after some errors): the outcome wanted either way.
  if (!done_ && begin_.ok()) (void)db_.Exec("ROLLBACK");
}

Status Transaction::Commit() {
  if (!begin_.ok()) return begin_;
  Status s = db_.Exec("COMMIT");
  if (s.ok()) done_ = true;
  return s;
}

Status Migrate(Db& db, const std::string& component, const std::vector<Migration>& steps) {
  KIRA_RETURN_IF_ERROR(db.Exec(
      "CREATE TABLE IF NOT EXISTS schema_version (component TEXT PRIMARY KEY, version INTEGER "
      "NOT NULL)"));
  KIRA_ASSIGN_OR_RETURN(auto q, db.Prepare("SELECT version FROM schema_version WHERE component=?"));
  q->Bind(1, component);
  int current = 0;
  Row r = q->Step();
  if (r == Row::kRow)
    current = static_cast<int>(q->Int(0));
  else if (r == Row::kError)
    return q->LastError();
  q.reset();
  int latest = steps.empty() ? 0 : steps.back().version;
  if (current > latest) {
    return Status::Invalid("database schema of '" + component + "' is version " +
                           std::to_string(current) + ", newer than this kira (" +
                           std::to_string(latest) + "); upgrade kira");
  }
  for (const Migration& m : steps) {
    if (m.version <= current) continue;
    Transaction tx(db);
    KIRA_RETURN_IF_ERROR(tx.status());
    KIRA_RETURN_IF_ERROR(
        db.Exec(m.sql).WithContext(component + " migration " + std::to_string(m.version)));
    KIRA_ASSIGN_OR_RETURN(
        auto up, db.Prepare("INSERT INTO schema_version(component, version) VALUES(?, ?) "
                            "ON CONFLICT(component) DO UPDATE SET version=excluded.version"));
    up->Bind(1, component).Bind(2, m.version);
    KIRA_RETURN_IF_ERROR(up->Exec());
    up.reset();
    KIRA_RETURN_IF_ERROR(tx.Commit());
  }
  return Status::Ok();
}

}  // namespace kira::storage
