// Imports of the shop's catalog (CSV or Yandex Market YML) and of stock feeds (CSV
// sku,qty,lead_days). All-or-nothing: any bad row leaves the database unchanged and the error
// names the line (or offer id), the field and the problem. Re-import updates in place.
#pragma once

#include <string>
#include <vector>

#include "catalog/csv_reader.h"
#include "catalog/import_limits.h"
#include "catalog/product.h"
#include "core/status.h"
#include "storage/sqlite.h"

namespace kira::catalog {

struct ImportReport {
  size_t rows = 0;  // rows/offers read
  size_t inserted = 0;
  size_t updated = 0;
  size_t removed = 0;      // distributor rows dropped because the new feed no longer lists them,
                           // or products a catalog import with `replace` removed
  size_t not_in_file = 0;  // catalog import: products in the database the file does not list
                           // (kept unchanged; a catalog file may be partial)
  std::vector<std::string> warnings;  // e.g. "unknown column 'weight' ignored"
};

// How a catalog file is read and applied.
struct CatalogImportOptions {
  TextEncoding encoding = TextEncoding::kAuto;  // CSV only; a YML feed declares its own
  // Remove the products the file does not list, in the same all-or-nothing transaction. Orders
  // keep their own copy of each line's sku, name and price, so their history is unchanged;
  // distributor rows stay (they apply again if the product comes back).
  bool replace = false;
  // The shop's own header names → column (a saved mapping, LoadColumnMapping), on top of the
  // built-in table (CatalogColumnAliases).
  ColumnAliases columns;
};

// The built-in header names of a catalog CSV, Russian and English (docs/catalog.md lists
// them): normalised header → column ("артикул" → sku, "наименование" → name, "цена" → price).
const ColumnAliases& CatalogColumnAliases();
// The same for stock feeds (sku, qty, lead_days).
const ColumnAliases& StockColumnAliases();
// Where a data directory keeps the column mapping the shop saved (`kira import catalog
// --columns`); later imports, from the CLI or the workspace, use it.
inline constexpr const char kSavedColumnsFile[] = "catalog_columns.yaml";
// A saved column mapping: a YAML map of header name → column ("Наим. товара": name). Every
// value must be a catalog column; an unknown one is an error naming it and the file.
Result<ColumnAliases> LoadColumnMapping(const std::string& path);

// Parsers (no database): used by the importer and the web upload. `name` is the file name that
// error messages start with ("catalog.csv line 17, field price: 'abc' is not a number").
// Every parser and import holds to `limits` (import_limits.h): file size, rows, fields, bytes
// per field, and no control characters in text; each breach is an error naming the limit.
//
// Catalog CSV columns (any order; header names in Russian or English, see
// CatalogColumnAliases; case and punctuation do not count):
//   required: sku, name, category, price, unit, stock
//   optional: brand, collection, format, color, surface, material, box_m2, status
// Unknown columns are warnings. UTF-8 (BOM or not) or Windows-1251; ',', ';' or tab between
// fields; decimal comma and spaced thousands ("1 234,50"). An empty stock cell means 0; an
// empty status means active. The format column holds a tile's format ("60x60") or a pack size
// ("25 кг", "1,44 м2": stored in `pack`; an m² pack also gives box_m2 when that column is
// empty). Stored forms: format "60x60", unit "м2"/"шт"/"упак"/"кг", color/surface/material
// lower-case; other text as written.
Result<std::vector<Product>> ParseCatalogCsv(const std::string& content, ImportReport* report,
                                             const std::string& name = "catalog.csv",
                                             const ImportLimits& limits = {},
                                             const CatalogImportOptions& options = {});

// Yandex Market YML (<yml_catalog><shop><categories/><offers/>). Mapping:
//   sku        = offer/@id: the id the shop's site and orders use, so re-imports and the
//                distributor feed line up; <vendorCode> (the maker's article) is not used
//   name       = <name>, or <typePrefix> <vendor> <model> for type="vendor.model" offers
//   category   = the name of <categoryId>'s category (an unknown id is an error)
//   brand      = <vendor>;  price = <price> (required, > 0)
//   stock      = <count>; available="false" forces 0 (a warning when count > 0); an available
//                offer without <count> gets 0 and a warning (Kira never claims stock it
//                cannot prove)
//   <param name=...> (case-insensitive): Формат/Размер/format → format, Цвет/colour/color,
//                Поверхность/surface, Коллекция/collection, Материал/material,
//                Единица/Единица измерения/unit, "м2 в упаковке"/"Площадь упаковки"/box_m2,
//                Статус/status.
//   unit       = the unit param; without it "м2" when a box area is given, else "шт".
//   discontinued when the Статус/status param says discontinued / снят (с производства) /
//                выведен; any other status value than those and active/в продаже is an error.
// Entity declarations (<!ENTITY ...>, internal or parameter) are refused: a feed needs none, and
// one entity expanded a 65 KB file into 250 MB of product name. A DOCTYPE naming an external
// DTD ("shops.dtd") is fine; it is never fetched.
Result<std::vector<Product>> ParseCatalogYml(const std::string& content, ImportReport* report,
                                             const std::string& name = "catalog.yml",
                                             const ImportLimits& limits = {});

// Stock feed CSV: columns sku, qty, lead_days (lead_days optional for source "shop").
Result<std::vector<DistributorStock>> ParseStockCsv(const std::string& content,
                                                    ImportReport* report,
                                                    const std::string& name = "stock.csv",
                                                    const ImportLimits& limits = {});

// Reads an import file, refusing one over limits.max_file_bytes before reading it.
Result<std::string> ReadImportFile(const std::string& path, const ImportLimits& limits = {});

// Picks CSV or YML from the content; reads the file (refusing one over limits.max_file_bytes
// before reading it); writes in one transaction.
Result<ImportReport> ImportCatalogFile(storage::Db& db, const std::string& path,
                                       const ImportLimits& limits = {},
                                       const CatalogImportOptions& options = {});
Result<ImportReport> ImportCatalogContent(storage::Db& db, const std::string& content,
                                          const std::string& name_for_errors,
                                          const ImportLimits& limits = {},
                                          const CatalogImportOptions& options = {});

// A catalog CSV template: the header row (Russian or English names) and one example row each
// of a tile and of a pack product, in the form ParseCatalogCsv reads.
std::string CatalogCsvTemplate(const std::string& language);
// source "distributor": the feed is a full snapshot of the distributor's stock and replaces the
//   previous one (rows it no longer lists are removed, counted in `removed`). A sku the shop's
//   catalog does not have is a warning, not an error: distributors list their whole range, and
//   the row is stored so it applies once the shop adds that item.
// source "shop": updates products.stock by sku; an unknown sku is an error (the shop's own feed
//   must name the shop's own products).
Result<ImportReport> ImportStockFile(storage::Db& db, const std::string& path,
                                     const std::string& source, const ImportLimits& limits = {});
Result<ImportReport> ImportStockContent(storage::Db& db, const std::string& content,
                                        const std::string& source,
                                        const std::string& name_for_errors = "stock.csv",
                                        const ImportLimits& limits = {});

// A shop directory's own files, as a fresh database is seeded from them (and `kira eval` sets
// up each shop): catalog.csv, else catalog.yml, then distributor.csv when present. NotFound when
// the directory has no catalog file. Each file is imported all-or-nothing.
struct ShopImport {
  std::string catalog_path;
  ImportReport catalog;
  std::string distributor_path;  // "" when the directory has none
  ImportReport distributor;
};
Result<ShopImport> ImportShopDir(storage::Db& db, const std::string& dir);

}  // namespace kira::catalog
