// Search and Extract over the demo shop's catalog, with speech-like queries in Russian and
// English (every query goes through text::Canonical first, as the dialog engine does).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>

#include "catalog/catalog_store.h"
#include "catalog/importer.h"
#include "core/text.h"

namespace kira::catalog {
namespace {

class DemoCatalog : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto db = storage::Db::Open(":memory:");
    ASSERT_TRUE(db.ok());
    const std::string demo = KIRA_DEMO_DIR;
    ASSERT_TRUE(ImportCatalogFile(**db, demo + "/catalog.csv").ok());
    ASSERT_TRUE(ImportStockFile(**db, demo + "/distributor.csv", "distributor").ok());
    auto lex = LoadLexicon(demo + "/lexicon.yaml");
    ASSERT_TRUE(lex.ok()) << lex.status().message();
    auto cat = LoadCatalog(**db, *lex);
    ASSERT_TRUE(cat.ok());
    catalog_ = new Catalog(std::move(cat.value()));
  }
  static void TearDownTestSuite() {
    delete catalog_;
    catalog_ = nullptr;
  }
  static std::vector<SearchHit> Search(const std::string& said, SearchOptions opt = {}) {
    return catalog_->Search(text::Canonical(said), opt);
  }
  static std::string First(const std::string& said) {
    auto hits = Search(said);
    return hits.empty() ? "(nothing)" : hits[0].product->sku;
  }
  static std::string Describe(const std::string& said) {
    std::string out;
    for (const auto& h : Search(said))
      out += h.product->sku + " " + h.product->name + " (" + std::to_string(h.score) + ")\n";
    return out;
  }
  static Catalog* catalog_;
};
Catalog* DemoCatalog::catalog_ = nullptr;

struct Case {
  const char* said;
  const char* sku;
};

TEST_F(DemoCatalog, RussianSpeechFindsTheRightItem) {
  const Case cases[] = {
      {"монте тиберио серый 60x60", "SG622602R"},
      {"монте тиберио серый шестьдесят на шестьдесят", "SG622602R"},
      {"Монте Тиберио серый 60 х 60 матовый", "SG622600R"},
      {"у вас есть керамогранит монте тиберио серый", "SG622602R"},
      {"плитку монте тиберио серую шестьдесят на шестьдесят лаппатированную", "SG622602R"},
      {"монте тибирио серый 60 на 60", "SG622602R"},                  // typo
      {"монтэ тиберия серый шестьдесят на шестьдесят", "SG622602R"},  // as heard
      {"керамогранит марацы монте тиберио серый", "SG622602R"},
      {"керама марацци монте тиберио серый", "SG622602R"},  // Cyrillic brand
      {"церезит се сорок белая", "CE40-01-2"},
      {"затирка церезит се 40 белая пять килограмм", "CE40-01-5"},
      {"литокол старлайк белая", "LK-SL-100"},
      {"мапей ультраколор серая", "MP-UC-113"},
      {"клей церезит см одиннадцать", "CM11-25"},
      {"клей литокол к80", "LK-K80-25"},
      {"крестики для плитки два миллиметра", "TL-KR-2"},
      {"плиткорез ручной шестьсот", "TL-PR-600"},
      {"плиткорез ручной шестисотый", "TL-PR-600"},
      {"шпатель зубчатый восьмёрка", "TL-SH-8"},
      {"крестики двухмиллиметровые", "TL-KR-2"},
      {"грунтовка церезит пятилитровая", "CT17-5"},
      {"клей церезит СМ четырнадцать", "CM14-25"},
      {"шпатель зубчатый 10 мм", "TL-SH-10"},
      {"свп зажим", "TL-SVP-Z"},
      {"грунтовка церезит 10 литров", "CT17-10"},
      {"юнис плюс", "UN-PL-25"},
      {"сколько стоит эпоксидная затирка литокол черная", "LK-SL-145"},
      {"затирка мапей под цвет бежевой плитки", "MP-UC-132"},
      {"диск алмазный по керамограниту", "TL-DSK"},
  };
  for (const Case& c : cases) EXPECT_EQ(First(c.said), c.sku) << c.said << "\n" << Describe(c.said);
}

