#include "app/runtime.h"

#include <filesystem>
#include <memory>
#include <mutex>

#include "app/context.h"
#include "catalog/catalog_store.h"
#include "catalog/importer.h"
#include "catalog/lexicon.h"
#include "core/log.h"

namespace kira::app {

namespace {

// The built-in lexicon, extended by the shop's lexicon.yaml beside the profile when it has one.
Result<catalog::Lexicon> LoadShopLexicon(const business::Profile& p) {
  return catalog::LoadShopLexicon(p.dir + "/lexicon.yaml");
}

// A fresh database and a profile directory that ships catalog files (the demo shop): import
// them so the shop works on first start.
Status SeedCatalogIfEmpty(storage::Db& db, const business::Profile& p) {
  KIRA_ASSIGN_OR_RETURN(size_t n, catalog::CountProducts(db));
  if (n > 0) return Status::Ok();
  auto shop = catalog::ImportShopDir(db, p.dir);
  if (!shop.ok() && shop.status().code() == Status::Code::kNotFound) return Status::Ok();
  if (!shop.ok()) return shop.status();
  log::Info("app", "imported " + std::to_string(shop->catalog.inserted) + " products from " +
                       shop->catalog_path);
  if (!shop->distributor_path.empty())
    log::Info("app", "imported " + std::to_string(shop->distributor.rows) +
                         " distributor rows from " + shop->distributor_path);
  return Status::Ok();
}

}  // namespace

Status Runtime::ReloadCatalog() {
  std::lock_guard<std::mutex> lock(reload_mu);
  KIRA_ASSIGN_OR_RETURN(catalog::Lexicon lex, LoadShopLexicon(profile));
  KIRA_ASSIGN_OR_RETURN(catalog::Catalog c, catalog::LoadCatalog(*db, std::move(lex)));
  catalog = std::make_shared<const catalog::Catalog>(std::move(c));
  if (engine) engine->SetCatalog(catalog);
  return Status::Ok();
}

Result<std::unique_ptr<Runtime>> OpenRuntime(const AppOptions& o, RuntimeOptions ro) {
  auto rt = std::make_unique<Runtime>();
  KIRA_ASSIGN_OR_RETURN(rt->profile, business::LoadProfile(BusinessPath(o)));
  KIRA_ASSIGN_OR_RETURN(rt->db_path, DatabasePath(o));
  KIRA_ASSIGN_OR_RETURN(rt->db, storage::Db::Open(rt->db_path));
  KIRA_RETURN_IF_ERROR(catalog::MigrateCatalog(*rt->db));
  KIRA_ASSIGN_OR_RETURN(rt->store, OpenCrm(o));
  KIRA_RETURN_IF_ERROR(SeedCatalogIfEmpty(*rt->db, rt->profile));
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
