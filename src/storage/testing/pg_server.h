// A real PostgreSQL server for tests: Debian's `postgresql` package (initdb, pg_ctl) run in a
// temporary directory on a free loopback port, stopped and removed by the destructor. Run as
// root (CI, a fresh Debian root), the server runs as the `postgres` user that the package
// creates, since PostgreSQL refuses to run as root.
//
//   KIRA_ASSIGN_OR_RETURN(auto pg, storage::testing::PgServer::Start());
//   auto db = storage::pg::Conn::Open(pg->Conninfo("kira_test"));
#pragma once

#include <memory>
#include <string>

#include "core/status.h"

namespace kira::storage::testing {

struct PgServerOptions {
  // fsync and full-page writes on, as a production server runs (benchmarks comparing write
  // costs with SQLite's synchronous=FULL); off by default, since a test never outlives a crash
  // of the machine.
  bool durable = false;
};

class PgServer {
 public:
  // Fails with kUnavailable, naming the package, when no PostgreSQL server is installed.
  static Result<std::unique_ptr<PgServer>> Start(PgServerOptions options = {});
  ~PgServer();
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  int port() const { return port_; }
  // key=value conninfo for a database (created by CreateDatabase; "postgres" always exists).
  std::string Conninfo(const std::string& db = "postgres") const;
  // The same as a URI, as a user writes it in `--db`.
  std::string Uri(const std::string& db = "postgres") const;
  Status CreateDatabase(const std::string& name);
  // Stops the server at once (pg_ctl -m immediate), as a crash would; Restart brings it back.
  Status Kill();
  Status Restart();
  const std::string& log_path() const { return log_; }

 private:
  PgServer() = default;
  Status Ctl(const std::string& args);
  std::string bin_, dir_, data_, log_;
  std::string as_user_;  // "runuser -u postgres -- " when run as root
  int port_ = 0;
  bool running_ = false;
  bool durable_ = false;
};

}  // namespace kira::storage::testing
