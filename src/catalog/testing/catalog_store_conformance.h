// The conformance suite every CatalogStore implementation must pass (the SQLite store now, a
// PostgreSQL store later). An implementation's test file instantiates it:
//
//   INSTANTIATE_TEST_SUITE_P(
//       Sqlite, CatalogStoreConformance,
//       ::testing::Values(CatalogStoreFactory{"file", [](const std::string& dir) {
//         return OpenSqliteCatalogStore(dir + "/kira.db"); }, /*persistent=*/true}),
//       CatalogStoreFactoryName);
//
// and compiles catalog_store_conformance.cpp into its test binary.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "catalog/catalog_store.h"
#include "core/testing/store_conformance.h"

namespace kira::catalog {

using CatalogStoreFactory = StoreFactory<CatalogStore>;

inline std::string CatalogStoreFactoryName(
    const ::testing::TestParamInfo<CatalogStoreFactory>& info) {
  return info.param.name;
}

class CatalogStoreConformance : public StoreConformance<CatalogStore> {};

}  // namespace kira::catalog
