// Scripted conversations (tests/conversations/*.yaml) run against the real dialog engine, the
// demo shop's catalog and profile, and a real SQLite CRM store. Every agent utterance goes
// through the grounding checker; each script asserts the outcome, the reason, the order lines
// and the other records the conversation must leave.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "business/profile.h"
#include "catalog/catalog_store.h"
#include "catalog/importer.h"
#include "catalog/lexicon.h"
#include "core/clock.h"
#include "core/tz.h"
#include "crm/crm_store.h"
#include "dialer/phone_zones.h"
#include "dialer/zone_db.h"
#include "dialog/engine.h"
#include "dialog/grounding.h"
#include "dialog/recovery.h"

namespace kira {
namespace {

struct Script {
  std::string file, name, lang = "ru", agent = "kira", channel = "chat";
  std::string caller = "+79161234567";
  std::vector<std::string> lines;
  YAML::Node task, expect;
};

void PrintTo(const Script& s, std::ostream* os) { *os << s.file << ":" << s.name; }

std::vector<Script> LoadScripts() {
  std::vector<Script> out;
  std::string dir = std::string(KIRA_SOURCE_DIR) + "/tests/conversations";
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".yaml") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    YAML::Node root = YAML::LoadFile(f);
    std::string lang = root["lang"] ? root["lang"].as<std::string>() : "ru";
    std::string agent = root["agent"] ? root["agent"].as<std::string>() : "kira";
    for (const auto& c : root["conversations"]) {
      Script s;
      s.file = std::filesystem::path(f).filename().string();
      s.name = c["name"].as<std::string>();
      s.lang = c["lang"] ? c["lang"].as<std::string>() : lang;
      s.agent = c["agent"] ? c["agent"].as<std::string>() : agent;
      if (c["channel"]) s.channel = c["channel"].as<std::string>();
      if (c["caller"]) s.caller = c["caller"].as<std::string>();
      if (c["say"])
        for (const auto& l : c["say"]) s.lines.push_back(l.as<std::string>());
      if (c["task"]) s.task.reset(c["task"]);
      s.expect.reset(c["expect"]);
      out.push_back(s);
    }
  }
  return out;
}

// The demo shop, imported once into a database shared (read-only) by all scripts.
struct Shop {
  std::string dir;
  std::unique_ptr<storage::Db> db;
  std::shared_ptr<const catalog::Catalog> catalog;
  business::Profile ru, en;
};

Shop& DemoShop() {
  static Shop* shop = [] {
    auto* s = new Shop;
    s->dir = (std::filesystem::temp_directory_path() / ("kira-conv-" + std::to_string(::getpid())))
                 .string();
    std::filesystem::create_directories(s->dir);
    s->db = std::move(storage::Db::Open(s->dir + "/shop.db")).value();
    EXPECT_TRUE(catalog::MigrateCatalog(*s->db).ok());
    std::string demo = KIRA_DEMO_DIR;
    auto r1 = catalog::ImportCatalogFile(*s->db, demo + "/catalog.csv");
    EXPECT_TRUE(r1.ok()) << r1.status().ToString();
    auto r2 = catalog::ImportStockFile(*s->db, demo + "/distributor.csv", "distributor");
    EXPECT_TRUE(r2.ok()) << r2.status().ToString();
    // The built-in lexicon extended by the shop's, as `kira chat` and `kira serve` load it.
    auto lex = catalog::LoadShopLexicon(demo + "/lexicon.yaml");
    EXPECT_TRUE(lex.ok()) << lex.status().ToString();
    s->catalog = std::make_shared<const catalog::Catalog>(
        std::move(catalog::LoadCatalog(*s->db, *lex)).value());
    s->ru = std::move(business::LoadProfile(demo + "/profile.yaml")).value();
    s->en = std::move(business::LoadProfile(demo + "/profile.en.yaml")).value();
    return s;
  }();
  return *shop;
}

