// The HTTP API against a running server on a random port, with a real SQLite CRM store.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <thread>

#include "web/dashboard.h"
#include "web/testing/test_support.h"

namespace kira::web {
namespace {

using testing::AddLead;
using testing::Client;

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = testing::StartEnv();
    ASSERT_TRUE(e.ok()) << e.status().message();
    env = std::move(*e);
    client = std::make_unique<Client>(env->port());
    ASSERT_TRUE(client->Login("admin", "correct horse battery"));
  }
  Json GetJson(const std::string& path, int want = 200) {
    auto r = client->Get(path);
    EXPECT_TRUE(r) << path;
    if (!r) return {};
    EXPECT_EQ(r->status, want) << path << ": " << r->body;
    return Json::parse(r->body, nullptr, false);
  }
  std::unique_ptr<testing::Env> env;
  std::unique_ptr<Client> client;
};

std::string Enc(const std::string& s) {
  std::string out;
  char buf[4];
  for (unsigned char c : s) {
    if (isalnum(c))
      out += static_cast<char>(c);
    else {
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

const char kCatalogCsv[] =
    "sku,name,category,brand,format,color,price,unit,stock,status\n"
    "MT-6060-GR,Монте Тиберио серый 60x60,Керамогранит,Kerama,60x60,серый,1890,м2,120,active\n"
    "MT-6060-BG,Монте Тиберио бежевый 60x60,Керамогранит,Kerama,60x60,бежевый,1790,м2,80,active\n"
    "OLD-3030,Старая коллекция серая 30x30,Керамогранит,Kerama,30x30,серый,990,м2,0,"
    "discontinued\n"
    "CE-40-WH,Церезит CE 40 белая затирка,Затирка,Ceresit,,белый,450,шт,35,active\n";

TEST_F(ApiTest, SignInRequiredForEveryApiRoute) {
  Client anon(env->port());
  for (const auto& [method, path] : env->server->ApiRoutes()) {
    if (path == "/api/login" || path == "/api/health") continue;
    std::string p = path;
    for (auto [k, v] : {std::pair{"{id}", "1"}, std::pair{"{sku}", "X"}}) {
      size_t at = p.find(k);
      if (at != std::string::npos) p.replace(at, std::string(k).size(), v);
    }
    httplib::Result r = method == "GET"      ? anon.Get(p)
                        : method == "DELETE" ? anon.Delete(p)
                                             : anon.Post(p, Json::object());
    ASSERT_TRUE(r) << p;
    // Routes without a session: a recording through a signed link (Bitrix24 downloads
    // it, web/recording_link.h). Without its signature it is refused all the same.
    // And where Bitrix24 sends the browser back with a code: refused without Kira's state.
    const int want = path == "/api/recordings/{id}" || path == "/api/bitrix24/oauth" ? 403 : 401;
    EXPECT_EQ(r->status, want) << method << " " << p;
  }
}

TEST_F(ApiTest, WrongPasswordThenRateLimited) {
  Client c(env->port());
  int status = 0;
  EXPECT_FALSE(c.Login("admin", "wrong password", &status));
  EXPECT_EQ(status, 401);
  EXPECT_FALSE(c.Login("nobody", "wrong password", &status));
  EXPECT_EQ(status, 401);
  for (int i = 0; i < 4; ++i) c.Login("admin", "wrong password", &status);
  // Five failures for this user name: even the right password is refused for a while.
  EXPECT_FALSE(c.Login("admin", "correct horse battery", &status));
  EXPECT_EQ(status, 429);
  env->clock.Advance(std::chrono::minutes(16));
  EXPECT_TRUE(c.Login("admin", "correct horse battery", &status)) << status;
}

TEST_F(ApiTest, LoginNeedsJson) {
  auto r = client->raw().Post("/api/login", "name=admin&password=x",
                              "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415);
}

TEST_F(ApiTest, SessionCookieFlagsAndExpiry) {
  auto r = client->raw().Post("/api/login",
                              Json{{"name", "admin"}, {"password", "correct horse battery"}}.dump(),
                              "application/json");
  ASSERT_TRUE(r);
  std::string sc = r->get_header_value("Set-Cookie");
  EXPECT_NE(sc.find("HttpOnly"), std::string::npos);
  EXPECT_NE(sc.find("SameSite=Strict"), std::string::npos);
  GetJson("/api/session");
  env->clock.Advance(std::chrono::hours(13));
  auto after = client->Get("/api/session");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401);
}

TEST_F(ApiTest, LogoutEndsTheSession) {
  auto r = client->Post("/api/logout", Json::object());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  auto s = client->Get("/api/session");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, 401);
}

TEST_F(ApiTest, QueueListsNewestFirstWithFilters) {
  auto a = AddLead(*env->store, "+79161110001", "non_targeted", "discontinued", "phone");
  auto b = AddLead(*env->store, "+79161110002", "qualified", "", "chat");
  auto c = AddLead(*env->store, "+79161110003", "non_targeted", "small_quantity", "phone");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok()) << a.status().message();
  Json all = GetJson("/api/leads");
  ASSERT_EQ(all["leads"].size(), 3u);
  EXPECT_EQ(all["total"], 3);
  EXPECT_EQ(all["leads"][0]["id"], *c);
  EXPECT_EQ(all["leads"][0]["contact"]["phone"], "+79161110003");
  Json nt = GetJson("/api/leads?outcome=non_targeted");
  EXPECT_EQ(nt["leads"].size(), 2u);
  Json reason = GetJson("/api/leads?reason=discontinued");
  ASSERT_EQ(reason["leads"].size(), 1u);
  EXPECT_EQ(reason["leads"][0]["id"], *a);
  Json chat = GetJson("/api/leads?channel=chat");
  EXPECT_EQ(chat["leads"].size(), 1u);
  Json page = GetJson("/api/leads?limit=2");
  EXPECT_EQ(page["leads"].size(), 2u);
  Json next = GetJson("/api/leads?limit=2&before_id=" + page["next_before_id"].dump());
  ASSERT_EQ(next["leads"].size(), 1u);
  EXPECT_EQ(next["leads"][0]["id"], *a);
  Json future = GetJson("/api/leads?from=2100-01-01T00:00:00Z");
  EXPECT_EQ(future["leads"].size(), 0u);
  GetJson("/api/leads?outcome=bogus", 400);
  GetJson("/api/leads?limit=0", 400);
}

TEST_F(ApiTest, TakeSendVeraCloseAreAudited) {
  auto id = AddLead(*env->store, "+79161110004", "non_targeted", "discontinued");
  ASSERT_TRUE(id.ok());
  std::string base = "/api/leads/" + std::to_string(*id);
  auto take = client->Post(base + "/take", Json::object());
  ASSERT_TRUE(take);
  ASSERT_EQ(take->status, 200) << take->body;
  EXPECT_EQ(Json::parse(take->body)["lead"]["assigned_to"], "admin");

  auto vera = client->Post(base + "/vera", {{"note", "Предложить аналог"},
                                            {"preferred_time", "2030-01-10T10:00:00+03:00"}});
  ASSERT_TRUE(vera);
  ASSERT_EQ(vera->status, 201) << vera->body;
  Json task = Json::parse(vera->body)["task"];
  EXPECT_EQ(task["kind"], "vera_call");
  EXPECT_EQ(task["agent"], "vera");
  EXPECT_EQ(task["phone"], "+79161110004");
  EXPECT_EQ(task["not_before"], ToUnixMillis([] { return *ParseIso("2030-01-10T07:00:00Z"); }()));
  auto stored = env->store->GetTask(task["id"].get<int64_t>());
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->note, "Предложить аналог");
  EXPECT_EQ(stored->created_by, "manager:admin");
  // A second open call for the same lead is refused.
  auto again = client->Post(base + "/vera", Json::object());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409);

  Json lead = GetJson(base);
  EXPECT_EQ(lead["lead"]["status"], "vera_assigned");
  ASSERT_EQ(lead["conversations"].size(), 1u);
  EXPECT_EQ(lead["conversations"][0]["turns"].size(), 2u);
  EXPECT_EQ(lead["tasks"].size(), 1u);
  EXPECT_FALSE(lead["vera"].is_null());

  auto bad = client->Post(base + "/close", {{"reason", "because"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto close = client->Post(base + "/close", {{"reason", "not_targeted"}});
  ASSERT_TRUE(close);
  EXPECT_EQ(close->status, 200) << close->body;
  auto twice = client->Post(base + "/close", {{"reason", "other"}});
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->status, 409);

  auto audit = env->store->ListAudit("lead", *id);
  ASSERT_TRUE(audit.ok());
  std::vector<std::string> actions;
  for (const auto& a : *audit) {
    actions.push_back(a.action);
    EXPECT_EQ(a.actor, "user:admin");
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"lead.take", "lead.vera_assign", "lead.close"}));
  Json timeline = GetJson(base)["timeline"];
  EXPECT_GE(timeline.size(), 5u);
}

