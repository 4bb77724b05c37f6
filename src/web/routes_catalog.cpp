// Catalog and stock: the catalog page (paging, search, filters), the distributor's stock,
// discontinued items with their analogs, and uploads of a catalog (CSV or YML) or stock (CSV)
// file with the columns they take and a template. Uploads are all-or-nothing (the importer
// writes in one transaction), limited in size (WebConfig::max_upload_bytes), read with the
// column mapping the shop saved, and fail with a code, line, field and value the UI words in
// its own language (catalog/import_error.h).
#include <algorithm>
#include <filesystem>
#include <map>

#include "catalog/import_error.h"
#include "catalog/importer.h"
#include "core/log.h"
#include "core/text.h"
#include "web/server_impl.h"

namespace kira::web {
namespace {

Json AnalogsJson(const catalog::Catalog& cat, const catalog::Product& p, size_t n) {
  Json out = Json::array();
  for (const auto& a : cat.FindAnalogs(p, n))
    out.push_back(
        {{"product", ProductJson(cat, *a.product)}, {"score", a.score}, {"reasons", a.reasons}});
  return out;
}

// The catalog page's filters: category (exact), in stock, discontinued ("only", "hide", "").
struct ProductFilter {
  std::string category;
  bool in_stock = false;
  std::string discontinued;
  bool Pass(const catalog::Product& p) const {
    if (in_stock && p.stock <= 0) return false;
    if (discontinued == "only" && !p.discontinued) return false;
    if (discontinued == "hide" && p.discontinued) return false;
    return category.empty() || p.category == category;
  }
  bool Empty() const { return category.empty() && !in_stock && discontinued.empty(); }
  std::string Key() const { return category + '\x1f' + (in_stock ? "1" : "0") + discontinued; }
};

// Filters kept per catalog version; past this many (a category per request, say) the list
// starts afresh, so the memory stays bounded (each list is at most 4 bytes a product).
constexpr size_t kMaxFilterLists = 64;

// The index, emptied when `cat` is not the catalog it was built for. Caller holds idx.mu.
void ForCatalog(WebServer::Impl::CatalogIndex& idx,
                const std::shared_ptr<const catalog::Catalog>& cat) {
  if (idx.of == cat) return;
  idx.of = cat;
  idx.filtered.clear();
  idx.categories.reset();
}

// The positions in cat->products() of the products passing `f`, in catalog order: one pass
// the first time a filter is asked of this catalog version, then a lookup.
std::shared_ptr<const std::vector<uint32_t>> Filtered(
    WebServer::Impl::CatalogIndex& idx, const std::shared_ptr<const catalog::Catalog>& cat,
    const ProductFilter& f) {
  std::lock_guard<std::mutex> lock(idx.mu);
  ForCatalog(idx, cat);
  const std::string key = f.Key();
  if (auto it = idx.filtered.find(key); it != idx.filtered.end()) return it->second;
  if (idx.filtered.size() >= kMaxFilterLists) idx.filtered.clear();
  auto list = std::make_shared<std::vector<uint32_t>>();
  const auto& all = cat->products();
  for (size_t i = 0; i < all.size(); ++i)
    if (f.Pass(all[i])) list->push_back(static_cast<uint32_t>(i));
  list->shrink_to_fit();
  idx.filtered[key] = list;
  return list;
}

// A search answers at most this many products (pages past it are not offered): people page
// through a search's best matches, not through a thousand of them.
constexpr size_t kMaxSearchHits = 1000;

Json ImportErrorJson(const std::string& message, const std::string& file) {
  catalog::ImportError e = catalog::DescribeImportError(message, file);
  return {{"code", e.code},   {"line", e.line}, {"field", e.field},
          {"value", e.value}, {"ref", e.ref},   {"file", file}};
}

Json ImportWarningsJson(const std::vector<std::string>& warnings, const std::string& file) {
  Json out = Json::array();
  for (const auto& w : warnings) {
    catalog::ImportError e = catalog::DescribeImportWarning(w, file);
    out.push_back(
        {{"code", e.code}, {"line", e.line}, {"value", e.value}, {"ref", e.ref}, {"text", w}});
  }
  return out;
}

}  // namespace

void WebServer::Impl::RegisterCatalogRoutes() {
  // The catalog page: one page of products after search and filters, with the total count.
  Route("GET", "/api/catalog/products", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx&) {
          auto cat = Catalog();
          if (!cat)
            return SendError(res, 503, "unavailable", "catalog not loaded: " + catalog_error);
          int64_t limit = 50, offset = 0;
          std::string v = req.get_param_value("limit");
          if (!v.empty() && (!ParseId(v, &limit) || limit < 1 || limit > 200))
            return SendError(res, 400, "invalid", "limit must be 1..200");
          v = req.get_param_value("offset");
          if (!v.empty() && (!ParseId(v, &offset) || offset > 1000000))
            return SendError(res, 400, "invalid", "offset must be 0..1000000");
          ProductFilter f;
          f.category = req.get_param_value("category");
          f.in_stock = req.get_param_value("in_stock") == "1";
          f.discontinued = req.get_param_value("discontinued");
          if (!f.discontinued.empty() && f.discontinued != "only" && f.discontinued != "hide")
            return SendError(res, 400, "invalid", "discontinued must be 'only' or 'hide'");
          std::string q = req.get_param_value("q");
          if (q.size() > 200) return SendError(res, 400, "invalid", "q is longer than 200 bytes");
          const size_t from = static_cast<size_t>(offset), to = from + static_cast<size_t>(limit);
          Json items = Json::array();
          size_t total = 0;
          bool capped = false;
          if (text::Trim(q).empty()) {
            // A page is a slice of the filter's list (built once per catalog version).
            const auto& all = cat->products();
            if (f.Empty()) {
              total = all.size();
              for (size_t i = from; i < std::min(to, total); ++i)
                items.push_back(ProductJson(*cat, all[i]));
            } else {
              auto list = Filtered(catalog_index, cat, f);
              total = list->size();
              for (size_t i = from; i < std::min(to, total); ++i)
                items.push_back(ProductJson(*cat, all[(*list)[i]]));
            }
          } else {
            catalog::SearchOptions opt;
            opt.limit = kMaxSearchHits;
            opt.in_stock_only = f.in_stock;
            opt.category = f.category;
            opt.include_discontinued = f.discontinued != "hide";
            auto hits = cat->Search(text::Canonical(q), opt);
            capped = hits.size() >= kMaxSearchHits;
            for (const auto& h : hits) {
              if (!f.Pass(*h.product)) continue;
              if (total >= from && total < to) {
                Json j = ProductJson(*cat, *h.product);
                j["score"] = h.score;
                items.push_back(std::move(j));
              }
              ++total;
            }
          }
          SendJson(res, 200,
                   {{"products", items},
                    {"total", total},
                    {"total_capped", capped},
                    {"offset", offset},
                    {"limit", limit},
                    {"catalog_size", cat->size()}});
        });