// Removes the shared demo database when the binary ends.
class ShopCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(DemoShop().dir, ec);
  }
};
const auto* const kCleanup = ::testing::AddGlobalTestEnvironment(new ShopCleanup);

class Conversation : public ::testing::TestWithParam<Script> {};

TEST_P(Conversation, RunsGroundedToTheExpectedOutcome) {
  const Script& sc = GetParam();
  Shop& shop = DemoShop();
  const business::Profile& profile = sc.lang == "en" ? shop.en : shop.ru;
  auto store_r = crm::OpenSqliteCrmStore(":memory:");
  ASSERT_TRUE(store_r.ok()) << store_r.status().ToString();
  std::unique_ptr<crm::CrmStore> store = std::move(store_r).value();
  auto start = ParseIso("2026-12-01T12:00:00Z");  // Tuesday 15:00 in Moscow
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  TimePoint now = *start;
  FakeClock clock(now);
  dialog::EngineOptions eo;
  eo.cache_dir = shop.dir + "/models";
  eo.clock = &clock;
  dialer::ZoneDb zones;
  dialer::PhoneZoneResolver resolver(&zones, "RU");
  eo.caller_zone = [&](const std::string& phone) {
    auto z = resolver.Resolve(phone);
    if (!z.ok() || z->set == dialer::kNoZoneSet) return std::string();
    const auto& m = zones.Members(z->set);
    return m.size() == 1 ? zones.Name(m[0]) : std::string();
  };
  auto engine = dialog::Engine::Create(profile, shop.catalog, store.get(), eo);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();

  dialog::SessionParams p;
  p.agent = sc.agent;
  p.language = sc.lang;
  p.caller = sc.caller;
  p.channel = sc.channel;
  if (sc.task) {
    crm::Contact c;
    c.phone = sc.caller;
    auto cid = store->UpsertContact(c);
    ASSERT_TRUE(cid.ok());
    crm::Lead l;
    l.contact_id = *cid;
    l.channel = "web";
    l.source = sc.task["source"] ? sc.task["source"].as<std::string>() : "inbound";
    l.interest = sc.task["interest"] ? sc.task["interest"].as<std::string>() : "";
    auto lid = store->CreateLead(l);
    ASSERT_TRUE(lid.ok());
    crm::Task t;
    t.lead_id = *lid;
    t.kind = crm::TaskKind::kVeraCall;
    t.agent = "vera";
    t.phone = sc.caller;
    auto tid = store->CreateTask(t);
    ASSERT_TRUE(tid.ok());
    p.task_id = *tid;
  }
  auto session_r = (*engine)->NewSession(p);
  ASSERT_TRUE(session_r.ok()) << session_r.status().ToString();
  dialog::DialogSession& s = **session_r;

  dialog::GroundingChecker checker(*shop.catalog, profile);
  dialog::GroundingContext ctx;
  auto agent_data = (*engine)->Agent(sc.agent, sc.lang);
  ASSERT_TRUE(agent_data.ok()) << agent_data.status().ToString();
  ctx.line_separators = (*agent_data)->phrases.List("order_line_separators");
  std::vector<std::string> transcript;
  std::string transfer;
  auto check = [&](const dialog::Reply& r) {
    if (!r.transfer_to.empty()) transfer = r.transfer_to;
    for (const std::string& u : r.say) {
      // Records created so far may be quoted (order and task numbers).
      ctx.record_ids.clear();
      auto orders_now = store->ListOrders();
      auto tasks_now = store->ListTasks();
      ASSERT_TRUE(orders_now.ok() && tasks_now.ok());
      for (const auto& o : *orders_now) ctx.record_ids.push_back(o.id);
      for (const auto& t : *tasks_now) ctx.record_ids.push_back(t.id);
      auto issues = checker.Check(u, ctx);
      for (const auto& i : issues)
        ADD_FAILURE() << "ungrounded fact '" << i.fact << "' (" << i.why << ") in: " << u;
      ctx.agent_turns.push_back(u);
      transcript.push_back("agent: " + u);
    }
  };
  check(s.Start());
  size_t i = 0;
  for (; i < sc.lines.size() && !s.ended(); ++i) {
    transcript.push_back("caller: " + sc.lines[i]);
    ctx.caller_turns.push_back(sc.lines[i]);
    check(s.OnCallerText(sc.lines[i]));
  }
  std::string all;
  for (const auto& t : transcript) all += "  " + t + "\n";
  EXPECT_EQ(i, sc.lines.size()) << "the agent ended the conversation early:\n" << all;
  dialog::EndInfo end = s.Finish();
  const YAML::Node& ex = sc.expect;
  EXPECT_EQ(crm::OptionalName(end.outcome), ex["outcome"].as<std::string>()) << all;
  EXPECT_EQ(crm::OptionalName(end.reason), ex["reason"] ? ex["reason"].as<std::string>() : "")
      << all;
  EXPECT_FALSE(end.summary.empty());
  EXPECT_EQ(end.summary.find('{'), std::string::npos) << end.summary;
  if (ex["summary_contains"])
    EXPECT_NE(end.summary.find(ex["summary_contains"].as<std::string>()), std::string::npos)
        << end.summary;

  // The CRM has the same story.
  auto lead = store->GetLead(end.lead_id);
  ASSERT_TRUE(lead.ok());
  EXPECT_EQ(lead->outcome, end.outcome);
  EXPECT_EQ(lead->summary, end.summary);
  auto conv = store->GetConversation(end.conversation_id);
  ASSERT_TRUE(conv.ok());
  EXPECT_EQ(conv->outcome, end.outcome);
  EXPECT_EQ(conv->reason, end.reason);
  EXPECT_EQ(conv->turns.size(), transcript.size());

  auto orders = *store->ListOrders(end.lead_id);
  if (ex["order"]) {
    ASSERT_EQ(orders.size(), 1u) << all;
    const auto& o = orders[0];
    ASSERT_EQ(o.lines.size(), ex["order"].size());
    double total = 0;
    for (size_t k = 0; k < o.lines.size(); ++k) {
      EXPECT_EQ(o.lines[k].sku, ex["order"][k]["sku"].as<std::string>());
      EXPECT_NEAR(o.lines[k].qty, ex["order"][k]["qty"].as<double>(), 1e-6);
      const catalog::Product* prod = shop.catalog->Find(o.lines[k].sku);
      ASSERT_NE(prod, nullptr);
      EXPECT_DOUBLE_EQ(o.lines[k].price, prod->price);  // price at the time, from the catalog
      total += o.lines[k].qty * o.lines[k].price;
    }
    EXPECT_NEAR(o.total, total, 0.01);
    if (ex["fulfilment"]) {
      EXPECT_EQ(o.fulfilment, ex["fulfilment"].as<std::string>());
    }
    if (ex["supply"]) {
      EXPECT_EQ(o.supply, ex["supply"].as<std::string>());
    }
    if (ex["address_contains"]) {
      EXPECT_NE(o.address.find(ex["address_contains"].as<std::string>()), std::string::npos);
    }
    if (ex["name"]) {
      EXPECT_EQ(o.customer_name, ex["name"].as<std::string>());
    }
  } else {
    EXPECT_TRUE(orders.empty()) << all;
  }
  // The caller's name on the contact, whatever the outcome.
  if (ex["contact_name"]) {
    auto contact = store->GetContact(lead->contact_id);
    ASSERT_TRUE(contact.ok());
    EXPECT_EQ(contact->name, ex["contact_name"].as<std::string>()) << all;
  }
  bool dnc = *store->IsDnc(sc.caller);
  EXPECT_EQ(dnc, ex["dnc"] && ex["dnc"].as<bool>()) << all;
  if (ex["task_kind"]) {
    bool found = false;
    for (const auto& t : *store->ListTasks(std::nullopt, end.lead_id)) {
      if (crm::Name(t.kind) != ex["task_kind"].as<std::string>()) continue;
      found = true;
      if (ex["task_phone"]) {
        EXPECT_EQ(t.phone, ex["task_phone"].as<std::string>());
      }
      if (ex["task_local"]) {
        // In the callee's zone when the task has one (their words were in their time).
        std::string zone = t.timezone.empty() ? profile.timezone : t.timezone;
        if (ex["task_zone"]) {
          EXPECT_EQ(t.timezone, ex["task_zone"].as<std::string>());
        }
        CivilTime c = ToCivil(zone, FromUnixMillis(t.not_before));
        char buf[32];
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d", c.year, c.month, c.day, c.hour,
                      c.minute);
        EXPECT_EQ(std::string(buf), ex["task_local"].as<std::string>());
      }
    }
    std::string tasks;
    for (const auto& t : *store->ListTasks())
      tasks += "  task " + std::to_string(t.id) + " lead " + std::to_string(t.lead_id) + " " +
               std::string(crm::Name(t.kind)) + " " + std::string(crm::Name(t.status)) + "\n";
    EXPECT_TRUE(found) << "no task of kind " << ex["task_kind"].as<std::string>() << " for lead "
                       << end.lead_id << "\n"
                       << tasks << all;
  }
  if (ex["transfer"]) {
    EXPECT_EQ(!transfer.empty(), ex["transfer"].as<bool>()) << all;
  }
  if (ex["lead_flagged"]) {
    EXPECT_EQ(lead->source_flagged, ex["lead_flagged"].as<bool>());
  }
  if (ex["qualification"]) {
    EXPECT_EQ(crm::Name(lead->qualification), ex["qualification"].as<std::string>());
  }
  if (ex["agent_says"])
    for (const auto& needle : ex["agent_says"]) {
      std::string n = needle.as<std::string>();
      bool said = false;
      for (const auto& t : transcript)
        if (t.rfind("agent: ", 0) == 0 && t.find(n) != std::string::npos) said = true;
      EXPECT_TRUE(said) << "the agent never said '" << n << "':\n" << all;
    }
  // What must not happen: a question asked again after the caller answered it, another
  // product offered as the answer.
  if (ex["agent_never_says"])
    for (const auto& needle : ex["agent_never_says"]) {
      std::string n = needle.as<std::string>();
      for (const auto& t : transcript)
        EXPECT_FALSE(t.rfind("agent: ", 0) == 0 && t.find(n) != std::string::npos)
            << "the agent said '" << n << "':\n"
            << all;
    }
}