TEST_F(ApiTest, CsrfLessPostChangesNothing) {
  auto id = AddLead(*env->store, "+79161110005", "qualified", "");
  ASSERT_TRUE(id.ok());
  auto r = client->Post("/api/leads/" + std::to_string(*id) + "/take", Json::object(), false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_NE(r->body.find("CSRF"), std::string::npos);
  auto lead = env->store->GetLead(*id);
  ASSERT_TRUE(lead.ok());
  EXPECT_EQ(crm::Name(lead->status), "new");
  EXPECT_EQ(lead->assigned_to, "");
}

TEST_F(ApiTest, VeraRefusesDoNotCallNumbers) {
  auto id = AddLead(*env->store, "+79161110006", "opt_out", "");
  ASSERT_TRUE(id.ok());
  crm::DncEntry e;
  e.phone = "+79161110006";
  e.reason = "opt_out";
  ASSERT_TRUE(env->store->AddDnc(e).ok());
  auto r = client->Post("/api/leads/" + std::to_string(*id) + "/vera", Json::object());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409);
  auto tasks = env->store->ListTasks(std::nullopt, *id);
  ASSERT_TRUE(tasks.ok());
  EXPECT_TRUE(tasks->empty());
}

TEST_F(ApiTest, RecordingIsServedWithRangesAndAudited) {
  auto id = AddLead(*env->store, "+79161110007", "qualified", "");
  ASSERT_TRUE(id.ok());
  auto convs = env->store->ListConversations(*id);
  ASSERT_TRUE(convs.ok() && !convs->empty());
  crm::Conversation c = convs->front();
  std::string data(10000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i % 251);
  std::ofstream(env->dir + "/recordings/c1.wav", std::ios::binary) << data;
  c.recording_path = "recordings/c1.wav";
  ASSERT_TRUE(env->store->EndConversation(c).ok());
  std::string url = "/api/conversations/" + std::to_string(c.id) + "/recording";
  auto h = client->headers(false);
  h.emplace("Range", "bytes=100-199");
  auto r = client->raw().Get(url, h);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 206);
  EXPECT_EQ(r->body, data.substr(100, 100));
  EXPECT_EQ(r->get_header_value("Content-Range"), "bytes 100-199/10000");
  auto full = client->Get(url);
  ASSERT_TRUE(full);
  EXPECT_EQ(full->status, 200);
  EXPECT_EQ(full->body, data);
  Client anon(env->port());
  auto denied = anon.Get(url);
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 401);
  auto audit = env->store->ListAudit("conversation", c.id);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ((*audit)[0].action, "recording.read");
  // A path outside the data directory is never served.
  c.recording_path = "/etc/passwd";
  ASSERT_TRUE(env->store->EndConversation(c).ok());
  auto outside = client->Get(url);
  ASSERT_TRUE(outside);
  EXPECT_EQ(outside->status, 404);
}

