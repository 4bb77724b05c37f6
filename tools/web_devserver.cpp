// web_devserver: the workspace on a data directory, for the browser test and for trying the UI
// without the rest of Kira. With --seed it fills an empty database with the demo shop's catalog
// and a month of realistic leads (for screenshots and the dashboard).
//
//   web_devserver --dir /tmp/kira-ui --seed --user admin --password 'demo pass 1'
//   → prints "READY <port>"; stdin commands: "lead <phone>" creates a lead, "dnc <+7…>" puts a
//   number on the do-not-call list, "quit" (or EOF) stops.
// --status-no-ru-asr: the admin page's status report is what `kira serve` reports for a phone
// side without a Russian recogniser (no phone.vosk_url), to see the warning without a SIP stack.
#include <sodium.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "business/profile.h"
#include "catalog/catalog_store.h"
#include "catalog/importer.h"
#include "core/log.h"
#include "crm/crm_store.h"
#include "crm/workspace_store.h"
#include "web/testing/test_support.h"
#include "web/web_server.h"

using namespace kira;

namespace {

struct Rng {
  uint64_t s = 88172645463325252ull;
  uint64_t Next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  int Below(int n) { return static_cast<int>(Next() % static_cast<uint64_t>(n)); }
};

template <size_t N>
const char* Pick(Rng& r, const char* const (&list)[N]) {
  return list[r.Below(N)];
}

Status Seed(crm::CrmStore& store, storage::Db& db, const std::string& demo) {
  KIRA_RETURN_IF_ERROR(catalog::MigrateCatalog(db));
  KIRA_RETURN_IF_ERROR(catalog::ImportCatalogFile(db, demo + "/catalog.csv").status());
  KIRA_RETURN_IF_ERROR(
      catalog::ImportStockFile(db, demo + "/distributor.csv", "distributor").status());
  Rng rng;
  static const char* const kNames[] = {"Ирина",   "Сергей", "Ольга", "Андрей", "Наталья",
                                       "Дмитрий", "Елена",  "Павел", "",       ""};
  static const char* const kReasons[] = {"discontinued", "discontinued",   "out_of_stock",
                                         "not_sold",     "small_quantity", "small_quantity",
                                         "unclear",      "other"};
  static const char* const kSummaries[] = {
      "Искала керамогранит Монте Тиберио серый 60x60, коллекция снята с производства; "
      "предложены аналоги.",
      "Нужно две плитки как пять лет назад, артикул не помнит; объём меньше минимального.",
      "Спросил цену и наличие затирки Церезит CE 40 белой; в наличии, сообщена цена.",
      "Ремонт ванной 18 м2, выбирает плитку под дерево; квалифицирован для менеджера.",
      "Оформлен заказ на 24 м2 керамогранита с самовывозом.",
      "Спрашивал обои — магазин их не продаёт.",
      "Просил перезвонить завтра в 10:00 по поводу доставки."};
  int64_t now = ToUnixMillis(Clock::System().Now());
  int64_t day = 86400000;
  for (int i = 0; i < 140; ++i) {
    int64_t at = now - (29 - i * 30 / 140) * day;
    int hour_pick = rng.Below(100);
    int hour = hour_pick < 8    ? 21 + rng.Below(3)
               : hour_pick < 12 ? 7 + rng.Below(2)
                                : 9 + rng.Below(12);
    at = at - (at % day) + (hour - 3) * 3600000LL + rng.Below(3600) * 1000LL;  // Moscow = UTC+3
    if (at > now) at = now - rng.Below(3600) * 1000LL;
    int o = rng.Below(100);
    std::string outcome = o < 45   ? "non_targeted"
                          : o < 57 ? "qualified"
                          : o < 70 ? "order_placed"
                          : o < 80 ? "info_only"
                          : o < 86 ? "callback_scheduled"
                          : o < 90 ? "transferred"
                          : o < 93 ? "abusive"
                          : o < 96 ? "prank"
                                   : "wrong_number";
    std::string reason = outcome == "non_targeted" ? Pick(rng, kReasons) : "";
    int c = rng.Below(100);
    std::string channel = c < 62 ? "phone" : c < 86 ? "chat" : "web";
    char phone[32];
    std::snprintf(phone, sizeof phone, "+7916%07d", 1000000 + i * 7919 % 8999999);
    auto lid = web::testing::AddLead(store, phone, outcome, reason, channel, at, Pick(rng, kNames));
    if (!lid.ok()) return lid.status();
    KIRA_ASSIGN_OR_RETURN(crm::Lead lead, store.GetLead(*lid));
    lead.summary = outcome == "order_placed"         ? kSummaries[4]
                   : outcome == "qualified"          ? kSummaries[3]
                   : outcome == "info_only"          ? kSummaries[2]
                   : outcome == "callback_scheduled" ? kSummaries[6]
                   : reason == "not_sold"            ? kSummaries[5]
                   : reason == "small_quantity"      ? kSummaries[1]
                                                     : kSummaries[0];
    if (i < 110) {
      int s = rng.Below(10);
      using crm::LeadStatus;
      lead.status = s < 5   ? LeadStatus::kClosed
                    : s < 7 ? LeadStatus::kTaken
                    : s < 9 ? LeadStatus::kVeraAssigned
                            : LeadStatus::kNew;
      if (lead.status != LeadStatus::kNew) lead.assigned_to = "admin";
      if (lead.status == LeadStatus::kClosed && !lead.non_targeted_reason)
        lead.close_reason = crm::CloseReason::kSold;
    }
    KIRA_RETURN_IF_ERROR(store.UpdateLead(lead));
    if (outcome == "order_placed") {
      crm::Order ord;
      ord.lead_id = *lid;
      ord.status = crm::OrderStatus::kConfirmed;
      ord.fulfilment = rng.Below(2) ? "pickup" : "delivery";
      ord.supply = "shop";
      ord.customer_name = Pick(rng, kNames);
      if (ord.fulfilment == "delivery") ord.address = "Москва, Профсоюзная ул., 12, кв. 40";
      ord.created_at = at + 120000;
      double qty = 10 + rng.Below(40);
      ord.lines.push_back({"KG-MT-6060-GR", "Монте Тиберио серый 60x60", qty, "м2", 1890});
      ord.lines.push_back({"CE40-WH-2", "Церезит CE 40 белая, 2 кг", 2, "шт", 450});
      ord.total = qty * 1890 + 900;
      KIRA_RETURN_IF_ERROR(store.CreateOrder(ord).status());
    }
    if (lead.status == crm::LeadStatus::kVeraAssigned) {
      crm::Task t;
      t.lead_id = *lid;
      t.kind = crm::TaskKind::kVeraCall;
      t.agent = "vera";
      t.phone = phone;
      t.note = "Предложить аналог и затирку";
      t.created_by = "manager:admin";
      t.created_at = at + 3600000;
      int r = rng.Below(6);
      static const char* const kVera[] = {"order_placed", "refused",   "no_answer",
                                          "secretary",    "qualified", ""};
      t.status = r == 5 ? crm::TaskStatus::kOpen : crm::TaskStatus::kDone;
      t.last_result = kVera[r];
      KIRA_RETURN_IF_ERROR(store.CreateTask(t).status());
    }
  }
  return Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir, user = "admin", password = "demo password", profile_path;
  int port = 0;
  bool seed = false, status_no_ru_asr = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--dir")
      dir = next();
    else if (a == "--port")
      port = std::stoi(next());
    else if (a == "--user")
      user = next();
    else if (a == "--password")
      password = next();
    else if (a == "--profile")
      profile_path = next();
    else if (a == "--seed")
      seed = true;
    else if (a == "--status-no-ru-asr")
      status_no_ru_asr = true;
    else {
      std::fprintf(stderr,
                   "usage: web_devserver --dir DIR [--port N] [--seed] [--user U --password P] "
                   "[--profile FILE] [--status-no-ru-asr]\n");
      return 2;
    }
  }
  if (dir.empty()) {
    std::fprintf(stderr, "web_devserver: --dir is required\n");
    return 2;
  }
  log::SetLevel(log::Level::kWarn);
  std::filesystem::create_directories(dir);
  std::string db_path = dir + "/kira.db";
  std::string demo = KIRA_DEMO_DIR;
  // Only a profile given with --profile is editable from the settings page; the demo's stays.
  const bool editable = !profile_path.empty();
  if (profile_path.empty()) profile_path = demo + "/profile.yaml";
  auto profile = business::LoadProfile(profile_path);
  if (!profile.ok()) {
    std::fprintf(stderr, "web_devserver: %s\n", profile.status().message().c_str());
    return 1;
  }
  auto store = crm::OpenSqliteCrmStore(db_path);
  auto db = storage::Db::Open(db_path);
  auto workspace = crm::OpenSqliteWorkspaceStore(db_path);
  auto catalog_store = catalog::OpenSqliteCatalogStore(db_path);
  if (!store.ok() || !db.ok() || !workspace.ok() || !catalog_store.ok()) {
    std::fprintf(stderr, "web_devserver: cannot open %s\n", db_path.c_str());
    return 1;
  }
  if (seed) {
    crm::LeadFilter f;
    f.limit = 1;
    auto existing = (*store)->ListLeads(f);
    if (existing.ok() && existing->empty()) {
      Status s = Seed(**store, **db, demo);
      if (!s.ok()) {
        std::fprintf(stderr, "web_devserver: seeding failed: %s\n", s.message().c_str());
        return 1;
      }
    }
  }
  web::WebConfig cfg;
  cfg.port = port;
  cfg.data_dir = dir;
  cfg.store = store->get();
  cfg.workspace = workspace->get();
  cfg.catalog = catalog_store->get();
  cfg.profile = *profile;
  if (editable) cfg.profile_path = profile_path;
  cfg.poll_interval = std::chrono::milliseconds(300);
  if (status_no_ru_asr) {
    cfg.setup_report = [db_path, language = profile->language] {
      business::SetupFacts f;
      f.shop_language = language;
      f.database = db_path;
      f.web_on = true;
      f.web_url = "http://127.0.0.1/";
      f.phone_on = true;
      f.sip_listen = "0.0.0.0:5060";
      f.asr = {{"en", "pocketsphinx", "", ""}};
      f.tts = {{"en", "flite", "", ""}, {"ru", "espeak", "", ""}};
      f.dialer_on = true;
      return business::BuildSetupReport(f);
    };
  }
  web::WebServer server(std::move(cfg));
  if (Status s = server.Start(); !s.ok()) {
    std::fprintf(stderr, "web_devserver: %s\n", s.message().c_str());
    return 1;
  }
  auto u = server.auth()->AddUser(user, "admin", password);
  if (!u.ok() && u.status().code() != Status::Code::kConflict) {
    std::fprintf(stderr, "web_devserver: %s\n", u.status().message().c_str());
    return 1;
  }
  std::printf("READY %d\n", server.port());
  std::fflush(stdout);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line == "quit") break;
    if (line.rfind("lead ", 0) == 0) {
      // A second connection, like another process (`kira chat`) writing the lead.
      auto writer = crm::OpenSqliteCrmStore(db_path);
      if (!writer.ok()) continue;
      auto id = web::testing::AddLead(**writer, line.substr(5), "non_targeted", "discontinued",
                                      "phone", 0);
      server.NotifyStoreChanged();
      std::printf("LEAD %lld\n", id.ok() ? static_cast<long long>(*id) : -1LL);
      std::fflush(stdout);
    }
    if (line.rfind("dnc ", 0) == 0) {  // puts a number on the do-not-call list
      crm::DncEntry e;
      e.phone = line.substr(4);
      e.reason = "manual";
      auto writer = crm::OpenSqliteCrmStore(db_path);  // another connection, like the CLI
      Status s = writer.ok() ? (*writer)->AddDnc(e) : writer.status();
      std::printf("DNC %s\n", s.ok() ? "ok" : s.message().c_str());
      std::fflush(stdout);
    }
  }
  server.Stop();
  return 0;
}
