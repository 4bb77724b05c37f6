#include "catalog/csv_reader.h"

#include <gtest/gtest.h>

namespace kira::catalog {
namespace {

TEST(CsvReader, QuotedFieldsCommasDoubledQuotesAndNewlines) {
  auto t = ReadCsv("a,b,c\n1,\"x, y\",\"he said \"\"hi\"\"\"\n2,\"line1\nline2\",z\n", "t.csv");
  ASSERT_TRUE(t.ok()) << t.status().message();
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0].fields[1], "x, y");
  EXPECT_EQ(t->rows[0].fields[2], "he said \"hi\"");
  EXPECT_EQ(t->rows[1].fields[1], "line1\nline2");
  EXPECT_EQ(t->rows[1].line, 3u);
}

TEST(CsvReader, BomCrlfBlankLinesAndNoFinalNewline) {
  auto t = ReadCsv("\xEF\xBB\xBFsku,name\r\n\r\nA,Плитка\r\nB,Клей", "t.csv");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->header.fields[0], "sku");
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[1].fields[1], "Клей");
  EXPECT_EQ(t->rows[1].line, 4u);
}

TEST(CsvReader, SemicolonFromRussianExcel) {
  auto t = ReadCsv("sku;price\nA;1250,50\n", "t.csv");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->delimiter, ';');
  EXPECT_EQ(t->rows[0].fields[1], "1250,50");
}

TEST(CsvReader, ErrorsNameTheLine) {
  auto unclosed = ReadCsv("a,b\n1,2\n3,\"open\n4,5\n", "t.csv");
  ASSERT_FALSE(unclosed.ok());
  EXPECT_EQ(unclosed.status().message(),
            "t.csv line 3: a quoted field is never closed (missing '\"')");

  auto stray = ReadCsv("a,b\n1,2\n3,ab\"c\n", "t.csv");
  ASSERT_FALSE(stray.ok());
  EXPECT_NE(stray.status().message().find("t.csv line 3: a quote inside an unquoted field"),
            std::string::npos);

  auto after = ReadCsv("a,b\n1,\"x\"y\n", "t.csv");
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.status().message().find("line 2: unexpected text after a closing quote"),
            std::string::npos);

  auto count = ReadCsv("a,b\n1,2\n1,2,3\n", "t.csv");
  ASSERT_FALSE(count.ok());
  EXPECT_NE(count.status().message().find("line 3: 3 fields, but the header has 2"),
            std::string::npos);
}

TEST(CsvReader, InvalidUtf8NamesTheLine) {
  auto r = ReadCsv("a,b\n1,2\n3,\xC3\x28\n", "t.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "t.csv line 3: not valid UTF-8 (save the file as UTF-8)");
  // Windows-1251 "Плитка" is not UTF-8 either.
  auto cp1251 = ReadCsv("a\n\xCF\xEB\xE8\xF2\xEA\xE0\n", "t.csv");
  ASSERT_FALSE(cp1251.ok());
  EXPECT_NE(cp1251.status().message().find("line 2"), std::string::npos);
  // Overlong encoding of '/'.
  EXPECT_FALSE(ReadCsv("a\n\xC0\xAF\n", "t.csv").ok());
  // Truncated sequence at the end.
  EXPECT_FALSE(ReadCsv("a\n\xD0", "t.csv").ok());
}

TEST(CsvReader, EmptyFile) {
  for (const char* s : {"", "\xEF\xBB\xBF", "\n\n  \n"}) {
    auto r = ReadCsv(s, "t.csv");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(), "t.csv: the file is empty (no header row)");
  }
}

TEST(CsvReader, MapColumnsAnyOrderUnknownAndMissing) {
  auto t = ReadCsv("Price, SKU ,weight\n1,A,3\n", "t.csv");
  ASSERT_TRUE(t.ok());
  std::vector<std::string> warnings;
  auto cols = MapColumns(*t, "t.csv", {"sku", "price", "name"}, {"sku", "price"}, &warnings);
  ASSERT_TRUE(cols.ok()) << cols.status().message();
  EXPECT_EQ(cols->index[0], 1);
  EXPECT_EQ(cols->index[1], 0);
  EXPECT_EQ(cols->index[2], -1);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "t.csv: unknown column 'weight' ignored");

  auto missing =
      MapColumns(*t, "t.csv", {"sku", "price", "name", "unit"}, {"sku", "name", "unit"}, nullptr);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "t.csv: required column(s) missing: name; unit");

  auto twice = ReadCsv("sku,SKU\n1,2\n", "t.csv");
  EXPECT_FALSE(MapColumns(*twice, "t.csv", {"sku"}, {"sku"}, nullptr).ok());
}

}  // namespace
}  // namespace kira::catalog