TEST_F(ApiTest, CatalogUploadSearchAndBrokenFiles) {
  auto up =
      client->PostRaw("/api/catalog/import?kind=catalog&name=cat.csv", kCatalogCsv, "text/csv");
  ASSERT_TRUE(up);
  ASSERT_EQ(up->status, 200) << up->body;
  EXPECT_EQ(Json::parse(up->body)["rows"], 4);
  Json hits = GetJson("/api/catalog/search?q=" + Enc("монте серый"));
  ASSERT_FALSE(hits["products"].empty());
  EXPECT_EQ(hits["products"][0]["sku"], "MT-6060-GR");
  Json disc = GetJson("/api/catalog/discontinued");
  ASSERT_EQ(disc["items"].size(), 1u);
  EXPECT_EQ(disc["items"][0]["product"]["sku"], "OLD-3030");
  EXPECT_FALSE(disc["items"][0]["analogs"].empty());
  Json one = GetJson("/api/catalog/products/MT-6060-GR");
  EXPECT_EQ(one["product"]["price"], 1890);
  GetJson("/api/catalog/products/NOPE", 404);

  auto stock = client->PostRaw("/api/catalog/import?kind=stock&source=distributor",
                               "sku,qty,lead_days\nMT-6060-GR,500,3\n", "text/csv");
  ASSERT_TRUE(stock);
  ASSERT_EQ(stock->status, 200) << stock->body;
  Json after = GetJson("/api/catalog/products/MT-6060-GR");
  EXPECT_EQ(after["product"]["distributor"]["qty"], 500);

  // A bad row: nothing changes, the error names the line and field.
  std::string broken =
      std::string(kCatalogCsv) + "NEW-1,Новая,Керамогранит,X,60x60,серый,abc,м2,1,active\n";
  auto bad = client->PostRaw("/api/catalog/import?kind=catalog&name=cat.csv", broken, "text/csv");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  std::string msg = Json::parse(bad->body)["error"];
  EXPECT_NE(msg.find("line 6"), std::string::npos) << msg;
  EXPECT_NE(msg.find("price"), std::string::npos) << msg;
  GetJson("/api/catalog/products/NEW-1", 404);
  EXPECT_EQ(GetJson("/api/catalog/search")["catalog_size"], 4);

  std::string yml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<yml_catalog><shop><categories>"
      "<category id=\"1\">Керамогранит</category></categories><offers>"
      "<offer id=\"Y-1\" available=\"true\"><name>Плитка</name><categoryId>1</categoryId>"
      "<price>дорого</price><count>3</count></offer></offers></shop></yml_catalog>";
  auto bad_yml = client->PostRaw("/api/catalog/import?kind=catalog&name=feed.yml", yml, "text/xml");
  ASSERT_TRUE(bad_yml);
  EXPECT_EQ(bad_yml->status, 400);
  EXPECT_NE(Json::parse(bad_yml->body)["error"].get<std::string>().find("Y-1"), std::string::npos)
      << bad_yml->body;
  auto truncated = client->PostRaw("/api/catalog/import?kind=catalog&name=feed.yml",
                                   yml.substr(0, 120), "text/xml");
  ASSERT_TRUE(truncated);
  EXPECT_EQ(truncated->status, 400) << truncated->body;
  GetJson("/api/catalog/products/Y-1", 404);

  auto binary = client->PostRaw("/api/catalog/import?kind=catalog", std::string("\xff\xfe\x00x", 4),
                                "application/octet-stream");
  ASSERT_TRUE(binary);
  EXPECT_EQ(binary->status, 400);
  auto empty = client->PostRaw("/api/catalog/import?kind=catalog", "", "text/csv");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 400);

  std::string huge(2u << 20, 'a');
  auto big = client->PostRaw("/api/catalog/import?kind=catalog", huge, "text/csv");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_NE(big->body.find("limit"), std::string::npos) << big->body;
  EXPECT_EQ(GetJson("/api/catalog/search")["catalog_size"], 4);
}

