// Durability of the SQLite store under faults: a process that dies mid-conversation without
// closing the store (abort, _exit, SIGKILL) loses no lead and no turn it was told was saved;
// a full disk (simulated with max_page_count) fails the write with "disk full" and leaves the
// data already written intact.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "crm/sqlite/sqlite_crm_store.h"

namespace kira::crm {
namespace {

namespace fs = std::filesystem;

std::string ScratchDir(const std::string& tag) {
  fs::path p = fs::temp_directory_path() /
               ("kira-crm-" + tag + "-" + std::to_string(::getpid()) + "-" +
                std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p.string();
}

std::string TurnText(int i) { return "реплика " + std::to_string(i) + ": плитка 60x60"; }

enum class Death { kAbort, kExit, kKilledByParent };

// Child: writes a contact, a lead, a conversation and turns, reporting each id on `fd` only
// after the store returned Ok, then dies the chosen way without closing anything.
[[noreturn]] void ChildConversation(const std::string& db, int fd, Death death) {
  struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  auto report = [fd](int64_t v) {
    if (write(fd, &v, sizeof v) != sizeof v) _exit(3);
  };
  auto store = OpenSqliteCrmStore(db);
  if (!store.ok()) _exit(2);
  Contact person;
  person.phone = "+79161234567";
  auto contact = (*store)->UpsertContact(person);
  if (!contact.ok()) _exit(2);
  Lead l;
  l.contact_id = *contact;
  l.channel = "phone";
  auto lead = (*store)->CreateLead(l);
  if (!lead.ok()) _exit(2);
  report(*lead);
  Conversation c;
  c.lead_id = *lead;
  c.agent = "kira";
  auto conv = (*store)->StartConversation(c);
  if (!conv.ok()) _exit(2);
  report(*conv);
  int turns = death == Death::kKilledByParent ? 1000000 : 7;
  for (int i = 0; i < turns; ++i) {
    auto t = (*store)->AppendTurn(*conv, i % 2 ? "caller" : "agent", TurnText(i), 0);
    if (!t.ok()) _exit(2);
    report(*t);
  }
  if (death == Death::kAbort) std::abort();
  _exit(0);
}

void CrashAndRecover(Death death) {
  std::string dir = ScratchDir("crash");
  std::string db = dir + "/kira.db";
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    ChildConversation(db, fds[1], death);
  }
  close(fds[1]);
  std::vector<int64_t> ids;
  int64_t v;
  while (read(fds[0], &v, sizeof v) == sizeof v) {
    ids.push_back(v);
    // Kill mid-conversation: after some turns are saved, while more are being written.
    if (death == Death::kKilledByParent && ids.size() == 2 + 25) kill(pid, SIGKILL);
  }
  close(fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  switch (death) {
    case Death::kAbort:
      ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT) << status;
      break;
    case Death::kExit:
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
      break;
    case Death::kKilledByParent:
      ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
      break;
  }
  ASSERT_GE(ids.size(), 2u + 7u);

  // The WAL and its index are left behind as the child left them; reopening recovers.
  auto store = OpenSqliteCrmStore(db);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto lead = (*store)->GetLead(ids[0]);
  ASSERT_TRUE(lead.ok()) << lead.status().ToString();
  EXPECT_EQ(lead->channel, "phone");
  auto contact = (*store)->GetContact(lead->contact_id);
  ASSERT_TRUE(contact.ok());
  EXPECT_EQ(contact->phone, "+79161234567");
  auto conv = (*store)->GetConversation(ids[1]);
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  EXPECT_EQ(conv->lead_id, ids[0]);
  EXPECT_EQ(conv->ended_at, 0);  // it never ended
  size_t reported = ids.size() - 2;
  // Every reported turn is there; at most one more (saved, but killed before reporting).
  ASSERT_GE(conv->turns.size(), reported);
  ASSERT_LE(conv->turns.size(), reported + 1);
  for (size_t i = 0; i < reported; ++i) {
    EXPECT_EQ(conv->turns[i].id, ids[2 + i]);
    EXPECT_EQ(conv->turns[i].seq, static_cast<int>(i + 1));
    EXPECT_EQ(conv->turns[i].text, TurnText(static_cast<int>(i)));
  }
  // The store carries on where the dead process stopped.
  auto next = (*store)->AppendTurn(ids[1], "agent", "снова здравствуйте", 0);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  store->reset();
  fs::remove_all(dir);
}

TEST(SqliteCrmCrash, AbortMidConversationLosesNothing) { CrashAndRecover(Death::kAbort); }
TEST(SqliteCrmCrash, ExitWithoutClosingLosesNothing) { CrashAndRecover(Death::kExit); }
TEST(SqliteCrmCrash, SigkillWhileWritingTurnsLosesNoSavedTurn) {
  CrashAndRecover(Death::kKilledByParent);
}

TEST(SqliteCrmDiskFull, WriteFailsClearlyAndEarlierDataIsIntact) {
  std::string dir = ScratchDir("full");
  std::string db = dir + "/kira.db";
  SqliteCrmOptions capped;
  capped.synchronous_full = false;
  capped.max_page_count = 64;  // 256 KiB with 4 KiB pages: the schema and a few leads
  auto opened = OpenSqliteCrmStore(db, capped);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  CrmStore& store = **opened;

  std::vector<int64_t> saved;
  Status failure;
  for (int i = 0; i < 1000; ++i) {
    Lead l;
    l.channel = "phone";
    l.summary = std::string(3000, 'a' + i % 26);
    auto id = store.CreateLead(l);
    if (!id.ok()) {
      failure = id.status();
      break;
    }
    saved.push_back(*id);
  }
  ASSERT_FALSE(failure.ok()) << "the cap never hit";
  EXPECT_EQ(failure.code(), Status::Code::kIo);
  EXPECT_NE(failure.message().find("disk full"), std::string::npos) << failure.message();
  ASSERT_GT(saved.size(), 5u);
  std::printf("full after %zu leads: %s\n", saved.size(), failure.ToString().c_str());

  // An order (header + lines in one transaction) on a full disk leaves nothing behind.
  Order o;
  o.lead_id = saved[0];
  for (int i = 0; i < 40; ++i) {
    OrderLine line;
    line.sku = "SKU-" + std::to_string(i);
    line.name = std::string(2000, 'x');
    line.qty = 1;
    line.price = 10;
    o.lines.push_back(line);
  }
  auto order = store.CreateOrder(o);
  ASSERT_FALSE(order.ok());
  EXPECT_NE(order.status().message().find("disk full"), std::string::npos)
      << order.status().message();
  EXPECT_TRUE(store.ListOrders()->empty());

  // Everything written before the failure reads back, in this and in a new connection.
  auto check = [&](CrmStore& s) {
    LeadFilter all;
    EXPECT_EQ(*s.CountLeads(all), static_cast<int64_t>(saved.size()));
    for (size_t i = 0; i < saved.size(); ++i) {
      auto l = s.GetLead(saved[i]);
      ASSERT_TRUE(l.ok()) << l.status().ToString();
      EXPECT_EQ(l->summary, std::string(3000, static_cast<char>('a' + i % 26)));
    }
  };
  check(store);
  opened->reset();
  auto reopened = OpenSqliteCrmStore(db);  // space freed: no cap
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  check(**reopened);
  auto order2 = (*reopened)->CreateOrder(o);
  EXPECT_TRUE(order2.ok()) << order2.status().ToString();
  reopened->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kira::crm
