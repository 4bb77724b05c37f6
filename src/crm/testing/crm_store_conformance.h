// The conformance suite every CrmStore implementation must pass (the SQLite store now, a
// PostgreSQL store later). It is a parameterised GoogleTest over a factory; an implementation's
// test file instantiates it:
//
//   INSTANTIATE_TEST_SUITE_P(
//       Sqlite, CrmStoreConformance,
//       ::testing::Values(CrmStoreFactory{"file", [](const std::string& dir) {
//         return OpenSqliteCrmStore(dir + "/kira.db"); }, /*persistent=*/true}),
//       CrmStoreFactoryName);
//
// and compiles crm_store_conformance*.cpp into its test binary (see src/crm/CMakeLists.txt).
// Each test gets a fresh scratch directory and a fresh store; the suite never assumes a clock
// (records that need a time are given one) nor particular id values, only their order.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "core/testing/store_conformance.h"
#include "crm/crm_store.h"

namespace kira::crm {

using CrmStoreFactory = StoreFactory<CrmStore>;

inline std::string CrmStoreFactoryName(const ::testing::TestParamInfo<CrmStoreFactory>& info) {
  return info.param.name;
}

class CrmStoreConformance : public StoreConformance<CrmStore> {
 protected:
  // Small builders that assert success.
  int64_t NewContact(const std::string& phone, const std::string& name = "");
  int64_t NewLead(const std::string& channel = "chat", int64_t contact_id = 0,
                  int64_t created_at = 0);
  int64_t NewConversation(int64_t lead_id, const std::string& agent = "kira");
};

}  // namespace kira::crm
