// Probe F1 on the search side: SearchLimits bound what one query or one product can cost.
// Before: a 600-letter word in a query took 15.5 s and +1.56 GB, 900 letters 79 s and +3.7 GB
// (the typo index made every two-letter deletion of the word).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "catalog/catalog.h"
#include "catalog/importer.h"
#include "core/text.h"

namespace kira::catalog {
namespace {

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

Catalog Demo(SearchLimits limits = {}) {
  const std::string demo = KIRA_DEMO_DIR;
  std::ifstream in(demo + "/catalog.csv");
  std::stringstream ss;
  ss << in.rdbuf();
  auto products = ParseCatalogCsv(ss.str(), nullptr);
  EXPECT_TRUE(products.ok());
  auto lex = LoadLexicon(demo + "/lexicon.yaml");
  EXPECT_TRUE(lex.ok());
  Catalog cat(lex.ok() ? *lex : Lexicon{}, limits);
  if (products.ok())
    for (const auto& p : *products) cat.Add(p);
  cat.BuildIndex();
  return cat;
}

std::string Word(size_t letters) {
  std::string w;
  for (size_t i = 0; i < letters; ++i) w += i % 2 ? "а" : "б";
  return w;
}

std::string First(const Catalog& cat, const std::string& said) {
  auto hits = cat.Search(text::Canonical(said));
  return hits.empty() ? "(nothing)" : hits[0].product->sku;
}

TEST(SearchLimits, LongWordsInAQueryCostNothing) {
  Catalog cat = Demo();
  ResetPeakRss();
  const long before = PeakRssMb();
  for (size_t letters : {600, 900, 5000, 70000}) {
    std::string q = text::Canonical(Word(letters));
    EXPECT_TRUE(cat.Search(q).empty()) << letters;
    cat.Extract(q);
  }
  // A whole chat message of long words, and many short ones.
  std::string flood;
  for (int i = 0; i < 200; ++i) flood += Word(30 + i % 20) + " ";
  cat.Search(text::Canonical(flood));
  std::string many;
  for (int i = 0; i < 20000; ++i) many += "тиберио ";
  cat.Search(text::Canonical(many));
  EXPECT_LT(PeakRssMb() - before, 64);
  // The long word is dropped, not the query: the rest still finds its product.
  EXPECT_EQ(First(cat, Word(600) + " монте тиберио серый 60 на 60"), "SG622602R");
}

TEST(SearchLimits, TheQueryIsCutAfterMaxWordsAndBytes) {
  SearchLimits two;
  two.max_query_words = 2;
  Catalog cat = Demo(two);
  EXPECT_EQ(First(cat, "монте тиберио"), "SG622602R");
  EXPECT_EQ(First(cat, "ну вот значит монте тиберио"), "(nothing)");
  SearchLimits bytes;
  bytes.max_query_bytes = 9;  // "монте" and half a letter
  Catalog cut = Demo(bytes);
  auto hits = cut.Search("монте тиберио");
  for (const auto& h : hits) EXPECT_TRUE(text::IsValidUtf8(h.product->name));
}

TEST(SearchLimits, TyposOnlyUpToMaxTypoLetters) {
  EXPECT_EQ(First(Demo(), "монте тибирио"), "SG622602R");  // one typo in a 7-letter word
  SearchLimits strict;
  strict.max_typo_letters = 4;
  EXPECT_EQ(First(Demo(strict), "тибирио"), "(nothing)");
}

TEST(SearchLimits, LongWordsInProductsAreNotIndexed) {
  ResetPeakRss();
  const long before = PeakRssMb();
  Catalog cat;
  Product p;
  p.sku = "LONG1";
  p.name = "Плитка " + Word(5000) + " лаванда";
  p.category = "Плитка";
  p.brand = Word(900);
  p.price = 100;
  p.unit = "шт";
  p.stock = 1;
  cat.Add(p);
  cat.BuildIndex();
  EXPECT_LT(PeakRssMb() - before, 64);
  EXPECT_TRUE(cat.Search(Word(5000)).empty());
  auto hits = cat.Search("лаванда");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].product->sku, "LONG1");
}

}  // namespace
}  // namespace kira::catalog
