// Fuzzes the catalog and stock CSV parsers (catalog/importer.h) with small limits, so the limit
// paths are reached too. The first byte picks the parser. Accepted rows must respect every
// limit and hold no control characters; refusals must say why.
#include <cstdint>
#include <string>

#include "catalog/importer.h"
#include "fuzz_util.h"

using kira::fuzz::Check;
using kira::fuzz::CheckCleanText;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool stock = data[0] & 1;
  std::string content(reinterpret_cast<const char*>(data) + 1, size - 1);
  kira::catalog::ImportLimits lim;
  lim.max_field_bytes = 256;
  lim.max_rows = 64;
  lim.max_fields = 20;
  lim.max_file_bytes = 64 << 10;
  kira::catalog::ImportReport rep;
  if (stock) {
    auto r = kira::catalog::ParseStockCsv(content, &rep, "stock.csv", lim);
    if (!r.ok()) return Check(!r.status().message().empty()), 0;
    Check(r->size() <= lim.max_rows);
    for (const auto& d : *r) {
      Check(!d.sku.empty() && d.sku.size() <= lim.max_field_bytes);
      CheckCleanText(d.sku);
      Check(d.qty >= 0 && d.lead_days >= 0 && d.lead_days <= 365);
    }
    return 0;
  }
  auto r = kira::catalog::ParseCatalogCsv(content, &rep, "catalog.csv", lim);
  if (!r.ok()) return Check(!r.status().message().empty()), 0;
  Check(!r->empty() && r->size() <= lim.max_rows);
  for (const auto& p : *r) {
    for (const std::string* f : {&p.sku, &p.name, &p.category, &p.brand, &p.collection, &p.format,
                                 &p.color, &p.surface, &p.material, &p.unit}) {
      Check(f->size() <= lim.max_field_bytes);
      CheckCleanText(*f);
    }
    Check(!p.sku.empty() && !p.name.empty() && p.price > 0 && p.stock >= 0);
  }
  return 0;
}