TEST_F(ApiTest, NewLeadArrivesAsServerSentEvent) {
  httplib::Client sse("127.0.0.1", env->port());
  sse.set_read_timeout(10);
  std::string got;
  std::atomic<bool> done{false};
  std::thread reader([&] {
    auto h = client->headers(false);
    sse.Get("/api/events", h, [&](const char* data, size_t n) {
      got.append(data, n);
      if (got.find("event: lead.created") != std::string::npos &&
          got.find("+79161110009") != std::string::npos) {
        done = true;
        return false;
      }
      return !done.load();
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto id = AddLead(*env->store, "+79161110009", "qualified", "");
  ASSERT_TRUE(id.ok());
  env->server->NotifyStoreChanged();
  for (int i = 0; i < 100 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  done = true;
  sse.stop();
  reader.join();
  EXPECT_NE(got.find("event: lead.created"), std::string::npos) << got;
}

TEST_F(ApiTest, DashboardAggregates) {
  int64_t now = ToUnixMillis(Clock::System().Now());
  ASSERT_TRUE(
      AddLead(*env->store, "+79161110010", "non_targeted", "discontinued", "phone", now - 3600000)
          .ok());
  ASSERT_TRUE(AddLead(*env->store, "+79161110011", "qualified", "", "chat", now - 7200000).ok());
  Json d = GetJson("/api/dashboard");
  EXPECT_EQ(d["totals"]["leads"], 2);
  EXPECT_EQ(d["totals"]["non_targeted"], 1);
  EXPECT_EQ(d["reasons"]["discontinued"], 1);
  EXPECT_EQ(d["channels"]["phone"], 1);
  EXPECT_EQ(d["by_hour"].size(), 24u);
  EXPECT_GE(d["series"].size(), 30u);
  Json w = GetJson("/api/dashboard?period=week");
  EXPECT_LE(w["series"].size(), 6u);
  GetJson("/api/dashboard?period=year", 400);
}

TEST_F(ApiTest, AdminOnlyRoutes) {
  auto add = client->Post("/api/users",
                          {{"name", "masha"}, {"role", "manager"}, {"password", "manager pass 1"}});
  ASSERT_TRUE(add);
  ASSERT_EQ(add->status, 201) << add->body;
  Client masha(env->port());
  ASSERT_TRUE(masha.Login("masha", "manager pass 1"));
  auto r = masha.Get("/api/users");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  auto dup = client->Post("/api/users", {{"name", "masha"}, {"password", "manager pass 1"}});
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->status, 409);
  auto weak = client->Post("/api/users", {{"name", "petya"}, {"password", "short"}});
  ASSERT_TRUE(weak);
  EXPECT_EQ(weak->status, 400);
}

// 152-FZ: an admin erases one person by phone; a manager may not; the deletion is audited
// under the admin's name without the number.
TEST_F(ApiTest, AdminForgetsAPersonManagersCannot) {
  auto anna = AddLead(*env->store, "+79161110009", "qualified", "");
  auto boris = AddLead(*env->store, "+79161110010", "qualified", "");
  ASSERT_TRUE(anna.ok() && boris.ok());
  auto add = client->Post("/api/users",
                          {{"name", "masha"}, {"role", "manager"}, {"password", "manager pass 1"}});
  ASSERT_TRUE(add);
  Client masha(env->port());
  ASSERT_TRUE(masha.Login("masha", "manager pass 1"));
  auto refused = masha.Post("/api/admin/forget", {{"phone", "+79161110009"}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_TRUE(env->store->GetLead(*anna).ok());

  auto r = client->Post("/api/admin/forget", {{"phone", "8 916 111-00-09"}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  Json j = Json::parse(r->body);
  EXPECT_EQ(j["found"], true);
  EXPECT_EQ(j["leads_deleted"], 1);
  EXPECT_EQ(j["conversations"], 1);
  EXPECT_EQ(env->store->GetLead(*anna).status().code(), Status::Code::kNotFound);
  EXPECT_TRUE(env->store->GetLead(*boris).ok());
  GetJson("/api/leads/" + std::to_string(*anna), 404);
  auto audit = env->store->ListAudit("contact", 0);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].action, "person.forget");
  EXPECT_EQ((*audit)[0].actor, "user:admin");
  EXPECT_EQ((*audit)[0].detail.find("1110009"), std::string::npos);

  auto bad = client->Post("/api/admin/forget", {{"phone", "anna"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("not a phone number"), std::string::npos) << bad->body;
}

}  // namespace
}  // namespace kira::web

namespace kira::web {
namespace {

// The dashboard (quarter-hour slots from CrmStore::Tally) puts every lead and order into the
// same local day and hour as the lead's own time does, also across a daylight-saving change.
TEST(Dashboard, SlotsLandInTheLeadsLocalDayAndHour) {
  for (std::string zone : {"Europe/Moscow", "Europe/Berlin", "Asia/Kamchatka"}) {
    testing::EnvOptions opt;
    opt.timezone = zone;
    auto e = testing::StartEnv(opt);
    ASSERT_TRUE(e.ok());
    auto& env = **e;
    TimePoint base;
    ASSERT_TRUE(ParseIso("2026-10-10T00:00:00Z").ok());
    base = *ParseIso("2026-10-10T00:00:00Z");
    int64_t t0 = ToUnixMillis(base);
    const char* outcomes[] = {"non_targeted", "qualified", "order_placed", "info_only"};
    const char* reasons[] = {"discontinued", "", "", ""};
    const char* channels[] = {"phone", "chat", "web"};
    for (int i = 0; i < 60; ++i) {
      int64_t at = t0 + i * 37LL * 3600000 + i * 60000;  // every ~37 h over ~3 months
      auto id = testing::AddLead(*env.store, "+7916000" + std::to_string(1000 + i), outcomes[i % 4],
                                 reasons[i % 4], channels[i % 3], at);
      ASSERT_TRUE(id.ok()) << id.status().message();
      if (i % 5 == 0) {
        crm::Order o;
        o.lead_id = *id;
        o.total = 1000 + i;
        o.created_at = at + 1000;
        o.lines.push_back({"A", "a", 1, "шт", 1000.0 + i});
        ASSERT_TRUE(env.store->CreateOrder(o).ok());
      }
      if (i % 7 == 0) {
        crm::Task t;
        t.lead_id = *id;
        t.kind = crm::TaskKind::kVeraCall;
        t.status = i % 2 ? crm::TaskStatus::kDone : crm::TaskStatus::kOpen;
        t.last_result = i % 2 ? "refused" : "";
        t.created_at = at + 2000;
        ASSERT_TRUE(env.store->CreateTask(t).ok());
      }
      if (i % 3 == 0) {
        auto l = env.store->GetLead(*id);
        l->status = crm::LeadStatus::kTaken;
        l->assigned_to = "olga";
        ASSERT_TRUE(env.store->UpdateLead(*l).ok());
      }
    }
    auto tz = FindZone(zone);
    ASSERT_TRUE(tz.ok()) << tz.status().message();
    // The lead-by-lead answer: local day and hour of each lead's own time.
    std::map<std::string, int64_t> want_days, want_orders;
    int64_t want_hours[24] = {0};
    for (int i = 0; i < 60; ++i) {
      int64_t local = (*tz)->ToLocalMs(t0 + i * 37LL * 3600000 + i * 60000);
      ++want_days[DayKey(FloorDiv(local, 86400000))];
      ++want_hours[FloorDiv(local, 3600000) % 24];
      if (i % 5 == 0) ++want_orders[DayKey(FloorDiv(local + 1000, 86400000))];
    }
    DashboardQuery q{t0 - 86400000, t0 + 100LL * 86400000, "day"};
    auto got = BuildDashboard(*env.store, nullptr, q, **tz, zone);
    ASSERT_TRUE(got.ok()) << got.status().message();
    EXPECT_EQ((*got)["totals"]["leads"], 60);
    EXPECT_EQ((*got)["totals"]["orders"], 12);
    std::map<std::string, int64_t> days, orders;
    for (const auto& b : (*got)["series"]) {
      if (b["total"].get<int64_t>()) days[b["period"]] = b["total"];
      if (b["orders"].get<int64_t>()) orders[b["period"]] = b["orders"];
    }
    EXPECT_EQ(days, want_days) << zone;
    EXPECT_EQ(orders, want_orders) << zone;
    for (int h = 0; h < 24; ++h) EXPECT_EQ((*got)["by_hour"][h], want_hours[h]) << zone << h;
    q.period = "week";
    auto weekly = BuildDashboard(*env.store, nullptr, q, **tz, zone);
    ASSERT_TRUE(weekly.ok());
    EXPECT_EQ((*weekly)["totals"], (*got)["totals"]);
  }
}

}  // namespace
}  // namespace kira::web
