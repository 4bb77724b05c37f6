#include "catalog/pg_catalog_store.h"

#include <unordered_set>

#include "catalog/import_internal.h"
#include "storage/pg.h"
#include "storage/pg_pool.h"

namespace kira::catalog {
namespace {

namespace pg = storage::pg;

// The SQLite tables' columns with PostgreSQL types; `pos` keeps the order products were first
// imported in (SQLite's rowid), which Load keeps.
const std::vector<pg::Migration>& PgCatalogMigrations() {
  static const std::vector<pg::Migration> steps = {
      {1, R"sql(
CREATE TABLE products (
  pos BIGSERIAL UNIQUE,
  sku TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  category TEXT NOT NULL,
  brand TEXT NOT NULL DEFAULT '',
  collection TEXT NOT NULL DEFAULT '',
  format TEXT NOT NULL DEFAULT '',
  color TEXT NOT NULL DEFAULT '',
  surface TEXT NOT NULL DEFAULT '',
  material TEXT NOT NULL DEFAULT '',
  price DOUBLE PRECISION NOT NULL CHECK (price > 0),
  unit TEXT NOT NULL,
  box_m2 DOUBLE PRECISION,
  stock DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (stock >= 0),
  discontinued BOOLEAN NOT NULL DEFAULT false,
  pack TEXT NOT NULL DEFAULT '',
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX products_category ON products(category);
-- Not a foreign key: a distributor lists its whole range (importer.h).
CREATE TABLE distributor_stock (
  sku TEXT PRIMARY KEY,
  qty DOUBLE PRECISION NOT NULL CHECK (qty >= 0),
  lead_days INTEGER NOT NULL CHECK (lead_days >= 0),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
)sql"},
  };
  return steps;
}

Result<std::unordered_set<std::string>> Skus(pg::Conn& db, const char* table) {
  KIRA_ASSIGN_OR_RETURN(auto r, db.Query(std::string("SELECT sku FROM ") + table));
  std::unordered_set<std::string> out;
  for (int i = 0; i < r.size(); ++i) out.insert(r.Text(i, 0));
  return out;
}

class PgCatalogStore final : public CatalogStore {
 public:
  PgCatalogStore(std::string conninfo, int connections) : pool_(std::move(conninfo), connections) {}
  void AddIdle(std::unique_ptr<pg::Conn> c) { pool_.Add(std::move(c)); }

  Result<Catalog> Load(Lexicon lexicon) override {
    return pool_.With([&](pg::Conn& db) -> Result<Catalog> {
      // One snapshot for both tables: an import committing between the reads is not half seen.
      KIRA_RETURN_IF_ERROR(db.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
      auto out = LoadIn(db, std::move(lexicon));
      (void)db.Exec("COMMIT");
      return out;
    });
  }

  Result<ImportReport> ImportCatalog(const std::string& content, const std::string& name_for_errors,
                                     const CatalogImportOptions& options) override {
    ImportReport report;
    KIRA_ASSIGN_OR_RETURN(auto products, internal::ParseCatalogContent(
                                             content, &report, name_for_errors, {}, options));
    return pool_.With([&](pg::Conn& db) -> Result<ImportReport> {
      pg::Transaction tx(db);
      KIRA_RETURN_IF_ERROR(tx.status());
      // Another node's import waits here; readers (Load) are not blocked.
      KIRA_RETURN_IF_ERROR(db.Exec("LOCK TABLE products IN EXCLUSIVE MODE"));
      KIRA_ASSIGN_OR_RETURN(auto existing, Skus(db, "products"));
      for (const Product& p : products) {
        pg::Params q;
        q.Add(p.sku).Add(p.name).Add(p.category).Add(p.brand).Add(p.collection).Add(p.format);
        q.Add(p.color).Add(p.surface).Add(p.material).Add(p.price).Add(p.unit);
        if (p.box_m2)
          q.Add(*p.box_m2);
        else
          q.Null();
        q.Add(p.stock).Add(p.discontinued).Add(p.pack);
        Status s =
            db.Query(
                  "INSERT INTO products (sku, name, category, brand, collection, format, color, "
                  "surface, material, price, unit, box_m2, stock, discontinued, pack) "
                  "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) "
                  "ON CONFLICT(sku) DO UPDATE SET name=excluded.name, category=excluded.category,"
                  " brand=excluded.brand, collection=excluded.collection, format=excluded.format,"
                  " color=excluded.color, surface=excluded.surface, material=excluded.material,"
                  " price=excluded.price, unit=excluded.unit, box_m2=excluded.box_m2,"
                  " stock=excluded.stock, discontinued=excluded.discontinued, pack=excluded.pack,"
                  " updated_at=now()",
                  q)
                .status();
        if (!s.ok()) return s.WithContext(name_for_errors + ": sku '" + p.sku + "'");
      }
      for (const std::string& sku :
           internal::PlanCatalogWrite(existing, products, options.replace, &report)) {
        KIRA_RETURN_IF_ERROR(db.Query("DELETE FROM products WHERE sku = $1", pg::Params().Add(sku))
                                 .status()
                                 .WithContext("removing sku '" + sku + "'"));
      }
      KIRA_RETURN_IF_ERROR(tx.Commit());
      return report;
    });
  }

  Result<ImportReport> ImportStock(const std::string& content, const std::string& source,
                                   const std::string& name_for_errors) override {
    if (source != "distributor" && source != "shop") {
      return Status::Invalid("unknown stock source '" + source + "' (use distributor or shop)");
    }
    ImportReport report;
    std::vector<size_t> lines;
    KIRA_ASSIGN_OR_RETURN(
        auto rows, internal::ParseStockCsvLines(content, &report, name_for_errors, &lines, {}));
    return pool_.With([&](pg::Conn& db) -> Result<ImportReport> {
      pg::Transaction tx(db);
      KIRA_RETURN_IF_ERROR(tx.status());
      KIRA_RETURN_IF_ERROR(db.Exec(source == "shop" ? "LOCK TABLE products IN EXCLUSIVE MODE"
                                                    : "LOCK TABLE distributor_stock IN "
                                                      "EXCLUSIVE MODE"));
      KIRA_ASSIGN_OR_RETURN(auto products, Skus(db, "products"));
      if (source == "shop") {
        for (size_t i = 0; i < rows.size(); ++i) {
          if (!products.count(rows[i].sku)) {
            return Status::Invalid(name_for_errors + " line " + std::to_string(lines[i]) +
                                   ", field sku: '" + rows[i].sku +
                                   "' is not in the shop's catalog (import the catalog first)");
          }
          KIRA_RETURN_IF_ERROR(
              db.Query("UPDATE products SET stock=$1, updated_at=now() WHERE sku=$2",
                       pg::Params().Add(rows[i].qty).Add(rows[i].sku))
                  .status()
                  .WithContext(name_for_errors + " line " + std::to_string(lines[i])));
          ++report.updated;
        }
        KIRA_RETURN_IF_ERROR(tx.Commit());
        return report;
      }
      KIRA_ASSIGN_OR_RETURN(auto existing, Skus(db, "distributor_stock"));
      KIRA_RETURN_IF_ERROR(db.Exec("DELETE FROM distributor_stock"));
      std::vector<std::string> unknown;
      for (size_t i = 0; i < rows.size(); ++i) {
        const DistributorStock& d = rows[i];
        KIRA_RETURN_IF_ERROR(
            db.Query("INSERT INTO distributor_stock (sku, qty, lead_days) VALUES ($1,$2,$3)",
                     pg::Params().Add(d.sku).Add(d.qty).Add(d.lead_days))
                .status()
                .WithContext(name_for_errors + " line " + std::to_string(lines[i])));
        if (existing.count(d.sku))
          ++report.updated;
        else
          ++report.inserted;
        if (!products.count(d.sku))
          unknown.push_back(std::to_string(lines[i]) + " '" + d.sku + "'");
      }
      report.removed = existing.size() - report.updated;
      internal::WarnUnknownDistributorSkus(unknown, name_for_errors, &report);
      KIRA_RETURN_IF_ERROR(tx.Commit());
      return report;
    });
  }

 private:
  static Result<Catalog> LoadIn(pg::Conn& db, Lexicon lexicon) {
    Catalog cat(std::move(lexicon));
    KIRA_ASSIGN_OR_RETURN(
        auto r, db.Query("SELECT sku, name, category, brand, collection, format, color, surface, "
                         "material, price, unit, box_m2, stock, discontinued, pack "
                         "FROM products ORDER BY pos"));
    for (int i = 0; i < r.size(); ++i) {
      Product p;
      p.sku = r.Text(i, 0);
      p.name = r.Text(i, 1);
      p.category = r.Text(i, 2);
      p.brand = r.Text(i, 3);
      p.collection = r.Text(i, 4);
      p.format = r.Text(i, 5);
      p.color = r.Text(i, 6);
      p.surface = r.Text(i, 7);
      p.material = r.Text(i, 8);
      p.price = r.Double(i, 9);
      p.unit = r.Text(i, 10);
      if (!r.IsNull(i, 11)) p.box_m2 = r.Double(i, 11);
      p.stock = r.Double(i, 12);
      p.discontinued = r.Bool(i, 13);
      p.pack = r.Text(i, 14);
      cat.Add(std::move(p));
    }
    KIRA_ASSIGN_OR_RETURN(auto d, db.Query("SELECT sku, qty, lead_days FROM distributor_stock"));
    for (int i = 0; i < d.size(); ++i) {
      DistributorStock s;
      s.sku = d.Text(i, 0);
      s.qty = d.Double(i, 1);
      s.lead_days = static_cast<int>(d.Int(i, 2));
      cat.SetDistributor(std::move(s));
    }
    cat.BuildIndex();
    return cat;
  }

  pg::Pool pool_;
};

}  // namespace

Result<std::unique_ptr<CatalogStore>> OpenPgCatalogStore(const std::string& conninfo,
                                                         int connections) {
  if (connections < 1 || connections > 64)
    return Status::Invalid("catalog store: connections must be 1..64");
  KIRA_ASSIGN_OR_RETURN(auto db, pg::Conn::Open(conninfo));
  KIRA_RETURN_IF_ERROR(pg::Migrate(*db, "catalog", PgCatalogMigrations()));
  auto store = std::make_unique<PgCatalogStore>(conninfo, connections);
  store->AddIdle(std::move(db));
  return std::unique_ptr<CatalogStore>(std::move(store));
}

Result<std::unique_ptr<CatalogStore>> OpenCatalogStore(const std::string& db) {
  if (db.rfind("postgres://", 0) == 0 || db.rfind("postgresql://", 0) == 0)
    return OpenPgCatalogStore(db);
  return OpenSqliteCatalogStore(db);
}

}  // namespace kira::catalog
