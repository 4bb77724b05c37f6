// A thin layer over PostgreSQL's libpq, the counterpart of storage/sqlite.h for several Kira
// nodes sharing one database (issue 12). Conn owns a connection, Rows a query's result,
// Transaction rolls back unless committed, Migrate applies versioned schema steps once even
// when several nodes start at the same moment. Every call returns Status; nothing throws.
//
//   KIRA_ASSIGN_OR_RETURN(auto db, storage::pg::Conn::Open("postgres://kira@db/kira"));
//   KIRA_ASSIGN_OR_RETURN(auto rows, db->Query("SELECT name FROM products WHERE sku = $1",
//                                              storage::pg::Params().Add(sku)));
//   for (int i = 0; i < rows.size(); ++i) use(rows.Text(i, 0));
//
// Errors map SQLSTATE classes onto Status codes: 23 (a constraint) and 40 (serialization
// failure, deadlock) are kConflict, 08 (connection) and 57P (shutdown) kUnavailable, 42 and 22
// (bad statement or value) kInvalid, anything else kInternal; the message names the SQLSTATE.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

struct pg_conn;
struct pg_result;

namespace kira::storage::pg {

// Query parameters, sent as text ($1, $2, …); std::nullopt is NULL.
class Params {
 public:
  Params& Add(std::string_view v) {
    v_.emplace_back(std::string(v));
    return *this;
  }
  Params& Add(const char* v) { return Add(std::string_view(v)); }
  Params& Add(const std::string& v) { return Add(std::string_view(v)); }
  Params& Add(int64_t v) {
    v_.emplace_back(std::to_string(v));
    return *this;
  }
  Params& Add(int v) { return Add(static_cast<int64_t>(v)); }
  Params& Add(double v);
  Params& Add(bool v) {
    v_.emplace_back(v ? "t" : "f");
    return *this;
  }
  Params& Add(const std::optional<std::string>& v) {
    v_.push_back(v);
    return *this;
  }
  Params& Null() {
    v_.emplace_back(std::nullopt);
    return *this;
  }
  const std::vector<std::optional<std::string>>& values() const { return v_; }

 private:
  std::vector<std::optional<std::string>> v_;
};

// The rows a statement returned (empty for INSERT/UPDATE/DELETE without RETURNING).
class Rows {
 public:
  Rows() = default;
  explicit Rows(pg_result* r);
  ~Rows();
  Rows(Rows&& o) noexcept;
  Rows& operator=(Rows&& o) noexcept;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;

  int size() const;
  int columns() const;
  // Rows a data-changing statement touched.
  int64_t affected() const;
  bool IsNull(int row, int col) const;
  std::string Text(int row, int col) const;
  std::optional<std::string> OptText(int row, int col) const;
  // A column that is not a number reads as 0 (the schema decides the types).
  int64_t Int(int row, int col) const;
  double Double(int row, int col) const;
  bool Bool(int row, int col) const { return Text(row, col) == "t"; }

 private:
  pg_result* r_ = nullptr;
};

// A notification from LISTEN: the channel and its payload.
struct Notification {
  std::string channel, payload;
};

class Conn {
 public:
  // A URI (postgres://user@host:port/db?…) or key=value pairs (host=… port=…); libpq's
  // environment ($PGHOST, …) fills in what is not given. Fails with kUnavailable when the
  // server cannot be reached.
  static Result<std::unique_ptr<Conn>> Open(const std::string& conninfo);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // One or more statements without parameters (schema, BEGIN, …).
  Status Exec(std::string_view sql);
  // One statement with parameters $1…$n.
  Result<Rows> Query(std::string_view sql, const Params& params = Params());

  // LISTEN on a channel; then WaitNotification returns what NOTIFY sent, or nullopt when
  // `timeout_ms` passed with nothing.
  Status Listen(std::string_view channel);
  Result<std::optional<Notification>> WaitNotification(int timeout_ms);

  // A connection broken under us (the server restarted) is reopened with the same conninfo.
  Status Reconnect();
  bool healthy() const;

 private:
  explicit Conn(pg_conn* c, std::string conninfo) : c_(c), conninfo_(std::move(conninfo)) {}
  pg_conn* c_;
  std::string conninfo_;
};

// BEGIN on construction; ROLLBACK in the destructor unless Commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Conn& c);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Status status() const { return begin_; }
  Status Commit();

 private:
  Conn& c_;
  Status begin_;
  bool done_ = false;
};

// One versioned migration step of a component ("crm", "catalog", …).
struct Migration {
  int version;
  const char* sql;
};

// Applies the missing migrations of `component` in order, each in its own transaction, and
// records them in schema_version(component, version). Nodes that start together wait on one
// advisory lock, so each step runs exactly once. Refuses a database newer than the code.
Status Migrate(Conn& c, const std::string& component, const std::vector<Migration>& steps);

// A string quoted as a SQL identifier ("my table" → "\"my table\""), for names that cannot be
// parameters (LISTEN channels, database names).
std::string QuoteIdentifier(std::string_view name);

}  // namespace kira::storage::pg
