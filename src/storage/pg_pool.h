// A small pool of PostgreSQL connections shared by the threads of one store (the dialogs, the
// dialer and the web server call a store at once). Each call borrows one connection for its
// whole duration, so a call's statements and transaction are its own.
//
//   storage::pg::Pool pool(conninfo, 4);
//   Result<int64_t> n = pool.With([&](pg::Conn& db) -> Result<int64_t> {
//     KIRA_ASSIGN_OR_RETURN(auto r, db.Query("SELECT count(*) FROM leads"));
//     return r.Int(0, 0);
//   });
//
// Failures: a call whose result is kUnavailable (the server restarted or went away under it)
// drops every pooled connection, since they are broken alike; nothing is retried behind the
// caller (a write whose commit was not acknowledged may or may not have happened), and the
// next call connects afresh.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "storage/pg.h"

namespace kira::storage::pg {

class Pool {
 public:
  // At most `size` connections (>= 1) are open at once; more callers wait for one.
  Pool(std::string conninfo, int size) : conninfo_(std::move(conninfo)), size_(size) {}

  // A connection already open (the one that ran the migrations), given to the pool.
  void Add(std::unique_ptr<Conn> c);

  // Runs fn(conn) on a borrowed connection; returns fn's Status or Result<T>.
  template <typename Fn>
  auto With(Fn&& fn) -> decltype(fn(std::declval<Conn&>())) {
    using R = decltype(fn(std::declval<Conn&>()));
    auto c = Take();
    if (!c.ok()) return R(c.status());
    R r = fn(**c);
    Give(std::move(*c), StatusOf(r));
    return r;
  }

 private:
  static const Status& StatusOf(const Status& s) { return s; }
  template <typename T>
  static const Status& StatusOf(const Result<T>& r) {
    return r.status();
  }
  Result<std::unique_ptr<Conn>> Take();
  void Give(std::unique_ptr<Conn> c, const Status& s);

  const std::string conninfo_;
  const int size_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::deque<std::unique_ptr<Conn>> idle_;
  int open_ = 0;  // connections idle or lent out
};

}  // namespace kira::storage::pg
