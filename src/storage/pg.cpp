#include "storage/pg.h"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace kira::storage::pg {

namespace {

// libpq's messages end with a newline and sometimes carry a "DETAIL:" line; one line reads
// better in a log.
std::string OneLine(const char* msg) {
  std::string s = msg ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (char& ch : s)
    if (ch == '\n') ch = ' ';
  return s;
}

Status FromSqlState(const std::string& state, const std::string& message) {
  std::string msg = message + " (SQLSTATE " + state + ")";
  auto starts = [&](const char* p) { return state.rfind(p, 0) == 0; };
  if (starts("23") || starts("40")) return Status::Conflict(msg);
  if (starts("08") || starts("57P")) return Status::Unavailable(msg);
  if (starts("42") || starts("22")) return Status::Invalid(msg);
  return Status::Internal(msg);
}

// The Status of a finished command: OK for a command or rows, the server's error otherwise.
Status ResultStatus(pg_conn* c, pg_result* r) {
  if (r == nullptr) return Status::Unavailable("postgresql: " + OneLine(PQerrorMessage(c)));
  ExecStatusType st = PQresultStatus(r);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY)
    return Status::Ok();
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
  std::string message = "postgresql: " + OneLine(primary ? primary : PQresultErrorMessage(r));
  if (state == nullptr) {
    // No SQLSTATE: the connection itself failed (the server went away mid-query).
    if (PQstatus(c) == CONNECTION_BAD) return Status::Unavailable(message);
    return Status::Internal(message);
  }
  return FromSqlState(state, message);
}

// Status of the connection, for calls that run on it; a broken one is kUnavailable.
Status Usable(pg_conn* c) {
  if (c == nullptr || PQstatus(c) != CONNECTION_OK)
    return Status::Unavailable("postgresql: the connection is closed" +
                               (c ? ": " + OneLine(PQerrorMessage(c)) : std::string()));
  return Status::Ok();
}

}  // namespace

Params& Params::Add(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  v_.emplace_back(buf);
  return *this;
}

Rows::Rows(pg_result* r) : r_(r) {}
Rows::~Rows() {
  if (r_) PQclear(r_);
}
Rows::Rows(Rows&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
Rows& Rows::operator=(Rows&& o) noexcept {
  if (this != &o) {
    if (r_) PQclear(r_);
    r_ = o.r_;
    o.r_ = nullptr;
  }
  return *this;
}

int Rows::size() const { return r_ ? PQntuples(r_) : 0; }
int Rows::columns() const { return r_ ? PQnfields(r_) : 0; }
int64_t Rows::affected() const {
  if (!r_) return 0;
  const char* n = PQcmdTuples(r_);
  int64_t v = 0;
  if (n && *n) std::from_chars(n, n + std::strlen(n), v);
  return v;
}
bool Rows::IsNull(int row, int col) const {
  return !r_ || row < 0 || row >= size() || col < 0 || col >= columns() ||
         PQgetisnull(r_, row, col);
}
std::string Rows::Text(int row, int col) const {
  if (IsNull(row, col)) return "";
  return std::string(PQgetvalue(r_, row, col), PQgetlength(r_, row, col));
}
std::optional<std::string> Rows::OptText(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Text(row, col);
}
int64_t Rows::Int(int row, int col) const {
  const char* s = PQgetvalue(r_, row, col);  // "" for NULL; read in place (a million a plan)
  int64_t v = 0;
  std::from_chars(s, s + PQgetlength(r_, row, col), v);
  return v;
}
double Rows::Double(int row, int col) const {
  std::string s = Text(row, col);
  return s.empty() ? 0.0 : std::strtod(s.c_str(), nullptr);
}

Result<std::unique_ptr<Conn>> Conn::Open(const std::string& conninfo) {
  pg_conn* c = PQconnectdb(conninfo.c_str());
  if (c == nullptr) return Status::Internal("postgresql: out of memory opening a connection");
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = OneLine(PQerrorMessage(c));
    PQfinish(c);
    return Status::Unavailable("postgresql: cannot connect: " + msg);
  }
  // Kira's own notices (e.g. "relation already exists, skipping") are not errors and must not
  // reach stderr.
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);
  auto conn = std::unique_ptr<Conn>(new Conn(c, conninfo));
  // Times and text as the code expects them, whatever the server's defaults.
  KIRA_RETURN_IF_ERROR(conn->Exec("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'"));
  return conn;
}

Conn::~Conn() {
  if (c_) PQfinish(c_);
}

bool Conn::healthy() const { return c_ && PQstatus(c_) == CONNECTION_OK; }

