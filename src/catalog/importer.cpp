#include "catalog/importer.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "catalog/catalog_store.h"
#include "catalog/import_internal.h"

namespace kira::catalog {

namespace {

Result<std::string> ReadFileImpl(const std::string& path, const ImportLimits& limits) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > limits.max_file_bytes) {
    return Status::Invalid(path + ": the file is " + GroupDigits(size) +
                           " bytes, over the limit of " + GroupDigits(limits.max_file_bytes) +
                           " (max_file_bytes)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::Io("cannot read " + path);
  return ss.str();
}

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool LooksLikeXml(const std::string& content) {
  size_t i = 0;
  if (content.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;
  while (i < content.size() &&
         (content[i] == ' ' || content[i] == '\n' || content[i] == '\r' || content[i] == '\t'))
    ++i;
  return i < content.size() && content[i] == '<';
}

Result<std::unordered_set<std::string>> Skus(storage::Db& db, const char* table) {
  std::unordered_set<std::string> out;
  KIRA_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT sku FROM ") + table));
  storage::Row r;
  while ((r = st->Step()) == storage::Row::kRow) out.insert(st->Text(0));
  if (r == storage::Row::kError) return st->LastError();
  return out;
}

Status WriteProducts(storage::Db& db, const std::vector<Product>& products, bool replace,
                     ImportReport* report) {
  KIRA_RETURN_IF_ERROR(MigrateCatalog(db));
  storage::Transaction tx(db);
  KIRA_RETURN_IF_ERROR(tx.status());
  KIRA_ASSIGN_OR_RETURN(auto existing, Skus(db, "products"));
  KIRA_ASSIGN_OR_RETURN(
      auto st,
      db.Prepare("INSERT INTO products (sku, name, category, brand, collection, format, color, "
                 "surface, material, price, unit, box_m2, stock, discontinued, pack) "
                 "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                 "ON CONFLICT(sku) DO UPDATE SET name=excluded.name, category=excluded.category,"
                 " brand=excluded.brand, collection=excluded.collection, format=excluded.format,"
                 " color=excluded.color, surface=excluded.surface, material=excluded.material,"
                 " price=excluded.price, unit=excluded.unit, box_m2=excluded.box_m2,"
                 " stock=excluded.stock, discontinued=excluded.discontinued, pack=excluded.pack,"
                 " updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now')"));
  for (const Product& p : products) {
    st->Bind(1, p.sku).Bind(2, p.name).Bind(3, p.category).Bind(4, p.brand);
    st->Bind(5, p.collection).Bind(6, p.format).Bind(7, p.color).Bind(8, p.surface);
    st->Bind(9, p.material).Bind(10, p.price).Bind(11, p.unit);
    if (p.box_m2)
      st->Bind(12, *p.box_m2);
    else
      st->BindNull(12);
    st->Bind(13, p.stock).Bind(14, static_cast<int64_t>(p.discontinued ? 1 : 0));
    st->Bind(15, p.pack);
    Status s = st->Exec();
    if (!s.ok()) return s.WithContext("sku '" + p.sku + "'");
  }
  std::vector<std::string> gone = internal::PlanCatalogWrite(existing, products, replace, report);
  if (!gone.empty()) {
    KIRA_ASSIGN_OR_RETURN(auto del, db.Prepare("DELETE FROM products WHERE sku = ?"));
    for (const std::string& sku : gone) {
      del->Bind(1, sku);
      KIRA_RETURN_IF_ERROR(del->Exec().WithContext("removing sku '" + sku + "'"));
    }
  }
  return tx.Commit();
}

}  // namespace

Result<std::string> ReadImportFile(const std::string& path, const ImportLimits& limits) {
  return ReadFileImpl(path, limits);
}

namespace internal {

Result<std::vector<Product>> ParseCatalogContent(const std::string& content, ImportReport* report,
                                                 const std::string& name,
                                                 const ImportLimits& limits,
                                                 const CatalogImportOptions& options) {
  return LooksLikeXml(content) ? ParseCatalogYml(content, report, name, limits)
                               : ParseCatalogCsv(content, report, name, limits, options);
}

std::vector<std::string> PlanCatalogWrite(const std::unordered_set<std::string>& existing,
                                          const std::vector<Product>& products, bool replace,
                                          ImportReport* report) {
  std::unordered_set<std::string> listed;
  for (const Product& p : products) {
    listed.insert(p.sku);
    if (existing.count(p.sku))
      ++report->updated;
    else
      ++report->inserted;
  }
  std::vector<std::string> gone;
  report->not_in_file = existing.size() - report->updated;
  if (replace && report->not_in_file > 0) {
    for (const std::string& sku : existing) {
      if (!listed.count(sku)) gone.push_back(sku);
    }
    report->removed = gone.size();
    report->not_in_file = 0;
  } else if (report->not_in_file > 0) {
    report->warnings.push_back(std::to_string(report->not_in_file) +
                               " product(s) in the database are not in this file; kept unchanged");
  }
  return gone;
}

void WarnUnknownDistributorSkus(const std::vector<std::string>& unknown,
                                const std::string& name_for_errors, ImportReport* report) {
  if (unknown.empty()) return;
  std::string list;
  for (size_t i = 0; i < unknown.size() && i < 10; ++i) list += (i ? ", " : "") + unknown[i];
  if (unknown.size() > 10) list += ", …";
  report->warnings.push_back(name_for_errors + ": " + std::to_string(unknown.size()) +
                             " sku(s) not in the shop's catalog (stored, used once the shop "
                             "lists them): line " +
                             list);
}

}  // namespace internal

Result<ImportReport> ImportCatalogContent(storage::Db& db, const std::string& content,
                                          const std::string& name_for_errors,
                                          const ImportLimits& limits,
                                          const CatalogImportOptions& options) {
  ImportReport report;
  auto parsed = internal::ParseCatalogContent(content, &report, name_for_errors, limits, options);
  if (!parsed.ok()) return parsed.status();
  KIRA_RETURN_IF_ERROR(WriteProducts(db, parsed.value(), options.replace, &report));
  return report;
}

Result<ImportReport> ImportCatalogFile(storage::Db& db, const std::string& path,
                                       const ImportLimits& limits,
                                       const CatalogImportOptions& options) {
  KIRA_ASSIGN_OR_RETURN(std::string content, ReadImportFile(path, limits));
  return ImportCatalogContent(db, content, BaseName(path), limits, options);
}

std::string CatalogCsvTemplate(const std::string& language) {
  if (language == "ru") {
    return "Артикул;Наименование;Категория;Бренд;Коллекция;Формат;Цвет;Поверхность;Материал;"
           "Цена;Единица;М2 в упаковке;Остаток;Статус\n"
           "KG-6060-01;Керамогранит Grani Loft серый 60x60 матовый;Керамогранит;Grani;Loft;60x60;"
           "серый;матовый;керамогранит;1 290,00;м2;1,44;86,4;в продаже\n"
           "CL-25-01;Клей плиточный усиленный 25 кг;Клей;Grani;;25 кг;;;;540;шт;;120;в "
           "продаже\n";
  }
  return "sku,name,category,brand,collection,format,color,surface,material,price,unit,box_m2,"
         "stock,status\n"
         "KG-6060-01,Porcelain tile Grani Loft grey 60x60 matt,Porcelain,Grani,Loft,60x60,grey,"
         "matt,porcelain,24.95,m2,1.44,86.4,active\n"
         "CL-25-01,Tile adhesive 25 kg,Adhesive,Grani,,25 kg,,,,12.50,pcs,,120,active\n";
}

Result<ImportReport> ImportStockContent(storage::Db& db, const std::string& content,
                                        const std::string& source,
                                        const std::string& name_for_errors,
                                        const ImportLimits& limits) {
  if (source != "distributor" && source != "shop") {
    return Status::Invalid("unknown stock source '" + source + "' (use distributor or shop)");
  }
  ImportReport report;
  std::vector<size_t> lines;
  KIRA_ASSIGN_OR_RETURN(
      auto rows, internal::ParseStockCsvLines(content, &report, name_for_errors, &lines, limits));
  KIRA_RETURN_IF_ERROR(MigrateCatalog(db));
  storage::Transaction tx(db);
  KIRA_RETURN_IF_ERROR(tx.status());
  KIRA_ASSIGN_OR_RETURN(auto products, Skus(db, "products"));
  if (source == "shop") {
    KIRA_ASSIGN_OR_RETURN(auto st, db.Prepare("UPDATE products SET stock=?, "
                                              "updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now') "
                                              "WHERE sku=?"));
    for (size_t i = 0; i < rows.size(); ++i) {
      if (!products.count(rows[i].sku)) {
        return Status::Invalid(name_for_errors + " line " + std::to_string(lines[i]) +
                               ", field sku: '" + rows[i].sku +
                               "' is not in the shop's catalog (import the catalog first)");
      }
      st->Bind(1, rows[i].qty).Bind(2, rows[i].sku);
      KIRA_RETURN_IF_ERROR(st->Exec());
      ++report.updated;
    }
    KIRA_RETURN_IF_ERROR(tx.Commit());
    return report;
  }
  KIRA_ASSIGN_OR_RETURN(auto existing, Skus(db, "distributor_stock"));
  KIRA_RETURN_IF_ERROR(db.Exec("DELETE FROM distributor_stock"));
  KIRA_ASSIGN_OR_RETURN(
      auto st, db.Prepare("INSERT INTO distributor_stock (sku, qty, lead_days) VALUES (?,?,?)"));
  std::vector<std::string> unknown;
  for (size_t i = 0; i < rows.size(); ++i) {
    const DistributorStock& d = rows[i];
    st->Bind(1, d.sku).Bind(2, d.qty).Bind(3, d.lead_days);
    Status s = st->Exec();
    if (!s.ok()) return s.WithContext(name_for_errors + " line " + std::to_string(lines[i]));
    if (existing.count(d.sku))
      ++report.updated;
    else
      ++report.inserted;
    if (!products.count(d.sku)) unknown.push_back(std::to_string(lines[i]) + " '" + d.sku + "'");
  }
  report.removed = existing.size() - report.updated;
  internal::WarnUnknownDistributorSkus(unknown, name_for_errors, &report);
  KIRA_RETURN_IF_ERROR(tx.Commit());
  return report;
}

Result<ImportReport> ImportStockFile(storage::Db& db, const std::string& path,
                                     const std::string& source, const ImportLimits& limits) {
  KIRA_ASSIGN_OR_RETURN(std::string content, ReadImportFile(path, limits));
  return ImportStockContent(db, content, source, BaseName(path), limits);
}

Result<ShopImport> ImportShopDir(storage::Db& db, const std::string& dir) {
  ShopImport out;
  for (const char* name : {"catalog.csv", "catalog.yml"}) {
    std::string path = dir + "/" + name;
    if (std::filesystem::exists(path)) {
      out.catalog_path = path;
      break;
    }
  }
  if (out.catalog_path.empty()) return Status::NotFound("no catalog.csv or catalog.yml in " + dir);
  KIRA_ASSIGN_OR_RETURN(out.catalog, ImportCatalogFile(db, out.catalog_path));
  std::string dist = dir + "/distributor.csv";
  if (std::filesystem::exists(dist)) {
    out.distributor_path = dist;
    KIRA_ASSIGN_OR_RETURN(out.distributor, ImportStockFile(db, dist, "distributor"));
  }
  return out;
}

}  // namespace kira::catalog
