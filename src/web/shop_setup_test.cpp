// The shop's own setup over HTTP, against a running server with real SQLite stores: the status
// report (GET /api/admin/status), catalog uploads as shops export them (template, replace,
// localisable errors), the catalog page (paging, filters) and campaigns.
#include <gtest/gtest.h>

#include <map>

#include "web/testing/test_support.h"

namespace kira::web {
namespace {

using testing::Client;

// Percent-encodes a query value.
std::string Enc(const std::string& s) {
  std::string out;
  char buf[4];
  for (unsigned char c : s) {
    if (isalnum(c)) {
      out += static_cast<char>(c);
    } else {
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

Json Parse(const httplib::Result& r) {
  if (!r) return {};
  return Json::parse(r->body, nullptr, false);
}

TEST(ShopSetup, StatusReportIsTheServeReportAndAdminOnly) {
  testing::EnvOptions opt;
  opt.configure = [](WebConfig& c) {
    c.setup_report = [] {
      business::SetupFacts f;
      f.shop_language = "ru";
      f.database = "/data/kira.db";
      f.web_on = true;
      f.phone_on = true;
      f.sip_listen = "0.0.0.0:5060";
      f.asr = {{"en", "pocketsphinx", "", ""}};
      f.tts = {{"ru", "espeak", "", ""}, {"en", "flite", "", ""}};
      return business::BuildSetupReport(f);
    };
  };
  auto env = testing::StartEnv(opt);
  ASSERT_TRUE(env.ok()) << env.status().message();
  Client admin((*env)->port());
  ASSERT_TRUE(admin.Login("admin", "correct horse battery"));
  auto r = admin.Get("/api/admin/status");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  Json j = Parse(r);
  EXPECT_FALSE(j["ok"].get<bool>());
  bool found = false;
  for (const auto& i : j["items"])
    if (i["area"] == "asr" && i["language"] == "ru") {
      found = true;
      EXPECT_EQ(i["state"], "missing");
      EXPECT_EQ(i["problem"], "not_configured");
      EXPECT_EQ(i["fix"], "phone.vosk_url");
      EXPECT_TRUE(i["essential"].get<bool>());
    }
  EXPECT_TRUE(found) << r->body;
  ASSERT_EQ(j["warnings"].size(), 1u);
  EXPECT_NE(j["warnings"][0].get<std::string>().find("phone.vosk_url"), std::string::npos);

  ASSERT_TRUE((*env)->server->auth()->AddUser("masha", "manager", "manager pass 1").ok());
  Client masha((*env)->port());
  ASSERT_TRUE(masha.Login("masha", "manager pass 1"));
  auto m = masha.Get("/api/admin/status");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 403);
}

TEST(ShopSetup, StatusWithoutAReportFunctionDescribesTheWorkspaceAlone) {
  auto env = testing::StartEnv();
  ASSERT_TRUE(env.ok()) << env.status().message();
  Client admin((*env)->port());
  ASSERT_TRUE(admin.Login("admin", "correct horse battery"));
  Json j = Parse(admin.Get("/api/admin/status"));
  ASSERT_TRUE(j.is_object());
  std::map<std::string, std::string> state;
  for (const auto& i : j["items"])
    if (i["language"] == "") state[i["area"]] = i["state"];
  EXPECT_EQ(state["web"], "live");
  EXPECT_EQ(state["database"], "live");
  EXPECT_EQ(state["sip"], "off");
  EXPECT_EQ(state["dialer"], "off");
}

}  // namespace
}  // namespace kira::web

namespace kira::web {
namespace {

// UTF-8 Russian text → Windows-1251 (what Russian Excel saves as "CSV"): ASCII, А–я, Ё, ё.
std::string ToCp1251(const std::string& utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size();) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    unsigned cp = ((c & 0x1F) << 6) | (static_cast<unsigned char>(utf8[i + 1]) & 0x3F);
    i += 2;
    if (cp >= 0x410 && cp <= 0x44F)
      out += static_cast<char>(0xC0 + (cp - 0x410));
    else if (cp == 0x401)
      out += static_cast<char>(0xA8);
    else if (cp == 0x451)
      out += static_cast<char>(0xB8);
    else
      out += '?';
  }
  return out;
}

const char kShopCsv[] =
    "Артикул;Наименование;Категория;Цена;Ед. изм.;Остаток;Фасовка;Статус\n"
    "KG-1;Керамогранит серый 60x60;Керамогранит;1 290,50;м2;86,4;60x60;в продаже\n"
    "CL-25;Клей плиточный 25 кг;Клей;540;шт;120;25 кг;в продаже\n"
    "OLD-1;Плитка старая;Керамогранит;990;м2;0;30x30;снят с производства\n";

class CatalogUpload : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = testing::StartEnv();
    ASSERT_TRUE(e.ok()) << e.status().message();
    env = std::move(*e);
    client = std::make_unique<Client>(env->port());
    ASSERT_TRUE(client->Login("admin", "correct horse battery"));
  }
  Json Upload(const std::string& body, const std::string& query, int want) {
    auto r = client->PostRaw("/api/catalog/import?" + query, body, "application/octet-stream");
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, want) << r->body;
    return Json::parse(r->body, nullptr, false);
  }
  std::unique_ptr<testing::Env> env;
  std::unique_ptr<Client> client;
};

