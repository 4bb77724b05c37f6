#include "storage/testing/pg_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "storage/pg.h"

namespace kira::storage::testing {

namespace fs = std::filesystem;

namespace {

// The server's binaries: where pg_config says (libpq-dev), else Debian's versioned directory.
std::string FindBinDir() {
  if (FILE* p = ::popen("pg_config --bindir 2>/dev/null", "r")) {
    std::array<char, 512> buf{};
    std::string out;
    while (std::fgets(buf.data(), buf.size(), p)) out += buf.data();
    ::pclose(p);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    if (!out.empty() && fs::exists(fs::path(out) / "initdb") &&
        fs::exists(fs::path(out) / "pg_ctl"))
      return out;
  }
  std::error_code ec;
  std::string best;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    fs::path bin = e.path() / "bin";
    if (fs::exists(bin / "initdb", ec) && fs::exists(bin / "pg_ctl", ec) && bin.string() > best)
      best = bin.string();
  }
  return best;
}

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

Status Run(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  if (rc != 0) return Status::Internal("command failed (" + std::to_string(rc) + "): " + cmd);
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<PgServer>> PgServer::Start(PgServerOptions options) {
  auto s = std::unique_ptr<PgServer>(new PgServer());
  s->durable_ = options.durable;
  s->bin_ = FindBinDir();
  if (s->bin_.empty())
    return Status::Unavailable(
        "no PostgreSQL server here: install the Debian package postgresql "
        "(bash scripts/deps.sh installs every dependency)");
  char tmpl[] = "/tmp/kira-pg-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return Status::Io("mkdtemp for the PostgreSQL test server");
  s->dir_ = tmpl;
  s->data_ = s->dir_ + "/data";
  s->log_ = s->dir_ + "/server.log";
  if (::geteuid() == 0) {
    passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr)
      return Status::Unavailable(
          "running as root, and there is no 'postgres' user to run the test server as "
          "(the Debian package postgresql creates it)");
    if (::chown(s->dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0)
      return Status::Io("chown " + s->dir_ + " to postgres");
    s->as_user_ = "runuser -u postgres -- ";
  }
  KIRA_RETURN_IF_ERROR(Run(s->as_user_ + s->bin_ + "/initdb -D " + s->data_ +
                           " -A trust -U kira -E UTF8 --locale=C --no-sync >" + s->dir_ +
                           "/initdb.log 2>&1"));
  // A port taken between FreePort and the start: try a few.
  Status started = Status::Ok();
  for (int attempt = 0; attempt < 5; ++attempt) {
    s->port_ = FreePort();
    started = s->Ctl("start -w -t 60");
    if (started.ok()) break;
  }
  KIRA_RETURN_IF_ERROR(
      started.WithContext("start the PostgreSQL test server (log: " + s->log_ + ")"));
  s->running_ = true;
  return s;
}

Status PgServer::Ctl(const std::string& args) {
  // fsync=off loses data only when the machine itself crashes, which a test never does.
  std::string opts = "-p " + std::to_string(port_) + " -k " + dir_ +
                     " -c listen_addresses=127.0.0.1 -c max_connections=200" +
                     (durable_ ? "" : " -c fsync=off -c full_page_writes=off");
  return Run(as_user_ + bin_ + "/pg_ctl -D " + data_ + " -l " + log_ + " -o '" + opts + "' " +
             args + " >>" + dir_ + "/pg_ctl.log 2>&1");
}

PgServer::~PgServer() {
  if (running_) (void)Ctl("stop -m immediate -w");  // nothing to report from a destructor
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

std::string PgServer::Conninfo(const std::string& db) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=kira dbname=" + db +
         " connect_timeout=10";
}

std::string PgServer::Uri(const std::string& db) const {
  return "postgres://kira@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

Status PgServer::CreateDatabase(const std::string& name) {
  KIRA_ASSIGN_OR_RETURN(auto c, pg::Conn::Open(Conninfo()));
  return c->Exec("CREATE DATABASE " + pg::QuoteIdentifier(name));
}

Status PgServer::Kill() {
  KIRA_RETURN_IF_ERROR(Ctl("stop -m immediate -w"));
  running_ = false;
  return Status::Ok();
}

Status PgServer::Restart() {
  KIRA_RETURN_IF_ERROR(Ctl("start -w -t 60"));
  running_ = true;
  return Status::Ok();
}

}  // namespace kira::storage::testing
