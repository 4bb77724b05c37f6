#include "storage/sqlite.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace kira::storage {
namespace {

TEST(Sqlite, MigrateIsIdempotentAndVersioned) {
  auto db = Db::Open(":memory:");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  std::vector<Migration> v1 = {{1, "CREATE TABLE t(a INTEGER)"}};
  ASSERT_TRUE(Migrate(**db, "x", v1).ok());
  ASSERT_TRUE(Migrate(**db, "x", v1).ok());
  std::vector<Migration> v2 = {{1, "CREATE TABLE t(a INTEGER)"}, {2, "ALTER TABLE t ADD b TEXT"}};
  ASSERT_TRUE(Migrate(**db, "x", v2).ok());
  auto st = (*db)->Prepare("SELECT version FROM schema_version WHERE component='x'");
  ASSERT_TRUE(st.ok());
  ASSERT_EQ((*st)->Step(), Row::kRow);
  EXPECT_EQ((*st)->Int(0), 2);
  st->reset();
  // Code older than the database: refused with an actionable message.
  Status s = Migrate(**db, "x", v1);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("newer than this kira"), std::string::npos);
}

TEST(Sqlite, FailedMigrationRollsBack) {
  auto db = Db::Open(":memory:");
  ASSERT_TRUE(db.ok());
  std::vector<Migration> bad = {{1, "CREATE TABLE t(a); CREATE TABLE broken((("}};
  EXPECT_FALSE(Migrate(**db, "y", bad).ok());
  auto st = (*db)->Prepare("SELECT count(*) FROM sqlite_master WHERE name='t'");
  ASSERT_TRUE(st.ok());
  ASSERT_EQ((*st)->Step(), Row::kRow);
  EXPECT_EQ((*st)->Int(0), 0);
}

TEST(Sqlite, TransactionRollsBackUnlessCommitted) {
  auto db = Db::Open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t(a INTEGER)").ok());
  {
    Transaction tx(**db);
    ASSERT_TRUE((*db)->Exec("INSERT INTO t VALUES(1)").ok());
  }
  {
    Transaction tx(**db);
    ASSERT_TRUE((*db)->Exec("INSERT INTO t VALUES(2)").ok());
    ASSERT_TRUE(tx.Commit().ok());
  }
  auto st = (*db)->Prepare("SELECT group_concat(a) FROM t");
  ASSERT_TRUE(st.ok());
  ASSERT_EQ((*st)->Step(), Row::kRow);
  EXPECT_EQ((*st)->Text(0), "2");
}

TEST(Sqlite, OpenFailsClearlyOnBadPath) {
  auto db = Db::Open("/nonexistent-dir/x/y.db");
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("/nonexistent-dir/x/y.db"), std::string::npos);
}

}  // namespace
}  // namespace kira::storage
