// The per-install key of hashed do-not-call entries (issue 10): made at the first open beside
// the database (mode 0600), reused by every later open, different per install, refused when
// damaged; entries hashed with the old fixed key still match.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "crm/phone.h"
#include "crm/sqlite/sqlite_crm_store.h"
#include "crm/sqlite/store.h"
#include "storage/sqlite.h"

namespace kira::crm {
namespace {

namespace fs = std::filesystem;

constexpr char kNumber[] = "+79161234567";

class DncSecret : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kira-dnc-secret-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "a");
    fs::create_directories(dir_ / "b");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Db(const char* install) const { return (dir_ / install / "kira.db").string(); }
  std::string Key(const char* install) const { return (dir_ / install / "dnc.key").string(); }
  static std::string ReadAll(const std::string& path) {
    std::ifstream f(path);
    return std::string(std::istreambuf_iterator<char>(f), {});
  }
  // Opted out, then forgotten: the entry keeps only a hash.
  static void OptOutAndForget(CrmStore& store) {
    ASSERT_TRUE(store.AddDnc(DncEntry{kNumber, "opt_out", "call", 0}).ok());
    auto f = store.Forget(kNumber);
    ASSERT_TRUE(f.ok()) << f.status().message();
    ASSERT_TRUE(f->dnc_hashed);
  }
  // The phone_key column of the do-not-call table.
  static std::set<std::string> StoredKeys(const std::string& db_path) {
    std::set<std::string> keys;
    auto db = storage::Db::Open(db_path);
    EXPECT_TRUE(db.ok());
    auto q = (*db)->Prepare("SELECT phone_key FROM dnc");
    EXPECT_TRUE(q.ok());
    while ((*q)->Step() == storage::Row::kRow) keys.insert((*q)->Text(0));
    return keys;
  }
  fs::path dir_;
};

TEST_F(DncSecret, MadeAtFirstOpenPrivateAndReusedAfterwards) {
  ASSERT_FALSE(fs::exists(Key("a")));
  {
    auto store = OpenSqliteCrmStore(Db("a"));
    ASSERT_TRUE(store.ok()) << store.status().message();
    OptOutAndForget(**store);
  }
  struct stat st {};
  ASSERT_EQ(::stat(Key("a").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string key = ReadAll(Key("a"));
  EXPECT_EQ(key.size(), 65u) << key;  // 64 hex digits and a newline
  // The stored entry is the keyed hash, not the number and not the old fixed-key hash.
  const std::string normalized = NormalizePhone(kNumber);
  const std::set<std::string> keys = StoredKeys(Db("a"));
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys.begin()->rfind("k:", 0), 0u) << *keys.begin();
  EXPECT_NE(*keys.begin(), LegacyDncHashKey(normalized));
  EXPECT_EQ(keys.begin()->find("9161234567"), std::string::npos);

  auto again = OpenSqliteCrmStore(Db("a"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ReadAll(Key("a")), key);  // reused, not replaced
  auto dnc = (*again)->IsDnc("8 (916) 123-45-67");
  ASSERT_TRUE(dnc.ok());
  EXPECT_TRUE(*dnc) << "a forgotten number that opted out must still be refused";
  EXPECT_FALSE(*(*again)->IsDnc("+79161234568"));
}

TEST_F(DncSecret, TwoInstallsHashTheSameNumberDifferently) {
  for (const char* install : {"a", "b"}) {
    auto store = OpenSqliteCrmStore(Db(install));
    ASSERT_TRUE(store.ok());
    OptOutAndForget(**store);
  }
  EXPECT_NE(ReadAll(Key("a")), ReadAll(Key("b")));
  EXPECT_NE(StoredKeys(Db("a")), StoredKeys(Db("b")));
}

TEST_F(DncSecret, EntriesHashedWithTheOldFixedKeyStillMatch) {
  { ASSERT_TRUE(OpenSqliteCrmStore(Db("a")).ok()); }
  {
    // What Forget wrote before there was a per-install key.
    auto db = storage::Db::Open(Db("a"));
    ASSERT_TRUE(db.ok());
    auto q = (*db)->Prepare(
        "INSERT INTO dnc(phone_key, phone, reason, source, added_at) VALUES(?, '', 'opt_out', "
        "'', 1)");
    ASSERT_TRUE(q.ok());
    (*q)->Bind(1, LegacyDncHashKey(NormalizePhone(kNumber)));
    ASSERT_TRUE((*q)->Exec().ok());
  }
  auto store = OpenSqliteCrmStore(Db("a"));
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE(*(*store)->IsDnc(kNumber));
  ASSERT_TRUE((*store)->RemoveDnc(kNumber).ok());
  EXPECT_FALSE(*(*store)->IsDnc(kNumber));
}

TEST_F(DncSecret, ADamagedKeyIsRefusedNotReplaced) {
  { ASSERT_TRUE(OpenSqliteCrmStore(Db("a")).ok()); }
  std::ofstream(Key("a"), std::ios::trunc) << "not a key\n";
  auto store = OpenSqliteCrmStore(Db("a"));
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("dnc.key"), std::string::npos)
      << store.status().message();
  EXPECT_EQ(ReadAll(Key("a")), "not a key\n");
}

TEST_F(DncSecret, AKeyReadableByOthersIsMadePrivate) {
  { ASSERT_TRUE(OpenSqliteCrmStore(Db("a")).ok()); }
  ASSERT_EQ(::chmod(Key("a").c_str(), 0644), 0);
  ASSERT_TRUE(OpenSqliteCrmStore(Db("a")).ok());
  struct stat st {};
  ASSERT_EQ(::stat(Key("a").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(DncSecret, InMemoryStoresWriteNoKeyFile) {
  EXPECT_EQ(DncSecretPath(":memory:"), "");
  EXPECT_EQ(DncSecretPath("kira.db"), "./dnc.key");
  EXPECT_EQ(DncSecretPath("/var/lib/kira/kira.db"), "/var/lib/kira/dnc.key");
  auto store = OpenSqliteCrmStore(":memory:");
  ASSERT_TRUE(store.ok());
  OptOutAndForget(**store);
  EXPECT_TRUE(*(*store)->IsDnc(kNumber));
}

}  // namespace
}  // namespace kira::crm
