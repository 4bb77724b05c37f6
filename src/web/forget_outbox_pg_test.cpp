// The forget-versus-outbox suite (forget_outbox_suite.h) on PostgreSQL (a real server from the
// test harness, a fresh database per test): the CRM store and the workspace store of one node on
// one database. Label pg.
#include <atomic>

#include "crm/pg/pg_crm_store.h"
#include "crm/pg/pg_workspace_store.h"
#include "storage/testing/pg_server.h"
#include "web/forget_outbox_suite.h"

namespace kira::web::testing {
namespace {

storage::testing::PgServer* g_server = nullptr;

class PgEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    auto s = storage::testing::PgServer::Start();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    g_server = std::move(*s).release();
  }
  void TearDown() override {
    delete g_server;
    g_server = nullptr;
  }
};
const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new PgEnvironment);

Result<SharedStores> OpenOnPostgres(const std::string& dir) {
  if (!g_server) return Status::Unavailable("no PostgreSQL test server");
  static std::atomic<int> counter{0};
  const std::string name = "forget_" + std::to_string(counter++);
  KIRA_RETURN_IF_ERROR(g_server->CreateDatabase(name));
  const std::string conninfo = g_server->Conninfo(name);
  crm::PgCrmOptions o;
  o.dnc_secret_path = dir + "/dnc.key";
  SharedStores s;
  KIRA_ASSIGN_OR_RETURN(s.crm, crm::OpenPgCrmStore(conninfo, o));
  KIRA_ASSIGN_OR_RETURN(s.workspace, crm::OpenPgWorkspaceStore(conninfo));
  return s;
}

INSTANTIATE_TEST_SUITE_P(Postgres, ForgetOutboxTest,
                         ::testing::Values(SharedStoresFactory{"postgres", OpenOnPostgres}),
                         SharedStoresName);

}  // namespace
}  // namespace kira::web::testing
