// CSV parsers of the catalog and the stock feeds (declared in importer.h).
#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "catalog/csv_reader.h"
#include "catalog/import_internal.h"
#include "catalog/importer.h"
#include "catalog/product_fields.h"
#include "core/text.h"
#include "core/yaml_strict.h"

namespace kira::catalog {

namespace {

enum Col {
  kSku,
  kName,
  kCategory,
  kBrand,
  kCollection,
  kFormat,
  kColor,
  kSurface,
  kMaterial,
  kPrice,
  kUnit,
  kBoxM2,
  kStock,
  kStatus,
  kColCount
};

const std::vector<std::string>& CatalogColumns() {
  static const std::vector<std::string> cols = {
      "sku",     "name",     "category", "brand", "collection", "format", "color",
      "surface", "material", "price",    "unit",  "box_m2",     "stock",  "status"};
  return cols;
}

ColumnAliases MakeAliases(
    std::initializer_list<std::pair<const char*, std::initializer_list<const char*>>> table) {
  ColumnAliases out;
  for (const auto& [column, names] : table)
    for (const char* n : names) out[text::Normalize(n)] = column;
  return out;
}

std::string Where(const std::string& name, size_t line, const std::string& field) {
  return name + " line " + std::to_string(line) + ", field " + field + ": ";
}

}  // namespace

const ColumnAliases& CatalogColumnAliases() {
  static const ColumnAliases aliases = MakeAliases({
      {"sku",
       {"артикул", "арт", "код", "код товара", "артикул товара", "article", "item code",
        "product code", "code", "vendor code"}},
      {"name",
       {"наименование", "название", "наименование товара", "товар", "номенклатура", "product",
        "product name", "title", "item"}},
      {"category",
       {"категория", "группа", "раздел", "вид", "тип", "тип товара", "категория товара", "type",
        "group", "product type"}},
      {"brand", {"бренд", "производитель", "фабрика", "марка", "manufacturer", "make", "vendor"}},
      {"collection", {"коллекция", "серия", "series", "range"}},
      {"format", {"формат", "размер", "размеры", "фасовка", "size", "dimensions", "pack size"}},
      {"color", {"цвет", "colour"}},
      {"surface", {"поверхность", "фактура", "finish"}},
      {"material", {"материал"}},
      {"price",
       {"цена", "цена руб", "цена, руб.", "цена (руб.)", "розничная цена", "стоимость",
        "цена за единицу", "retail price", "unit price"}},
      {"unit",
       {"единица", "ед", "ед. изм.", "ед изм", "единица измерения", "ед.изм.", "uom",
        "unit of measure"}},
      {"box_m2",
       {"м2 в упаковке", "м2 в коробке", "м² в упаковке", "м² в коробке", "кв.м в упаковке",
        "площадь упаковки", "площадь коробки", "box m2", "m2 per box", "box area"}},
      {"stock",
       {"остаток", "остатки", "наличие", "количество", "кол-во", "в наличии", "qty", "quantity",
        "in stock", "available"}},
      {"status", {"статус", "состояние"}},
  });
  return aliases;
}

const ColumnAliases& StockColumnAliases() {
  static const ColumnAliases aliases = MakeAliases({
      {"sku", {"артикул", "арт", "код", "код товара", "article", "code", "item code"}},
      {"qty", {"количество", "кол-во", "остаток", "наличие", "quantity", "stock"}},
      {"lead_days", {"срок поставки", "срок", "дней", "срок, дней", "lead time", "days"}},
  });
  return aliases;
}

Result<ColumnAliases> LoadColumnMapping(const std::string& path) {
  KIRA_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlStrict(path));
  if (!root.IsMap()) return Status::Invalid(path + ": a column mapping is a map of header: column");
  ColumnAliases out;
  for (const auto& kv : root) {
    const std::string header = kv.first.as<std::string>();
    const std::string column = kv.second.IsScalar() ? kv.second.as<std::string>() : "";
    const auto& known = CatalogColumns();
    if (std::find(known.begin(), known.end(), column) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      return Status::Invalid(path + ": '" + header + "' maps to '" + column +
                             "', which is not a catalog column (" + list + ")");
    }
    out[text::Normalize(header)] = column;
  }
  return out;
}

