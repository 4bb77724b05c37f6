// `kira --db postgres://…`: the real binary keeps the CRM in a real PostgreSQL server (started
// by the test), SQLite stays the default without --db, and the SQLite-only commands refuse a
// PostgreSQL CRM with a message that says what to use instead.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "crm/open_store.h"
#include "crm/pg/pg_crm_store.h"
#include "crm/sqlite/sqlite_crm_store.h"
#include "storage/pg.h"
#include "storage/testing/pg_server.h"

namespace kira {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct CliRun {
  int code = -1;
  std::string out, err;
};

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CrmPgCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto s = storage::testing::PgServer::Start();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s).release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(server_);
    name_ = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    dir_ = fs::temp_directory_path() / ("kira-crm-pg-cli-" + std::to_string(::getpid()) + name_);
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "data");
    ASSERT_TRUE(server_->CreateDatabase(name_).ok());
    url_ = server_->Uri(name_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `kira --data DIR <args>`, with `input` as a line on stdin; args and input are
  // trusted test strings (single-quoted).
  CliRun Kira(const std::string& args, const std::string& input = "") {
    fs::path out = dir_ / "out.txt", err = dir_ / "err.txt";
    std::string cmd = (input.empty() ? "" : "printf '%s\\n' '" + input + "' | ") + "'" + KIRA_BIN +
                      "' --data '" + (dir_ / "data").string() + "' " + args + " >'" + out.string() +
                      "' 2>'" + err.string() + "'";
    int st = std::system(cmd.c_str());
    CliRun r;
    r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r.out = Slurp(out);
    r.err = Slurp(err);
    return r;
  }

  static storage::testing::PgServer* server_;
  std::string name_, url_;
  fs::path dir_;
};
storage::testing::PgServer* CrmPgCli::server_ = nullptr;

TEST_F(CrmPgCli, DbUrlPutsTheCrmInPostgres) {
  // A lead written by another node (a store of its own on the same database).
  {
    crm::PgCrmOptions o;
    o.dnc_secret_path = (dir_ / "data" / "dnc.key").string();
    auto node = crm::OpenPgCrmStore(url_, o);
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    crm::Lead l;
    l.channel = "phone";
    l.outcome = crm::Outcome::kOrderPlaced;
    l.summary = "Монте Тиберио, 12 м2";
    ASSERT_TRUE((*node)->CreateLead(l).ok());
  }
  const std::string db = "--db '" + url_ + "' ";
  CliRun leads = Kira(db + "leads --json");
  ASSERT_EQ(leads.code, 0) << leads.err;
  json j = json::parse(leads.out, nullptr, false);
  ASSERT_TRUE(j.is_array()) << leads.out;
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["summary"], "Монте Тиберио, 12 м2");

  CliRun add = Kira(db + "dnc add '8 916 123-45-67' --reason opt_out");
  ASSERT_EQ(add.code, 0) << add.err;
  // It is in PostgreSQL, not in the SQLite file of the data directory.
  auto conn = storage::pg::Conn::Open(server_->Conninfo(name_));
  ASSERT_TRUE(conn.ok());
  auto rows = (*conn)->Query("SELECT phone, reason FROM dnc");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1);
  EXPECT_EQ(rows->Text(0, 1), "opt_out");
  auto local = crm::OpenSqliteCrmStore((dir_ / "data" / "kira.db").string());
  ASSERT_TRUE(local.ok());
  EXPECT_FALSE(*(*local)->IsDnc("+79161234567"));
  // Without --db, the SQLite default: an empty list there.
  CliRun sqlite = Kira("dnc --json");
  ASSERT_EQ(sqlite.code, 0) << sqlite.err;
  EXPECT_EQ(json::parse(sqlite.out, nullptr, false), json::array());

  CliRun backup = Kira(db + "backup '" + (dir_ / "b.db").string() + "'");
  EXPECT_EQ(backup.code, 2);
  EXPECT_NE(backup.err.find("pg_dump"), std::string::npos) << backup.err;
}

