// Probe F1 and F10 on the import side: every limit of ImportLimits holds and its error names the
// limit, the line and the field; entity declarations and control characters are refused.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "catalog/importer.h"
#include "storage/sqlite.h"

namespace kira::catalog {
namespace {

// Peak resident memory of this process since the last ResetPeakRss, in MB (Linux).
void ResetPeakRss() {
  std::ofstream f("/proc/self/clear_refs");
  f << "5";
}
long PeakRssMb() {
  std::ifstream f("/proc/self/status");
  std::string l;
  while (std::getline(f, l))
    if (l.rfind("VmHWM:", 0) == 0) return std::stol(l.substr(6)) / 1024;
  return -1;
}

const char* kHeader = "sku,name,category,price,unit,stock\n";

std::string CsvError(const std::string& content, const ImportLimits& limits = {}) {
  auto r = ParseCatalogCsv(content, nullptr, "catalog.csv", limits);
  return r.ok() ? "OK" : r.status().message();
}

std::string Yml(const std::string& offers, const std::string& doctype = "") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + doctype +
         "<yml_catalog>\n<shop>\n<categories><category id=\"1\">Плитка</category></categories>\n"
         "<offers>\n" +
         offers + "</offers>\n</shop>\n</yml_catalog>\n";
}

std::string Offer(const std::string& id, const std::string& name) {
  return "<offer id=\"" + id + "\"><name>" + name +
         "</name><price>100</price><categoryId>1</categoryId><count>1</count></offer>\n";
}

std::string YmlError(const std::string& content, const ImportLimits& limits = {}) {
  auto r = ParseCatalogYml(content, nullptr, "feed.yml", limits);
  return r.ok() ? "OK" : r.status().message();
}

// Probe F1: a 72 KB feed whose one entity, referenced 4,000 times, expanded to a 240 MB product
// name (the service then grew to 24 GB). Before: accepted, 1.8 s, 464 MB peak. Now refused.
TEST(ImportLimits, YmlEntityBombIsRefusedWithoutExpanding) {
  std::string name;
  for (int i = 0; i < 4000; ++i) name += "&a;";
  const std::string feed = Yml(Offer("1", name), "<!DOCTYPE yml_catalog [<!ENTITY a \"" +
                                                     std::string(60000, 'A') + "\">]>\n");
  ASSERT_LT(feed.size(), 80000u);
  ResetPeakRss();
  const long before = PeakRssMb();
  EXPECT_EQ(YmlError(feed),
            "feed.yml line 2: entity declaration 'a' refused (a catalog feed needs no <!ENTITY>; "
            "write the text itself)");
  EXPECT_LT(PeakRssMb() - before, 32);
}

TEST(ImportLimits, YmlEveryEntityDeclarationIsRefused) {
  // Nested ("billion laughs"), parameter and external entities: all refused by name.
  EXPECT_NE(YmlError(Yml(Offer("1", "&c;"),
                         "<!DOCTYPE y [<!ENTITY a \"aaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">"
                         "<!ENTITY c \"&b;&b;&b;&b;\">]>\n"))
                .find("entity declaration 'a' refused"),
            std::string::npos);
  EXPECT_NE(YmlError(Yml(Offer("1", "x"), "<!DOCTYPE y [<!ENTITY % p \"x\">]>\n"))
                .find("entity declaration 'p' refused"),
            std::string::npos);
  EXPECT_NE(YmlError(Yml(Offer("1", "A&x;"),
                         "<!DOCTYPE y [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>\n"))
                .find("entity declaration 'x' refused"),
            std::string::npos);
  // The usual Yandex DOCTYPE (an external DTD, never fetched) and predefined and character
  // references are fine.
  auto r = ParseCatalogYml(Yml(Offer("1", "A &amp; B &#169; &lt;1&gt;"),
                               "<!DOCTYPE yml_catalog SYSTEM \"shops.dtd\">\n"),
                           nullptr, "feed.yml");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].name, "A & B © <1>");
  // An entity the feed never declares cannot be silently dropped from a name.
  EXPECT_EQ(YmlError(Yml(Offer("7", "A&nbsp;B"), "<!DOCTYPE yml_catalog SYSTEM \"shops.dtd\">\n")),
            "feed.yml offer 7 (line 7), field name: undefined entity &nbsp; (write the character "
            "itself or a reference like &#160;)");
}

