// Exports (leads/export.h) from a real SQLite store: the CSV as Excel needs it (BOM, separator,
// quoting, formula guard) and the XLSX opened as what it is, a zip of XML, with `unzip`.
#include "leads/export.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace kira::leads {
namespace {

std::string Shell(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

class ExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = crm::OpenSqliteCrmStore(":memory:");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    dir_ =
        std::filesystem::temp_directory_path() / ("kira-export-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    lead_ = AddLead("+79161234567", "=HYPERLINK(\"http://evil\")", "phone", 1'800'000'000'000);
    other_ = AddLead("+79160000002", "Анна; \"тест\"\nвторая строка", "chat", 1'800'000'100'000);
    crm::Order o;
    o.lead_id = lead_;
    o.fulfilment = "delivery";
    o.address = "ул. Ленина, 5";
    o.customer_name = "-Иван";
    o.created_at = 1'800'000'050'000;
    o.lines.push_back({"KG-1", "Керамогранит 60x60", 12.5, "м2", 1000.5});
    o.lines.push_back({"KL-2", "Клей", 3, "шт", 450});
    o.total = 12500 + 6.25 + 1350;
    auto id = store_->CreateOrder(o);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    order_ = *id;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  int64_t AddLead(const std::string& phone, const std::string& name, const std::string& channel,
                  int64_t at) {
    crm::Contact c;
    c.phone = phone;
    c.name = name;
    auto cid = store_->UpsertContact(c);
    EXPECT_TRUE(cid.ok());
    crm::Lead l;
    l.contact_id = *cid;
    l.channel = channel;
    l.outcome = crm::Outcome::kOrderPlaced;
    l.summary = "@SUM(A1)";
    l.created_at = at;
    auto id = store_->CreateLead(l);
    EXPECT_TRUE(id.ok());
    crm::Conversation conv;
    conv.lead_id = *id;
    conv.agent = "kira";
    conv.channel = channel;
    conv.language = "ru";
    conv.started_at = at;
    auto cv = store_->StartConversation(conv);
    EXPECT_TRUE(cv.ok());
    EXPECT_TRUE(store_->AppendTurn(*cv, "agent", "Здравствуйте!", at).ok());
    EXPECT_TRUE(store_->AppendTurn(*cv, "caller", "+7 это мой номер", at + 1000).ok());
    return *id;
  }

  Table Build(ExportKind kind, const std::string& lang = "ru") {
    ExportRequest r;
    r.kind = kind;
    r.language = lang;
    r.timezone = "Europe/Moscow";
    auto t = BuildExport(*store_, r);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : Table{};
  }

  std::string Unzip(const std::string& xlsx, const std::string& member) {
    std::string path = (dir_ / "t.xlsx").string();
    std::ofstream(path, std::ios::binary) << xlsx;
    return Shell("unzip -p '" + path + "' '" + member + "' 2>/dev/null");
  }

  std::unique_ptr<crm::CrmStore> store_;
  std::filesystem::path dir_;
  int64_t lead_ = 0, other_ = 0, order_ = 0;
};

TEST_F(ExportTest, GuardFormulaPrefixesEveryFormulaStart) {
  for (const char* s : {"=1+1", "+7 916", "-5", "@SUM(A1)", "\tx", "\rx"})
    EXPECT_EQ(GuardFormula(s), std::string("'") + s);
  for (const char* s : {"", "Иван", "1+1", " =x", "'quoted", "+79161234567"})
    EXPECT_EQ(GuardFormula(s), s);
  for (const char* s : {"+1+1", "+7916123456789012345", "+12345"})
    EXPECT_EQ(GuardFormula(s), std::string("'") + s);
}

TEST_F(ExportTest, CsvHasBomSeparatorQuotingAndTheGuard) {
  std::string csv = ToCsv(Build(ExportKind::kLeads), "ru");
  ASSERT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv.find("№;Создана;Канал;"), std::string::npos) << csv.substr(0, 200);
  // Newest first: the chat lead, its name quoted (separator, quotes, line break).
  EXPECT_NE(csv.find(";\"Анна; \"\"тест\"\"\nвторая строка\";+79160000002;"), std::string::npos)
      << csv;
  // The formula guard: a name, a summary that would run as formulas.
  EXPECT_NE(csv.find(";\"'=HYPERLINK(\"\"http://evil\"\")\";"), std::string::npos) << csv;
  EXPECT_NE(csv.find(";'@SUM(A1);"), std::string::npos) << csv;
  EXPECT_EQ(csv.find(";=HYPERLINK"), std::string::npos);
  // Moscow local time (UTC+3) of 1'800'000'000'000 ms = 2027-01-15 08:00 UTC.
  EXPECT_NE(csv.find("2027-01-15 11:00"), std::string::npos) << csv;
  // Lines end with CRLF; two leads + the header.
  size_t lines = 0;
  for (size_t at = 0; (at = csv.find("\r\n", at)) != std::string::npos; at += 2) ++lines;
  EXPECT_EQ(lines, 3u);
}

TEST_F(ExportTest, OrdersOneRowPerLineWithAmountsTranslated) {
  Table ru = Build(ExportKind::kOrders, "ru");
  ASSERT_EQ(ru.rows.size(), 2u);
  std::string csv = ToCsv(ru, "ru");
  EXPECT_NE(csv.find("новый;" + std::to_string(lead_) +
                     ";'-Иван;+79161234567;доставка;"
                     "ул. Ленина, 5;KG-1;Керамогранит 60x60;12,5;м2;1000,5;12506,25;13856,25"),
            std::string::npos)
      << csv;
  std::string en = ToCsv(Build(ExportKind::kOrders, "en"), "en");
  EXPECT_NE(en.find("Order,Created,Status,Lead,Customer,Phone,Fulfilment,Address,SKU,"),
            std::string::npos);
  EXPECT_NE(en.find(",new,"), std::string::npos);
  EXPECT_NE(en.find(",delivery,\"ул. Ленина, 5\",KL-2,Клей,3,шт,450,1350,13856.25"),
            std::string::npos)
      << en;
}

TEST_F(ExportTest, FiltersSelectLeadsOrdersAndConversations) {
  ExportRequest r;
  r.kind = ExportKind::kConversations;
  r.filter.channel = "chat";
  auto t = BuildExport(*store_, r);
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->rows.size(), 1u);
  EXPECT_EQ(t->rows[0][1].number, static_cast<double>(other_));
  EXPECT_EQ(t->rows[0].back().text, "Агент: Здравствуйте!\nКлиент: +7 это мой номер");
  r.kind = ExportKind::kOrders;
  EXPECT_TRUE(BuildExport(*store_, r)->rows.empty()) << "the order is on the phone lead";
  r.filter.channel = "";
  r.order_status = "confirmed";
  EXPECT_TRUE(BuildExport(*store_, r)->rows.empty());
  r.order_status = "new";
  EXPECT_EQ(BuildExport(*store_, r)->rows.size(), 2u);
  r.filter.from = 1'800'000'060'000;  // after the order
  EXPECT_TRUE(BuildExport(*store_, r)->rows.empty());
  r.order_status = "lost";
  EXPECT_EQ(BuildExport(*store_, r).status().code(), Status::Code::kInvalid);
  r = {};
  r.max_rows = 1;
  EXPECT_EQ(BuildExport(*store_, r).status().message(),
            "the export would have more than 1 rows; narrow the dates (from, to) or the filters");
  r = {};
  r.timezone = "Mars/Olympus";
  EXPECT_FALSE(BuildExport(*store_, r).ok());
  EXPECT_EQ(ParseExportKind("users").status().message(),
            "export 'users' is unknown (known: leads, orders, conversations)");
  EXPECT_EQ(ParseExportFormat("pdf").status().code(), Status::Code::kInvalid);
}

