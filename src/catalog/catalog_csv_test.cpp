// Catalog and stock CSV parsing: accepted spellings and every kind of bad input.
#include <gtest/gtest.h>

#include "catalog/importer.h"
#include "catalog/product_fields.h"

namespace kira::catalog {
namespace {

const char* kHeader =
    "sku,name,category,brand,collection,format,color,surface,material,price,unit,box_m2,stock,"
    "status\n";

std::string Csv(const std::string& rows) { return std::string(kHeader) + rows; }

std::string ErrorOf(const std::string& content) {
  auto r = ParseCatalogCsv(content, nullptr, "catalog.csv");
  return r.ok() ? "OK" : r.status().message();
}

TEST(ProductFields, Formats) {
  std::string out, why;
  for (const char* in : {"60x60", "60х60", "60*60", "60 x 60", "60 х 60", "60×60", "60X60",
                         " 60x60 ", "60x60 см", "60,0x60"}) {
    ASSERT_TRUE(CanonicalFormat(in, &out, &why)) << in << ": " << why;
    EXPECT_EQ(out, "60x60") << in;
  }
  ASSERT_TRUE(CanonicalFormat("7,5x30", &out, &why));
  EXPECT_EQ(out, "7.5x30");
  ASSERT_TRUE(CanonicalFormat("", &out, &why));
  EXPECT_EQ(out, "");
  for (const char* bad : {"60", "60x", "x60", "abc", "60x60x2", "0x60", "-60x60"})
    EXPECT_FALSE(CanonicalFormat(bad, &out, &why)) << bad;
}

TEST(ProductFields, Units) {
  std::string out;
  for (const char* in : {"м2", "М2", "m2", "м²", "кв.м", "кв. м", "кв.м.", "sqm"}) {
    ASSERT_TRUE(CanonicalUnit(in, &out)) << in;
    EXPECT_EQ(out, "м2") << in;
  }
  ASSERT_TRUE(CanonicalUnit("шт.", &out));
  EXPECT_EQ(out, "шт");
  ASSERT_TRUE(CanonicalUnit("уп", &out));
  EXPECT_EQ(out, "упак");
  ASSERT_TRUE(CanonicalUnit("KG", &out));
  EXPECT_EQ(out, "кг");
  EXPECT_FALSE(CanonicalUnit("литр", &out));
  EXPECT_FALSE(CanonicalUnit("", &out));
}

TEST(CatalogCsv, ParsesAllColumnsAndCanonicalises) {
  ImportReport rep;
  auto r = ParseCatalogCsv(
      Csv("KM1,\"Керамогранит Kerama Marazzi Монте Тиберио, серый\",Керамогранит,Kerama "
          "Marazzi,Монте Тиберио,60 х 60,Серый,Лаппатированный,керамогранит,\"2 890,50\",кв.м,"
          "1.44,184.32,active\n"
          "CE40,Затирка Ceresit CE 40 белая 2 кг,Затирка,Ceresit,,,белый,,,389,шт.,,,\n"),
      &rep);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  const Product& p = (*r)[0];
  EXPECT_EQ(p.sku, "KM1");
  EXPECT_EQ(p.name, "Керамогранит Kerama Marazzi Монте Тиберио, серый");
  EXPECT_EQ(p.format, "60x60");
  EXPECT_EQ(p.color, "серый");
  EXPECT_EQ(p.surface, "лаппатированный");
  EXPECT_DOUBLE_EQ(p.price, 2890.5);
  EXPECT_EQ(p.unit, "м2");
  ASSERT_TRUE(p.box_m2.has_value());
  EXPECT_DOUBLE_EQ(*p.box_m2, 1.44);
  EXPECT_DOUBLE_EQ(p.stock, 184.32);
  EXPECT_FALSE(p.discontinued);
  const Product& g = (*r)[1];
  EXPECT_EQ(g.unit, "шт");
  EXPECT_FALSE(g.box_m2.has_value());
  EXPECT_EQ(g.stock, 0);  // empty stock cell
  EXPECT_EQ(rep.rows, 2u);
  EXPECT_TRUE(rep.warnings.empty());
}

TEST(CatalogCsv, ColumnsInAnyOrderUnknownColumnsWarn) {
  ImportReport rep;
  auto r = ParseCatalogCsv(
      "Stock;Price;Unit;Weight;Name;SKU;Category;Status\n"
      "10;1250,5;м2;22;Плитка;A1;Керамогранит;снят с производства\n",
      &rep);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].sku, "A1");
  EXPECT_DOUBLE_EQ((*r)[0].price, 1250.5);
  EXPECT_TRUE((*r)[0].discontinued);
  ASSERT_EQ(rep.warnings.size(), 1u);
  EXPECT_EQ(rep.warnings[0], "catalog.csv: unknown column 'Weight' ignored");
}

