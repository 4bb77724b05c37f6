#include "app/runtime.h"

#include <filesystem>
#include <memory>
#include <mutex>

#include "app/context.h"
#include "catalog/catalog_store.h"
#include "catalog/importer.h"
#include "catalog/lexicon.h"
#include "catalog/pg_catalog_store.h"
#include "core/log.h"

namespace kira::app {

namespace {

// The built-in lexicon, extended by the shop's lexicon.yaml beside the profile when it has one.
Result<catalog::Lexicon> LoadShopLexicon(const business::Profile& p) {
  return catalog::LoadShopLexicon(p.dir + "/lexicon.yaml");
}

// A fresh database and a profile directory that ships catalog files (the demo shop): import
// them so the shop works on first start (on PostgreSQL too: the first node seeds it).
Status SeedCatalogIfEmpty(catalog::CatalogStore& store, const business::Profile& p) {
  KIRA_ASSIGN_OR_RETURN(catalog::Catalog current, store.Load({}));
  if (current.size() > 0) return Status::Ok();
  std::string catalog_path;
  for (const char* name : {"catalog.csv", "catalog.yml"}) {
    if (std::filesystem::exists(p.dir + "/" + name)) {
      catalog_path = p.dir + "/" + name;
      break;
    }
  }
  if (catalog_path.empty()) return Status::Ok();
  KIRA_ASSIGN_OR_RETURN(std::string content, catalog::ReadImportFile(catalog_path, {}));
  KIRA_ASSIGN_OR_RETURN(
      auto rep,
      store.ImportCatalog(content, std::filesystem::path(catalog_path).filename().string()));
  log::Info("app", "imported " + std::to_string(rep.inserted) + " products from " + catalog_path);
  const std::string dist = p.dir + "/distributor.csv";
  if (std::filesystem::exists(dist)) {
    KIRA_ASSIGN_OR_RETURN(std::string feed, catalog::ReadImportFile(dist, {}));
    KIRA_ASSIGN_OR_RETURN(auto d, store.ImportStock(feed, "distributor", "distributor.csv"));
    log::Info("app", "imported " + std::to_string(d.rows) + " distributor rows from " + dist);
  }
  return Status::Ok();
}

}  // namespace

Status Runtime::ReloadCatalog() {
  std::lock_guard<std::mutex> lock(reload_mu);
  KIRA_ASSIGN_OR_RETURN(catalog::Lexicon lex, LoadShopLexicon(profile));
  KIRA_ASSIGN_OR_RETURN(catalog::Catalog c, catalog_store->Load(std::move(lex)));
  catalog = std::make_shared<const catalog::Catalog>(std::move(c));
  if (engine) engine->SetCatalog(catalog);
  return Status::Ok();
}

Result<std::unique_ptr<Runtime>> OpenRuntime(const AppOptions& o, RuntimeOptions ro) {
  auto rt = std::make_unique<Runtime>();
  KIRA_ASSIGN_OR_RETURN(rt->profile, business::LoadProfile(BusinessPath(o)));
  KIRA_ASSIGN_OR_RETURN(rt->db_path, DatabasePath(o));
  if (CrmOnPostgres(o)) rt->db_path = o.db;
  KIRA_ASSIGN_OR_RETURN(rt->catalog_store, catalog::OpenCatalogStore(rt->db_path));
  KIRA_ASSIGN_OR_RETURN(rt->store, OpenCrm(o, ro.node));
  KIRA_RETURN_IF_ERROR(SeedCatalogIfEmpty(*rt->catalog_store, rt->profile));
  KIRA_RETURN_IF_ERROR(rt->ReloadCatalog());
  if (ro.with_engine) {
    dialog::EngineOptions eo;
    eo.agents_dir = rt->profile.dir + "/agents";  // the shop's overrides, if any
    eo.cache_dir = o.data_dir + "/models";
    rt->zones = std::make_unique<dialer::ZoneDb>();
    rt->resolver = std::make_unique<dialer::PhoneZoneResolver>(rt->zones.get(), "RU");
    eo.caller_zone = [r = rt->resolver.get(), db = rt->zones.get(),
                      mu = std::make_shared<std::mutex>()](const std::string& phone) {
      std::lock_guard<std::mutex> lock(*mu);
      auto z = r->Resolve(phone);
      if (!z.ok() || z->set == dialer::kNoZoneSet) return std::string();
      const auto& members = db->Members(z->set);
      return members.size() == 1 ? db->Name(members[0]) : std::string();
    };
    KIRA_ASSIGN_OR_RETURN(rt->engine,
                          dialog::Engine::Create(rt->profile, rt->catalog, rt->store.get(), eo));
  }
  return rt;
}

}  // namespace kira::app