Result<std::vector<Product>> ParseCatalogCsv(const std::string& raw, ImportReport* report,
                                             const std::string& name, const ImportLimits& limits,
                                             const CatalogImportOptions& options) {
  ImportReport local;
  if (!report) report = &local;
  KIRA_ASSIGN_OR_RETURN(const std::string content,
                        DecodeCsvText(raw, options.encoding, name, limits, &report->warnings));
  ColumnAliases aliases = options.columns;  // the shop's own names win
  for (const auto& [header, column] : CatalogColumnAliases()) aliases.emplace(header, column);
  CsvColumns cols;
  std::vector<Product> out;
  std::vector<size_t> lines;  // line of each product, for the duplicate check
  // Formats, units, colours and statuses repeat across rows: canonicalise each distinct
  // spelling once (100,000-row files are mostly repeats).
  std::unordered_map<std::string, std::string> lower_memo, format_memo, unit_memo;
  auto lower = [&](const std::string& v) -> const std::string& {
    auto it = lower_memo.find(v);
    if (it == lower_memo.end()) it = lower_memo.emplace(v, text::Lower(v)).first;
    return it->second;
  };
  auto on_header = [&](const CsvRecord& h, char) -> Status {
    auto c =
        MapColumns(h, name, CatalogColumns(), {"sku", "name", "category", "price", "unit", "stock"},
                   &report->warnings, aliases);
    if (!c.ok()) return c.status();
    cols = std::move(c.value());
    return Status::Ok();
  };
  auto on_row = [&](const CsvRecord& r) -> Status {
    auto get = [&](Col c) -> std::string {
      int i = cols.index[c];
      return i < 0 ? std::string() : text::Trim(r.fields[static_cast<size_t>(i)]);
    };
    auto where = [&](Col c) { return Where(name, r.line, CatalogColumns()[c]); };
    Product p;
    p.sku = get(kSku);
    if (p.sku.empty()) return Status::Invalid(where(kSku) + "empty (every product needs a sku)");
    p.name = get(kName);
    if (p.name.empty()) return Status::Invalid(where(kName) + "empty");
    p.category = get(kCategory);
    if (p.category.empty()) return Status::Invalid(where(kCategory) + "empty");
    p.brand = get(kBrand);
    p.collection = get(kCollection);
    std::string why;
    std::string fmt = get(kFormat);
    double pack_m2 = 0;
    if (auto it = format_memo.find(fmt); it != format_memo.end()) {
      p.format = it->second;
    } else if (CanonicalFormat(fmt, &p.format, &why)) {
      format_memo.emplace(fmt, p.format);
    } else if (!CanonicalPack(fmt, &p.pack, &pack_m2, &why)) {
      return Status::Invalid(where(kFormat) + why);
    }
    p.color = lower(get(kColor));
    p.surface = lower(get(kSurface));
    p.material = lower(get(kMaterial));
    std::string v = get(kPrice);
    if (v.empty()) return Status::Invalid(where(kPrice) + "empty (a price is required)");
    if (!ParseNumber(v, &p.price))
      return Status::Invalid(where(kPrice) + "'" + v + "' is not a number");
    if (p.price <= 0) return Status::Invalid(where(kPrice) + "'" + v + "' must be greater than 0");
    v = get(kUnit);
    if (auto it = unit_memo.find(v); it != unit_memo.end()) {
      p.unit = it->second;
    } else {
      if (!CanonicalUnit(v, &p.unit)) {
        return Status::Invalid(where(kUnit) + "'" + v +
                               "' is not a known unit (use м2, шт, упак or кг)");
      }
      unit_memo.emplace(v, p.unit);
    }
    v = get(kBoxM2);
    if (!v.empty()) {
      double b = 0;
      if (!ParseNumber(v, &b))
        return Status::Invalid(where(kBoxM2) + "'" + v + "' is not a number");
      if (b <= 0) return Status::Invalid(where(kBoxM2) + "'" + v + "' must be greater than 0");
      p.box_m2 = b;
    } else if (pack_m2 > 0) {
      p.box_m2 = pack_m2;
    }
    v = get(kStock);
    if (!v.empty()) {
      if (!ParseNumber(v, &p.stock))
        return Status::Invalid(where(kStock) + "'" + v + "' is not a number");
      if (p.stock < 0) return Status::Invalid(where(kStock) + "'" + v + "' must not be negative");
    }
    v = get(kStatus);
    if (v == "active") {
      p.discontinued = false;
    } else if (v == "discontinued") {
      p.discontinued = true;
    } else if (!ParseStatus(v, &p.discontinued)) {
      return Status::Invalid(where(kStatus) + "'" + v +
                             "' is not a status (use active or discontinued)");
    }
    out.push_back(std::move(p));
    lines.push_back(r.line);
    return Status::Ok();
  };
  KIRA_RETURN_IF_ERROR(ScanCsv(content, name, on_header, on_row, limits));
  if (out.empty()) return Status::Invalid(name + ": no products after the header row");
  // Duplicate skus, found by sorting (cheaper than hashing 100,000 strings); the error names
  // the earliest repeated line and the line it repeats.
  std::vector<uint32_t> order(out.size());
  for (uint32_t k = 0; k < order.size(); ++k) order[k] = k;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    int c = out[a].sku.compare(out[b].sku);
    return c != 0 ? c < 0 : a < b;
  });
  size_t dup = SIZE_MAX, first = 0;
  for (size_t k = 1; k < order.size(); ++k) {
    if (out[order[k]].sku == out[order[k - 1]].sku && lines[order[k]] < dup) {
      size_t f = k - 1;
      while (f > 0 && out[order[f - 1]].sku == out[order[k]].sku) --f;
      dup = lines[order[k]];
      first = lines[order[f]];
    }
  }
  if (dup != SIZE_MAX) {
    std::string sku;
    for (size_t k = 0; k < out.size(); ++k)
      if (lines[k] == dup) sku = out[k].sku;
    return Status::Invalid(Where(name, dup, "sku") + "'" + sku + "' duplicates line " +
                           std::to_string(first) + " (skus must be unique)");
  }
  report->rows = out.size();
  return out;
}