Status Conn::Reconnect() {
  if (c_) PQreset(c_);
  KIRA_RETURN_IF_ERROR(Usable(c_));
  return Exec("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'");
}

Status Conn::Exec(std::string_view sql) {
  KIRA_RETURN_IF_ERROR(Usable(c_));
  std::string q(sql);
  pg_result* r = PQexec(c_, q.c_str());
  Status s = ResultStatus(c_, r);
  if (r) PQclear(r);
  return s;
}

Result<Rows> Conn::Query(std::string_view sql, const Params& params) {
  KIRA_RETURN_IF_ERROR(Usable(c_));
  std::string q(sql);
  const auto& v = params.values();
  std::vector<const char*> values(v.size());
  for (size_t i = 0; i < v.size(); ++i) values[i] = v[i] ? v[i]->c_str() : nullptr;
  pg_result* r = PQexecParams(c_, q.c_str(), static_cast<int>(v.size()), nullptr,
                              values.empty() ? nullptr : values.data(), nullptr, nullptr, 0);
  Status s = ResultStatus(c_, r);
  if (!s.ok()) {
    if (r) PQclear(r);
    return s;
  }
  return Rows(r);
}

Status Conn::Listen(std::string_view channel) { return Exec("LISTEN " + QuoteIdentifier(channel)); }

Result<std::optional<Notification>> Conn::WaitNotification(int timeout_ms) {
  KIRA_RETURN_IF_ERROR(Usable(c_));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    if (!PQconsumeInput(c_))
      return Status::Unavailable("postgresql: " + OneLine(PQerrorMessage(c_)));
    if (PGnotify* n = PQnotifies(c_)) {
      Notification out{n->relname ? n->relname : "", n->extra ? n->extra : ""};
      PQfreemem(n);
      return std::optional<Notification>(std::move(out));
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) return std::optional<Notification>();
    pollfd p{PQsocket(c_), POLLIN, 0};
    int rc = ::poll(&p, 1, static_cast<int>(left));
    if (rc < 0 && errno != EINTR)
      return Status::Io(std::string("postgresql: poll: ") + std::strerror(errno));
  }
}

Transaction::Transaction(Conn& c) : c_(c), begin_(c.Exec("BEGIN")) {}

Transaction::~Transaction() {
  if (!done_ && begin_.ok()) {
    // Nothing to report from a destructor: a failed ROLLBACK means the connection is gone,
    // and the server rolls back a transaction whose connection closed.
    (void)c_.Exec("ROLLBACK");
  }
}

Status Transaction::Commit() {
  KIRA_RETURN_IF_ERROR(begin_);
  Status s = c_.Exec("COMMIT");
  done_ = true;  // a failed COMMIT has already rolled back
  return s;
}

Status Migrate(Conn& c, const std::string& component, const std::vector<Migration>& steps) {
  int latest = steps.empty() ? 0 : steps.back().version;
  for (;;) {
    Transaction tx(c);
    KIRA_RETURN_IF_ERROR(tx.status());
    // One node migrates at a time: the others wait here, then see the new version.
    KIRA_RETURN_IF_ERROR(c.Exec("SELECT pg_advisory_xact_lock(hashtext('kira schema'))"));
    // Under the lock: two nodes creating the table at once would collide in the catalog.
    KIRA_RETURN_IF_ERROR(
        c.Exec("CREATE TABLE IF NOT EXISTS schema_version (component TEXT PRIMARY KEY, "
               "version INTEGER NOT NULL)")
            .WithContext("schema_version"));
    KIRA_ASSIGN_OR_RETURN(auto rows,
                          c.Query("SELECT version FROM schema_version WHERE component = $1",
                                  Params().Add(component)));
    int current = rows.size() ? static_cast<int>(rows.Int(0, 0)) : 0;
    if (current > latest) {
      return Status::Invalid("database schema of '" + component + "' is version " +
                             std::to_string(current) + ", newer than this kira (" +
                             std::to_string(latest) + "); upgrade kira");
    }
    const Migration* next = nullptr;
    for (const Migration& m : steps)
      if (m.version > current) {
        next = &m;
        break;
      }
    if (next == nullptr) return Status::Ok();
    KIRA_RETURN_IF_ERROR(
        c.Exec(next->sql).WithContext(component + " migration " + std::to_string(next->version)));
    KIRA_RETURN_IF_ERROR(c.Query("INSERT INTO schema_version(component, version) VALUES($1, $2) "
                                 "ON CONFLICT(component) DO UPDATE SET version = excluded.version",
                                 Params().Add(component).Add(next->version))
                             .status());
    KIRA_RETURN_IF_ERROR(tx.Commit());
  }
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char ch : name) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

}  // namespace kira::storage::pg
