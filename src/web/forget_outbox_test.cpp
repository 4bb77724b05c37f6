// The forget-versus-outbox suite (forget_outbox_suite.h) on the embedded SQLite database: the CRM
// and the workspace tables in one file, as `kira serve` keeps them.
#include "crm/open_store.h"
#include "web/forget_outbox_suite.h"

namespace kira::web::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, ForgetOutboxTest,
                         ::testing::Values(SharedStoresFactory{
                             "sqlite",
                             [](const std::string& dir) -> Result<SharedStores> {
                               SharedStores s;
                               KIRA_ASSIGN_OR_RETURN(s.crm,
                                                     crm::OpenCrmStore(dir + "/kira.db", dir));
                               KIRA_ASSIGN_OR_RETURN(s.workspace,
                                                     crm::OpenWorkspaceStore(dir + "/kira.db"));
                               return s;
                             }}),
                         SharedStoresName);

}  // namespace
}  // namespace kira::web::testing