std::string ScriptName(const ::testing::TestParamInfo<Script>& info) {
  std::string n = info.param.file.substr(0, info.param.file.find('.')) + "_" + info.param.name;
  for (auto& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Scripts, Conversation, ::testing::ValuesIn(LoadScripts()), ScriptName);

// The recogniser's phrase list follows the conversation: quantities after "how much?" (the
// templates themselves are recognised in speech/asr_test.cpp).
TEST(ExpectedPhrases, FollowTheStage) {
  Shop& shop = DemoShop();
  auto store = std::move(crm::OpenSqliteCrmStore(":memory:")).value();
  dialog::EngineOptions eo;
  eo.cache_dir = shop.dir + "/models";
  auto engine = std::move(dialog::Engine::Create(shop.en, shop.catalog, store.get(), eo)).value();
  auto s = std::move(engine->NewSession({})).value();
  s->Start();
  auto has = [&](const std::string& phrase) {
    auto v = s->ExpectedPhrases();
    return std::find(v.begin(), v.end(), phrase) != v.end();
  };
  // The stage's templates (scenario heard_quantity): a count with an optional unit.
  auto quantity_template = [&] {
    for (const auto& v : s->ExpectedPhrases())
      if (v.find("[and a half]") != std::string::npos && v.find("|20|") != std::string::npos &&
          v.find("square meters") != std::string::npos)
        return true;
    return false;
  };
  EXPECT_TRUE(has("the matte one"));
  EXPECT_FALSE(quantity_template());
  s->OnCallerText("monte tiberio grey matte sixty by sixty");
  EXPECT_EQ(s->Pending(), dialog::Expect::kQuantity);
  EXPECT_TRUE(quantity_template());
}

// F11 (issue 10): an inbound phone call writes its contact, lead and conversation when the
// caller first speaks. A call nobody spoke on leaves no lead, only an audit entry; a session
// lost before Finish() ends its conversation as "interrupted", keeping every turn said.
TEST(PhoneLeads, SilentCallsLeaveNoLeadAndLostSessionsEndInterrupted) {
  Shop& shop = DemoShop();
  auto store = std::move(crm::OpenSqliteCrmStore(":memory:")).value();
  dialog::EngineOptions eo;
  eo.cache_dir = shop.dir + "/models";
  auto engine = std::move(dialog::Engine::Create(shop.ru, shop.catalog, store.get(), eo)).value();
  dialog::SessionParams p;
  p.caller = "+79161234567";
  p.channel = "phone";
  crm::LeadFilter all;

  auto silent = std::move(engine->NewSession(p)).value();
  EXPECT_FALSE(silent->Start().say.empty());  // the greeting is said...
  silent->OnSilence(1);
  EXPECT_EQ(*store->CountLeads(all), 0);  // ...and nothing is written yet
  dialog::EndInfo e = silent->Finish();
  EXPECT_EQ(e.lead_id, 0);
  EXPECT_EQ(*store->CountLeads(all), 0);
  EXPECT_FALSE(std::move(store->FindContactByPhone(p.caller)).value().has_value());
  auto audit = std::move(store->ListAudit("call", 0)).value();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "call.no_speech");
  EXPECT_EQ(audit[0].detail.find("1234567"), std::string::npos) << audit[0].detail;
  silent.reset();

  auto spoken = std::move(engine->NewSession(p)).value();
  spoken->Start();
  spoken->OnCallerText("монте тиберио матовый");
  auto leads = std::move(store->ListLeads(all)).value();
  ASSERT_EQ(leads.size(), 1u);  // written at the first words, before any end
  auto convs = std::move(store->ListConversations(leads[0].id)).value();
  ASSERT_EQ(convs.size(), 1u);
  ASSERT_GE(convs[0].turns.size(), 3u);
  EXPECT_EQ(convs[0].turns[0].speaker, "agent");  // the greeting, said before, kept first
  EXPECT_EQ(convs[0].turns[1].speaker, "caller");
  EXPECT_EQ(convs[0].turns[1].text, "монте тиберио матовый");
  spoken.reset();  // lost: no Finish()
  auto c = std::move(store->GetConversation(convs[0].id)).value();
  EXPECT_EQ(c.outcome, crm::Outcome::kInterrupted);
  EXPECT_GT(c.ended_at, 0);
  EXPECT_FALSE(c.summary.empty());
  EXPECT_EQ(std::move(store->GetLead(leads[0].id)).value().outcome, crm::Outcome::kInterrupted);

  // A chat writes its lead at once, as before; the recovery pass ends what is left open.
  dialog::SessionParams chat_p;
  chat_p.caller = "+79167654321";
  auto chat = std::move(engine->NewSession(chat_p)).value();
  chat->Start();
  EXPECT_EQ(*store->CountLeads(all), 2);
  auto open = std::move(store->ListOpenConversations(INT64_MAX, 10)).value();
  ASSERT_EQ(open.size(), 1u);
  auto n = dialog::EndInterrupted(*engine, INT64_MAX);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(std::move(store->GetConversation(open[0].id)).value().outcome,
            crm::Outcome::kInterrupted);
  EXPECT_EQ(*dialog::EndInterrupted(*engine, INT64_MAX), 0);
}