  // Categories with their product counts (the catalog page's filter).
  Route("GET", "/api/catalog/categories", Access::kUser,
        [this](const httplib::Request&, httplib::Response& res, Ctx&) {
          auto cat = Catalog();
          if (!cat)
            return SendError(res, 503, "unavailable", "catalog not loaded: " + catalog_error);
          std::shared_ptr<const std::vector<std::pair<std::string, size_t>>> cats;
          {
            std::lock_guard<std::mutex> lock(catalog_index.mu);
            ForCatalog(catalog_index, cat);
            if (!catalog_index.categories) {
              std::map<std::string, size_t> counts;
              for (const auto& p : cat->products()) ++counts[p.category];
              catalog_index.categories =
                  std::make_shared<const std::vector<std::pair<std::string, size_t>>>(
                      counts.begin(), counts.end());
            }
            cats = catalog_index.categories;
          }
          Json out = Json::array();
          for (const auto& [name, n] : *cats) out.push_back({{"name", name}, {"count", n}});
          SendJson(res, 200, {{"categories", out}});
        });

  // What a catalog file must have: required and optional columns with the header names
  // accepted for each (the upload form lists them; docs/catalog.md has the same table).
  Route("GET", "/api/catalog/columns", Access::kUser,
        [](const httplib::Request&, httplib::Response& res, Ctx&) {
          static const char* kRequired[] = {"sku", "name", "category", "price", "unit", "stock"};
          static const char* kOptional[] = {"brand",   "collection", "format", "color",
                                            "surface", "material",   "box_m2", "status"};
          std::map<std::string, std::vector<std::string>> names;
          for (const auto& [alias, column] : catalog::CatalogColumnAliases())
            names[column].push_back(alias);
          auto list = [&](const auto& cols) {
            Json out = Json::array();
            for (const char* c : cols) out.push_back({{"column", c}, {"names", names[c]}});
            return out;
          };
          SendJson(res, 200, {{"required", list(kRequired)}, {"optional", list(kOptional)}});
        });

