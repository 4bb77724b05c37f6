#include "core/lemma.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "core/text.h"

namespace kira::text {
namespace {

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(Lemma, DictionaryFormsOfRussianWords) {
  EXPECT_TRUE(Has(Lemmas("плиток"), "плитка"));
  EXPECT_TRUE(Has(Lemmas("серую"), "серый"));
  EXPECT_TRUE(Has(Lemmas("мешков"), "мешок"));
  EXPECT_TRUE(Has(Lemmas("коробки"), "коробка"));
  EXPECT_TRUE(Lemmas("монте").empty());  // not in the dictionary
  EXPECT_TRUE(Lemmas("tiles").empty());  // not Russian
  EXPECT_TRUE(Lemmas("").empty());
  EXPECT_TRUE(Lemmas(std::string(500, 'x')).empty());
}

TEST(Lemma, FleetingVowelsMeetTheirBaseForm) {
  // Snowball alone keeps these apart.
  EXPECT_NE(Stem("плиток"), Stem("плитка"));
  EXPECT_EQ(LemmaStem("плиток"), LemmaStem("плитка"));
  EXPECT_EQ(LemmaStem("мешков"), LemmaStem("мешок"));
  EXPECT_EQ(LemmaStem("белых"), LemmaStem("белая"));
}

TEST(Lemma, StemKeysReachTheBaseFormOfUnknownWords) {
  // "керамогранит" loses "ит" to Snowball's verb rule, "керамогранита" only its "а".
  auto keys = StemKeys("керамогранита");
  EXPECT_EQ(keys[0], Stem("керамогранита"));
  EXPECT_TRUE(Has(keys, Stem("керамогранит")));
  EXPECT_TRUE(Has(StemKeys("плиток"), Stem("плитка")));
  EXPECT_EQ(StemKeys("grout").size(), 1u);
}

TEST(Lemma, SafeFromSeveralThreads) {
  std::vector<std::thread> ts;
  std::vector<int> ok(4, 0);
  for (int i = 0; i < 4; ++i)
    ts.emplace_back([&, i] {
      for (int k = 0; k < 200; ++k)
        ok[i] += Has(Lemmas(k % 2 ? "плиток" : "серую"), k % 2 ? "плитка" : "серый");
    });
  for (auto& t : ts) t.join();
  for (int v : ok) EXPECT_EQ(v, 200);
}

}  // namespace
}  // namespace kira::text