// kira serve's minute pass: conversations idle past the limit end as interrupted, fresh ones
// are left alone; retention runs at most once a day.
TEST(PhoneLeads, HousekeeperEndsIdleConversationsAndAppliesRetentionDaily) {
  Shop& shop = DemoShop();
  auto store = std::move(crm::OpenSqliteCrmStore(":memory:")).value();
  dialog::EngineOptions eo;
  eo.cache_dir = shop.dir + "/models";
  auto engine = std::move(dialog::Engine::Create(shop.ru, shop.catalog, store.get(), eo)).value();
  const int64_t now = ToUnixMillis(Clock::System().Now());
  constexpr int64_t kMin = 60'000, kDay = 86'400'000;
  auto conversation = [&](int64_t started, int64_t ended) {
    crm::Lead l;
    int64_t lead = std::move(store->CreateLead(l)).value();
    crm::Conversation c;
    c.lead_id = lead;
    c.agent = "kira";
    c.language = "ru";
    c.started_at = started;
    int64_t id = std::move(store->StartConversation(c)).value();
    EXPECT_TRUE(store->AppendTurn(id, "caller", "алло", started + 1000).ok());
    if (ended) {
      c.id = id;
      c.outcome = crm::Outcome::kInfoOnly;
      c.ended_at = ended;
      EXPECT_TRUE(store->EndConversation(c).ok());
    }
    return id;
  };
  const int64_t idle = conversation(now - 45 * kMin, 0);
  const int64_t fresh = conversation(now - 5 * kMin, 0);
  const int64_t old1 = conversation(now - 3 * kDay, now - 3 * kDay + kMin);

  dialog::HousekeepingOptions o;
  o.retention.transcripts_days = 2;
  dialog::Housekeeper hk(*engine, o);
  hk.Tick(now);
  EXPECT_EQ(std::move(store->GetConversation(idle)).value().outcome, crm::Outcome::kInterrupted);
  EXPECT_EQ(std::move(store->GetConversation(fresh)).value().ended_at, 0);
  EXPECT_TRUE(std::move(store->GetConversation(old1)).value().turns.empty());

  const int64_t old2 = conversation(now - 3 * kDay, now - 3 * kDay + kMin);
  hk.Tick(now + 31 * kMin);  // the fresh one is idle now; retention waits for tomorrow
  EXPECT_EQ(std::move(store->GetConversation(fresh)).value().outcome, crm::Outcome::kInterrupted);
  EXPECT_EQ(std::move(store->GetConversation(old2)).value().turns.size(), 1u);
  hk.Tick(now + kDay + kMin);
  EXPECT_TRUE(std::move(store->GetConversation(old2)).value().turns.empty());
}

