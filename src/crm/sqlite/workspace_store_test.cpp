// The SQLite WorkspaceStore runs the shared conformance suite on a file and in memory, and opens
// a database the web layer created before the store existed.
#include "crm/workspace_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "crm/crm_store.h"
#include "crm/testing/workspace_store_conformance.h"
#include "storage/sqlite.h"

namespace kira::crm {
namespace {

INSTANTIATE_TEST_SUITE_P(
    Sqlite, WorkspaceStoreConformance,
    ::testing::Values(WorkspaceStoreFactory{"file",
                                            [](const std::string& dir) {
                                              return OpenSqliteWorkspaceStore(dir + "/kira.db");
                                            },
                                            true},
                      WorkspaceStoreFactory{
                          "memory",
                          [](const std::string&) { return OpenSqliteWorkspaceStore(":memory:"); },
                          false}),
    WorkspaceStoreFactoryName);

TEST(SqliteWorkspaceStore, SharesTheShopDatabaseWithTheCrmStore) {
  auto dir = ::testing::TempDir() + "/kira-ws-shared-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/kira.db";
  {
    auto crm = OpenSqliteCrmStore(path);
    ASSERT_TRUE(crm.ok()) << crm.status().ToString();
    auto ws = OpenSqliteWorkspaceStore(path);
    ASSERT_TRUE(ws.ok()) << ws.status().ToString();
    ASSERT_TRUE((*ws)->AddUser({0, "olga", "admin", 1}, "h").ok());
  }
  // The "web" schema is versioned like the others: opening again migrates nothing.
  auto db = storage::Db::Open(path);
  ASSERT_TRUE(db.ok());
  auto st = (*db)->Prepare("SELECT version FROM schema_version WHERE component = 'web'");
  ASSERT_TRUE(st.ok());
  ASSERT_EQ((*st)->Step(), storage::Row::kRow);
  EXPECT_EQ((*st)->Int(0), 3);
  auto again = OpenSqliteWorkspaceStore(path);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->ListUsers()->size(), 1u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kira::crm