TEST(CatalogCsv, BadRowsNameLineFieldAndValue) {
  const std::string ok = "A,Плитка,Керамогранит,,,60x60,,,,1000,м2,1.44,5,active\n";
  EXPECT_EQ(ErrorOf(Csv(ok + ok)),
            "catalog.csv line 3, field sku: 'A' duplicates line 2 (skus must be unique)");
  EXPECT_EQ(ErrorOf(Csv(ok + "B,Плитка,Керамогранит,,,60x60,,,,abc,м2,,5,active\n")),
            "catalog.csv line 3, field price: 'abc' is not a number");
  EXPECT_EQ(ErrorOf(Csv("B,Плитка,Керамогранит,,,60x60,,,,0,м2,,5,active\n")),
            "catalog.csv line 2, field price: '0' must be greater than 0");
  EXPECT_EQ(ErrorOf(Csv("B,Плитка,Керамогранит,,,60x60,,,,-5,м2,,5,active\n")),
            "catalog.csv line 2, field price: '-5' must be greater than 0");
  EXPECT_EQ(ErrorOf(Csv("B,Плитка,Керамогранит,,,60x60,,,,,м2,,5,active\n")),
            "catalog.csv line 2, field price: empty (a price is required)");
  EXPECT_EQ(ErrorOf(Csv("B,Плитка,Керамогранит,,,60x60,,,,1.250.00,м2,,5,active\n")),
            "catalog.csv line 2, field price: '1.250.00' is not a number");
  EXPECT_EQ(ErrorOf(Csv("B,Плитка,Керамогранит,,,60x60,,,,100,литр,,5,active\n")),
            "catalog.csv line 2, field unit: 'литр' is not a known unit (use м2, шт, упак or кг)");
  EXPECT_EQ(ErrorOf(Csv("B,Плитка,Керамогранит,,,60x60,,,,100,м2,,5,продано\n")),
            "catalog.csv line 2, field status: 'продано' is not a status (use active or "
            "discontinued)");
  EXPECT_EQ(ErrorOf(Csv("B,Плитка,Керамогранит,,,шестьдесят,,,,100,м2,,5,active\n")),
            "catalog.csv line 2, field format: 'шестьдесят' is neither a format like 60x60 (two "
            "sizes in cm) nor a pack size like 25 кг");
  EXPECT_EQ(ErrorOf(Csv("B,Плитка,Керамогранит,,,,,,,100,м2,,-1,active\n")),
            "catalog.csv line 2, field stock: '-1' must not be negative");
  EXPECT_EQ(ErrorOf(Csv("B,Плитка,Керамогранит,,,,,,,100,м2,,много,active\n")),
            "catalog.csv line 2, field stock: 'много' is not a number");
  EXPECT_EQ(ErrorOf(Csv("B,Плитка,Керамогранит,,,,,,,100,м2,0,1,active\n")),
            "catalog.csv line 2, field box_m2: '0' must be greater than 0");
  EXPECT_EQ(ErrorOf(Csv(",Плитка,Керамогранит,,,,,,,100,м2,,1,active\n")),
            "catalog.csv line 2, field sku: empty (every product needs a sku)");
  EXPECT_EQ(ErrorOf(Csv("B,,Керамогранит,,,,,,,100,м2,,1,active\n")),
            "catalog.csv line 2, field name: empty");
  EXPECT_EQ(ErrorOf(Csv("B,Плитка,,,,,,,,100,м2,,1,active\n")),
            "catalog.csv line 2, field category: empty");
  // A row split by an unquoted comma.
  EXPECT_EQ(ErrorOf(Csv("B,Плитка, серая,Керамогранит,,,,,,,100,м2,,1,active\n")),
            "catalog.csv line 2: 15 fields, but the header has 14 (an unquoted delimiter "
            "inside a value?)");
  // A quoted name with a line break keeps later line numbers right.
  EXPECT_EQ(ErrorOf(Csv("B,\"Плитка\nсерая\",Керамогранит,,,,,,,100,м2,,1,active\n"
                        "C,Плитка,Керамогранит,,,,,,,x,м2,,1,active\n")),
            "catalog.csv line 4, field price: 'x' is not a number");
}

TEST(CatalogCsv, MissingColumnsEmptyFileAndHeaderOnly) {
  EXPECT_EQ(ErrorOf("sku,name,price\nA,B,1\n"),
            "catalog.csv: required column(s) missing: category (or group, product type, type); "
            "unit (or unit of measure, uom, ед); stock (or available, in stock, qty)");
  EXPECT_EQ(ErrorOf(""), "catalog.csv: the file is empty (no header row)");
  EXPECT_EQ(ErrorOf(kHeader), "catalog.csv: no products after the header row");
  EXPECT_EQ(ErrorOf(Csv("A,\xFF\xFE,Керамогранит,,,,,,,100,м2,,1,active\n")),
            "catalog.csv line 2: not valid UTF-8 (save the file as UTF-8)");
}

TEST(StockCsv, ParsesAndRejects) {
  ImportReport rep;
  auto r = ParseStockCsv("sku,qty,lead_days\nA,120.5,5\nB,\"0\",14\n", &rep, "d.csv");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_DOUBLE_EQ((*r)[0].qty, 120.5);
  EXPECT_EQ((*r)[1].lead_days, 14);

  auto err = [](const std::string& s) {
    auto r = ParseStockCsv(s, nullptr, "d.csv");
    return r.ok() ? "OK" : r.status().message();
  };
  EXPECT_EQ(err("sku,qty,lead_days\nA,x,5\n"), "d.csv line 2, field qty: 'x' is not a number");
  EXPECT_EQ(err("sku,qty,lead_days\nA,-1,5\n"),
            "d.csv line 2, field qty: '-1' must not be negative");
  EXPECT_EQ(err("sku,qty,lead_days\nA,1,2.5\n"),
            "d.csv line 2, field lead_days: '2.5' is not a whole number of days");
  EXPECT_EQ(err("sku,qty,lead_days\nA,1,999\n"),
            "d.csv line 2, field lead_days: '999' must be between 0 and 365");
  EXPECT_EQ(err("sku,qty,lead_days\nA,1,1e30\n"),
            "d.csv line 2, field lead_days: '1e30' is not a whole number of days");
  EXPECT_EQ(err("sku,qty,lead_days\nA,1,2\nA,1,2\n"),
            "d.csv line 3, field sku: 'A' duplicates line 2");
  EXPECT_EQ(err("sku,lead_days\nA,2\n"),
            "d.csv: required column(s) missing: qty (or quantity, stock, кол во)");
  EXPECT_EQ(err(""), "d.csv: the file is empty (no header row)");
}

}  // namespace
}  // namespace kira::catalog
