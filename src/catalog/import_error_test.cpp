// DescribeImportError against the real parsers' messages: every kind of bad file is parsed and
// its error must come back with the right code, line, field and value. A changed message in
// the importers fails here instead of turning into "other" in the workspace.
#include "catalog/import_error.h"

#include <gtest/gtest.h>

#include <set>

#include "catalog/catalog_store.h"
#include "catalog/importer.h"

namespace kira::catalog {
namespace {

const char kHead[] = "sku,name,category,price,unit,stock,format,status\n";

ImportError CsvError(const std::string& body, const ImportLimits& limits = {}) {
  ImportReport rep;
  auto r = ParseCatalogCsv(body, &rep, "price.csv", limits);
  EXPECT_FALSE(r.ok()) << body;
  if (r.ok()) return {};
  return DescribeImportError(r.status().message(), "price.csv");
}

struct Case {
  std::string body;
  const char* code;
  size_t line;
  const char* field;
  const char* value;
};

TEST(ImportError, RowProblemsKeepLineFieldAndValue) {
  const std::string h = kHead;
  const Case cases[] = {
      {h + "A,Плитка,Керамогранит,дорого,м2,1,,\n", "not_a_number", 2, "price", "дорого"},
      {h + "A,Плитка,Керамогранит,0,м2,1,,\n", "not_positive", 2, "price", "0"},
      {h + "A,Плитка,Керамогранит,10,м2,-3,,\n", "negative", 2, "stock", "-3"},
      {h + "A,Плитка,Керамогранит,,м2,1,,\n", "empty", 2, "price", ""},
      {h + "A,,Керамогранит,10,м2,1,,\n", "empty", 2, "name", ""},
      {h + "A,Плитка,Керамогранит,10,ведро,1,,\n", "unknown_unit", 2, "unit", "ведро"},
      {h + "A,Плитка,Керамогранит,10,м2,1,,продан\n", "unknown_status", 2, "status", "продан"},
      {h + "A,Плитка,Керамогранит,10,м2,1,огромный,\n", "bad_format", 2, "format", ""},
      {h + "A,Плитка,Керамогранит,10,м2,1,,\nA,Плитка 2,Керамогранит,10,м2,1,,\n", "duplicate_sku",
       3, "sku", "A"},
      {h + "A,Плитка,Керамогранит,10,м2,1\n", "wrong_field_count", 2, "", ""},
      {h + "A,\"Плитка,Керамогранит,10,м2,1,,\n", "bad_quotes", 2, "", ""},
      {h + "A,Пли\"тка,Керамогранит,10,м2,1,,\n", "bad_quotes", 2, "", ""},
      {h + "A,Пли\x01тка,Керамогранит,10,м2,1,,\n", "control_character", 2, "name", ""},
      {"sku,name,price,unit,stock\nA,B,1,м2,1\n", "missing_columns", 0, "", "category"},
      {"sku,name,category,price,unit,stock,sku\nA,B,C,1,м2,1,A\n", "duplicate_column", 1, "", ""},
      {"sku,,name,category,price,unit,stock\nA,x,B,C,1,м2,1\n", "unnamed_column", 1, "", ""},
      {"", "empty_file", 0, "", ""},
      {h, "no_products", 0, "", ""},
  };
  for (const auto& c : cases) {
    ImportError e = CsvError(c.body);
    EXPECT_EQ(e.code, c.code) << e.message;
    EXPECT_EQ(e.line, c.line) << e.message;
    EXPECT_EQ(e.field, c.field) << e.message;
    if (*c.value) {
      EXPECT_EQ(e.value, c.value) << e.message;
    }
  }
  EXPECT_EQ(CsvError(h + "A,Плитка,Керамогранит,10,м2,1,,\nA,П,К,10,м2,1,,\n").ref, "2");
}

TEST(ImportError, LimitsAndEncodings) {
  ImportLimits small;
  small.max_file_bytes = 100;
  ImportError e = CsvError(std::string(kHead) + std::string(200, 'x') + "\n", small);
  EXPECT_EQ(e.code, "file_too_large") << e.message;
  EXPECT_EQ(e.ref, "100");
  ImportLimits rows;
  rows.max_rows = 1;
  e = CsvError(std::string(kHead) + "A,B,C,1,м2,1,,\nD,E,F,1,м2,1,,\n", rows);
  EXPECT_EQ(e.code, "too_many_rows") << e.message;
  EXPECT_EQ(e.line, 3u);
  ImportLimits fields;
  fields.max_fields = 4;
  EXPECT_EQ(CsvError(kHead, fields).code, "too_many_fields");
  ImportLimits bytes;
  bytes.max_field_bytes = 8;
  EXPECT_EQ(CsvError(std::string(kHead) + "A,Очень длинное имя,C,1,м2,1,,\n", bytes).code,
            "field_too_long");
  // 0x98 is the one byte Windows-1251 leaves undefined.
  e = CsvError(std::string(kHead) + "A,\x98\xEF,C,1,\xEC\x32,1,,\n");
  EXPECT_EQ(e.code, "bad_encoding") << e.message;
  EXPECT_EQ(e.line, 2u);
}

TEST(ImportError, YmlAndStockErrors) {
  ImportReport rep;
  auto r = ParseCatalogYml("<yml_catalog><shop>", &rep, "feed.yml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(DescribeImportError(r.status().message(), "feed.yml").code, "broken_xml")
      << r.status().message();
  auto s = ParseStockCsv("sku,qty,lead_days\nA,много,2\n", &rep, "stock.csv");
  ASSERT_FALSE(s.ok());
  ImportError e = DescribeImportError(s.status().message(), "stock.csv");
  EXPECT_EQ(e.code, "not_a_number");
  EXPECT_EQ(e.field, "qty");
  EXPECT_EQ(e.value, "много");
}

TEST(ImportError, UnknownMessagesAreOtherWithTheWholeText) {
  ImportError e = DescribeImportError("price.csv: something new went wrong", "price.csv");
  EXPECT_EQ(e.code, "other");
  EXPECT_EQ(e.message, "price.csv: something new went wrong");
  std::set<std::string> codes;
  for (const char* const* c = ImportErrorCodes(); *c; ++c) codes.insert(*c);
  EXPECT_TRUE(codes.count("other"));
  EXPECT_EQ(codes.size(), 24u);
}

TEST(ImportError, WarningsHaveCodes) {
  ImportReport rep;
  std::string cp1251 =
      "sku;name;category;price;unit;stock;weight\nA;\xCF\xEB\xE8\xF2\xEA\xE0;C;1;\xEC\x32;1;5\n";
  auto r = ParseCatalogCsv(cp1251, &rep, "price.csv");
  ASSERT_TRUE(r.ok()) << r.status().message();
  std::set<std::string> codes;
  for (const auto& w : rep.warnings) codes.insert(DescribeImportWarning(w, "price.csv").code);
  EXPECT_TRUE(codes.count("read_as_windows_1251"));
  EXPECT_TRUE(codes.count("unknown_column"));
  for (const auto& w : rep.warnings)
    if (DescribeImportWarning(w, "price.csv").code == "unknown_column") {
      EXPECT_EQ(DescribeImportWarning(w, "price.csv").value, "weight");
    }
  // From the real importer: a second, smaller file keeps what it does not list.
  auto db = storage::Db::Open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(MigrateCatalog(**db).ok());
  ASSERT_TRUE(ImportCatalogContent(
                  **db,
                  std::string(kHead) +
                      "A,Плитка,Керамогранит,10,м2,1,,\nB,Плитка 2,Керамогранит,10,м2,1,,\n",
                  "price.csv")
                  .ok());
  auto second =
      ImportCatalogContent(**db, std::string(kHead) + "A,Плитка,Керамогранит,10,м2,1,,\n", "p.csv");
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->warnings.size(), 1u);
  ImportError kept = DescribeImportWarning(second->warnings[0], "p.csv");
  EXPECT_EQ(kept.code, "kept_not_in_file") << second->warnings[0];
  EXPECT_EQ(kept.ref, "1");
  ImportError stored = DescribeImportWarning(
      "d.csv: 12 sku(s) not in the shop's catalog (stored, used once the shop lists them): "
      "line 2, 3",
      "d.csv");
  EXPECT_EQ(stored.code, "unknown_skus_stored");
  EXPECT_EQ(stored.ref, "12");
}

}  // namespace
}  // namespace kira::catalog