// Several items may fit equally ("церезит белая затирка" has a 2 kg and a 5 kg bag); the first
// hit must have the attributes asked for.
struct AttrCase {
  const char* said;
  const char* brand;
  const char* collection;
  const char* color;
  const char* format;
  const char* category;
};

TEST_F(DemoCatalog, FirstHitHasTheAskedAttributes) {
  const AttrCase cases[] = {
      {"церезит белая затирка", "Ceresit", "", "белый", "", "Затирка"},
      {"итальон шарм эво белый шестьдесят на шестьдесят", "Italon", "Charme Evo", "белый", "60x60",
       "Керамогранит"},
      {"эстима габбро антрацит", "Estima", "Gabbro", "антрацит", "", ""},
      {"витра марморри черный", "Vitra", "Marmori", "черный", "", ""},
      {"лапарет металлика графит 60 на 120", "Laparet", "Metallica", "графит", "60x120", ""},
      {"церсанит лофтхаус", "Cersanit", "Lofthouse", "", "", ""},
      {"грация керамика селия серая", "Gracia Ceramica", "Celia", "серый", "", ""},
      {"гримальди белый полированный 60 на 120", "Kerama Marazzi", "Гримальди", "белый", "60x120",
       ""},
      {"гримальди белый полированный сто двадцать на шестьдесят", "Kerama Marazzi", "Гримальди",
       "белый", "60x120", ""},
      {"калейдоскоп черная", "Kerama Marazzi", "Калейдоскоп", "черный", "", ""},
      {"мне нужна затирка мапей белая в наличии", "Mapei", "", "белый", "", "Затирка"},
      {"атлас конкорд марвел белый", "Atlas Concorde", "", "белый", "", ""},
      // English callers.
      {"grey porcelain tile sixty by sixty", "", "", "серый", "60x60", "Керамогранит"},
      {"do you have kerama marazzi monte tiberio grey", "Kerama Marazzi", "Монте Тиберио", "серый",
       "", ""},
      {"white grout ceresit", "Ceresit", "", "белый", "", "Затирка"},
      {"tile adhesive litokol k80", "Litokol", "K80", "", "", "Клей для плитки"},
      {"italon room grey one hundred twenty by one hundred twenty", "Italon", "Room", "серый",
       "120x120", ""},
      {"how much is the black glossy wall tile", "", "", "черный", "", "Настенная плитка"},
      {"beige matt porcelain thirty by sixty", "", "", "бежевый", "30x60", "Керамогранит"},
      // A lexicon word's text match ("плитки" in "Клей для плитки") never beats the category.
      {"плитка голубая", "", "", "голубой", "", "Настенная плитка"},
      {"нужна затирка под цвет бежевой плитки", "", "", "бежевый", "", "Затирка"},
  };
  for (const AttrCase& c : cases) {
    auto hits = Search(c.said);
    ASSERT_FALSE(hits.empty()) << c.said;
    const Product& p = *hits[0].product;
    const std::string ctx = std::string(c.said) + "\n" + Describe(c.said);
    auto check = [&](const char* want, const std::string& got) {
      if (*want) {
        EXPECT_EQ(got, want) << ctx;
      }
    };
    check(c.brand, p.brand);
    check(c.collection, p.collection);
    check(c.color, p.color);
    check(c.format, p.format);
    check(c.category, p.category);
  }
}

TEST_F(DemoCatalog, FillerWordsDoNotChangeTheRanking) {
  const std::string plain = First("монте тиберио серый 60x60");
  for (const char* said :
       {"у вас есть монте тиберио серый 60x60 в наличии", "сколько стоит монте тиберио серый 60x60",
        "подскажите пожалуйста монте тиберио серый 60x60 есть",
        "do you have monte tiberio серый "
        "60x60"}) {
    EXPECT_EQ(First(said), plain) << said << "\n" << Describe(said);
  }
  EXPECT_TRUE(Search("у вас есть в наличии сколько стоит").empty());
  EXPECT_TRUE(Search("").empty());
}

