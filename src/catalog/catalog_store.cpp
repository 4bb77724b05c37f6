#include "catalog/catalog_store.h"

#include <mutex>

namespace kira::catalog {

Status MigrateCatalog(storage::Db& db) {
  static const std::vector<storage::Migration> steps = {
      {1,
       "CREATE TABLE products ("
       "  sku TEXT PRIMARY KEY,"
       "  name TEXT NOT NULL,"
       "  category TEXT NOT NULL,"
       "  brand TEXT NOT NULL DEFAULT '',"
       "  collection TEXT NOT NULL DEFAULT '',"
       "  format TEXT NOT NULL DEFAULT '',"
       "  color TEXT NOT NULL DEFAULT '',"
       "  surface TEXT NOT NULL DEFAULT '',"
       "  material TEXT NOT NULL DEFAULT '',"
       "  price REAL NOT NULL CHECK (price > 0),"
       "  unit TEXT NOT NULL,"
       "  box_m2 REAL,"
       "  stock REAL NOT NULL DEFAULT 0 CHECK (stock >= 0),"
       "  discontinued INTEGER NOT NULL DEFAULT 0,"
       "  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
       ");"
       "CREATE INDEX products_category ON products(category);"
       // Not a foreign key: a distributor lists its whole range, and its rows apply once the
       // shop adds the item (see importer.h).
       "CREATE TABLE distributor_stock ("
       "  sku TEXT PRIMARY KEY,"
       "  qty REAL NOT NULL CHECK (qty >= 0),"
       "  lead_days INTEGER NOT NULL CHECK (lead_days >= 0),"
       "  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
       ");"},
      {2, "ALTER TABLE products ADD pack TEXT NOT NULL DEFAULT ''"}};
  return storage::Migrate(db, "catalog", steps);
}

Result<Catalog> LoadCatalog(storage::Db& db, Lexicon lexicon) {
  Catalog cat(std::move(lexicon));
  {
    KIRA_ASSIGN_OR_RETURN(
        auto st, db.Prepare("SELECT sku, name, category, brand, collection, format, color, "
                            "surface, material, price, unit, box_m2, stock, discontinued, pack "
                            "FROM products ORDER BY rowid"));
    storage::Row r;
    while ((r = st->Step()) == storage::Row::kRow) {
      Product p;
      p.sku = st->Text(0);
      p.name = st->Text(1);
      p.category = st->Text(2);
      p.brand = st->Text(3);
      p.collection = st->Text(4);
      p.format = st->Text(5);
      p.color = st->Text(6);
      p.surface = st->Text(7);
      p.material = st->Text(8);
      p.price = st->Double(9);
      p.unit = st->Text(10);
      if (!st->IsNull(11)) p.box_m2 = st->Double(11);
      p.stock = st->Double(12);
      p.discontinued = st->Int(13) != 0;
      p.pack = st->Text(14);
      cat.Add(std::move(p));
    }
    if (r == storage::Row::kError) return st->LastError().WithContext("load catalog");
  }
  {
    KIRA_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT sku, qty, lead_days FROM distributor_stock"));
    storage::Row r;
    while ((r = st->Step()) == storage::Row::kRow) {
      DistributorStock d;
      d.sku = st->Text(0);
      d.qty = st->Double(1);
      d.lead_days = static_cast<int>(st->Int(2));
      cat.SetDistributor(std::move(d));
    }
    if (r == storage::Row::kError) return st->LastError().WithContext("load distributor stock");
  }
  cat.BuildIndex();
  return cat;
}

Result<size_t> CountProducts(storage::Db& db) {
  KIRA_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT count(*) FROM products"));
  if (st->Step() != storage::Row::kRow) return st->LastError();
  return static_cast<size_t>(st->Int(0));
}

namespace {

class SqliteCatalogStore final : public CatalogStore {
 public:
  explicit SqliteCatalogStore(std::unique_ptr<storage::Db> db) : db_(std::move(db)) {}

  Result<Catalog> Load(Lexicon lexicon) override {
    std::lock_guard<std::mutex> lock(mu_);
    return LoadCatalog(*db_, std::move(lexicon));
  }
  Result<ImportReport> ImportCatalog(const std::string& content, const std::string& name_for_errors,
                                     const CatalogImportOptions& options) override {
    std::lock_guard<std::mutex> lock(mu_);
    return ImportCatalogContent(*db_, content, name_for_errors, {}, options);
  }
  Result<ImportReport> ImportStock(const std::string& content, const std::string& source,
                                   const std::string& name_for_errors) override {
    std::lock_guard<std::mutex> lock(mu_);
    return ImportStockContent(*db_, content, source, name_for_errors);
  }

 private:
  std::mutex mu_;
  std::unique_ptr<storage::Db> db_;
};

}  // namespace

Result<std::unique_ptr<CatalogStore>> OpenSqliteCatalogStore(const std::string& path) {
  KIRA_ASSIGN_OR_RETURN(auto db, storage::Db::Open(path));
  KIRA_RETURN_IF_ERROR(MigrateCatalog(*db));
  return std::unique_ptr<CatalogStore>(new SqliteCatalogStore(std::move(db)));
}

}  // namespace kira::catalog
