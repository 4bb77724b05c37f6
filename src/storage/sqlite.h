// A thin RAII layer over SQLite: Db owns a connection (WAL, foreign keys on, busy timeout),
// Stmt owns a prepared statement, Transaction rolls back unless committed. Every call returns
// Status; nothing throws.
//
//   KIRA_ASSIGN_OR_RETURN(auto db, storage::Db::Open(path));
//   auto st = db->Prepare("SELECT name FROM products WHERE sku = ?");
//   st->Bind(1, sku);
//   while (st->Step() == storage::Row::kRow) use(st->Text(0));
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace kira::storage {

enum class Row { kRow, kDone, kError };

class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* st) : db_(db), st_(st) {}
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& Bind(int i, int64_t v);
  Stmt& Bind(int i, int v) { return Bind(i, static_cast<int64_t>(v)); }
  Stmt& Bind(int i, double v);
  Stmt& Bind(int i, std::string_view v);
  Stmt& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Stmt& BindNull(int i);
  Stmt& Bind(int i, const std::optional<std::string>& v) { return v ? Bind(i, *v) : BindNull(i); }
  Stmt& Bind(int i, const std::optional<int64_t>& v) { return v ? Bind(i, *v) : BindNull(i); }

  Row Step();
  // Runs to completion; for INSERT/UPDATE/DELETE.
  Status Exec();
  void Reset();

  int64_t Int(int col) const;
  double Double(int col) const;
  std::string Text(int col) const;
  bool IsNull(int col) const;
  std::optional<std::string> OptText(int col) const;
  std::optional<int64_t> OptInt(int col) const;

  Status LastError() const;

 private:
  sqlite3* db_;
  sqlite3_stmt* st_;
};

class Db {
 public:
  // Opens (creating) a database file; ":memory:" for an in-memory one.
  static Result<std::unique_ptr<Db>> Open(const std::string& path);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  Status Exec(std::string_view sql);
  Result<std::unique_ptr<Stmt>> Prepare(std::string_view sql);
  int64_t LastInsertId() const;
  int Changes() const;
  const std::string& path() const { return path_; }
  sqlite3* raw() { return db_; }

 private:
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK in the destructor unless Commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Db& db);
  ~Transaction();
  Status status() const { return begin_; }
  Status Commit();

 private:
  Db& db_;
  Status begin_;
  bool done_ = false;
};

// One versioned migration step of a component ("catalog", "crm").
struct Migration {
  int version;
  const char* sql;
};

// Applies the missing migrations of `component` in order, each in its own transaction,
// recording them in schema_version(component, version). Refuses a database newer than the code.
Status Migrate(Db& db, const std::string& component, const std::vector<Migration>& steps);

}  // namespace kira::storage