TEST_F(DemoCatalog, OptionsFilter) {
  SearchOptions in_stock;
  in_stock.in_stock_only = true;
  in_stock.limit = 50;
  for (const auto& h : Search("буонарроти серый", in_stock)) {
    EXPECT_GT(h.product->stock, 0);
    EXPECT_FALSE(h.product->discontinued);
  }
  // Without the filter a discontinued item the caller names is found (to say so and offer
  // analogs).
  auto all = Search("буонарроти серый");
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all[0].product->collection, "Буонарроти");
  EXPECT_TRUE(all[0].product->discontinued);
  SearchOptions grout;
  grout.category = "Затирка";
  grout.limit = 20;
  auto hits = Search("ceresit белый", grout);
  ASSERT_FALSE(hits.empty());
  for (const auto& h : hits) EXPECT_EQ(h.product->category, "Затирка");
  SearchOptions one;
  one.limit = 1;
  EXPECT_EQ(Search("затирка", one).size(), 1u);
}

TEST_F(DemoCatalog, ExtractMentions) {
  auto m =
      catalog_->Extract(text::Canonical("мне нужна серая плитка шестьдесят на шестьдесят матовая"));
  EXPECT_EQ(m.color, "серый");
  EXPECT_EQ(m.format, "60x60");
  EXPECT_EQ(m.surface, "матовый");
  EXPECT_FALSE(m.category.empty());

  EXPECT_EQ(catalog_->Extract(text::Canonical("сто двадцать на шестьдесят")).format, "60x120");

  m = catalog_->Extract(text::Canonical("керама марацци монте тиберио"));
  EXPECT_EQ(m.brand, "Kerama Marazzi");
  EXPECT_EQ(m.collection, "Монте Тиберио");

  // "плитка" fits both tile categories; the format decides.
  EXPECT_EQ(
      catalog_->Extract(text::Canonical("серую плитку в ванную двадцать на шестьдесят")).category,
      "Настенная плитка");
  EXPECT_EQ(catalog_->Extract(text::Canonical("плитка шестьдесят на шестьдесят")).category,
            "Керамогранит");
  EXPECT_EQ(catalog_->Extract(text::Canonical("мне бы плитку в ванную голубую")).category,
            "Настенная плитка");
  // A shortened collection name that only one collection has.
  EXPECT_EQ(catalog_->Extract(text::Canonical("литокол старлайк")).collection, "Starlike EVO");
  EXPECT_EQ(catalog_->Extract(text::Canonical("марвел")).collection, "");  // Pro or Edge?

  m = catalog_->Extract(text::Canonical("а марацци есть?"));
  EXPECT_EQ(m.brand, "Kerama Marazzi");
  EXPECT_EQ(m.collection, "");

  m = catalog_->Extract(text::Canonical("затирка церезит"));
  EXPECT_EQ(m.brand, "Ceresit");
  EXPECT_EQ(m.category, "Затирка");

  m = catalog_->Extract(text::Canonical("grey porcelain tile"));
  EXPECT_EQ(m.color, "серый");
  EXPECT_EQ(m.category, "Керамогранит");

  m = catalog_->Extract(text::Canonical("клей для плитки"));
  EXPECT_EQ(m.category, "Клей для плитки");

  m = catalog_->Extract(text::Canonical("светло-серый керамогранит"));
  EXPECT_EQ(m.color, "светло-серый");
  EXPECT_EQ(m.material, "керамогранит");

  EXPECT_EQ(catalog_->Extract(text::Canonical("у вас есть обои?")).not_sold, "обои");
  EXPECT_EQ(catalog_->Extract(text::Canonical("нужен унитаз")).not_sold, "сантехника");
  EXPECT_EQ(catalog_->Extract(text::Canonical("do you sell laminate")).not_sold, "ламинат");
  EXPECT_EQ(catalog_->Extract(text::Canonical("плитка для ванной")).not_sold, "");
  auto none = catalog_->Extract(text::Canonical("добрый день"));
  EXPECT_EQ(none.category + none.color + none.brand + none.format + none.not_sold, "");
}

// Word forms Snowball stems apart reach their category and attributes through the dictionary
// forms (hunspell-ru) and the stem of the stem.
TEST_F(DemoCatalog, WordFormsByLemma) {
  EXPECT_EQ(catalog_->Extract(text::Canonical("400 квадратов керамогранита 60 на 120")).category,
            "Керамогранит");
  EXPECT_EQ(catalog_->Extract(text::Canonical("керамогранитом")).category, "Керамогранит");
  EXPECT_EQ(catalog_->Extract(text::Canonical("серую затирку")).color, "серый");
}

