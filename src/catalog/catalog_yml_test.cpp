// Yandex Market YML parsing: the demo feed, the field mapping and bad feeds.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "catalog/importer.h"

namespace kira::catalog {
namespace {

std::string Yml(const std::string& offers,
                const std::string& cats =
                    "<category id=\"1\">Керамогранит</category>"
                    "<category id=\"2\" parentId=\"1\">Затирка</category>") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<yml_catalog date=\"2026-01-01\">\n<shop>\n"
         "<categories>" +
         cats + "</categories>\n<offers>\n" + offers + "</offers>\n</shop>\n</yml_catalog>\n";
}

std::string ErrorOf(const std::string& content) {
  auto r = ParseCatalogYml(content, nullptr, "feed.yml");
  return r.ok() ? "OK" : r.status().message();
}

TEST(CatalogYml, DemoFeedParses) {
  std::ifstream in(std::string(KIRA_DEMO_DIR) + "/catalog.yml");
  std::stringstream ss;
  ss << in.rdbuf();
  ImportReport rep;
  auto r = ParseCatalogYml(ss.str(), &rep);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_GE(r->size(), 20u);
  const Product& p = (*r)[0];
  EXPECT_EQ(p.sku, "SG622602R");
  EXPECT_EQ(p.category, "Керамогранит");
  EXPECT_EQ(p.brand, "Kerama Marazzi");
  EXPECT_EQ(p.collection, "Монте Тиберио");
  EXPECT_EQ(p.format, "60x60");
  EXPECT_EQ(p.color, "серый");
  EXPECT_EQ(p.unit, "м2");
  ASSERT_TRUE(p.box_m2);
  EXPECT_DOUBLE_EQ(*p.box_m2, 1.44);
  EXPECT_DOUBLE_EQ(p.stock, 184.32);
  EXPECT_DOUBLE_EQ(p.price, 2890);
  size_t discontinued = 0, out_of_stock = 0;
  for (const auto& q : *r) {
    discontinued += q.discontinued;
    out_of_stock += q.stock == 0;
  }
  EXPECT_GE(discontinued, 1u);
  EXPECT_GE(out_of_stock, 2u);
}

TEST(CatalogYml, MappingAvailabilityAndDefaults) {
  ImportReport rep;
  auto r = ParseCatalogYml(
      Yml("<offer id=\"7\" available=\"false\"><price>1 200,50</price><categoryId>1</categoryId>"
          "<name>Плитка</name><count>12</count><param name=\"Размер\">30*60</param>"
          "<param name=\"Статус\">discontinued</param></offer>\n"
          "<offer id=\"8\" type=\"vendor.model\"><price>389</price><categoryId>2</categoryId>"
          "<typePrefix>Затирка</typePrefix><vendor>Ceresit</vendor><model>CE 40 белая</model>"
          "</offer>\n"),
      &rep, "feed.yml");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].format, "30x60");
  EXPECT_DOUBLE_EQ((*r)[0].price, 1200.5);
  EXPECT_EQ((*r)[0].stock, 0);  // available="false" wins over count
  EXPECT_TRUE((*r)[0].discontinued);
  EXPECT_EQ((*r)[0].unit, "шт");
  EXPECT_EQ((*r)[1].name, "Затирка Ceresit CE 40 белая");
  EXPECT_EQ((*r)[1].category, "Затирка");
  EXPECT_EQ((*r)[1].stock, 0);
  ASSERT_EQ(rep.warnings.size(), 2u);
  EXPECT_NE(rep.warnings[0].find("offer 7"), std::string::npos);
  EXPECT_NE(rep.warnings[1].find("offer 8 (line 7): no <count>"), std::string::npos);
}

TEST(CatalogYml, Windows1251FeedIsConverted) {
  // "Плитка" in windows-1251, as many Russian shops still publish their feeds.
  std::string feed =
      "<?xml version=\"1.0\" encoding=\"windows-1251\"?><yml_catalog><shop><categories>"
      "<category id=\"1\">Tile</category></categories><offers><offer id=\"1\"><price>10</price>"
      "<categoryId>1</categoryId><name>\xCF\xEB\xE8\xF2\xEA\xE0</name><count>1</count></offer>"
      "</offers></shop></yml_catalog>";
  auto r = ParseCatalogYml(feed, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].name, "Плитка");
}

