// Catalogs as shops export them (issue 13): Windows-1251 from Russian Excel, ';' or tab between
// fields, Russian headers, a decimal comma and spaced thousands, pack sizes in the format
// column, a saved column mapping, and --replace that stays all-or-nothing and keeps orders.
#include <gtest/gtest.h>
#include <iconv.h>

#include <filesystem>
#include <fstream>

#include "catalog/catalog_store.h"
#include "catalog/importer.h"
#include "catalog/product_fields.h"

namespace kira::catalog {
namespace {

// UTF-8 → Windows-1251 through glibc, so the test file is what Excel writes.
std::string ToCp1251(const std::string& utf8) {
  iconv_t cd = iconv_open("WINDOWS-1251", "UTF-8");
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string in = utf8, out(utf8.size() * 2, '\0');
  char* ip = in.data();
  char* op = out.data();
  size_t il = in.size(), ol = out.size();
  EXPECT_NE(iconv(cd, &ip, &il, &op, &ol), static_cast<size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - ol);
  return out;
}

const std::string kRussianExcel =
    "Артикул;Наименование;Категория;Производитель;Формат;Цвет;Цена, руб.;Ед. изм.;"
    "М2 в упаковке;Остаток;Статус\r\n"
    "KG-1;Керамогранит Лофт серый 60х60;Керамогранит;Грани;60х60;Серый;1\xC2\xA0"
    "290,50;м2;1,44;86,4;в продаже\r\n"
    "CL-25;Клей плиточный 25 кг;Клей;Грани;25 кг;;540;шт;;120;в продаже\r\n"
    "GR-2;Затирка 2 кг;Затирка;Грани;2 кг;белый;390;шт;;15;снят с производства\r\n";

TEST(ShopExport, Windows1251SemicolonsAndRussianHeaders) {
  ImportReport rep;
  auto r = ParseCatalogCsv(ToCp1251(kRussianExcel), &rep, "прайс.csv");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 3u);
  const Product& tile = (*r)[0];
  EXPECT_EQ(tile.sku, "KG-1");
  EXPECT_EQ(tile.name, "Керамогранит Лофт серый 60х60");
  EXPECT_EQ(tile.brand, "Грани");
  EXPECT_EQ(tile.format, "60x60");
  EXPECT_EQ(tile.color, "серый");
  EXPECT_DOUBLE_EQ(tile.price, 1290.5);
  EXPECT_EQ(tile.unit, "м2");
  ASSERT_TRUE(tile.box_m2.has_value());
  EXPECT_DOUBLE_EQ(*tile.box_m2, 1.44);
  EXPECT_DOUBLE_EQ(tile.stock, 86.4);
  EXPECT_EQ((*r)[1].format, "");
  EXPECT_EQ((*r)[1].pack, "25 кг");
  EXPECT_FALSE((*r)[1].box_m2.has_value());
  EXPECT_EQ((*r)[2].pack, "2 кг");
  EXPECT_TRUE((*r)[2].discontinued);
  bool told = false;
  for (const auto& w : rep.warnings) told |= w.find("Windows-1251") != std::string::npos;
  EXPECT_TRUE(told) << "the guessed encoding is reported";
  // The same file in UTF-8 with a BOM, and tab-separated, reads the same.
  auto utf8 = ParseCatalogCsv("\xEF\xBB\xBF" + kRussianExcel, nullptr);
  ASSERT_TRUE(utf8.ok()) << utf8.status().message();
  EXPECT_EQ((*utf8)[0].name, tile.name);
  std::string tabs = kRussianExcel;
  std::replace(tabs.begin(), tabs.end(), ';', '\t');
  auto tabbed = ParseCatalogCsv(tabs, nullptr);
  ASSERT_TRUE(tabbed.ok()) << tabbed.status().message();
  EXPECT_EQ((*tabbed)[2].pack, "2 кг");
}

TEST(ShopExport, EncodingAskedForIsUsed) {
  CatalogImportOptions utf8;
  utf8.encoding = TextEncoding::kUtf8;
  auto refused = ParseCatalogCsv(ToCp1251(kRussianExcel), nullptr, "p.csv", {}, utf8);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("line 1"), std::string::npos);
  EXPECT_NE(refused.status().message().find("UTF-8"), std::string::npos);
  ASSERT_TRUE(ParseTextEncoding("CP1251").ok());
  EXPECT_EQ(*ParseTextEncoding("CP1251"), TextEncoding::kWindows1251);
  EXPECT_EQ(*ParseTextEncoding(" UTF8 "), TextEncoding::kUtf8);
  EXPECT_EQ(ParseTextEncoding("koi8-r").status().message(),
            "'koi8-r' is not a text encoding: use auto, utf-8 or windows-1251");
  // 0x98 is no Windows-1251 character: the line is named.
  CatalogImportOptions win;
  win.encoding = TextEncoding::kWindows1251;
  auto bad = ParseCatalogCsv("sku,name\nA,\x98\n", nullptr, "p.csv", {}, win);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("p.csv line 2"), std::string::npos)
      << bad.status().message();
}

TEST(ShopExport, MissingColumnsNameTheHeadersThatWouldDo) {
  auto r = ParseCatalogCsv("Артикул;Наименование;Цена\nA;Плитка;100\n", nullptr, "p.csv");
  ASSERT_FALSE(r.ok());
  const std::string m = r.status().message();
  EXPECT_NE(m.find("category (or "), std::string::npos) << m;
  EXPECT_NE(m.find("stock (or "), std::string::npos) << m;
  EXPECT_EQ(m.find("sku"), std::string::npos) << "артикул is sku: " << m;
}

