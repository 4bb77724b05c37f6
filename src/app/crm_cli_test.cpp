// End-to-end tests of `kira leads`, `kira orders` and `kira dnc`: the real binary on a data dir
// prepared through the CRM store, output parsed as the contract says (one JSON document).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "crm/crm_store.h"

namespace kira {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct CliRun {
  int code = -1;
  std::string out, err;
};

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CrmCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kira-crm-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "data");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<crm::CrmStore> Store() {
    auto s = crm::OpenSqliteCrmStore((dir_ / "data" / "kira.db").string());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }

  // Runs `kira --data DIR <args>`; args are trusted test strings (single-quoted).
  CliRun Kira(const std::string& args) {
    fs::path out = dir_ / "out.txt", err = dir_ / "err.txt";
    std::string cmd = std::string("'") + KIRA_BIN + "' --data '" + (dir_ / "data").string() + "' " +
                      args + " >'" + out.string() + "' 2>'" + err.string() + "'";
    int st = std::system(cmd.c_str());
    CliRun r;
    r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r.out = Slurp(out);
    r.err = Slurp(err);
    return r;
  }

  json KiraJson(const std::string& args) {
    CliRun r = Kira(args);
    EXPECT_EQ(r.code, 0) << r.err;
    json j = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out;
    return j;
  }

  fs::path dir_;
};

TEST_F(CrmCli, LeadsAndOrdersAsJsonAndText) {
  {
    auto store = Store();
    ASSERT_TRUE(store);
    crm::Contact person;
    person.phone = "+79161234567";
    int64_t contact = *store->UpsertContact(person);
    const crm::Outcome outcomes[] = {crm::Outcome::kOrderPlaced, crm::Outcome::kPrank,
                                     crm::Outcome::kNonTargeted};
    for (int i = 0; i < 3; ++i) {
      crm::Lead l;
      l.contact_id = i == 0 ? contact : 0;
      l.channel = i == 1 ? "web" : "phone";
      l.outcome = outcomes[i];
      if (i == 2) l.non_targeted_reason = crm::NonTargetedReason::kDiscontinued;
      l.summary = "Сводка " + std::to_string(i);
      l.created_at = 1764400000000 + i * 1000;
      ASSERT_TRUE(store->CreateLead(l).ok());
    }
    crm::Order o;
    o.lead_id = 1;
    o.fulfilment = "pickup";
    o.lines.push_back({"MT-6060-GR", "Монте Тиберио серый", 12.96, "м2", 1890});
    o.lines.push_back({"CE-40", "Затирка белая", 2, "упак", 450});
    ASSERT_TRUE(store->CreateOrder(o).ok());
  }
  json leads = KiraJson("leads --json");
  ASSERT_TRUE(leads.is_array());
  ASSERT_EQ(leads.size(), 3u);
  EXPECT_EQ(leads[0]["outcome"], "non_targeted");  // newest first
  EXPECT_EQ(leads[0]["reason"], "discontinued");
  EXPECT_EQ(leads[2]["outcome"], "order_placed");
  EXPECT_EQ(leads[2]["phone"], "+79161234567");
  EXPECT_EQ(leads[2]["summary"], "Сводка 0");
  EXPECT_EQ(KiraJson("leads --json --limit 2").size(), 2u);
  json pranks = KiraJson("leads --json --outcome prank");
  ASSERT_EQ(pranks.size(), 1u);
  EXPECT_EQ(pranks[0]["channel"], "web");
  EXPECT_EQ(KiraJson("leads --json --limit 0").size(), 3u);

  CliRun text = Kira("leads");
  EXPECT_EQ(text.code, 0);
  EXPECT_NE(text.out.find("non_targeted/discontinued"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Сводка 1"), std::string::npos);

  json orders = KiraJson("orders --json");
  ASSERT_EQ(orders.size(), 1u);
  ASSERT_EQ(orders[0]["lines"].size(), 2u);
  EXPECT_EQ(orders[0]["lines"][0]["sku"], "MT-6060-GR");
  EXPECT_DOUBLE_EQ(orders[0]["total"].get<double>(), 12.96 * 1890 + 2 * 450);
  CliRun otext = Kira("orders");
  EXPECT_NE(otext.out.find("CE-40"), std::string::npos) << otext.out;

  CliRun bad = Kira("leads --limit -5");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--limit"), std::string::npos);
}

TEST_F(CrmCli, DoNotCallAddImportRemove) {
  EXPECT_EQ(KiraJson("dnc --json"), json::array());
  CliRun add = Kira("dnc add '8 916 123-45-67' --reason opt_out");
  EXPECT_EQ(add.code, 0) << add.err;
  CliRun again = Kira("dnc add '+7 (916) 123 45 67'");
  EXPECT_EQ(again.code, 0);
  EXPECT_NE(again.out.find("already"), std::string::npos) << again.out;
  json list = KiraJson("dnc --json");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["phone"], "+79161234567");  // stored in E.164
  EXPECT_EQ(list[0]["reason"], "opt_out");

  std::ofstream(dir_ / "bad.txt") << "+79030000001\n+79030000002\n\n+7 903 oops\n";
  CliRun bad = Kira("dnc import '" + (dir_ / "bad.txt").string() + "'");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("bad.txt line 4"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("nothing imported"), std::string::npos) << bad.err;
  EXPECT_EQ(KiraJson("dnc --json").size(), 1u);

  std::ofstream(dir_ / "good.csv") << "name,phone,reason\nИван,+79030000001,wrong_number\n"
                                      "Пётр,\"8 (903) 000-00-02\",\n,89161234567,\n";
  CliRun good = Kira("dnc import '" + (dir_ / "good.csv").string() + "'");
  EXPECT_EQ(good.code, 0) << good.err;
  EXPECT_NE(good.out.find("imported 3 numbers from good.csv: 2 new, 1 already listed"),
            std::string::npos)
      << good.out;
  list = KiraJson("dnc --json");
  ASSERT_EQ(list.size(), 3u);

  EXPECT_EQ(Kira("dnc remove 89030000001").code, 0);
  CliRun gone = Kira("dnc remove +79030000001");
  EXPECT_EQ(gone.code, 3);
  EXPECT_NE(gone.err.find("not on the do-not-call list"), std::string::npos) << gone.err;
  CliRun junk = Kira("dnc add hello");
  EXPECT_EQ(junk.code, 2);
  EXPECT_NE(junk.err.find("'hello' is not a phone number"), std::string::npos) << junk.err;
  EXPECT_EQ(KiraJson("dnc --json").size(), 2u);

  // Each change is in the audit log, without the raw number.
  auto store = Store();
  ASSERT_TRUE(store);
  auto audit = store->ListAudit("dnc");
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 3u);
  EXPECT_EQ((*audit)[0].action, "dnc.add");
  EXPECT_EQ((*audit)[1].action, "dnc.import");
  EXPECT_EQ((*audit)[2].action, "dnc.remove");
  for (const auto& a : *audit) {
    EXPECT_EQ(a.actor, "cli");
    EXPECT_EQ(a.detail.find("1234567"), std::string::npos) << a.detail;
  }
}

}  // namespace
}  // namespace kira