TEST_F(CatalogUpload, Windows1251WithSemicolonsAndRussianHeaders) {
  Json r = Upload(ToCp1251(kShopCsv), "kind=catalog&name=price.csv", 200);
  EXPECT_EQ(r["rows"], 3);
  EXPECT_EQ(r["inserted"], 3);
  bool told = false;
  for (const auto& w : r["warnings"]) told |= w["code"] == "read_as_windows_1251";
  EXPECT_TRUE(told) << r.dump();
  auto p = Parse(client->Get("/api/catalog/products/KG-1"));
  EXPECT_EQ(p["product"]["name"], "Керамогранит серый 60x60");
  EXPECT_DOUBLE_EQ(p["product"]["price"].get<double>(), 1290.5);
  auto pack = Parse(client->Get("/api/catalog/products/CL-25"));
  EXPECT_EQ(pack["product"]["pack"], "25 кг") << pack.dump();
}

TEST_F(CatalogUpload, ErrorsComeAsCodesLineFieldAndValueAndChangeNothing) {
  Upload(kShopCsv, "kind=catalog&name=price.csv", 200);
  std::string bad = std::string(kShopCsv) + "X-1;Плитка;Керамогранит;дорого;м2;1;60x60;\n";
  Json r = Upload(ToCp1251(bad), "kind=catalog&name=bad.csv&replace=1", 400);
  EXPECT_EQ(r["code"], "import_failed");
  EXPECT_EQ(r["import_error"]["code"], "not_a_number");
  EXPECT_EQ(r["import_error"]["line"], 5);
  EXPECT_EQ(r["import_error"]["field"], "price");
  EXPECT_EQ(r["import_error"]["value"], "дорого");
  Json missing = Upload("Артикул;Цена\nA;1\n", "kind=catalog&name=m.csv", 400);
  EXPECT_EQ(missing["import_error"]["code"], "missing_columns");
  EXPECT_NE(missing["import_error"]["value"].get<std::string>().find("name"), std::string::npos);
  Json empty = Upload("", "kind=catalog&name=e.csv", 400);
  EXPECT_EQ(empty["import_error"]["code"], "empty_file");
  // All-or-nothing: the failed replace removed nothing.
  EXPECT_EQ(Parse(client->Get("/api/catalog/products"))["total"], 3);
  Upload(kShopCsv, "kind=stock&replace=1", 400);
  Upload(kShopCsv, "kind=catalog&encoding=koi8", 400);
}

