// Internal to the catalog importer: parse variants that also return each row's line number,
// so database-level checks (unknown sku) can still name the line.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "catalog/importer.h"

namespace kira::catalog::internal {

Result<std::vector<DistributorStock>> ParseStockCsvLines(const std::string& content,
                                                         ImportReport* report,
                                                         const std::string& name,
                                                         std::vector<size_t>* lines,
                                                         const ImportLimits& limits);

// CSV or YML, chosen from the content (ImportCatalogContent's parse step).
Result<std::vector<Product>> ParseCatalogContent(const std::string& content, ImportReport* report,
                                                 const std::string& name,
                                                 const ImportLimits& limits,
                                                 const CatalogImportOptions& options);

// What writing `products` over the skus `existing` in the database does, counted into
// `report` (inserted, updated, not_in_file or removed, the kept-unchanged warning); returns the
// skus to delete (only with `replace`). Every store's catalog import counts with this.
std::vector<std::string> PlanCatalogWrite(const std::unordered_set<std::string>& existing,
                                          const std::vector<Product>& products, bool replace,
                                          ImportReport* report);

// A distributor feed's rows whose sku the shop's catalog lacks ("line 'sku'" each), as the
// report's warning; nothing when the list is empty.
void WarnUnknownDistributorSkus(const std::vector<std::string>& unknown,
                                const std::string& name_for_errors, ImportReport* report);

}  // namespace kira::catalog::internal
