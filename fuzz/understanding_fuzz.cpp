// Fuzzes the dialog's text understanding on the demo shop: text::Canonical, catalog Search and
// Extract, and dialog::Understanding::Parse (Russian and English Kira), with every Expect. The
// first byte picks the language and the pending question. Whatever the text, a parse must
// stay bounded (libFuzzer's -rss_limit_mb and -timeout catch a blow-up) and its product
// candidates must be catalog items.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "business/profile.h"
#include "catalog/catalog.h"
#include "catalog/importer.h"
#include "catalog/lexicon.h"
#include "core/text.h"
#include "crm/sqlite/sqlite_crm_store.h"
#include "dialog/engine.h"
#include "dialog/understanding.h"
#include "fuzz_util.h"

namespace {

using kira::fuzz::Check;

struct Shop {
  std::shared_ptr<const kira::catalog::Catalog> catalog;
  std::unique_ptr<kira::crm::CrmStore> store;
  std::unique_ptr<kira::dialog::Engine> engine;
  std::unique_ptr<kira::dialog::Understanding> ru, en;
};

template <typename T>
T Must(kira::Result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "understanding_fuzz: %s: %s\n", what, r.status().message().c_str());
    std::abort();
  }
  return std::move(r).value();
}

Shop& Demo() {
  static Shop* shop = [] {
    const std::string demo = KIRA_DEMO_DIR;
    auto* s = new Shop;
    auto profile = Must(kira::business::LoadProfile(demo + "/profile.yaml"), "profile");
    auto lex = Must(kira::catalog::LoadLexicon(demo + "/lexicon.yaml"), "lexicon");
    std::FILE* f = std::fopen((demo + "/catalog.csv").c_str(), "rb");
    std::string csv;
    char buf[65536];
    for (size_t n; f && (n = std::fread(buf, 1, sizeof buf, f)) > 0;) csv.append(buf, n);
    if (f) std::fclose(f);
    auto products = Must(kira::catalog::ParseCatalogCsv(csv, nullptr), "catalog");
    auto cat = std::make_shared<kira::catalog::Catalog>(std::move(lex));
    for (auto& p : products) cat->Add(std::move(p));
    cat->BuildIndex();
    s->catalog = cat;
    s->store = Must(kira::crm::OpenSqliteCrmStore(":memory:", {}), "store");
    kira::dialog::EngineOptions eo;
    s->engine =
        Must(kira::dialog::Engine::Create(profile, s->catalog, s->store.get(), eo), "engine");
    const auto* ru = Must(s->engine->Agent("kira", "ru"), "kira ru");
    const auto* en = Must(s->engine->Agent("kira", "en"), "kira en");
    s->ru = std::make_unique<kira::dialog::Understanding>(*ru, *s->catalog, "ru");
    s->en = std::make_unique<kira::dialog::Understanding>(*en, *s->catalog, "en");
    return s;
  }();
  return *shop;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  Demo();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  Shop& shop = Demo();
  const bool english = data[0] & 0x80;
  const auto pending = static_cast<kira::dialog::Expect>(
      (data[0] & 0x7F) % (static_cast<int>(kira::dialog::Expect::kConsent) + 1));
  const std::string said(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string canonical = kira::text::Canonical(said);
  for (const auto& hit : shop.catalog->Search(canonical))
    Check(shop.catalog->Find(hit.product->sku) == hit.product);
  shop.catalog->Extract(canonical);
  kira::dialog::Frame f = (english ? shop.en : shop.ru)->Parse(said, pending);
  if (f.product) {
    for (const auto& c : f.product->candidates)
      Check(c.product && shop.catalog->Find(c.product->sku) == c.product);
  }
  return 0;
}