TEST(ShopExport, PackSizesAndNumbers) {
  std::string out, why;
  double m2 = 0;
  EXPECT_TRUE(CanonicalPack("25 кг", &out, &m2, &why));
  EXPECT_EQ(out, "25 кг");
  EXPECT_TRUE(CanonicalPack("1,44 м2", &out, &m2, &why));
  EXPECT_EQ(out, "1.44 м2");
  EXPECT_DOUBLE_EQ(m2, 1.44);
  EXPECT_TRUE(CanonicalPack("310 ML", &out, &m2, &why));
  EXPECT_EQ(out, "310 мл");
  EXPECT_FALSE(CanonicalPack("большой", &out, &m2, &why));
  EXPECT_NE(why.find("pack size"), std::string::npos);
  EXPECT_FALSE(CanonicalPack("0 кг", &out, &m2, &why));
  double v = 0;
  EXPECT_TRUE(ParseNumber("1 234,50", &v));
  EXPECT_DOUBLE_EQ(v, 1234.5);
  EXPECT_TRUE(
      ParseNumber("12\xE2\x80\xAF"
                  "345",
                  &v));
  EXPECT_DOUBLE_EQ(v, 12345);
  EXPECT_FALSE(ParseNumber("1.234,50", &v));
  // A pack area fills box_m2 when that column is empty.
  auto r = ParseCatalogCsv(
      "sku,name,category,format,price,unit,stock\nP-1,Panel,Panels,\"2,5 м2\",900,упак,3\n",
      nullptr);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE((*r)[0].box_m2.has_value());
  EXPECT_DOUBLE_EQ(*(*r)[0].box_m2, 2.5);
}

class ShopExportDb : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("kira_shop_export_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    auto d = storage::Db::Open(":memory:");
    ASSERT_TRUE(d.ok());
    db_ = std::move(d.value());
    ASSERT_TRUE(MigrateCatalog(*db_).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& content) {
    auto p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  std::vector<std::string> Skus() {
    std::vector<std::string> out;
    auto st = db_->Prepare("SELECT sku || ':' || pack FROM products ORDER BY sku");
    while ((*st)->Step() == storage::Row::kRow) out.push_back((*st)->Text(0));
    return out;
  }
  std::filesystem::path dir_;
  std::unique_ptr<storage::Db> db_;
};

TEST_F(ShopExportDb, ASavedColumnMappingReadsTheShopsOwnHeaders) {
  const std::string map =
      Write("map.yaml", "\"Наим. позиции\": name\n\"Группа товаров\": category\n");
  auto cols = LoadColumnMapping(map);
  ASSERT_TRUE(cols.ok()) << cols.status().message();
  CatalogImportOptions opt;
  opt.columns = *cols;
  auto r = ImportCatalogContent(*db_,
                                "Артикул;Наим. позиции;Группа товаров;Цена;Ед.;Остаток\n"
                                "A-1;Плитка белая;Плитка;100;шт;5\n",
                                "p.csv", {}, opt);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->inserted, 1u);
  auto wrong = LoadColumnMapping(Write("bad.yaml", "\"Наим. позиции\": title\n"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("'title'"), std::string::npos);
  EXPECT_NE(wrong.status().message().find("bad.yaml"), std::string::npos);
}

TEST_F(ShopExportDb, ReplaceRemovesWhatTheFileNoLongerListsAllOrNothing) {
  const std::string head = "sku,name,category,format,price,unit,stock\n";
  ASSERT_TRUE(ImportCatalogContent(*db_,
                                   head + "A,Tile A,Tiles,60x60,10,m2,1\nB,Tile B,Tiles,,10,m2,1\n"
                                          "C,Glue,Glue,25 кг,5,шт,1\n",
                                   "c.csv")
                  .ok());
  // An order line of B keeps its own copy: the orders table is not the catalog's.
  // Without --replace, B and C stay and are reported.
  auto kept = ImportCatalogContent(*db_, head + "A,Tile A,Tiles,60x60,11,m2,1\n", "c.csv");
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->not_in_file, 2u);
  EXPECT_EQ(Skus(), (std::vector<std::string>{"A:", "B:", "C:25 кг"}));
  // A broken file with --replace removes nothing.
  CatalogImportOptions replace;
  replace.replace = true;
  auto broken =
      ImportCatalogContent(*db_, head + "A,Tile A,Tiles,60x60,oops,m2,1\n", "c.csv", {}, replace);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(Skus().size(), 3u);
  auto r = ImportCatalogContent(*db_, head + "A,Tile A,Tiles,60x60,12,m2,1\nD,New,Tiles,,9,m2,2\n",
                                "c.csv", {}, replace);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->removed, 2u);
  EXPECT_EQ(r->inserted, 1u);
  EXPECT_EQ(r->updated, 1u);
  EXPECT_EQ(Skus(), (std::vector<std::string>{"A:", "D:"}));
}

TEST(ShopExport, TheTemplateImportsCleanly) {
  for (const char* lang : {"ru", "en"}) {
    ImportReport rep;
    auto r = ParseCatalogCsv(CatalogCsvTemplate(lang), &rep, "template.csv");
    ASSERT_TRUE(r.ok()) << lang << ": " << r.status().message();
    EXPECT_EQ(r->size(), 2u);
    EXPECT_TRUE(rep.warnings.empty()) << lang << ": " << rep.warnings[0];
    EXPECT_EQ((*r)[0].format, "60x60");
    EXPECT_EQ((*r)[1].pack, "25 кг");
  }
}

}  // namespace
}  // namespace kira::catalog
