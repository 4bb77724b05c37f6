// Tests specific to the SQLite store: persistence across reopen, threads.
#include "crm/sqlite/sqlite_crm_store.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <thread>

#include "crm/sqlite/schema.h"
#include "crm/testing/crm_store_conformance.h"
#include "storage/backup.h"
#include "storage/sqlite.h"

namespace kira::crm {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("kira-crm-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

// First open: a migrated store is backed up and restored into a new file, which is opened;
// later opens (Reopen) open that file again.
Result<std::unique_ptr<CrmStore>> OpenRestoredStore(const std::string& dir) {
  const std::string restored = dir + "/kira.db";
  if (!fs::exists(restored)) {
    { KIRA_ASSIGN_OR_RETURN(auto live, OpenSqliteCrmStore(dir + "/live.db")); }
    KIRA_RETURN_IF_ERROR(storage::BackupDatabase(dir + "/live.db", dir + "/backup.db").status());
    KIRA_RETURN_IF_ERROR(storage::RestoreDatabase(dir + "/backup.db", restored).status());
  }
  return OpenSqliteCrmStore(restored);
}

INSTANTIATE_TEST_SUITE_P(
    Sqlite, CrmStoreConformance,
    ::testing::Values(
        CrmStoreFactory{"file",
                        [](const std::string& dir) { return OpenSqliteCrmStore(dir + "/kira.db"); },
                        true},
        CrmStoreFactory{"memory", [](const std::string&) { return OpenSqliteCrmStore(":memory:"); },
                        false},
        // The whole suite on a database restored from a backup (kira backup / kira restore).
        CrmStoreFactory{"restored", OpenRestoredStore, true}),
    CrmStoreFactoryName);

TEST(SqliteCrmStore, LeadConversationTurnsSurviveReopen) {
  TempDir dir;
  int64_t lead_id = 0, conv_id = 0;
  {
    auto store = OpenSqliteCrmStore(dir.file("kira.db"));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    Contact person;
    person.phone = "+79161234567";
    person.name = "Анна";
    auto contact = (*store)->UpsertContact(person);
    ASSERT_TRUE(contact.ok()) << contact.status().ToString();
    Lead l;
    l.contact_id = *contact;
    l.channel = "chat";
    auto lead = (*store)->CreateLead(l);
    ASSERT_TRUE(lead.ok()) << lead.status().ToString();
    lead_id = *lead;
    Conversation c;
    c.lead_id = lead_id;
    c.agent = "kira";
    auto conv = (*store)->StartConversation(c);
    ASSERT_TRUE(conv.ok()) << conv.status().ToString();
    conv_id = *conv;
    ASSERT_TRUE((*store)->AppendTurn(conv_id, "agent", "Здравствуйте!", 0).ok());
    ASSERT_TRUE((*store)->AppendTurn(conv_id, "caller", "Есть плитка 60 на 60?", 0).ok());
  }
  auto store = OpenSqliteCrmStore(dir.file("kira.db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto lead = (*store)->GetLead(lead_id);
  ASSERT_TRUE(lead.ok());
  EXPECT_EQ(lead->channel, "chat");
  auto conv = (*store)->GetConversation(conv_id);
  ASSERT_TRUE(conv.ok());
  ASSERT_EQ(conv->turns.size(), 2u);
  EXPECT_EQ(conv->turns[1].seq, 2);
  EXPECT_EQ(conv->turns[1].text, "Есть плитка 60 на 60?");
}

TEST(SqliteCrmStore, TwoThreadsShareOneStore) {
  TempDir dir;
  SqliteCrmOptions options;
  options.synchronous_full = false;
  auto opened = OpenSqliteCrmStore(dir.file("kira.db"), options);
  ASSERT_TRUE(opened.ok());
  CrmStore& store = **opened;
  Lead l;
  l.channel = "phone";
  auto lead = store.CreateLead(l);
  ASSERT_TRUE(lead.ok());
  Conversation talk;
  talk.lead_id = *lead;
  talk.agent = "kira";
  auto conv = store.StartConversation(talk);
  ASSERT_TRUE(conv.ok());
  constexpr int kTurns = 200;
  std::thread writer([&] {
    for (int i = 0; i < kTurns; ++i) {
      EXPECT_TRUE(store.AppendTurn(*conv, "caller", "turn " + std::to_string(i), 0).ok());
    }
  });
  std::thread reader([&] {
    for (int i = 0; i < kTurns; ++i) {
      auto leads = store.ListLeads({});
      EXPECT_TRUE(leads.ok());
      auto c = store.GetConversation(*conv);
      EXPECT_TRUE(c.ok());
    }
  });
  writer.join();
  reader.join();
  auto c = store.GetConversation(*conv);
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->turns.size(), static_cast<size_t>(kTurns));
  for (int i = 0; i < kTurns; ++i) EXPECT_EQ(c->turns[i].seq, i + 1);
}

TEST(SqliteCrmStore, UpgradesAVersion1Database) {
  TempDir dir;
  std::string path = dir.file("old.db");
  {
    auto db = storage::Db::Open(path);
    ASSERT_TRUE(db.ok());
    std::vector<storage::Migration> v1 = {CrmMigrations().front()};
    ASSERT_EQ(v1[0].version, 1);
    ASSERT_TRUE(storage::Migrate(**db, "crm", v1).ok());
    ASSERT_TRUE((*db)
                    ->Exec("INSERT INTO leads(channel, created_at, updated_at) "
                           "VALUES('phone', 5, 5)")
                    .ok());
  }
  auto store = OpenSqliteCrmStore(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  LeadFilter f;
  f.channel = "phone";
  auto leads = (*store)->ListLeads(f);
  ASSERT_TRUE(leads.ok());
  ASSERT_EQ(leads->size(), 1u);
  EXPECT_EQ((*leads)[0].created_at, 5);
  store->reset();
  auto db = storage::Db::Open(path);
  ASSERT_TRUE(db.ok());
  auto v = (*db)->Prepare("SELECT version FROM schema_version WHERE component='crm'");
  ASSERT_TRUE(v.ok());
  ASSERT_EQ((*v)->Step(), storage::Row::kRow);
  EXPECT_EQ((*v)->Int(0), CrmMigrations().back().version);
}

TEST(SqliteCrmStore, RecordsWithoutATimeTakeTheClocksNow) {
  FakeClock clock(FromUnixMillis(1800000000000));
  SqliteCrmOptions o;
  o.clock = &clock;
  auto store = OpenSqliteCrmStore(":memory:", o);
  ASSERT_TRUE(store.ok());
  Lead l;
  l.channel = "web";
  auto id = (*store)->CreateLead(l);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ((*store)->GetLead(*id)->created_at, 1800000000000);
  clock.Advance(std::chrono::milliseconds(1500));
  Lead upd = *(*store)->GetLead(*id);
  upd.status = LeadStatus::kTaken;
  ASSERT_TRUE((*store)->UpdateLead(upd).ok());
  EXPECT_EQ((*store)->GetLead(*id)->updated_at, 1800000001500);
  Conversation c;
  c.lead_id = *id;
  auto conv = (*store)->StartConversation(c);
  ASSERT_TRUE(conv.ok());
  ASSERT_TRUE((*store)->AppendTurn(*conv, "agent", "Здравствуйте", 0).ok());
  auto got = (*store)->GetConversation(*conv);
  EXPECT_EQ(got->started_at, 1800000001500);
  EXPECT_EQ(got->turns[0].at, 1800000001500);
}

// The database keeps the vocabularies' names; a name no table row has (written by a newer
// version, or by hand) fails the read with the value and the accepted names, never a guess.
TEST(SqliteCrmStore, UnknownStatusOrKindInTheDatabaseIsAClearError) {
  TempDir dir;
  std::string path = dir.file("kira.db");
  int64_t lead = 0, task = 0, order = 0;
  {
    auto store = OpenSqliteCrmStore(path);
    ASSERT_TRUE(store.ok());
    Lead l;
    l.channel = "web";
    lead = *(*store)->CreateLead(l);
    Task t;
    t.lead_id = lead;
    t.kind = TaskKind::kVeraCall;
    task = *(*store)->CreateTask(t);
    Order o;
    o.lead_id = lead;
    o.lines.push_back({"A", "a", 1, "pcs", 5});
    order = *(*store)->CreateOrder(o);
    ASSERT_EQ((*store)->GetTask(task)->kind, TaskKind::kVeraCall);
  }
  {
    auto db = storage::Db::Open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("UPDATE leads SET status='lost'").ok());
    ASSERT_TRUE((*db)->Exec("UPDATE tasks SET kind='telegram'").ok());
    ASSERT_TRUE((*db)->Exec("UPDATE orders SET status='gone'").ok());
  }
  auto store = OpenSqliteCrmStore(path);
  ASSERT_TRUE(store.ok());
  auto l = (*store)->GetLead(lead);
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.status().code(), Status::Code::kInvalid);
  EXPECT_EQ(l.status().message(),
            "lead status 'lost' is not one of new, taken, vera_assigned, closed");
  EXPECT_FALSE((*store)->ListLeads(LeadFilter{}).ok());
  auto t = (*store)->GetTask(task);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("task kind 'telegram'"), std::string::npos)
      << t.status().message();
  EXPECT_FALSE((*store)->ListTasks().ok());
  auto o = (*store)->GetOrder(order);
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("order status 'gone' is not one of new, confirmed"),
            std::string::npos)
      << o.status().message();
}

