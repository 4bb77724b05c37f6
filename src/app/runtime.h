// Runtime: the objects a running Kira needs, opened in the right order from the command-line
// options — the profile, the database (catalog + CRM; SQLite or PostgreSQL by --db), the catalog in
// memory and the dialog engine. On a fresh data dir with the demo profile, the demo catalog and
// distributor feed beside the profile are imported first, so `kira chat` works out of the box.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "app/command.h"
#include "business/profile.h"
#include "catalog/catalog.h"
#include "catalog/catalog_store.h"
#include "core/status.h"
#include "crm/crm_store.h"
#include "dialer/phone_zones.h"
#include "dialog/engine.h"

namespace kira::app {

struct Runtime {
  business::Profile profile;
  std::string db_path;  // the SQLite file, or the postgres:// URL of --db
  std::unique_ptr<catalog::CatalogStore> catalog_store;  // the catalog tables, SQLite or PG
  std::unique_ptr<crm::CrmStore> store;
  std::shared_ptr<const catalog::Catalog> catalog;  // the latest; the engine shares it
  std::unique_ptr<dialer::ZoneDb> zones;            // the caller's zone from their number
  std::unique_ptr<dialer::PhoneZoneResolver> resolver;
  std::unique_ptr<dialog::Engine> engine;

  // Re-reads the catalog from the database (after an import or a web upload) and hands it to
  // the engine; conversations in progress keep the one they started with.
  Status ReloadCatalog();  // thread-safe
  std::mutex reload_mu;
};

struct RuntimeOptions {
  bool with_engine = true;  // train/load the agents (not needed by `kira leads`)
  std::string node;         // kira serve's node name on a shared database (OpenCrm)
};

Result<std::unique_ptr<Runtime>> OpenRuntime(const AppOptions& o, RuntimeOptions ro = {});

}  // namespace kira::app