// Orders are read from the store a page at a time (CrmStore::ListOrderPage, 1,000 a page),
// selected by status and dates there: every one of 2,500 is exported once, newest first, and
// the lead's own filters still apply.
TEST_F(ExportTest, OrdersAcrossManyPagesAreEachExportedOnce) {
  crm::Order o;
  o.lead_id = other_;
  o.fulfilment = "pickup";
  o.lines.push_back({"T-1", "Крестики", 1, "шт", 100});
  for (int i = 0; i < 2500; ++i) {
    o.created_at = 1'800'000'200'000 + i;
    auto id = store_->CreateOrder(o);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    if (i % 2) ASSERT_TRUE(store_->UpdateOrderStatus(*id, crm::OrderStatus::kConfirmed).ok());
  }
  ExportRequest r;
  r.kind = ExportKind::kOrders;
  auto all = BuildExport(*store_, r);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->rows.size(), 2502u);  // and the two lines of the first order
  for (size_t i = 1; i < all->rows.size(); ++i)
    EXPECT_GE(all->rows[i - 1][0].number, all->rows[i][0].number) << "newest first";
  r.order_status = "confirmed";
  EXPECT_EQ(BuildExport(*store_, r)->rows.size(), 1250u);
  r.filter.from = 1'800'000'200'000 + 2000;
  EXPECT_EQ(BuildExport(*store_, r)->rows.size(), 250u);
  r.filter.channel = "phone";  // the orders are on the chat lead
  EXPECT_TRUE(BuildExport(*store_, r)->rows.empty());
}

TEST_F(ExportTest, XlsxIsAZipOfXmlWithNumbersAndUnguardedFreeText) {
  Table t = Build(ExportKind::kOrders, "ru");
  auto bytes = XlsxBytes(t, dir_.string());
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  ASSERT_EQ(bytes->substr(0, 2), "PK");
  EXPECT_TRUE(std::filesystem::is_empty(dir_)) << "the temporary file is removed";
  std::string sheet = Unzip(*bytes, "xl/worksheets/sheet1.xml");
  ASSERT_FALSE(sheet.empty()) << "unzip failed";
  std::string strings = Unzip(*bytes, "xl/sharedStrings.xml");
  std::string all = sheet + strings;  // strings inline (constant memory) or shared
  for (const char* s :
       {"Заказ", "Покупатель", "Керамогранит 60x60", "ул. Ленина, 5", "доставка", "-Иван"})
    EXPECT_NE(all.find(s), std::string::npos) << s << "\n" << all.substr(0, 2000);
  // Numbers are number cells, and no cell is a formula.
  EXPECT_NE(sheet.find("<v>12.5</v>"), std::string::npos) << sheet.substr(0, 2000);
  EXPECT_NE(sheet.find("<v>13856.25</v>"), std::string::npos);
  EXPECT_EQ(sheet.find("<f>"), std::string::npos);
  EXPECT_EQ(all.find("'-Иван"), std::string::npos) << "XLSX text cells need no guard";
  EXPECT_NE(Unzip(*bytes, "xl/workbook.xml").find("name=\"orders\""), std::string::npos);
}

}  // namespace
}  // namespace kira::leads
