// The noisy replay: lower case, no punctuation, numbers as words, deterministic per seed.
#include "eval/noise.h"

#include <gtest/gtest.h>

#include <set>

#include "core/text.h"

namespace kira::eval {
namespace {

TEST(Noise, SpokenFormSaysNumbersAsWords) {
  EXPECT_EQ(SpokenForm("Возьму 6 листов, 60х60!", "ru"),
            "возьму шесть листов шестьдесят на шестьдесят");
  EXPECT_EQ(SpokenForm("Нужно 40 м² к 10:30", "ru"),
            "нужно сорок квадратных метров к десять тридцать");
  EXPECT_EQ(SpokenForm("1,5 коробки и 2.5 мешка", "ru"), "полтора коробки и два с половиной мешка");
  EXPECT_EQ(SpokenForm("I need 25 m2 of the 60x120, please.", "en"),
            "i need twenty five square meters of the sixty by one hundred twenty please");
  EXPECT_EQ(SpokenForm("call me at 9:05", "en"), "call me at nine zero five");
  EXPECT_EQ(SpokenForm("+7 916 123-45-67", "ru"),
            "семь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят семь");
  EXPECT_EQ(SpokenForm("89161234567", "ru"),
            "восемь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят семь");
  EXPECT_EQ(SpokenForm("«Клинкер и Камень» — это вы?", "ru"), "клинкер и камень это вы");
  EXPECT_EQ(SpokenForm("кто-то звонил", "ru"), "кто-то звонил");
}

// What the understanding reads back from the spoken form is the same number.
TEST(Noise, SpokenNumbersCanonicaliseBack) {
  EXPECT_EQ(text::Canonical(SpokenForm("Нужно 2690 рублей и 31 коробка", "ru")),
            "нужно 2690 рублей и 31 коробка");
  EXPECT_EQ(text::Canonical(SpokenForm("twenty? No, 35 boxes", "en")), "20 no 35 boxes");
}

TEST(Noise, DeterministicForASeed) {
  const std::string line = "Здравствуйте, хочу заказать Монте Тиберио серый, квадратов 40";
  for (uint64_t salt = 0; salt < 50; ++salt) {
    EXPECT_EQ(AddNoise(line, "ru", 7, salt), AddNoise(line, "ru", 7, salt));
  }
  std::set<std::string> variants;
  for (uint64_t seed = 0; seed < 200; ++seed) variants.insert(AddNoise(line, "ru", seed, 0));
  EXPECT_GT(variants.size(), 5u);  // the seed changes the noise
  EXPECT_EQ(NoiseSalt("a", 1), NoiseSalt("a", 1));
  EXPECT_NE(NoiseSalt("a", 1), NoiseSalt("a", 2));
}

TEST(Noise, FillersDropsAndConfusionsAtTheirRates) {
  const std::string line = "мне нужен серый керамогранит для пола в коридоре";
  const std::string clean = SpokenForm(line, "ru");
  int fillers = 0, changed = 0, shorter = 0;
  const int n = 2000;
  for (int seed = 0; seed < n; ++seed) {
    std::string noisy = AddNoise(line, "ru", seed, 0);
    EXPECT_EQ(noisy, text::Lower(noisy));
    EXPECT_EQ(noisy.find(','), std::string::npos);
    auto words = text::Tokens(noisy);
    bool filler = false;
    for (const auto& w : words)
      if (w == "ну" || w == "э-э" || w == "вот" || w == "как" || w == "так" || w == "м-м")
        filler = true;
    fillers += filler;
    changed += noisy != clean;
    if (!filler && words.size() < text::Tokens(clean).size()) ++shorter;
  }
  // Expected: fillers ≈ 0.35 + 0.117 − overlap ≈ 0.42; drops ≈ 0.1 (seen when no filler).
  EXPECT_GT(fillers, n * 0.33);
  EXPECT_LT(fillers, n * 0.52);
  EXPECT_GT(shorter, n * 0.03);
  EXPECT_LT(shorter, n * 0.12);
  EXPECT_GT(changed, n * 0.45);
  NoiseOptions none{0, 0, 0};
  EXPECT_EQ(AddNoise(line, "ru", 3, 0, none), clean);
  EXPECT_EQ(AddNoise("I'd like 3 boxes.", "en", 3, 0, none), "i'd like three boxes");
}

}  // namespace
}  // namespace kira::eval
