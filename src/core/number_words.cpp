// NumberToWords: integers spelled as a person (or a recogniser's output) says them; the inverse
// of NumberWordsToDigits in text.cpp.
#include "core/number_words.h"

#include <string>

namespace kira::text {

namespace {

const char* const kRuUnits[] = {"",     "один",  "два",  "три",    "четыре",
                                "пять", "шесть", "семь", "восемь", "девять"};
const char* const kRuUnitsFem[] = {"",     "одна",  "две",  "три",    "четыре",
                                   "пять", "шесть", "семь", "восемь", "девять"};
const char* const kRuTeens[] = {"десять",       "одиннадцать", "двенадцать",  "тринадцать",
                                "четырнадцать", "пятнадцать",  "шестнадцать", "семнадцать",
                                "восемнадцать", "девятнадцать"};
const char* const kRuTens[] = {"",          "",           "двадцать",  "тридцать",    "сорок",
                               "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"};
const char* const kRuHundreds[] = {"",        "сто",      "двести",  "триста",    "четыреста",
                                   "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"};

const char* const kEnUnits[] = {"",     "one", "two",   "three", "four",
                                "five", "six", "seven", "eight", "nine"};
const char* const kEnTeens[] = {"ten",     "eleven",  "twelve",    "thirteen", "fourteen",
                                "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
const char* const kEnTens[] = {"",      "",      "twenty",  "thirty", "forty",
                               "fifty", "sixty", "seventy", "eighty", "ninety"};

void Add(std::string* out, const std::string& w) {
  if (w.empty()) return;
  if (!out->empty()) *out += ' ';
  *out += w;
}

// 1…999 in Russian; `feminine` for thousands ("одна тысяча", "две тысячи").
std::string RuTriple(int n, bool feminine) {
  std::string out;
  Add(&out, kRuHundreds[n / 100]);
  int r = n % 100;
  if (r >= 10 && r < 20) {
    Add(&out, kRuTeens[r - 10]);
  } else {
    Add(&out, kRuTens[r / 10]);
    // Through a pointer: GCC 12 at -O0 miscompiles a subscript of `(c ? array_a : array_b)`.
    const char* const* units = feminine ? kRuUnitsFem : kRuUnits;
    Add(&out, units[r % 10]);
  }
  return out;
}

// "тысяча" / "тысячи" / "тысяч" by the number before it.
const char* RuPlural(int n, const char* one, const char* few, const char* many) {
  int r100 = n % 100, r10 = n % 10;
  if (r100 >= 11 && r100 <= 14) return many;
  if (r10 == 1) return one;
  if (r10 >= 2 && r10 <= 4) return few;
  return many;
}

std::string EnTriple(int n) {
  std::string out;
  if (n >= 100) {
    Add(&out, kEnUnits[n / 100]);
    Add(&out, "hundred");
  }
  int r = n % 100;
  if (r >= 10 && r < 20) {
    Add(&out, kEnTeens[r - 10]);
  } else {
    Add(&out, kEnTens[r / 10]);
    Add(&out, kEnUnits[r % 10]);
  }
  return out;
}

}  // namespace

std::string NumberToWords(int64_t n, bool russian) {
  if (n < 0) return (russian ? "минус " : "minus ") + NumberToWords(-n, russian);
  if (n == 0) return russian ? "ноль" : "zero";
  struct Scale {
    int64_t value;
    const char *ru_one, *ru_few, *ru_many, *en;
    bool ru_feminine;
  };
  static const Scale kScales[] = {
      {1000000000, "миллиард", "миллиарда", "миллиардов", "billion", false},
      {1000000, "миллион", "миллиона", "миллионов", "million", false},
      {1000, "тысяча", "тысячи", "тысяч", "thousand", true},
  };
  std::string out;
  for (const Scale& s : kScales) {
    int64_t k = n / s.value;
    if (k == 0) continue;
    n %= s.value;
    if (k >= 1000) {
      Add(&out, NumberToWords(k, russian));
    } else {
      Add(&out,
          russian ? RuTriple(static_cast<int>(k), s.ru_feminine) : EnTriple(static_cast<int>(k)));
    }
    if (russian) {
      Add(&out, RuPlural(static_cast<int>(k % 1000), s.ru_one, s.ru_few, s.ru_many));
    } else {
      Add(&out, s.en);
    }
  }
  if (n > 0)
    Add(&out, russian ? RuTriple(static_cast<int>(n), false) : EnTriple(static_cast<int>(n)));
  return out;
}

}  // namespace kira::text
