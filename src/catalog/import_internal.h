// Internal to the catalog importer: parse variants that also return each row's line number,
// so database-level checks (unknown sku) can still name the line.
#pragma once

#include <string>
#include <vector>

#include "catalog/importer.h"

namespace kira::catalog::internal {

Result<std::vector<DistributorStock>> ParseStockCsvLines(const std::string& content,
                                                         ImportReport* report,
                                                         const std::string& name,
                                                         std::vector<size_t>* lines,
                                                         const ImportLimits& limits);

}  // namespace kira::catalog::internal