// The head-noun index: what a word names as a category; "для" phrases do not count.
TEST_F(DemoCatalog, CategoriesNamedBy) {
  auto has = [](const std::vector<std::string>& v, const std::string& c) {
    return std::find(v.begin(), v.end(), c) != v.end();
  };
  EXPECT_TRUE(has(catalog_->CategoriesNamedBy("керамогранита"), "Керамогранит"));
  EXPECT_TRUE(has(catalog_->CategoriesNamedBy("керамогранит"), "Керамогранит"));
  EXPECT_TRUE(has(catalog_->CategoriesNamedBy("затирки"), "Затирка"));
  EXPECT_TRUE(catalog_->CategoriesNamedBy("монте").empty());
  EXPECT_TRUE(catalog_->CategoriesNamedBy("").empty());
  EXPECT_TRUE(catalog_->IsCategoryStem(text::Stem("затирка")));
  EXPECT_FALSE(catalog_->IsCategoryStem(text::Stem("тиберио")));
}

TEST_F(DemoCatalog, LooksFromTheLexicon) {
  auto in = [](const std::string& v, std::initializer_list<const char*> set) {
    for (const char* s : set)
      if (v == s) return true;
    return false;
  };
  for (const char* said : {"керамогранит под дерево", "wood look porcelain tile",
                           "нужна плитка под паркет коричневая"}) {
    auto hits = Search(said);
    ASSERT_FALSE(hits.empty()) << said;
    for (size_t i = 0; i < 3 && i < hits.size(); ++i) {
      EXPECT_TRUE(in(hits[i].product->collection,
                     {"Про Вуд", "Wood Concept", "Ламелла", "Wood-X", "Miniwood", "Etnis"}))
          << said << "\n"
          << Describe(said);
    }
  }
  auto marble = Search("белый мрамор шестьдесят на сто двадцать");
  ASSERT_FALSE(marble.empty());
  EXPECT_EQ(marble[0].product->color, "белый");
  EXPECT_EQ(marble[0].product->format, "60x120");
  EXPECT_TRUE(
      in(marble[0].product->collection, {"Гримальди", "Риальто", "Marmori", "Bernini", "Luna",
                                         "Marvel Pro", "Marvel Edge", "Charme Evo"}))
      << Describe("белый мрамор шестьдесят на сто двадцать");
  auto m = catalog_->Extract(text::Canonical("плитка под паркет"));
  EXPECT_EQ(m.look, "дерево");
  EXPECT_EQ(m.not_sold, "");
  EXPECT_EQ(catalog_->Extract(text::Canonical("concrete look tiles")).look, "бетон");
  EXPECT_EQ(catalog_->Extract(text::Canonical("у вас паркет есть")).not_sold, "паркет");
}

TEST_F(DemoCatalog, ConcurrentSearchesAgree) {
  const std::vector<std::string> said = {"монте тиберио серый 60x60", "церезит белая затирка",
                                         "grey porcelain tile sixty by sixty", "свп зажим",
                                         "литокол старлайк белая"};
  std::vector<std::string> expected;
  for (const auto& s : said) expected.push_back(First(s));
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        size_t k = static_cast<size_t>(i) % said.size();
        if (First(said[k]) != expected[k]) ++mismatches;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST_F(DemoCatalog, FindAndDistributor) {
  const Product* p = catalog_->Find("SG622602R");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->collection, "Монте Тиберио");
  EXPECT_GT(p->stock, 0);
  EXPECT_EQ(catalog_->Find("NOPE"), nullptr);
  // Every out-of-stock active item at the shop is either at the distributor or nowhere.
  size_t at_distributor = 0, nowhere = 0;
  for (const Product& q : catalog_->products()) {
    if (q.discontinued || q.stock > 0) continue;
    auto d = catalog_->Distributor(q.sku);
    if (d && d->qty > 0) {
      ++at_distributor;
      EXPECT_GE(d->lead_days, 2);
      EXPECT_LE(d->lead_days, 14);
    } else {
      ++nowhere;
    }
  }
  EXPECT_GE(at_distributor, 5u);
  EXPECT_GE(nowhere, 2u);
}

}  // namespace
}  // namespace kira::catalog