TEST_F(CatalogUpload, ReplaceRemovesWhatTheFileNoLongerListsOrdersKeepTheirLines) {
  Upload(kShopCsv, "kind=catalog&name=price.csv", 200);
  auto lead = testing::AddLead(*env->store, "+79161234567", "order_placed", "");
  ASSERT_TRUE(lead.ok()) << lead.status().message();
  crm::Order o;
  o.lead_id = *lead;
  o.status = crm::OrderStatus::kNew;
  o.fulfilment = "pickup";
  o.supply = "shop";
  o.lines.push_back({"OLD-1", "Плитка старая", 2, "м2", 990});
  o.total = 1980;
  auto oid = env->store->CreateOrder(o);
  ASSERT_TRUE(oid.ok()) << oid.status().message();
  std::string smaller =
      "Артикул;Наименование;Категория;Цена;Ед. изм.;Остаток\n"
      "KG-1;Керамогранит серый 60x60;Керамогранит;1300;м2;80\n";
  Json keep = Upload(smaller, "kind=catalog&name=s.csv", 200);
  EXPECT_EQ(keep["not_in_file"], 2);
  EXPECT_EQ(keep["warnings"][0]["code"], "kept_not_in_file");
  EXPECT_EQ(Parse(client->Get("/api/catalog/products"))["catalog_size"], 3);
  Json rep = Upload(smaller, "kind=catalog&name=s.csv&replace=1", 200);
  EXPECT_EQ(rep["removed"], 2);
  EXPECT_TRUE(rep["replace"].get<bool>());
  EXPECT_EQ(Parse(client->Get("/api/catalog/products"))["catalog_size"], 1);
  auto order = env->store->GetOrder(*oid);
  ASSERT_TRUE(order.ok());
  ASSERT_EQ(order->lines.size(), 1u);
  EXPECT_EQ(order->lines[0].sku, "OLD-1");
  EXPECT_EQ(order->lines[0].name, "Плитка старая");
}