// The checker itself must catch a hallucinated fact, or the tests above prove nothing.
TEST(Grounding, CatchesWrongPriceStockAndHours) {
  Shop& shop = DemoShop();
  dialog::GroundingChecker checker(*shop.catalog, shop.ru);
  dialog::GroundingContext ctx;
  const catalog::Product* p = shop.catalog->Find("SG622600R");
  ASSERT_NE(p, nullptr);
  std::string good = p->name + " есть в наличии: 31,68 м², цена 2 690 руб. за м².";
  EXPECT_TRUE(checker.Check(good, ctx).empty());
  EXPECT_FALSE(checker.Check(p->name + " есть в наличии, цена 2 590 руб. за м².", ctx).empty());
  EXPECT_FALSE(checker.Check(p->name + " есть в наличии: 45 м².", ctx).empty());
  EXPECT_FALSE(checker.Check("Мы работаем ежедневно с 8:00 до 22:00.", ctx).empty());
  EXPECT_TRUE(checker.Check("Мы работаем ежедневно с 9:00 до 21:00.", ctx).empty());
  EXPECT_FALSE(checker.Check("Итого 1 000 000 руб.", ctx).empty());
  EXPECT_FALSE(checker.Check("Артикул ZZ-NOPE-1 есть.", ctx).empty());
  ctx.caller_turns.push_back("мне нужно двадцать метров");
  std::string total = p->name + ": 20,16 м² — итого 54 230,40 руб.";
  EXPECT_TRUE(checker.Check(total, ctx).empty());
  EXPECT_FALSE(checker.Check(p->name + ": 20,16 м² — итого 54 230,41 руб.", ctx).empty());
}

}  // namespace
}  // namespace kira