Result<std::vector<DistributorStock>> ParseStockCsv(const std::string& content,
                                                    ImportReport* report, const std::string& name,
                                                    const ImportLimits& limits) {
  return internal::ParseStockCsvLines(content, report, name, nullptr, limits);
}

Result<std::vector<DistributorStock>> internal::ParseStockCsvLines(const std::string& content,
                                                                   ImportReport* report,
                                                                   const std::string& name,
                                                                   std::vector<size_t>* lines,
                                                                   const ImportLimits& limits) {
  ImportReport local;
  if (!report) report = &local;
  KIRA_ASSIGN_OR_RETURN(const std::string text, DecodeCsvText(content, TextEncoding::kAuto, name,
                                                              limits, &report->warnings));
  KIRA_ASSIGN_OR_RETURN(CsvTable table, ReadCsv(text, name, limits));
  static const std::vector<std::string> known = {"sku", "qty", "lead_days"};
  KIRA_ASSIGN_OR_RETURN(CsvColumns cols, MapColumns(table, name, known, {"sku", "qty"},
                                                    &report->warnings, StockColumnAliases()));
  std::vector<DistributorStock> out;
  out.reserve(table.rows.size());
  std::unordered_map<std::string, size_t> seen;
  for (const CsvRecord& r : table.rows) {
    auto get = [&](int c) -> std::string {
      int i = cols.index[static_cast<size_t>(c)];
      return i < 0 ? std::string() : text::Trim(r.fields[static_cast<size_t>(i)]);
    };
    DistributorStock d;
    d.sku = get(0);
    if (d.sku.empty()) return Status::Invalid(Where(name, r.line, "sku") + "empty");
    auto [it, fresh] = seen.emplace(d.sku, r.line);
    if (!fresh) {
      return Status::Invalid(Where(name, r.line, "sku") + "'" + d.sku + "' duplicates line " +
                             std::to_string(it->second));
    }
    std::string v = get(1);
    if (!ParseNumber(v, &d.qty))
      return Status::Invalid(Where(name, r.line, "qty") + "'" + v + "' is not a number");
    if (d.qty < 0)
      return Status::Invalid(Where(name, r.line, "qty") + "'" + v + "' must not be negative");
    v = get(2);
    if (cols.index[2] >= 0) {
      double days = 0;
      if (!ParseNumber(v, &days)) {
        return Status::Invalid(Where(name, r.line, "lead_days") + "'" + v +
                               "' is not a whole number of days");
      }
      if (days < 0 || days > 365) {
        return Status::Invalid(Where(name, r.line, "lead_days") + "'" + v +
                               "' must be between 0 and 365");
      }
      if (days != static_cast<double>(static_cast<int>(days))) {
        return Status::Invalid(Where(name, r.line, "lead_days") + "'" + v +
                               "' is not a whole number of days");
      }
      d.lead_days = static_cast<int>(days);
    }
    out.push_back(std::move(d));
    if (lines) lines->push_back(r.line);
  }
  report->rows = out.size();
  return out;
}

}  // namespace kira::catalog