TEST_F(CatalogUpload, TemplateAndColumnsAreWhatTheImporterReads) {
  auto t = client->Get("/api/catalog/template?lang=ru");
  ASSERT_TRUE(t);
  ASSERT_EQ(t->status, 200);
  EXPECT_EQ(t->body.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(t->get_header_value("Content-Disposition").find("attachment"), std::string::npos);
  // The template imports as it is.
  Json r = Upload(t->body, "kind=catalog&name=template.csv", 200);
  EXPECT_EQ(r["rows"], 2);
  Json cols = Parse(client->Get("/api/catalog/columns"));
  ASSERT_EQ(cols["required"].size(), 6u);
  bool has_artikul = false;
  for (const auto& c : cols["required"])
    if (c["column"] == "sku")
      for (const auto& n : c["names"]) has_artikul |= n == "артикул";
  EXPECT_TRUE(has_artikul) << cols.dump();
  auto de = client->Get("/api/catalog/template?lang=de");
  ASSERT_TRUE(de);
  EXPECT_EQ(de->status, 400);
}

TEST_F(CatalogUpload, CatalogPagePagesAndFilters) {
  std::string csv = "sku;name;category;price;unit;stock;status\n";
  for (int i = 0; i < 120; ++i)
    csv += "S-" + std::to_string(1000 + i) + ";Плитка " + std::to_string(i) + ";" +
           (i % 3 == 0 ? "Затирка" : "Керамогранит") + ";100;м2;" + (i % 2 ? "5" : "0") + ";" +
           (i % 10 == 0 ? "discontinued" : "active") + "\n";
  Upload(csv, "kind=catalog&name=big.csv", 200);
  Json p1 = Parse(client->Get("/api/catalog/products?limit=50"));
  EXPECT_EQ(p1["total"], 120);
  EXPECT_EQ(p1["products"].size(), 50u);
  Json p3 = Parse(client->Get("/api/catalog/products?limit=50&offset=100"));
  EXPECT_EQ(p3["products"].size(), 20u);
  EXPECT_NE(p1["products"][0]["sku"], p3["products"][0]["sku"]);
  Json cat = Parse(client->Get("/api/catalog/products?category=" + Enc("Затирка") + "&limit=200"));
  EXPECT_EQ(cat["total"], 40);
  Json stock = Parse(client->Get("/api/catalog/products?in_stock=1&limit=200"));
  EXPECT_EQ(stock["total"], 60);
  Json only = Parse(client->Get("/api/catalog/products?discontinued=only"));
  EXPECT_EQ(only["total"], 12);
  Json hide = Parse(client->Get("/api/catalog/products?discontinued=hide&in_stock=1"));
  EXPECT_EQ(hide["total"], 60);  // the discontinued rows (i % 10 == 0) are all out of stock
  // Search with a filter: every hit passes it.
  Json q = Parse(client->Get("/api/catalog/products?limit=200&q=" + Enc("плитка") +
                             "&category=" + Enc("Затирка")));
  ASSERT_GE(q["products"].size(), 1u) << q.dump().substr(0, 300);
  EXPECT_EQ(q["total"], q["products"].size());
  for (const auto& p : q["products"]) EXPECT_EQ(p["category"], "Затирка");
  Json cats = Parse(client->Get("/api/catalog/categories"));
  ASSERT_EQ(cats["categories"].size(), 2u);
  EXPECT_EQ(cats["categories"][0]["count"].get<int>() + cats["categories"][1]["count"].get<int>(),
            120);
  auto bad = client->Get("/api/catalog/products?discontinued=maybe");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
}

TEST_F(CatalogUpload, CampaignRefusesRowsThenSkipsThemWhenAskedAndShowsProgress) {
  crm::DncEntry d;
  d.phone = "+79160000003";
  d.reason = "opt_out";
  ASSERT_TRUE(env->store->AddDnc(d).ok());
  const std::string list =
      "Телефон;Имя;Комментарий;Согласие;Когда звонить\n"
      "+79160000001;Ирина;Новая коллекция;форма на сайте;01.12.2030 10:00\n"
      "+79160000003;Пётр;;карта;\n"
      "+79160000004;Анна;;;\n"
      "12345;Вася;;форма;\n";
  auto r = client->PostRaw("/api/campaigns?name=" + Enc("Распродажа"), ToCp1251(list),
                           "application/octet-stream");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 400) << r->body;
  Json j = Parse(r);
  EXPECT_EQ(j["code"], "rows_refused");
  EXPECT_EQ(j["rows"], 4);
  ASSERT_EQ(j["refused"].size(), 3u);
  EXPECT_EQ(j["refused"][0]["reason"], "dnc");
  EXPECT_EQ(j["refused"][1]["reason"], "no_consent");
  EXPECT_EQ(j["refused"][2]["reason"], "bad_phone");
  EXPECT_EQ(j["refused"][2]["line"], 5);
  EXPECT_EQ(Parse(client->Get("/api/campaigns"))["campaigns"].size(), 0u);

  auto ok = client->PostRaw("/api/campaigns?skip=1&name=" + Enc("Распродажа"), ToCp1251(list),
                            "application/octet-stream");
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 201) << ok->body;
  Json c = Parse(ok);
  EXPECT_EQ(c["campaign"]["calls"], 1);
  int64_t id = c["campaign"]["id"];
  Json p = Parse(client->Get("/api/campaigns/" + std::to_string(id)));
  EXPECT_EQ(p["total"], 1);
  EXPECT_EQ(p["open"], 1);
  EXPECT_EQ(p["campaign"]["refused"].size(), 3u);
  auto tasks = env->store->ListTasks(crm::TaskStatus::kOpen);
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->size(), 1u);
  EXPECT_EQ((*tasks)[0].agent, "vera");
  EXPECT_EQ((*tasks)[0].phone, "+79160000001");
  EXPECT_EQ((*tasks)[0].created_by, "manager:admin");
  auto missing = client->Get("/api/campaigns/99");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

}  // namespace
}  // namespace kira::web
