#include "core/text.h"

#include <gtest/gtest.h>
#include <iconv.h>

#include "core/number_words.h"

namespace kira::text {
namespace {

TEST(Text, LowerHandlesCyrillicAndYo) {
  EXPECT_EQ(Lower("ЁЛКА Tile"), "елка tile");
  EXPECT_EQ(Lower("Керамогранит"), "керамогранит");
}

TEST(Text, NormalizeFormats) {
  EXPECT_EQ(Normalize("Плитка 60х60, серая!"), "плитка 60x60 серая");
  EXPECT_EQ(Normalize("60 * 60"), "60x60");
  EXPECT_EQ(Normalize("30 x 60"), "30x60");
  EXPECT_EQ(Normalize("цена 1250,50 руб."), "цена 1250.50 руб");
}

TEST(Text, NumberWords) {
  EXPECT_EQ(Canonical("шестьдесят на шестьдесят"), "60x60");
  EXPECT_EQ(Canonical("двадцать пять квадратов"), "25 квадратов");
  EXPECT_EQ(Canonical("сто двадцать метров"), "120 метров");
  EXPECT_EQ(Canonical("две тысячи триста"), "2300");
  EXPECT_EQ(Canonical("полтора квадрата"), "1.5 квадрата");
  EXPECT_EQ(Canonical("sixty by sixty"), "60x60");
  EXPECT_EQ(Canonical("one hundred and twenty square meters"), "120 square meters");
  EXPECT_EQ(Canonical("twenty five"), "25");
  EXPECT_EQ(Canonical("два три"), "2 3");
}

TEST(Text, AClauseMarkEndsANumber) {
  // "шестьдесят, две коробки" is 60 and 2 boxes, not 62 boxes.
  EXPECT_EQ(Canonical("тридцать на шестьдесят, две коробки"), "30x60 2 коробки");
  EXPECT_EQ(Canonical("тридцать на шестьдесят две коробки"), "30x62 коробки");  // no mark: one
  EXPECT_EQ(Canonical("twenty. five boxes"), "20 5 boxes");
  // Marks between digits stay inside the number.
  EXPECT_EQ(Canonical("1,5 квадрата"), "1.5 квадрата");
  EXPECT_EQ(Canonical("2,690 pounds"), "2.690 pounds");
  EXPECT_EQ(Canonical("в 10:30"), "в 10 30");
}

TEST(Text, TheHundredsOneIsAPronoun) {
  EXPECT_EQ(Canonical("the six hundred by six hundred one"), "the 600x600 one");
  EXPECT_EQ(Canonical("the grey six hundred one please"), "the grey 600 one please");
  EXPECT_EQ(Canonical("six hundred and one"), "601");
  EXPECT_EQ(Canonical("six hundred one metres"), "601 metres");
  EXPECT_EQ(Canonical("one hundred one"), "101");
}

TEST(Text, NumberToWordsSpellsNumbers) {
  EXPECT_EQ(NumberToWords(0, true), "ноль");
  EXPECT_EQ(NumberToWords(25, true), "двадцать пять");
  EXPECT_EQ(NumberToWords(2000, true), "две тысячи");
  EXPECT_EQ(NumberToWords(1001, true), "одна тысяча один");
  EXPECT_EQ(NumberToWords(11000, true), "одиннадцать тысяч");
  EXPECT_EQ(NumberToWords(2690, true), "две тысячи шестьсот девяносто");
  EXPECT_EQ(NumberToWords(3000000, true), "три миллиона");
  EXPECT_EQ(NumberToWords(115, false), "one hundred fifteen");
  EXPECT_EQ(NumberToWords(40, false), "forty");
  EXPECT_EQ(NumberToWords(12012, false), "twelve thousand twelve");
}

// NumberWordsToDigits reads back every number NumberToWords spells (the noisy replay of
// `kira eval` relies on both directions agreeing).
TEST(Text, NumberToWordsRoundTrips) {
  for (int64_t n = 0; n < 1000000; n += (n < 3000 ? 1 : 997)) {
    for (bool ru : {true, false}) {
      std::string words = NumberToWords(n, ru);
      ASSERT_EQ(NumberWordsToDigits(words), std::to_string(n)) << words;
    }
  }
}

// Sizes said inside one word, as callers name packs and tools.
TEST(Text, NumbersInsideOneWord) {
  EXPECT_EQ(Canonical("грунт Церезит пятилитровый"), "грунт церезит 5 л");
  EXPECT_EQ(Canonical("крестики двухмиллиметровые"), "крестики 2 мм");
  EXPECT_EQ(Canonical("клей двадцатипятикилограммовый"), "клей 25 кг");
  EXPECT_EQ(Canonical("десятилитровую канистру"), "10 л канистру");
  EXPECT_EQ(Canonical("плиткорез шестисотый"), "плиткорез 600");
  EXPECT_EQ(Canonical("шпатель восьмёрку"), "шпатель 8");
  EXPECT_EQ(Canonical("полтора десятка"), "1.5 десятка");  // tens are counted in slots
  // Not numbers: ordinals below a hundred are choices, words that only contain a unit.
  EXPECT_EQ(Canonical("второй шестой литровая миллиметровка"),
            "второй шестой литровая миллиметровка");
  EXPECT_EQ(Canonical("высотный"), "высотный");
}

TEST(Text, OrdinalsFromElevenNameModels) {
  EXPECT_EQ(Canonical("клей церезит одиннадцатый"), "клей церезит 11");
  EXPECT_EQ(Canonical("мешок церезита четырнадцатого"), "мешок церезита 14");
  EXPECT_EQ(Canonical("литокол восьмидесятый"), "литокол 80");
  EXPECT_EQ(Canonical("давайте второй"), "давайте второй");  // a choice
}

TEST(Text, ASideSaidAsHundredsAndTens) {
  EXPECT_EQ(Canonical("sixty by one twenty"), "60x120");
  EXPECT_EQ(Canonical("seventy by one fifty five"), "70x155");
  EXPECT_EQ(Canonical("one twenty"), "1 20");  // no side without "by"
}

TEST(Text, CyrillicLookAlikes) {
  EXPECT_EQ(CyrillicLookAlikes("см"), "cm");
  EXPECT_EQ(CyrillicLookAlikes("се"), "ce");
  EXPECT_EQ(CyrillicLookAlikes("ст"), "ct");
  EXPECT_EQ(CyrillicLookAlikes("бг"), "");  // б and г look like no Latin letter
}

TEST(Text, Transliteration) {
  EXPECT_EQ(ToCyrillic("monte"), "монте");
  EXPECT_EQ(ToLatin("тиберио"), "tiberio");
  EXPECT_EQ(PhoneticKey("Ceresit"), PhoneticKey("церезит"));
  EXPECT_EQ(PhoneticKey("Marazzi"), PhoneticKey("марацци"));
  EXPECT_EQ(PhoneticKey("Italon"), PhoneticKey("италон"));
  EXPECT_NE(PhoneticKey("italon"), PhoneticKey("vitra"));
  EXPECT_EQ(PhoneticKey("bauedge"), PhoneticKey("бауэдж"));
  EXPECT_EQ(PhoneticKey("monte"), PhoneticKey("монте"));
}

TEST(Text, EditDistance) {
  EXPECT_EQ(EditDistance("серый", "серый"), 0);
  EXPECT_EQ(EditDistance("серый", "сeрый"), 1);
  EXPECT_EQ(EditDistance("тиберио", "тибэрио"), 1);
  EXPECT_GT(EditDistance("abcdef", "uvwxyz", 2), 2);
}

TEST(Text, Stem) {
  EXPECT_EQ(Stem("серую"), Stem("серый"));
  EXPECT_EQ(Stem("плитки"), Stem("плитка"));
  EXPECT_EQ(Stem("tiles"), Stem("tile"));
}

TEST(Text, ParseDecimal) {
  EXPECT_DOUBLE_EQ(*ParseDecimal("1250,50"), 1250.5);
  EXPECT_DOUBLE_EQ(*ParseDecimal(" 3.5 "), 3.5);
  EXPECT_DOUBLE_EQ(*ParseDecimal("1 250,50"), 1250.5);
  EXPECT_EQ(ParseDecimal("abc").status().message(), "'abc' is not a number");
  EXPECT_FALSE(ParseDecimal("").ok());
  EXPECT_FALSE(ParseDecimal("12abc").ok());
  EXPECT_FALSE(ParseDecimal("1e999").ok());  // not finite
}

TEST(Text, FormatNumber) {
  EXPECT_EQ(FormatNumber(1250, true), "1250");
  EXPECT_EQ(FormatNumber(2.5, true), "2,5");
  EXPECT_EQ(FormatNumber(2.5, false), "2.5");
  EXPECT_EQ(FormatNumber(1.44, false), "1.44");
}

TEST(Text, InvalidUtf8IsReplacedNotCrashed) {
  std::string bad =
      "abc\xff\xfe"
      "def\xd0";
  EXPECT_FALSE(IsValidUtf8(bad));
  EXPECT_EQ(Decode(bad).size(), 9u);
  EXPECT_TRUE(IsValidUtf8("плитка"));
}

}  // namespace
}  // namespace kira::text

