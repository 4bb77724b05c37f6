// Forgetting a person (crm::ForgetPerson, `kira forget`, the admin's "forget") against the
// workspace's outbox, on a CRM store and a workspace store sharing one database: the rows about
// the person (amoCRM, Bitrix24, the manager alerts, webhooks; pending, delivered, or queued before
// the outbox knew its lead) are deleted, and nothing about them reaches the test servers
// afterwards, while another person's rows still go. The suite is instantiated per database
// (forget_outbox_test.cpp: SQLite; forget_outbox_pg_test.cpp: PostgreSQL).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "core/status.h"
#include "crm/crm_store.h"
#include "crm/workspace_store.h"

namespace kira::web::testing {

struct SharedStores {
  std::unique_ptr<crm::CrmStore> crm;
  std::unique_ptr<crm::WorkspaceStore> workspace;
};

struct SharedStoresFactory {
  std::string name;
  // Opens both stores on one fresh database kept in `dir` (an empty directory).
  std::function<Result<SharedStores>(const std::string& dir)> open;
};

inline void PrintTo(const SharedStoresFactory& f, std::ostream* os) { *os << f.name; }

inline std::string SharedStoresName(const ::testing::TestParamInfo<SharedStoresFactory>& info) {
  return info.param.name;
}

class ForgetOutboxTest : public ::testing::TestWithParam<SharedStoresFactory> {};

}  // namespace kira::web::testing
