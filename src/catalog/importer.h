// Imports of the shop's catalog (CSV or Yandex Market YML) and of stock feeds (CSV
// sku,qty,lead_days). All-or-nothing: any bad row leaves the database unchanged and the error
// names the line (or offer id), the field and the problem. Re-import updates in place.
#pragma once

#include <string>
#include <vector>

#include "catalog/product.h"
#include "core/status.h"
#include "storage/sqlite.h"

namespace kira::catalog {

struct ImportReport {
  size_t rows = 0;       // rows/offers read
  size_t inserted = 0;
  size_t updated = 0;
  std::vector<std::string> warnings;  // e.g. "unknown column 'weight' ignored"
};

// Parsers (no database): used by the importer and the web upload.
Result<std::vector<Product>> ParseCatalogCsv(const std::string& content, ImportReport* report);
Result<std::vector<Product>> ParseCatalogYml(const std::string& content, ImportReport* report);
Result<std::vector<DistributorStock>> ParseStockCsv(const std::string& content,
                                                    ImportReport* report);

// Picks CSV or YML from the content; reads the file; writes in one transaction.
Result<ImportReport> ImportCatalogFile(storage::Db& db, const std::string& path);
Result<ImportReport> ImportCatalogContent(storage::Db& db, const std::string& content,
                                          const std::string& name_for_errors);
// source: "distributor" (the only one today) or "shop" (updates products.stock by sku).
Result<ImportReport> ImportStockFile(storage::Db& db, const std::string& path,
                                     const std::string& source);
Result<ImportReport> ImportStockContent(storage::Db& db, const std::string& content,
                                        const std::string& source);
}  // namespace kira::catalog
