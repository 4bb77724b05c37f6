// storage/pg against a real PostgreSQL server started for the test (storage/testing/pg_server).
#include "storage/pg.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "storage/testing/pg_server.h"

namespace kira::storage::pg {
namespace {

class PgTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto s = testing::PgServer::Start();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s).release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  // A database of the test's own, so tests do not see each other's tables.
  std::unique_ptr<Conn> Fresh() {
    std::string name =
        std::string("t_") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_TRUE(server_->CreateDatabase(name).ok());
    db_name_ = name;
    auto c = Conn::Open(server_->Conninfo(name));
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(*c) : nullptr;
  }
  std::unique_ptr<Conn> Another() {
    auto c = Conn::Open(server_->Conninfo(db_name_));
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(*c) : nullptr;
  }
  static testing::PgServer* server_;
  std::string db_name_;
};
testing::PgServer* PgTest::server_ = nullptr;

TEST_F(PgTest, ParametersAndTypesRoundTrip) {
  auto db = Fresh();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("CREATE TABLE p (sku TEXT PRIMARY KEY, name TEXT, qty BIGINT, "
                       "price DOUBLE PRECISION, note TEXT, ok BOOLEAN)")
                  .ok());
  auto ins =
      db->Query("INSERT INTO p VALUES ($1, $2, $3, $4, $5, $6)", Params()
                                                                     .Add("SG6160")
                                                                     .Add("Плитка «Монте» 60×60")
                                                                     .Add(int64_t{42})
                                                                     .Add(1234.5)
                                                                     .Null()
                                                                     .Add(true));
  ASSERT_TRUE(ins.ok()) << ins.status().ToString();
  EXPECT_EQ(ins->affected(), 1);
  auto rows = db->Query("SELECT sku, name, qty, price, note, ok FROM p WHERE sku = $1",
                        Params().Add(std::string("SG6160")));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1);
  EXPECT_EQ(rows->columns(), 6);
  EXPECT_EQ(rows->Text(0, 1), "Плитка «Монте» 60×60");
  EXPECT_EQ(rows->Int(0, 2), 42);
  EXPECT_DOUBLE_EQ(rows->Double(0, 3), 1234.5);
  EXPECT_TRUE(rows->IsNull(0, 4));
  EXPECT_EQ(rows->OptText(0, 4), std::nullopt);
  EXPECT_TRUE(rows->Bool(0, 5));
  // Out of range reads as NULL, not a crash.
  EXPECT_TRUE(rows->IsNull(5, 0));
  // A parameter is never SQL.
  auto evil = db->Query("SELECT count(*) FROM p WHERE sku = $1", Params().Add("x' OR '1'='1"));
  ASSERT_TRUE(evil.ok());
  EXPECT_EQ(evil->Int(0, 0), 0);
}

TEST_F(PgTest, ErrorsMapToStatusCodesAndNameTheSqlState) {
  auto db = Fresh();
  ASSERT_TRUE(db);
  Status bad = db->Exec("SELEKT 1");
  EXPECT_EQ(bad.code(), Status::Code::kInvalid);
  EXPECT_NE(bad.message().find("SQLSTATE 42601"), std::string::npos) << bad.message();
  ASSERT_TRUE(db->Exec("CREATE TABLE u (k TEXT PRIMARY KEY)").ok());
  ASSERT_TRUE(db->Query("INSERT INTO u VALUES ($1)", Params().Add("a")).ok());
  auto dup = db->Query("INSERT INTO u VALUES ($1)", Params().Add("a"));
  EXPECT_EQ(dup.status().code(), Status::Code::kConflict) << dup.status().ToString();
  auto cast = db->Query("SELECT $1::int", Params().Add("not a number"));
  EXPECT_EQ(cast.status().code(), Status::Code::kInvalid);
  // The connection is still usable after errors.
  auto one = db->Query("SELECT 1");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->Int(0, 0), 1);
}