TEST(CatalogYml, BadFeedsNameTheOfferOrLine) {
  EXPECT_EQ(ErrorOf(""), "feed.yml: the file is empty");
  EXPECT_NE(ErrorOf("<yml_catalog><shop><offers><offer id=\"1\"></shop>")
                .find("feed.yml line 1: broken XML:"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Yml("<offer id=\"1\"><price>1</price>\n<name>x</nam></offer>"))
                .find("feed.yml line 7: broken XML"),
            std::string::npos);
  EXPECT_EQ(ErrorOf("<catalog/>"),
            "feed.yml: not a Yandex Market YML file (the root element must be <yml_catalog>)");
  EXPECT_EQ(ErrorOf(Yml("<offer id=\"42\"><categoryId>1</categoryId><name>Плитка</name>"
                        "<count>1</count></offer>")),
            "feed.yml offer 42 (line 6), field price: missing <price>");
  EXPECT_EQ(ErrorOf(Yml("<offer id=\"42\"><price>дорого</price><categoryId>1</categoryId>"
                        "<name>Плитка</name></offer>")),
            "feed.yml offer 42 (line 6), field price: 'дорого' is not a number");
  EXPECT_EQ(ErrorOf(Yml("<offer id=\"42\"><price>0</price><categoryId>1</categoryId>"
                        "<name>Плитка</name></offer>")),
            "feed.yml offer 42 (line 6), field price: '0' must be greater than 0");
  EXPECT_EQ(ErrorOf(Yml("<offer id=\"42\"><price>5</price><categoryId>9</categoryId>"
                        "<name>Плитка</name></offer>")),
            "feed.yml offer 42 (line 6), field categoryId: '9' is not a category listed in "
            "<categories>");
  EXPECT_EQ(ErrorOf(Yml("<offer id=\"42\"><price>5</price><categoryId>1</categoryId></offer>")),
            "feed.yml offer 42 (line 6), field name: missing <name>");
  EXPECT_EQ(ErrorOf(Yml("<offer id=\"42\"><price>5</price><categoryId>1</categoryId>"
                        "<name>П</name><count>-3</count></offer>")),
            "feed.yml offer 42 (line 6), field count: '-3' must not be negative");
  EXPECT_EQ(ErrorOf(Yml("<offer id=\"42\"><price>5</price><categoryId>1</categoryId>"
                        "<name>П</name><param name=\"Формат\">большой</param></offer>")),
            "feed.yml offer 42 (line 6), param Формат: 'большой' is not a format like 60x60");
  EXPECT_EQ(ErrorOf(Yml("<offer id=\"42\"><price>5</price><categoryId>1</categoryId>"
                        "<name>П</name><param name=\"Единица\">литр</param></offer>")),
            "feed.yml offer 42 (line 6), param Единица: 'литр' is not a known unit (use м2, "
            "шт, упак or кг)");
  EXPECT_EQ(ErrorOf(Yml("<offer id=\"42\"><price>5</price><categoryId>1</categoryId>"
                        "<name>П</name><param name=\"Статус\">скоро</param></offer>")),
            "feed.yml offer 42 (line 6), param Статус: 'скоро' is not a status (use active or "
            "discontinued)");
  EXPECT_EQ(ErrorOf(Yml("<offer id=\"42\"><price>5</price><categoryId>1</categoryId><name>П</name>"
                        "</offer>\n<offer id=\"42\"><price>5</price><categoryId>1</categoryId>"
                        "<name>П</name></offer>")),
            "feed.yml offer 42 (line 7): offer id '42' appears twice");
  EXPECT_EQ(ErrorOf(Yml("<offer><price>5</price></offer>")),
            "feed.yml line 6: an <offer> without id");
  EXPECT_EQ(ErrorOf(Yml("")), "feed.yml: no <offer> in <offers>");
  EXPECT_EQ(ErrorOf("<yml_catalog><shop><categories/></shop></yml_catalog>"),
            "feed.yml: <shop> has no <offers>");
}

TEST(CatalogYml, ExternalEntitiesAreNotFetched) {
  // An XXE attempt: refused at the declaration, so nothing is fetched or expanded.
  std::string feed =
      "<?xml version=\"1.0\"?><!DOCTYPE y [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>"
      "<yml_catalog><shop><categories><category id=\"1\">T</category></categories><offers>"
      "<offer id=\"1\"><price>10</price><categoryId>1</categoryId><name>A&x;</name>"
      "<count>1</count></offer></offers></shop></yml_catalog>";
  auto r = ParseCatalogYml(feed, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("entity declaration 'x' refused"), std::string::npos);
}

}  // namespace
}  // namespace kira::catalog