TEST(ImportLimits, YmlFieldsRowsAndFileAreBounded) {
  EXPECT_EQ(YmlError(Yml(Offer("9", std::string(5000, 'x')))),
            "feed.yml offer 9 (line 6), field name: longer than 4,096 bytes, the limit per field "
            "(max_field_bytes)");
  ImportLimits small;
  small.max_field_bytes = 12;  // "Плитка"
  EXPECT_NE(YmlError(Yml(Offer(std::string(13, '1'), "x")), small)
                .find("feed.yml line 6, <offer> id: longer than 12 bytes"),
            std::string::npos);
  small = {};
  small.max_rows = 2;
  EXPECT_EQ(YmlError(Yml(Offer("1", "a") + Offer("2", "b") + Offer("3", "c")), small),
            "feed.yml line 8: more than 2 offers, the limit per file (max_rows)");
  small = {};
  small.max_file_bytes = 100;
  EXPECT_NE(
      YmlError(Yml(Offer("1", "a")), small).find("bytes, over the limit of 100 (max_file_bytes)"),
      std::string::npos);
  small = {};
  small.max_text_bytes = 5;
  EXPECT_NE(YmlError(Yml(Offer("1", "abcdef")), small).find("the limit per file (max_text_bytes)"),
            std::string::npos);
}

// Probe F10 in YML: XML itself forbids NUL and most C0 controls; DEL and C1 are refused here.
TEST(ImportLimits, YmlControlCharactersAreRefused) {
  EXPECT_EQ(YmlError(Yml(Offer("4",
                               "Плит\x7F"
                               "ка"))),
            "feed.yml offer 4 (line 6), field name: control character U+007F (DEL) (remove it)");
  EXPECT_NE(YmlError(Yml(Offer("4",
                               "a\xC2\x85"
                               "b")))
                .find("control character U+0085"),
            std::string::npos);
  EXPECT_NE(YmlError(Yml(Offer("4", "a&#0;b"))).find("broken XML"), std::string::npos);
  EXPECT_NE(YmlError(Yml(Offer("4", std::string("a\0b", 3)))).find("broken XML"),
            std::string::npos);
}

// Probe F1: one 5 MB "word" in a CSV name was stored whole. Before: accepted (5 MB name).
TEST(ImportLimits, CsvFiveMegabyteWordIsRefused) {
  const std::string csv = std::string(kHeader) + "A1,Плитка,Плитка,100,шт,1\nA2," +
                          std::string(5 << 20, 'x') + ",Плитка,100,шт,1\n";
  ResetPeakRss();
  const long before = PeakRssMb();
  EXPECT_EQ(CsvError(csv),
            "catalog.csv line 3, field name: longer than 4,096 bytes, the limit per field "
            "(max_field_bytes)");
  EXPECT_LT(PeakRssMb() - before, 16);
  // Quoted fields too, and the stock feed.
  EXPECT_EQ(
      CsvError(std::string(kHeader) + "A1,\"" + std::string(5000, 'y') + "\",Плитка,100,шт,1\n"),
      "catalog.csv line 2, field name: longer than 4,096 bytes, the limit per field "
      "(max_field_bytes)");
  auto stock = ParseStockCsv("sku,qty\n" + std::string(5000, 'S') + ",1\n", nullptr, "stock.csv");
  ASSERT_FALSE(stock.ok());
  EXPECT_EQ(stock.status().message(),
            "stock.csv line 2, field sku: longer than 4,096 bytes, the limit per field "
            "(max_field_bytes)");
  // Exactly at the limit is fine.
  ImportLimits lim;
  lim.max_field_bytes = 8;  // "category"
  EXPECT_EQ(CsvError(std::string(kHeader) + "A1,\"abc\"\"defg\",cat,100,шт,1\n", lim), "OK");
  EXPECT_NE(CsvError(std::string(kHeader) + "A1,\"abc\"\"defgh\",cat,100,шт,1\n", lim)
                .find("line 2, field name: longer than 8 bytes"),
            std::string::npos);
}