// Several nodes on one PostgreSQL: a node starting again ends its own calls a kill cut off as
// interrupted, and leaves alone the calls another live node holds at that moment.
TEST_F(CrmPgCli, AStartingNodeEndsOnlyItsOwnCutOffCalls) {
  auto open_call = [&](const std::string& node, const std::string& phone) -> int64_t {
    crm::PgCrmOptions o;
    o.dnc_secret_path = (dir_ / "data" / "dnc.key").string();
    o.node = node;  // as kira serve --node opens it
    auto st = crm::OpenPgCrmStore(url_, o);
    EXPECT_TRUE(st.ok()) << st.status().ToString();
    if (!st.ok()) return 0;
    crm::Lead l;
    l.channel = "phone";
    l.summary = phone;
    auto lead = (*st)->CreateLead(l);
    EXPECT_TRUE(lead.ok()) << lead.status().ToString();
    crm::Conversation c;
    c.lead_id = lead.ok() ? *lead : 0;
    c.agent = "kira";
    c.channel = "phone";
    c.language = "en";
    auto id = (*st)->StartConversation(c);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    EXPECT_TRUE((*st)->AppendTurn(id.ok() ? *id : 0, "caller", "hello", 0).ok());
    return id.ok() ? *id : 0;
  };
  const int64_t cut_off = open_call("node-a", "+79161110001");  // node-a was killed mid-call
  const int64_t live = open_call("node-b", "+79161110002");     // node-b is talking right now
  ASSERT_TRUE(cut_off && live);

  // node-a starts again; once its workspace is up, the start-up pass has run.
  const fs::path log = dir_ / "serve.log";
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    FILE* f = std::freopen(log.c_str(), "w", stdout);
    if (f) ::dup2(::fileno(stdout), 2);
    const std::string data = (dir_ / "data").string();
    ::execl(KIRA_BIN, KIRA_BIN, "--data", data.c_str(), "--db", url_.c_str(), "serve", "--node",
            "node-a", "--no-phone", "--no-dialer", "--web", "127.0.0.1:0",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  bool up = false;
  for (int i = 0; i < 1200 && !up; ++i) {
    up = Slurp(log).find("web workspace on") != std::string::npos;
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    int st = 0;
    if (!up && ::waitpid(pid, &st, WNOHANG) == pid) break;  // exited
  }
  ::kill(pid, SIGTERM);
  int st = 0;
  ::waitpid(pid, &st, 0);
  ASSERT_TRUE(up) << Slurp(log);
  EXPECT_NE(Slurp(log).find("1 conversation(s) cut off by the last stop"), std::string::npos)
      << Slurp(log);

  crm::PgCrmOptions o;
  o.dnc_secret_path = (dir_ / "data" / "dnc.key").string();
  auto reader = crm::OpenPgCrmStore(url_, o);
  ASSERT_TRUE(reader.ok());
  crm::Conversation mine = *(*reader)->GetConversation(cut_off);
  EXPECT_EQ(mine.node, "node-a");
  EXPECT_EQ(mine.outcome, crm::Outcome::kInterrupted);
  EXPECT_GT(mine.ended_at, 0);
  crm::Conversation theirs = *(*reader)->GetConversation(live);
  EXPECT_EQ(theirs.node, "node-b");
  EXPECT_EQ(theirs.ended_at, 0) << "node-b's live call was ended by node-a's start";
  EXPECT_EQ(theirs.outcome, std::nullopt);
  EXPECT_EQ((*reader)->GetLead(theirs.lead_id)->outcome, std::nullopt);
}

// The workspace's users live in PostgreSQL too, so every node sees the same logins.
TEST_F(CrmPgCli, UsersAddedWithDbUrlAreInPostgres) {
  const std::string db = "--db '" + url_ + "' ";
  CliRun add = Kira(db + "users add olga --role admin --password-stdin", "correct horse battery");
  ASSERT_EQ(add.code, 0) << add.err;
  auto conn = storage::pg::Conn::Open(server_->Conninfo(name_));
  ASSERT_TRUE(conn.ok());
  auto rows = (*conn)->Query("SELECT name, role FROM web_users");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1);
  EXPECT_EQ(rows->Text(0, 0), "olga");
  EXPECT_EQ(rows->Text(0, 1), "admin");
  CliRun list = Kira(db + "users list --json");
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_NE(list.out.find("olga"), std::string::npos) << list.out;
  CliRun local = Kira("users list --json");
  ASSERT_EQ(local.code, 0) << local.err;
  EXPECT_EQ(local.out.find("olga"), std::string::npos) << local.out;
}

TEST_F(CrmPgCli, UnreachableServerIsReportedAndNothingIsWritten) {
  CliRun r = Kira("--db 'postgres://kira@127.0.0.1:1/x?connect_timeout=2' dnc --json");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("cannot connect"), std::string::npos) << r.err;
}

TEST_F(CrmPgCli, OpenCrmStoreChoosesByTheUrlScheme) {
  EXPECT_TRUE(crm::IsPostgresUrl("postgres://kira@db/kira"));
  EXPECT_TRUE(crm::IsPostgresUrl("postgresql://db/kira"));
  EXPECT_FALSE(crm::IsPostgresUrl("/var/lib/kira/kira.db"));
  EXPECT_FALSE(crm::IsPostgresUrl("kira-data/postgres://x"));
  // A path: a SQLite file there.
  const fs::path file = dir_ / "elsewhere.db";
  ASSERT_TRUE(crm::OpenCrmStore(file.string(), (dir_ / "data").string()).ok());
  EXPECT_TRUE(fs::exists(file));
  // A URL: the schema in PostgreSQL, the do-not-call key in the data directory.
  auto pg = crm::OpenCrmStore(url_, (dir_ / "data").string());
  ASSERT_TRUE(pg.ok()) << pg.status().ToString();
  EXPECT_TRUE(fs::exists(dir_ / "data" / "dnc.key"));
  auto conn = storage::pg::Conn::Open(server_->Conninfo(name_));
  ASSERT_TRUE(conn.ok());
  auto v = (*conn)->Query("SELECT version FROM schema_version WHERE component = 'crm'");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ASSERT_EQ(v->size(), 1);
  EXPECT_GE(v->Int(0, 0), 1);
}

}  // namespace
}  // namespace kira