namespace kira::catalog {
namespace {

// A shop that writes its catalog in English (and one that writes brands in Latin letters), with
// the built-in lexicon: concepts, transliterations and fillers as its callers say them.
class EnglishAndLatinCatalog : public ::testing::Test {
 protected:
  void SetUp() override {
    auto lex = LoadLexicon(std::string(KIRA_DEMO_DIR) + "/lexicon.yaml");
    ASSERT_TRUE(lex.ok()) << lex.status().message();
    cat_ = std::make_unique<Catalog>(std::move(*lex));
    auto add = [&](const char* sku, const char* name, const char* category, const char* brand,
                   const char* collection, const char* format, const char* color,
                   const char* surface) {
      Product p;
      p.sku = sku;
      p.name = name;
      p.category = category;
      p.brand = brand;
      p.collection = collection;
      p.format = format;
      p.color = color;
      p.surface = surface;
      p.price = 10;
      p.unit = "m2";
      p.stock = 50;
      cat_->Add(p);
    };
    add("MET-W", "Metro white gloss wall tile 10x20", "Wall tile", "Johnson", "Metro", "10x20",
        "white", "gloss");
    add("MET-B", "Metro black gloss wall tile 10x20", "Wall tile", "Johnson", "Metro", "10x20",
        "black", "gloss");
    add("CLV-M", "Clevedon grey porcelain 60x60 matt", "Porcelain tile", "Harbour", "Clevedon",
        "60x60", "grey", "matt");
    add("CLV-L", "Clevedon grey porcelain 60x60 lappato", "Porcelain tile", "Harbour", "Clevedon",
        "60x60", "grey", "lappato");
    add("ZLG-B", "Zellige blue gloss wall tile 13x13", "Wall tile", "Harbour", "Zellige", "13x13",
        "blue", "gloss");
    add("LK-K80W", "Клей Litokol Litoflex K80 белый 25 кг", "Клей для плитки", "Litokol",
        "Litoflex K80", "", "белый", "");
    add("LK-K80G", "Клей Litokol Litoflex K80 серый 25 кг", "Клей для плитки", "Litokol",
        "Litoflex K80", "", "серый", "");
    add("GR-K", "Смеситель для кухни Grohe BauEdge хром", "Смесители", "Grohe", "BauEdge", "",
        "хром", "");
    add("LM-K", "Смеситель для кухни Lemark Comfort хром", "Смесители", "Lemark", "Comfort", "",
        "хром", "");
    add("LM-B", "Смеситель для ванны Lemark Comfort хром", "Смесители", "Lemark", "Comfort", "",
        "хром", "");
    add("UC-2W", "Mapei Ultracolor Plus grout white 2kg", "Grout", "Mapei", "Ultracolor Plus", "",
        "white", "");
    add("UC-5W", "Mapei Ultracolor Plus grout white 5kg", "Grout", "Mapei", "Ultracolor Plus", "",
        "white", "");
    add("TRW-10", "Rubi notched trowel 10mm", "Tools", "Rubi", "", "", "", "");
    add("TRW-6", "Rubi notched trowel 6mm", "Tools", "Rubi", "", "", "", "");
    add("LK-K55W", "Клей для мозаики Litokol Litoplus K55 белый 25 кг", "Клей для мозаики",
        "Litokol", "Litoplus K55", "", "белый", "");
    // The lexicon's "Настенная плитка", written the other way round.
    add("KM-W", "Плитка настенная Камелия белая 25x40", "Плитка настенная", "Береза", "Камелия",
        "25x40", "белый", "глянцевый");
    add("KM-D", "Декор Камелия цветы 25x40", "Декор", "Береза", "Камелия", "25x40", "белый",
        "глянцевый");
    cat_->BuildIndex();
  }
  Catalog::Mentions Extract(const std::string& said) const {
    return cat_->Extract(text::Canonical(said));
  }
  std::string First(const std::string& said) const {
    auto hits = cat_->Search(text::Canonical(said));
    return hits.empty() ? "(nothing)" : hits[0].product->sku;
  }
  std::unique_ptr<Catalog> cat_;
};

TEST_F(EnglishAndLatinCatalog, ConceptsNameTheCatalogsOwnValues) {
  // The lexicon's "черный"/"лаппатированный" are "black"/"lappato" in this catalog.
  EXPECT_EQ(Extract("make it the black ones").color, "black");
  EXPECT_EQ(Extract("I'd rather have the lappato").surface, "lappato");
  EXPECT_EQ(Extract("grey porcelain tiles").category, "Porcelain tile");
  EXPECT_EQ(First("the black metro tiles"), "MET-B");
  EXPECT_EQ(First("clevedon lappato"), "CLV-L");
}

TEST_F(EnglishAndLatinCatalog, AUnitWordIsNoCollection) {
  // "metre" is one letter from "Metro": a five-letter typo names no collection.
  EXPECT_EQ(Extract("the blue zellige per square metre").collection, "Zellige");
  EXPECT_EQ(Extract("ten square metre of it").collection, "");
}

TEST_F(EnglishAndLatinCatalog, LatinBrandsAsRussianCallersSayThem) {
  EXPECT_EQ(Extract("смеситель грое бауэдж").brand, "Grohe");
  EXPECT_EQ(Extract("смеситель грое бауэдж").collection, "BauEdge");
  EXPECT_EQ(First("смеситель грое бауэдж"), "GR-K");
}

TEST_F(EnglishAndLatinCatalog, ACodeInTheOtherScript) {
  // "к80" (Cyrillic к) is the code "K80" of the catalog.
  EXPECT_EQ(First("клей литокол к80 белый"), "LK-K80W");
  EXPECT_EQ(First("litokol k80 grey"), "LK-K80G");
}

TEST_F(EnglishAndLatinCatalog, ACodeSaidAsALetterAndANumber) {
  // "Литокол К восемьдесят": the letter and the number of the code "K80" said apart.
  EXPECT_EQ(First("литокол к восемьдесят клей"), "LK-K80W");
  EXPECT_EQ(First("литокол к пятьдесят пять клей"), "LK-K55W");
}

TEST_F(EnglishAndLatinCatalog, ASizeInMillimetresIsTheCatalogsFormat) {
  // "six hundred by six hundred" (mm) for the catalog's 60x60 (cm), and the other way round.
  EXPECT_EQ(Extract("the clevedon six hundred by six hundred").format, "60x60");
  EXPECT_EQ(Extract("metro one hundred by two hundred").format, "10x20");
  EXPECT_EQ(Extract("zellige 130 by 130").format, "13x13");
  EXPECT_EQ(Extract("a 600x601 tile").format, "600x601");  // no such size: as said
}

TEST_F(EnglishAndLatinCatalog, ALexiconCategoryInAnotherWordOrder) {
  // "кафель" is the lexicon's "Настенная плитка"; this catalog writes "Плитка настенная".
  EXPECT_EQ(Extract("кафель камелия белый").category, "Плитка настенная");
  EXPECT_EQ(First("кафель камелия белый двадцать пять на сорок"), "KM-W");
}

TEST_F(EnglishAndLatinCatalog, ASizeWrittenWithItsUnitIsSaidApart) {
  // "5kg", "10mm" in the names; callers say "a five kilo bag", "a ten mil trowel".
  EXPECT_EQ(First("a five kilo bag of white ultracolor grout"), "UC-5W");
  EXPECT_EQ(First("ultracolor white two kilos"), "UC-2W");
  EXPECT_EQ(First("a ten mil notched trowel"), "TRW-10");
  EXPECT_EQ(First("rubi trowel 6 mm"), "TRW-6");
  // A code is no size: "K80" stays one word.
  EXPECT_EQ(First("litokol k80 white"), "LK-K80W");
}

TEST_F(EnglishAndLatinCatalog, AFillerWordTheNamesUseCounts) {
  // "кухня" is a filler of the built-in lexicon, but these names tell kitchen from bath by it.
  EXPECT_EQ(First("смеситель лемарк комфорт на кухню"), "LM-K");
  EXPECT_EQ(First("смеситель лемарк комфорт для ванны"), "LM-B");
}

}  // namespace
}  // namespace kira::catalog