TEST(ImportLimits, CsvRowsFieldsAndFileAreBounded) {
  ImportLimits lim;
  lim.max_rows = 2;
  EXPECT_EQ(CsvError(std::string(kHeader) + "A1,a,c,1,шт,1\nA2,b,c,1,шт,1\n\nA3,c,c,1,шт,1\n", lim),
            "catalog.csv line 5: more than 2 rows, the limit per file (max_rows)");
  lim = {};
  lim.max_fields = 6;
  EXPECT_EQ(CsvError(std::string(kHeader) + "A1,a,c,1,шт,1,extra\n", lim),
            "catalog.csv line 2: more than 6 fields, the limit per row (max_fields)");
  EXPECT_NE(CsvError(std::string(100, ',') + "\n").find("more than 64 fields"), std::string::npos);
  lim = {};
  lim.max_file_bytes = 40;
  EXPECT_EQ(CsvError(std::string(kHeader) + "A1,a,c,1,шт,1\n", lim),
            "catalog.csv: the file is 51 bytes, over the limit of 40 (max_file_bytes)");
  // A file on disk over the limit is refused before it is read.
  const std::string path = ::testing::TempDir() + "big_catalog.csv";
  {
    std::ofstream f(path, std::ios::binary);
    f << kHeader << "A1,a,c,1,шт,1\n";
  }
  auto db = storage::Db::Open(":memory:");
  ASSERT_TRUE(db.ok());
  auto rep = ImportCatalogFile(**db, path, lim);
  ASSERT_FALSE(rep.ok());
  EXPECT_NE(rep.status().message().find("big_catalog.csv: the file is 51 bytes, over the limit of "
                                        "40 (max_file_bytes)"),
            std::string::npos);
  std::filesystem::remove(path);
}

// Probe F10: a NUL in a CSV name was stored and readers saw a truncated name.
TEST(ImportLimits, CsvControlCharactersNameLineAndField) {
  EXPECT_EQ(CsvError(std::string(kHeader) + "A1,Плитка,c,1,шт,1\nA2," +
                     std::string("Плит\0ка", 13) + ",c,1,шт,1\n"),
            "catalog.csv line 3, field name: control character U+0000 (NUL) (remove it; only "
            "text, tabs and line breaks inside quotes are allowed)");
  EXPECT_NE(CsvError(std::string(kHeader) + "A1,a,\x1B[31mred,1,шт,1\n")
                .find("line 2, field category: control character U+001B (ESC)"),
            std::string::npos);
  EXPECT_NE(CsvError(std::string(kHeader) + "A1,a,c,1,шт,1\x7F\n")
                .find("line 2, field stock: control character U+007F (DEL)"),
            std::string::npos);
  EXPECT_NE(CsvError(std::string(kHeader) + "A1,a\xC2\x9B,c,1,шт,1\n")
                .find("line 2, field name: control character U+009B"),
            std::string::npos);
  // In a quoted field spanning lines, the line of the character itself.
  EXPECT_NE(CsvError(std::string(kHeader) + "A1,\"two\nli\x01nes\",c,1,шт,1\n")
                .find("line 3, field name: control character U+0001"),
            std::string::npos);
  // In the header, the column number.
  EXPECT_NE(CsvError(std::string("sku,na\x02me\n")).find("line 1, field 2: control character"),
            std::string::npos);
  // Tabs and line breaks inside quotes stay allowed.
  auto r = ParseCatalogCsv(std::string(kHeader) + "A1,\"Плитка\tбелая\nматовая\",c,1,шт,1\n",
                           nullptr, "catalog.csv");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].name, "Плитка\tбелая\nматовая");
}

}  // namespace
}  // namespace kira::catalog