  // A catalog CSV to start from (the same text as `kira import template`).
  Route("GET", "/api/catalog/template", Access::kUser,
        [](const httplib::Request& req, httplib::Response& res, Ctx&) {
          std::string lang = req.get_param_value("lang");
          if (lang.empty()) lang = "ru";
          if (lang != "ru" && lang != "en")
            return SendError(res, 400, "invalid", "lang must be 'ru' or 'en'");
          res.set_header("Content-Disposition",
                         "attachment; filename=\"catalog-template-" + lang + ".csv\"");
          // With a BOM: Excel reads a UTF-8 CSV without one as the local code page.
          res.set_content("\xEF\xBB\xBF" + catalog::CatalogCsvTemplate(lang),
                          "text/csv; charset=utf-8");
        });

  Route("GET", "/api/catalog/search", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx&) {
          auto cat = Catalog();
          if (!cat)
            return SendError(res, 503, "unavailable", "catalog not loaded: " + catalog_error);
          std::string q = req.get_param_value("q");
          int64_t limit = 50;
          std::string lim = req.get_param_value("limit");
          if (!lim.empty() && (!ParseId(lim, &limit) || limit < 1 || limit > 200))
            return SendError(res, 400, "invalid", "limit must be 1..200");
          bool in_stock = req.get_param_value("in_stock") == "1";
          Json items = Json::array();
          if (text::Trim(q).empty()) {
            for (const auto& p : cat->products()) {
              if (in_stock && p.stock <= 0) continue;
              items.push_back(ProductJson(*cat, p));
              if (static_cast<int64_t>(items.size()) >= limit) break;
            }
          } else {
            catalog::SearchOptions opt;
            opt.limit = static_cast<size_t>(limit);
            opt.in_stock_only = in_stock;
            for (const auto& h : cat->Search(text::Canonical(q), opt)) {
              Json j = ProductJson(*cat, *h.product);
              j["score"] = h.score;
              items.push_back(std::move(j));
            }
          }
          SendJson(res, 200, {{"products", items}, {"catalog_size", cat->size()}});
        });

  Route("GET", "/api/catalog/discontinued", Access::kUser,
        [this](const httplib::Request&, httplib::Response& res, Ctx&) {
          auto cat = Catalog();
          if (!cat)
            return SendError(res, 503, "unavailable", "catalog not loaded: " + catalog_error);
          Json items = Json::array();
          for (const auto& p : cat->products()) {
            if (!p.discontinued) continue;
            items.push_back(
                {{"product", ProductJson(*cat, p)}, {"analogs", AnalogsJson(*cat, p, 3)}});
            if (items.size() >= 200) break;
          }
          SendJson(res, 200, {{"items", items}});
        });

  Route("GET", "/api/catalog/products/{sku}", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx&) {
          auto cat = Catalog();
          if (!cat)
            return SendError(res, 503, "unavailable", "catalog not loaded: " + catalog_error);
          std::string sku = httplib::detail::decode_url(req.matches[1], false);
          const catalog::Product* p = cat->Find(sku);
          if (!p) return SendError(res, 404, "not_found", "no product with SKU '" + sku + "'");
          SendJson(res, 200,
                   {{"product", ProductJson(*cat, *p)}, {"analogs", AnalogsJson(*cat, *p, 5)}});
        });

  AllowUpload("POST", "/api/catalog/import");
  Route(
      "POST", "/api/catalog/import", Access::kUser,
      [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
        std::string kind = req.get_param_value("kind");
        std::string source = req.get_param_value("source");
        std::string name = req.get_param_value("name");
        if (name.empty()) name = "upload";
        if (name.size() > 200) name.resize(200);
        if (kind != "catalog" && kind != "stock")
          return SendError(res, 400, "invalid", "kind must be 'catalog' or 'stock'");
        if (kind == "stock" && source.empty()) source = "distributor";
        if (kind == "stock" && source != "distributor" && source != "shop")
          return SendError(res, 400, "invalid", "source must be 'distributor' or 'shop'");
        const bool replace = req.get_param_value("replace") == "1";
        if (replace && kind != "catalog")
          return SendError(res, 400, "invalid", "replace applies to a catalog upload only");
        catalog::CatalogImportOptions opt;
        opt.replace = replace;
        std::string enc = req.get_param_value("encoding");
        auto encoding = catalog::ParseTextEncoding(enc.empty() ? "auto" : enc);
        if (!encoding.ok()) return SendError(res, 400, "invalid", encoding.status().message());
        opt.encoding = *encoding;
        if (req.body.empty())
          return SendJson(
              res, 400,
              {{"code", "import_failed"},
               {"error", "the uploaded file is empty; nothing was changed"},
               {"import_error", {{"code", "empty_file"}, {"line", 0}, {"file", name}}}});
        // The column mapping the shop saved with `kira import catalog --columns`.
        const std::string saved =
            (std::filesystem::path(cfg.data_dir) / catalog::kSavedColumnsFile).string();
        std::error_code ec;
        if (kind == "catalog" && !cfg.data_dir.empty() && std::filesystem::exists(saved, ec)) {
          auto columns = catalog::LoadColumnMapping(saved);
          if (!columns.ok()) return SendStatus(res, columns.status());
          opt.columns = std::move(*columns);
        }
        Result<catalog::ImportReport> rep = kind == "catalog"
                                                ? cfg.catalog->ImportCatalog(req.body, name, opt)
                                                : cfg.catalog->ImportStock(req.body, source, name);
        if (!rep.ok())
          return SendJson(res, 400,
                          {{"code", "import_failed"},
                           {"error", rep.status().message() + " — nothing was changed"},
                           {"import_error", ImportErrorJson(rep.status().message(), name)}});
        Status reload = LoadCatalog();
        if (!reload.ok()) log::Error("web", "catalog reload failed: " + reload.message());
        if (cfg.on_catalog_changed) cfg.on_catalog_changed();
        Audit(ctx, replace ? "catalog.replace" : "catalog.import", "catalog", 0,
              kind + (kind == "stock" ? "/" + source : "") + " rows " + std::to_string(rep->rows) +
                  (replace ? " removed " + std::to_string(rep->removed) : ""));
        auto cat = Catalog();
        SendJson(res, 200,
                 {{"kind", kind},
                  {"rows", rep->rows},
                  {"inserted", rep->inserted},
                  {"updated", rep->updated},
                  {"removed", rep->removed},
                  {"not_in_file", rep->not_in_file},
                  {"replace", replace},
                  {"warnings", ImportWarningsJson(rep->warnings, name)},
                  {"catalog_size", cat ? cat->size() : 0}});
      });
}

}  // namespace kira::web
