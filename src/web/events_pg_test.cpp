// Two workspace nodes on one PostgreSQL (a real server): a lead written through node A's store
// reaches node B's server-sent event stream within one second, woken by LISTEN/NOTIFY
// (crm/change_feed.h) — B's own poll is set to a minute, so only the notification can bring
// it that fast. And a session opened on A is valid on B. Label pg.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "crm/change_feed.h"
#include "crm/pg/pg_crm_store.h"
#include "crm/pg/pg_workspace_store.h"
#include "storage/testing/pg_server.h"
#include "web/testing/test_support.h"

namespace kira::web {
namespace {

struct Node {
  std::unique_ptr<crm::CrmStore> store;
  std::unique_ptr<crm::WorkspaceStore> workspace;
  std::unique_ptr<crm::ChangeFeed> feed;
  std::unique_ptr<testing::Env> env;
};

Node StartNode(const std::string& conninfo, const std::string& dnc_dir) {
  Node n;
  crm::PgCrmOptions o;
  o.dnc_secret_path = dnc_dir + "/dnc.key";
  auto s = crm::OpenPgCrmStore(conninfo, o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  auto w = crm::OpenPgWorkspaceStore(conninfo);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  auto f = crm::OpenPgChangeFeed(conninfo);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  if (!s.ok() || !w.ok() || !f.ok()) return n;
  n.store = std::move(*s);
  n.workspace = std::move(*w);
  n.feed = std::move(*f);
  testing::EnvOptions eo;
  eo.poll_interval = std::chrono::minutes(1);
  eo.configure = [&n](WebConfig& cfg) {
    cfg.store = n.store.get();
    cfg.workspace = n.workspace.get();
    cfg.changes = n.feed.get();
  };
  auto env = testing::StartEnv(eo);
  EXPECT_TRUE(env.ok()) << env.status().ToString();
  if (env.ok()) n.env = std::move(*env);
  return n;
}

TEST(WorkspaceOnPostgres, ALeadWrittenOnNodeAReachesNodeBsEventStreamWithinASecond) {
  auto server = storage::testing::PgServer::Start();
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  ASSERT_TRUE((*server)->CreateDatabase("web").ok());
  const std::string conninfo = (*server)->Conninfo("web");
  std::string dir = ::testing::TempDir() + "/events_pg_test";
  std::filesystem::create_directories(dir);
  Node a = StartNode(conninfo, dir);
  ASSERT_NE(a.env, nullptr);
  Node b = StartNode(conninfo, dir);
  ASSERT_NE(b.env, nullptr);

  // The admin both nodes added is one account; a session opened on A works on B.
  testing::Client on_a(a.env->port());
  ASSERT_TRUE(on_a.Login("admin", "correct horse battery"));
  testing::Client on_b(b.env->port());
  on_b.cookie = on_a.cookie;
  auto me = on_b.Get("/api/leads");
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 200) << "node B knows node A's session";

  httplib::Client sse("127.0.0.1", b.env->port());
  sse.set_read_timeout(10);
  std::string got;
  std::atomic<bool> done{false};
  std::atomic<int64_t> seen_at_ms{0};
  std::thread reader([&] {
    sse.Get("/api/events", on_a.headers(false), [&](const char* data, size_t n) {
      got.append(data, n);
      if (got.find("event: lead.created") != std::string::npos &&
          got.find("+79161110042") != std::string::npos) {
        seen_at_ms = ToUnixMillis(Clock::System().Now());
        done = true;
        return false;
      }
      return !done.load();
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // B's stream is open
  const int64_t written_at = ToUnixMillis(Clock::System().Now());
  auto id = testing::AddLead(*a.store, "+79161110042", "qualified", "");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  for (int i = 0; i < 200 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  done = true;
  sse.stop();
  reader.join();
  ASSERT_NE(seen_at_ms.load(), 0) << "node B's stream never showed the lead: " << got;
  EXPECT_LT(seen_at_ms.load() - written_at, 1000) << got;
  std::filesystem::remove_all(dir);
}

// The login limit holds across nodes: wrong passwords tried on A and on B count together, so
// the budget of 5 per name and address is spent after five, wherever they were tried.
TEST(WorkspaceOnPostgres, WrongPasswordsOnTwoNodesShareOneLimit) {
  auto server = storage::testing::PgServer::Start();
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  ASSERT_TRUE((*server)->CreateDatabase("logins").ok());
  const std::string conninfo = (*server)->Conninfo("logins");
  std::string dir = ::testing::TempDir() + "/events_pg_logins";
  std::filesystem::create_directories(dir);
  Node a = StartNode(conninfo, dir);
  ASSERT_NE(a.env, nullptr);
  Node b = StartNode(conninfo, dir);
  ASSERT_NE(b.env, nullptr);
  Auth* on_a = a.env->server->auth();
  Auth* on_b = b.env->server->auth();
  ASSERT_EQ(on_a->options().max_failures, 5);
  for (int i = 0; i < 5; ++i) {
    auto r = (i % 2 ? on_b : on_a)->Login("admin", "wrong password", "10.0.0.9");
    EXPECT_EQ(r.status().code(), Status::Code::kInvalid) << i;
  }
  int retry = 0;
  auto refused_b = on_b->Login("admin", "correct horse battery", "10.0.0.9", &retry);
  EXPECT_EQ(refused_b.status().code(), Status::Code::kUnavailable) << "even the right password";
  EXPECT_GT(retry, 0);
  EXPECT_EQ(on_a->Login("admin", "correct horse battery", "10.0.0.9").status().code(),
            Status::Code::kUnavailable);
  EXPECT_TRUE(on_b->Login("admin", "correct horse battery", "10.0.0.10").ok())
      << "another address has its own budget";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kira::web