TEST_F(PgTest, TransactionRollsBackUnlessCommitted) {
  auto db = Fresh();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (v INT)").ok());
  {
    Transaction tx(*db);
    ASSERT_TRUE(tx.status().ok());
    ASSERT_TRUE(db->Query("INSERT INTO t VALUES (1)").ok());
  }  // no commit
  {
    Transaction tx(*db);
    ASSERT_TRUE(db->Query("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(tx.Commit().ok());
  }
  auto rows = db->Query("SELECT v FROM t");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1);
  EXPECT_EQ(rows->Int(0, 0), 2);
}

TEST_F(PgTest, MigrationsRunOnceInOrderAndRefuseANewerSchema) {
  auto db = Fresh();
  ASSERT_TRUE(db);
  std::vector<Migration> v1 = {{1, "CREATE TABLE m (a INT)"}};
  std::vector<Migration> v2 = {{1, "CREATE TABLE m (a INT)"}, {2, "ALTER TABLE m ADD b TEXT"}};
  ASSERT_TRUE(Migrate(*db, "crm", v1).ok());
  ASSERT_TRUE(Migrate(*db, "crm", v1).ok());  // nothing left to do
  ASSERT_TRUE(Migrate(*db, "crm", v2).ok());
  EXPECT_TRUE(db->Query("INSERT INTO m(a, b) VALUES (1, 'x')").ok());
  Status older = Migrate(*db, "crm", v1);
  EXPECT_EQ(older.code(), Status::Code::kInvalid);
  EXPECT_NE(older.message().find("newer than this kira"), std::string::npos);
  // Components are versioned apart.
  EXPECT_TRUE(Migrate(*db, "catalog", {{1, "CREATE TABLE c (x INT)"}}).ok());
  // A failing step leaves the version where it was, and names the step.
  Status broken = Migrate(*db, "catalog", {{1, "CREATE TABLE c (x INT)"}, {2, "BROKEN SQL"}});
  EXPECT_FALSE(broken.ok());
  EXPECT_NE(broken.message().find("catalog migration 2"), std::string::npos) << broken.message();
  auto ver = db->Query("SELECT version FROM schema_version WHERE component = 'catalog'");
  ASSERT_TRUE(ver.ok());
  EXPECT_EQ(ver->Int(0, 0), 1);
}

// Several nodes starting at the same moment against an empty database: each step runs once.
TEST_F(PgTest, ConcurrentNodesMigrateExactlyOnce) {
  auto db = Fresh();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("CREATE TABLE ran (step INT)").ok());
  std::vector<Migration> steps = {
      {1, "CREATE TABLE leads (id BIGSERIAL PRIMARY KEY); INSERT INTO ran VALUES (1)"},
      {2, "ALTER TABLE leads ADD phone TEXT; INSERT INTO ran VALUES (2)"},
      {3, "CREATE INDEX leads_phone ON leads(phone); INSERT INTO ran VALUES (3)"}};
  constexpr int kNodes = 6;
  std::vector<std::unique_ptr<Conn>> conns;
  for (int i = 0; i < kNodes; ++i) conns.push_back(Another());
  std::atomic<int> failures{0};
  std::vector<std::thread> nodes;
  for (int i = 0; i < kNodes; ++i)
    nodes.emplace_back([&, i] {
      if (!conns[i] || !Migrate(*conns[i], "crm", steps).ok()) ++failures;
    });
  for (auto& t : nodes) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto ran = db->Query("SELECT step, count(*) FROM ran GROUP BY step ORDER BY step");
  ASSERT_TRUE(ran.ok());
  ASSERT_EQ(ran->size(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(ran->Int(i, 0), i + 1);
    EXPECT_EQ(ran->Int(i, 1), 1) << "step " << i + 1 << " ran more than once";
  }
}

TEST_F(PgTest, ListenReceivesNotifyFromAnotherConnection) {
  auto a = Fresh();
  ASSERT_TRUE(a);
  auto b = Another();
  ASSERT_TRUE(b);
  ASSERT_TRUE(a->Listen("new lead").ok());
  auto none = a->WaitNotification(50);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(b->Query("SELECT pg_notify($1, $2)", Params().Add("new lead").Add("42")).ok());
  auto got = a->WaitNotification(5000);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->channel, "new lead");
  EXPECT_EQ((*got)->payload, "42");
}

TEST_F(PgTest, UnreachableServerIsUnavailable) {
  auto c = Conn::Open("host=127.0.0.1 port=1 user=kira dbname=x connect_timeout=2");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(c.status().message().find("cannot connect"), std::string::npos);
}

// Runs last in this suite's order only by name; it restarts the shared server.
TEST_F(PgTest, ZServerCrashIsUnavailableAndAReconnectRecovers) {
  auto db = Fresh();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("CREATE TABLE kept (v INT); INSERT INTO kept VALUES (7)").ok());
  ASSERT_TRUE(server_->Kill().ok());
  auto lost = db->Query("SELECT v FROM kept");
  EXPECT_EQ(lost.status().code(), Status::Code::kUnavailable) << lost.status().ToString();
  EXPECT_FALSE(db->healthy());
  ASSERT_TRUE(server_->Restart().ok());
  ASSERT_TRUE(db->Reconnect().ok());
  auto back = db->Query("SELECT v FROM kept");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->Int(0, 0), 7);
}

}  // namespace
}  // namespace kira::storage::pg
