// Catalog and stock: search, the distributor's stock, discontinued items with their analogs,
// and uploads of a catalog (CSV or YML) or stock (CSV) file. Uploads are all-or-nothing (the
// importer writes in one transaction) and limited in size (WebConfig::max_upload_bytes).
#include <algorithm>

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

}  // namespace

void WebServer::Impl::RegisterCatalogRoutes() {
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
        if (req.body.empty())
          return SendError(res, 400, "invalid", "the uploaded file is empty; nothing was changed");
        if (!text::IsValidUtf8(req.body))
          return SendError(res, 400, "import_failed",
                           name + ": the file is not UTF-8 text; nothing was changed");
        Result<catalog::ImportReport> rep = kind == "catalog"
                                                ? cfg.catalog->ImportCatalog(req.body, name)
                                                : cfg.catalog->ImportStock(req.body, source, name);
        if (!rep.ok())
          return SendError(res, 400, "import_failed",
                           rep.status().message() + " — nothing was changed");
        Status reload = LoadCatalog();
        if (!reload.ok()) log::Error("web", "catalog reload failed: " + reload.message());
        if (cfg.on_catalog_changed) cfg.on_catalog_changed();
        Audit(ctx, "catalog.import", "catalog", 0,
              kind + (kind == "stock" ? "/" + source : "") + " rows " + std::to_string(rep->rows));
        auto cat = Catalog();
        SendJson(res, 200,
                 {{"kind", kind},
                  {"rows", rep->rows},
                  {"inserted", rep->inserted},
                  {"updated", rep->updated},
                  {"warnings", rep->warnings},
                  {"catalog_size", cat ? cat->size() : 0}});
      });
}

}  // namespace kira::web
