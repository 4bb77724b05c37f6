// kira backup / kira restore on the CRM database: a backup taken while writers write is a
// consistent snapshot (every order with all its lines), restores into a working store, and a
// damaged or foreign file is refused without touching the live database.
#include "storage/backup.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "crm/sqlite/sqlite_crm_store.h"
#include "storage/sqlite.h"

namespace kira::crm {
namespace {

namespace fs = std::filesystem;

struct Scratch {
  Scratch() {
    dir = (fs::temp_directory_path() / ("kira-backup-" + std::to_string(::getpid()))).string();
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~Scratch() { fs::remove_all(dir); }
  std::string dir;
};

Order ThreeLineOrder(int64_t lead) {
  Order o;
  o.lead_id = lead;
  o.customer_name = "Анна";
  for (int i = 0; i < 3; ++i)
    o.lines.push_back(OrderLine{"SKU-" + std::to_string(i), "Плитка", 1.5, "м2", 1000});
  return o;
}

TEST(Backup, SnapshotWhileWritingIsConsistentAndRestores) {
  Scratch s;
  const std::string live = s.dir + "/kira.db";
  auto store = OpenSqliteCrmStore(live);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto lead = (*store)->CreateLead(Lead{});
  ASSERT_TRUE(lead.ok());
  for (int i = 0; i < 200; ++i) ASSERT_TRUE((*store)->CreateOrder(ThreeLineOrder(*lead)).ok());

  // A writer keeps placing orders (each with its lines, atomically) during the backup.
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    while (!stop) {
      if ((*store)->CreateOrder(ThreeLineOrder(*lead)).ok()) ++written;
    }
  });
  while (written < 20) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  auto b = storage::BackupDatabase(live, s.dir + "/backup.db");
  const int before_stop = written;
  stop = true;
  writer.join();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_GT(b->pages, 0);
  EXPECT_FALSE(fs::exists(s.dir + "/backup.db-wal"));  // one self-contained file

  // A backup never overwrites.
  auto again = storage::BackupDatabase(live, s.dir + "/backup.db");
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("exists"), std::string::npos);

  const std::string restored = s.dir + "/restored.db";
  auto r = storage::RestoreDatabase(s.dir + "/backup.db", restored);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto rs = OpenSqliteCrmStore(restored);
  ASSERT_TRUE(rs.ok()) << rs.status().ToString();
  auto orders = (*rs)->ListOrders(0);
  ASSERT_TRUE(orders.ok());
  EXPECT_GE(orders->size(), 200u + 20u);
  EXPECT_LE(orders->size(), 200u + static_cast<size_t>(written.load()));
  for (const Order& o : *orders) ASSERT_EQ(o.lines.size(), 3u) << "order " << o.id;
  std::printf("backup: %zu orders in the snapshot, %d written during it (%d before it ended)\n",
              orders->size(), written.load(), before_stop);
  // The restored store works: a new order goes in.
  EXPECT_TRUE((*rs)->CreateOrder(ThreeLineOrder(*lead)).ok());
}

TEST(Backup, DamagedOrForeignFilesAreRefusedAndTheLiveDatabaseStays) {
  Scratch s;
  const std::string live = s.dir + "/kira.db";
  {
    auto store = OpenSqliteCrmStore(live);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->CreateLead(Lead{}).ok());
  }
  std::ofstream(s.dir + "/garbage.db") << std::string(8192, 'x');
  auto g = storage::RestoreDatabase(s.dir + "/garbage.db", live);
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("not a database"), std::string::npos) << g.status().message();

  {  // an SQLite file that is not Kira's
    auto other = storage::Db::Open(s.dir + "/other.db");
    ASSERT_TRUE(other.ok());
    ASSERT_TRUE((*other)->Exec("CREATE TABLE t(x)").ok());
  }
  auto f = storage::RestoreDatabase(s.dir + "/other.db", live);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("not a Kira database"), std::string::npos)
      << f.status().message();
  EXPECT_EQ(storage::RestoreDatabase(s.dir + "/absent.db", live).status().code(),
            Status::Code::kNotFound);

  auto store = OpenSqliteCrmStore(live);
  ASSERT_TRUE(store.ok());
  LeadFilter all;
  EXPECT_EQ(*(*store)->CountLeads(all), 1);
}

}  // namespace
}  // namespace kira::crm