namespace kira {
namespace {

TEST_F(CrmCli, OrderStatusMovesAndExportsWriteCsvAndXlsx) {
  {
    auto store = Store();
    ASSERT_TRUE(store);
    crm::Contact person;
    person.phone = "+79161234567";
    person.name = "=Ольга";
    crm::Lead l;
    l.contact_id = *store->UpsertContact(person);
    l.channel = "phone";
    l.outcome = crm::Outcome::kOrderPlaced;
    l.created_at = 1764400000000;
    int64_t lead = *store->CreateLead(l);
    crm::Order o;
    o.lead_id = lead;
    o.fulfilment = "delivery";
    o.address = "Казань, ул. Баумана, 10";
    o.lines.push_back({"MT-6060-GR", "Монте Тиберио серый", 12.5, "м2", 1890});
    o.total = 12.5 * 1890;
    ASSERT_TRUE(store->CreateOrder(o).ok());
  }
  CliRun skip = Kira("orders status 1 done");
  EXPECT_EQ(skip.code, 1);
  EXPECT_NE(skip.err.find("cannot become done (next: confirmed, cancelled)"), std::string::npos)
      << skip.err;
  EXPECT_EQ(Kira("orders status 1 lost").code, 2);
  EXPECT_EQ(Kira("orders status 99 paid").code, 3);
  CliRun ok = Kira("orders status 1 confirmed --as alice");
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_EQ(ok.out, "order 1: new -> confirmed\n");
  json change = KiraJson("orders status 1 paid --json");
  EXPECT_EQ(change["from"], "confirmed");
  EXPECT_EQ(change["to"], "paid");
  EXPECT_EQ(change["by"], "cli");
  {
    auto store = Store();
    auto audit = store->ListAudit("order", 1);
    ASSERT_TRUE(audit.ok());
    ASSERT_EQ(audit->size(), 2u);
    EXPECT_EQ((*audit)[0].actor, "user:alice");
    EXPECT_EQ((*audit)[1].detail, "confirmed -> paid");
  }

  std::string csv = (dir_ / "orders.csv").string(), xlsx = (dir_ / "leads.xlsx").string();
  CliRun e = Kira("export orders --format csv --out '" + csv + "'");
  ASSERT_EQ(e.code, 0) << e.err;
  EXPECT_EQ(e.out, "wrote 1 rows to " + csv + "\n");
  std::string text = Slurp(csv);
  EXPECT_EQ(text.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(text.find("оплачен;1;'=Ольга;+79161234567;доставка;Казань, ул. Баумана, 10;"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(";12,5;м2;1890;23625;23625"), std::string::npos) << text;
  CliRun x = Kira("export leads --format xlsx --lang en --channel phone --out '" + xlsx + "'");
  ASSERT_EQ(x.code, 0) << x.err;
  std::string sheet;
  {
    FILE* p = popen(("unzip -p '" + xlsx + "' xl/worksheets/sheet1.xml").c_str(), "r");
    ASSERT_NE(p, nullptr);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) sheet.append(buf, n);
    pclose(p);
  }
  EXPECT_NE(sheet.find("Phone"), std::string::npos) << sheet.substr(0, 800);
  EXPECT_NE(sheet.find("=Ольга"), std::string::npos) << "XLSX text cells are text, never formulas";
  EXPECT_EQ(sheet.find("<f>"), std::string::npos);
  EXPECT_EQ(Kira("export users").code, 2);
  EXPECT_EQ(Kira("export leads --format pdf").code, 2);
}

}  // namespace
}  // namespace kira
