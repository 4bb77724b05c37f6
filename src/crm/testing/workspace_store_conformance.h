// The conformance suite every WorkspaceStore implementation must pass (the SQLite store now, a
// PostgreSQL store later): a parameterised GoogleTest over a factory, like the CrmStore suite
// (crm_store_conformance.h). An implementation's test file instantiates it:
//
//   INSTANTIATE_TEST_SUITE_P(
//       Sqlite, WorkspaceStoreConformance,
//       ::testing::Values(WorkspaceStoreFactory{"file", [](const std::string& dir) {
//         return OpenSqliteWorkspaceStore(dir + "/kira.db"); }, /*persistent=*/true}),
//       WorkspaceStoreFactoryName);
//
// Each test gets a fresh scratch directory and a fresh store; times are given, never read.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/testing/store_conformance.h"
#include "crm/workspace_store.h"

namespace kira::crm {

using WorkspaceStoreFactory = StoreFactory<WorkspaceStore>;

inline std::string WorkspaceStoreFactoryName(
    const ::testing::TestParamInfo<WorkspaceStoreFactory>& info) {
  return info.param.name;
}

class WorkspaceStoreConformance : public StoreConformance<WorkspaceStore> {
 protected:
  // Builders that assert success.
  User NewUser(const std::string& name, const std::string& role = "manager");
  Webhook NewWebhook(const std::vector<std::string>& events, bool active = true);
};

}  // namespace kira::crm