TEST(Text, Windows1251MatchesIconvForEveryByte) {
  // The reference is glibc's own converter, byte by byte.
  iconv_t cd = iconv_open("UTF-8", "WINDOWS-1251");
  ASSERT_NE(cd, reinterpret_cast<iconv_t>(-1));
  for (int b = 1; b < 256; ++b) {
    char in[1] = {static_cast<char>(b)};
    char buf[8] = {};
    char* ip = in;
    char* op = buf;
    size_t il = 1, ol = sizeof buf;
    const bool iconv_ok = iconv(cd, &ip, &il, &op, &ol) != static_cast<size_t>(-1);
    auto ours = kira::text::Windows1251ToUtf8(std::string_view(in, 1));
    EXPECT_EQ(ours.ok(), iconv_ok) << "byte " << b;
    if (ours.ok() && iconv_ok) {
      EXPECT_EQ(*ours, std::string(buf, op)) << "byte " << b;
    }
    if (!ours.ok()) {
      EXPECT_EQ(ours.status().message(), "line 1: byte 0x98 is not a Windows-1251 character");
    }
  }
  iconv_close(cd);
  auto out = kira::text::Windows1251ToUtf8("\xCF\xEB\xE8\xF2\xEA\xE0;\xB8\xEB\xEA\xE0");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "Плитка;ёлка");
  EXPECT_EQ(kira::text::Windows1251ToUtf8("a;b\nc;\x98").status().message(),
            "line 2: byte 0x98 is not a Windows-1251 character");
}
