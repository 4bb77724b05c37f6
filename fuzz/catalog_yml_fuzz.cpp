// Fuzzes the Yandex Market YML parser (catalog/importer.h) with small limits: no entity is
// ever expanded (text stays within the limits), accepted offers hold no control characters.
#include <cstdint>
#include <string>

#include "catalog/importer.h"
#include "fuzz_util.h"

using kira::fuzz::Check;
using kira::fuzz::CheckCleanText;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string content(reinterpret_cast<const char*>(data), size);
  kira::catalog::ImportLimits lim;
  lim.max_field_bytes = 256;
  lim.max_rows = 64;
  lim.max_file_bytes = 64 << 10;
  lim.max_text_bytes = 16 << 10;
  kira::catalog::ImportReport rep;
  auto r = kira::catalog::ParseCatalogYml(content, &rep, "feed.yml", lim);
  if (!r.ok()) return Check(!r.status().message().empty()), 0;
  Check(!r->empty() && r->size() <= lim.max_rows);
  for (const auto& p : *r) {
    // The name may join typePrefix, vendor and model: three fields.
    Check(p.name.size() <= 3 * lim.max_field_bytes + 2);
    for (const std::string* f : {&p.sku, &p.category, &p.brand, &p.collection, &p.format, &p.color,
                                 &p.surface, &p.material, &p.unit})
      Check(f->size() <= lim.max_field_bytes);
    for (const std::string* f : {&p.sku, &p.name, &p.category, &p.brand, &p.collection})
      CheckCleanText(*f);
    Check(!p.sku.empty() && !p.name.empty() && p.price > 0 && p.stock >= 0);
  }
  return 0;
}