// The lead's outcome, qualification and reason, and a conversation's outcome, are read the
// same way: a name no row of crm/outcome.h has fails the read, naming the value.
TEST(SqliteCrmStore, UnknownOutcomeOrReasonInTheDatabaseIsAClearError) {
  TempDir dir;
  std::string path = dir.file("kira.db");
  int64_t a = 0, b = 0, c = 0, d = 0, conv = 0;
  {
    auto store = OpenSqliteCrmStore(path);
    ASSERT_TRUE(store.ok());
    a = *(*store)->CreateLead(Lead{});
    b = *(*store)->CreateLead(Lead{});
    c = *(*store)->CreateLead(Lead{});
    d = *(*store)->CreateLead(Lead{});
    Conversation cv;
    cv.lead_id = d;
    conv = *(*store)->StartConversation(cv);
  }
  {
    auto db = storage::Db::Open(path);
    ASSERT_TRUE(db.ok());
    auto set = [&](const std::string& what, int64_t id) {
      ASSERT_TRUE((*db)->Exec("UPDATE leads SET " + what + " WHERE id=" + std::to_string(id)).ok());
    };
    set("outcome='sold_something'", a);
    set("qualification='maybe'", b);
    set("reason='sold'", c);  // a close reason, but the lead is not closed
    set("status='closed', reason='vera_'", d);
    ASSERT_TRUE((*db)
                    ->Exec("UPDATE conversations SET outcome='non_targeted', "
                           "reason='too_expensive'")
                    .ok());
  }
  auto store = OpenSqliteCrmStore(path);
  ASSERT_TRUE(store.ok());
  auto message = [&](int64_t id) { return (*store)->GetLead(id).status().message(); };
  EXPECT_EQ(message(a),
            "lead outcome 'sold_something' is not one of order_placed, qualified, non_targeted, "
            "info_only, callback_scheduled, transferred, abusive, prank, fraud_suspected, opt_out, "
            "wrong_number, refused, secretary, voicemail, no_answer, interrupted");
  EXPECT_EQ(message(b), "lead qualification 'maybe' is not one of \"\", targeted, non_targeted");
  EXPECT_EQ(message(c),
            "lead " + std::to_string(c) +
                " (new): reason 'sold' is not one of discontinued, out_of_stock, not_sold, "
                "small_quantity, unclear, other");
  EXPECT_NE(message(d).find("reason 'vera_' is not one of"), std::string::npos) << message(d);
  EXPECT_NE(message(d).find("vera_<result>"), std::string::npos) << message(d);
  EXPECT_FALSE((*store)->ListLeads(LeadFilter{}).ok());
  auto got = (*store)->GetConversation(conv);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("conversation reason 'too_expensive' is not one of"),
            std::string::npos)
      << got.status().message();
}

TEST(SqliteCrmStore, OpeningANonDatabaseFailsClearly) {
  TempDir dir;
  std::string path = dir.file("not-a-db");
  {
    FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("this is not an SQLite database, just some text long enough to matter....", f);
    std::fclose(f);
  }
  auto store = OpenSqliteCrmStore(path);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("not a database"), std::string::npos)
      << store.status().message();
}

}  // namespace
}  // namespace kira::crm
