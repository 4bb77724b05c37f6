#include "core/text.h"

#include <libstemmer.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>

namespace kira::text {

std::u32string Decode(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    char32_t cp;
    int extra;
    if (c < 0x80) {
      cp = c;
      extra = 0;
    } else if ((c >> 5) == 0x6) {
      cp = c & 0x1F;
      extra = 1;
    } else if ((c >> 4) == 0xE) {
      cp = c & 0x0F;
      extra = 2;
    } else if ((c >> 3) == 0x1E) {
      cp = c & 0x07;
      extra = 3;
    } else {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    if (i + extra >= s.size() && extra > 0) {  // truncated sequence
      out.push_back(0xFFFD);
      break;
    }
    bool bad = false;
    for (int k = 1; k <= extra; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) {
        bad = true;
        break;
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (bad) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += extra + 1;
  }
  return out;
}

std::string Encode(std::u32string_view s) {
  std::string out;
  out.reserve(s.size() * 2);
  for (char32_t cp : s) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

Result<std::string> Windows1251ToUtf8(std::string_view in) {
  // Code points of bytes 0x80..0xFF; 0 marks the undefined 0x98.
  static constexpr char16_t kHigh[128] = {
      0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409,
      0x2039, 0x040A, 0x040C, 0x040B, 0x040F, 0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x0000, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F, 0x00A0,
      0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB,
      0x00AC, 0x00AD, 0x00AE, 0x0407, 0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6,
      0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457, 0x0410, 0x0411,
      0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417, 0x0418, 0x0419, 0x041A, 0x041B, 0x041C,
      0x041D, 0x041E, 0x041F, 0x0420, 0x0421, 0x0422, 0x0423, 0x0424, 0x0425, 0x0426, 0x0427,
      0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F, 0x0430, 0x0431, 0x0432,
      0x0433, 0x0434, 0x0435, 0x0436, 0x0437, 0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D,
      0x043E, 0x043F, 0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447, 0x0448,
      0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x044F};
  std::string out;
  out.reserve(in.size() + in.size() / 2);
  std::u32string one(1, U' ');
  for (size_t i = 0; i < in.size(); ++i) {
    unsigned char b = static_cast<unsigned char>(in[i]);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b));
      continue;
    }
    char16_t cp = kHigh[b - 0x80];
    if (cp == 0) {
      const size_t line = 1 + static_cast<size_t>(std::count(in.begin(), in.begin() + i, '\n'));
      return Status::Invalid("line " + std::to_string(line) +
                             ": byte 0x98 is not a Windows-1251 character");
    }
    one[0] = cp;
    out += Encode(one);
  }
  return out;
}

bool IsValidUtf8(std::string_view s) {
  for (char32_t c : Decode(s))
    if (c == 0xFFFD) return false;
  return true;
}

namespace {

char32_t LowerCp(char32_t c) {
  if (c >= U'A' && c <= U'Z') return c + 32;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c == 0x401 || c == 0x451) return 0x435;  // Ё ё → е
  return c;
}

bool IsCyr(char32_t c) { return c >= 0x430 && c <= 0x44F; }
bool IsLat(char32_t c) { return c >= U'a' && c <= U'z'; }
bool IsDig(char32_t c) { return c >= U'0' && c <= U'9'; }

}  // namespace

std::string Lower(std::string_view s) {
  std::u32string u = Decode(s);
  for (auto& c : u) c = LowerCp(c);
  return Encode(u);
}

std::string Normalize(std::string_view s) {
  std::u32string u = Decode(s);
  std::u32string out;
  out.reserve(u.size());
  for (size_t i = 0; i < u.size(); ++i) {
    char32_t c = LowerCp(u[i]);
    bool prev_digit = !out.empty() && IsDig(out.back());
    bool next_digit = i + 1 < u.size() && IsDig(u[i + 1]);
    if (IsCyr(c) || IsLat(c) || IsDig(c)) {
      // "60х60" with a Cyrillic х, "60x60": the format separator becomes Latin x.
      if ((c == 0x445 || c == U'x') && prev_digit && next_digit) c = U'x';
      out.push_back(c);
    } else if ((c == U'.' || c == U',') && prev_digit && next_digit) {
      out.push_back(U'.');
    } else if ((c == U'\'' || c == 0x2019) && !out.empty() && IsLat(out.back()) &&
               i + 1 < u.size() && IsLat(LowerCp(u[i + 1]))) {
      // English contractions stay one word: "don't" → "dont", "I'm" → "im".
    } else if (c == U'*' || c == 0xD7) {  // '*' and '×' between numbers
      out.push_back(U' ');
      out.push_back(U'*');
      out.push_back(U' ');
    } else {
      out.push_back(U' ');
    }
  }
  // Collapse spaces.
  std::u32string col;
  for (char32_t c : out) {
    if (c == U' ' && (col.empty() || col.back() == U' ')) continue;
    col.push_back(c);
  }
  while (!col.empty() && col.back() == U' ') col.pop_back();
  // Join "60 x 60", "60 х 60", "60 * 60" into "60x60".
  std::vector<std::string> toks = Tokens(Encode(col));
  std::string res;
  auto is_num = [](const std::string& t) {
    return !t.empty() && std::all_of(t.begin(), t.end(),
                                     [](char ch) { return (ch >= '0' && ch <= '9') || ch == '.'; });
  };
  for (size_t i = 0; i < toks.size(); ++i) {
    if (i + 2 < toks.size() && is_num(toks[i]) && is_num(toks[i + 2]) &&
        (toks[i + 1] == "x" || toks[i + 1] == "х" || toks[i + 1] == "*")) {
      if (!res.empty()) res += ' ';
      res += toks[i] + "x" + toks[i + 2];
      i += 2;
      continue;
    }
    if (toks[i] == "*") continue;
    if (!res.empty()) res += ' ';
    res += toks[i];
  }
  return res;
}

std::vector<std::string> Tokens(std::string_view normalized) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < normalized.size()) {
    while (i < normalized.size() && normalized[i] == ' ') ++i;
    size_t j = i;
    while (j < normalized.size() && normalized[j] != ' ') ++j;
    if (j > i) out.emplace_back(normalized.substr(i, j - i));
    i = j;
  }
  return out;
}

namespace {

enum class Kind { kUnit, kTeen, kTen, kHundred, kThousand, kHalfPlus, kHundredMul };

struct NumWord {
  double value;
  Kind kind;
};

const std::unordered_map<std::string, NumWord>& NumberWords() {
  static const auto* m = [] {
    auto* t = new std::unordered_map<std::string, NumWord>;
    auto add = [&](std::initializer_list<const char*> words, double v, Kind k) {
      for (const char* w : words) (*t)[w] = {v, k};
    };
    add({"ноль", "нуля", "zero"}, 0, Kind::kUnit);
    add({"один", "одна", "одно", "одну", "одного", "одной", "one"}, 1, Kind::kUnit);
    add({"два", "две", "двух", "двум", "two"}, 2, Kind::kUnit);
    add({"три", "трех", "трем", "three"}, 3, Kind::kUnit);
    add({"четыре", "четырех", "four"}, 4, Kind::kUnit);
    add({"пять", "пяти", "five"}, 5, Kind::kUnit);
    add({"шесть", "шести", "six"}, 6, Kind::kUnit);
    add({"семь", "семи", "seven"}, 7, Kind::kUnit);
    add({"восемь", "восьми", "eight"}, 8, Kind::kUnit);
    add({"девять", "девяти", "nine"}, 9, Kind::kUnit);
    add({"десять", "десяти", "ten"}, 10, Kind::kTeen);
    add({"одиннадцать", "одиннадцати", "eleven"}, 11, Kind::kTeen);
    add({"двенадцать", "двенадцати", "twelve"}, 12, Kind::kTeen);
    add({"тринадцать", "тринадцати", "thirteen"}, 13, Kind::kTeen);
    add({"четырнадцать", "четырнадцати", "fourteen"}, 14, Kind::kTeen);
    add({"пятнадцать", "пятнадцати", "fifteen"}, 15, Kind::kTeen);
    add({"шестнадцать", "шестнадцати", "sixteen"}, 16, Kind::kTeen);
    add({"семнадцать", "семнадцати", "seventeen"}, 17, Kind::kTeen);
    add({"восемнадцать", "восемнадцати", "eighteen"}, 18, Kind::kTeen);
    add({"девятнадцать", "девятнадцати", "nineteen"}, 19, Kind::kTeen);
    add({"двадцать", "двадцати", "twenty"}, 20, Kind::kTen);
    add({"тридцать", "тридцати", "thirty"}, 30, Kind::kTen);
    add({"сорок", "сорока", "forty"}, 40, Kind::kTen);
    add({"пятьдесят", "пятидесяти", "fifty"}, 50, Kind::kTen);
    add({"шестьдесят", "шестидесяти", "sixty"}, 60, Kind::kTen);
    add({"семьдесят", "семидесяти", "seventy"}, 70, Kind::kTen);
    add({"восемьдесят", "восьмидесяти", "eighty"}, 80, Kind::kTen);
    add({"девяносто", "девяноста", "ninety"}, 90, Kind::kTen);
    add({"сто", "ста"}, 100, Kind::kHundred);
    add({"двести", "двухсот"}, 200, Kind::kHundred);
    add({"триста", "трехсот"}, 300, Kind::kHundred);
    add({"четыреста", "четырехсот"}, 400, Kind::kHundred);
    add({"пятьсот", "пятисот"}, 500, Kind::kHundred);
    add({"шестьсот", "шестисот"}, 600, Kind::kHundred);
    add({"семьсот", "семисот"}, 700, Kind::kHundred);
    add({"восемьсот", "восьмисот"}, 800, Kind::kHundred);
    add({"девятьсот", "девятисот"}, 900, Kind::kHundred);
    add({"hundred"}, 100, Kind::kHundredMul);
    add({"тысяча", "тысячи", "тысяч", "тысячу", "thousand"}, 1000, Kind::kThousand);
    add({"полтора", "полторы"}, 1.5, Kind::kHalfPlus);
    return t;
  }();
  return *m;
}

int Rank(Kind k) {
  switch (k) {
    case Kind::kUnit:
      return 1;
    case Kind::kTeen:
      return 2;
    case Kind::kTen:
      return 3;
    case Kind::kHundred:
      return 4;
    default:
      return 5;
  }
}

std::string NumStr(double v) {
  char buf[64];
  if (std::fabs(v - std::round(v)) < 1e-9) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(std::llround(v)));
  } else {
    std::snprintf(buf, sizeof buf, "%g", v);
  }
  return buf;
}

// The number a run of genitive roots spells: "пяти" → 5, "двадцатипяти" → 25, "двух" → 2.
std::optional<double> NumberRoots(std::string_view s) {
  static const std::pair<const char*, double> kRoots[] = {
      {"одно", 1},        {"двух", 2},          {"трех", 3},          {"четырех", 4},
      {"пяти", 5},        {"шести", 6},         {"семи", 7},          {"восьми", 8},
      {"девяти", 9},      {"десяти", 10},       {"одиннадцати", 11},  {"двенадцати", 12},
      {"тринадцати", 13}, {"четырнадцати", 14}, {"пятнадцати", 15},   {"шестнадцати", 16},
      {"семнадцати", 17}, {"восемнадцати", 18}, {"девятнадцати", 19}, {"двадцати", 20},
      {"тридцати", 30},   {"сорока", 40},       {"пятидесяти", 50},   {"шестидесяти", 60},
      {"семидесяти", 70}, {"восьмидесяти", 80}, {"девяноста", 90},    {"сто", 100},
      {"двухсот", 200},   {"трехсот", 300},     {"четырехсот", 400},  {"пятисот", 500},
      {"шестисот", 600},  {"семисот", 700},     {"восьмисот", 800},   {"девятисот", 900}};
  double total = 0;
  double last = 1e9;  // parts in falling order: двадцати + пяти
  while (!s.empty()) {
    const std::pair<const char*, double>* best = nullptr;
    for (const auto& r : kRoots)
      if (s.starts_with(r.first) && (!best || std::strlen(r.first) > std::strlen(best->first)))
        best = &r;
    if (!best || best->second >= last) return std::nullopt;
    total += best->second;
    last = best->second;
    s.remove_prefix(std::strlen(best->first));
  }
  if (total == 0) return std::nullopt;
  return total;
}

// A number said inside one word, as callers name pack sizes and tool sizes:
// "пятилитровый" → "5 л", "двухмиллиметровые" → "2 мм", "двадцатипятикилограммовый" →
// "25 кг", "шестисотый" → "600", "восьмерку" → "8". Empty when the word is no such number.
std::string CompoundNumberWord(const std::string& w) {
  if (!HasCyrillic(w) || w.size() < 8) return "";
  static const char* const kEndings[] = {"ый", "ая",  "ое",  "ую", "ого", "ой", "ые",
                                         "ых", "ому", "ыми", "ий", "ие",  "их"};
  static const std::pair<const char*, const char*> kUnits[] = {
      {"литров", "л"},       {"литр", "л"},         {"килограммов", "кг"}, {"кило", "кг"},
      {"миллиметров", "мм"}, {"сантиметров", "см"}, {"метров", "м"},       {"кубов", "м3"}};
  for (const char* e : kEndings) {
    std::string_view v(w);
    if (!v.ends_with(e)) continue;
    v.remove_suffix(std::strlen(e));
    for (const auto& [stem, unit] : kUnits) {
      size_t at = v.rfind(stem);
      if (at == std::string_view::npos || at == 0 || at + std::strlen(stem) != v.size()) continue;
      if (auto n = NumberRoots(v.substr(0, at))) return NumStr(*n) + " " + unit;
    }
    // Ordinals of hundreds name sizes ("шестисотый плиткорез"); smaller ones are choices.
    if (v.ends_with("сот") || v == "сот") {
      v.remove_suffix(std::strlen("сот"));
      if (v.empty()) return "100";
      std::string with(v);
      with += "сот";
      if (auto n = NumberRoots(with)) return NumStr(*n);
    }
  }
  // Ordinals from 11 name models ("Церезит четырнадцатый", "клей одиннадцатый"); the first
  // ten are choices ("второй").
  static const std::pair<const char*, int> kOrdinals[] = {
      {"одиннадцат", 11},  {"двенадцат", 12},  {"тринадцат", 13}, {"четырнадцат", 14},
      {"пятнадцат", 15},   {"шестнадцат", 16}, {"семнадцат", 17}, {"восемнадцат", 18},
      {"девятнадцат", 19}, {"двадцат", 20},    {"тридцат", 30},   {"сороков", 40},
      {"пятидесят", 50},   {"шестидесят", 60}, {"семидесят", 70}, {"восьмидесят", 80},
      {"девяност", 90}};
  static const char* const kOrdinalEndings[] = {"ый", "ого", "ому", "ым", "ом", "ая",
                                                "ой", "ую",  "ое",  "ые", "ых", "ыми"};
  for (const auto& [stem, n] : kOrdinals) {
    if (!w.starts_with(stem)) continue;
    std::string_view rest = std::string_view(w).substr(std::strlen(stem));
    for (const char* e : kOrdinalEndings)
      if (rest == e) return std::to_string(n);
  }
  // "восьмерка", "шестёрку": the number's noun ("десяток", "десятка" count tens: slots.cpp).
  static const std::pair<const char*, int> kNouns[] = {
      {"двойк", 2},   {"тройк", 3},  {"четверк", 4},  {"пятерк", 5},
      {"шестерк", 6}, {"семерк", 7}, {"восьмерк", 8}, {"девятк", 9}};
  for (const auto& [stem, n] : kNouns)
    if (w.starts_with(stem) && w.size() <= std::strlen(stem) + 4) return std::to_string(n);
  return "";
}

}  // namespace

std::string NumberWordsToDigits(std::string_view normalized) {
  const auto& words = NumberWords();
  std::vector<std::string> toks = Tokens(normalized);
  std::vector<std::string> out;
  size_t i = 0;
  while (i < toks.size()) {
    auto it = words.find(toks[i]);
    if (it == words.end()) {
      std::string compound = CompoundNumberWord(toks[i]);
      out.push_back(compound.empty() ? toks[i] : compound);
      ++i;
      continue;
    }
    // "sixty by one twenty": a side said as hundreds and tens, as English speakers do.
    if (it->second.kind == Kind::kUnit && it->second.value > 0 && !out.empty() &&
        (out.back() == "by" || out.back() == "x") && i + 1 < toks.size() && !HasCyrillic(toks[i])) {
      auto tens = words.find(toks[i + 1]);
      if (tens != words.end() &&
          (tens->second.kind == Kind::kTen || tens->second.kind == Kind::kTeen)) {
        double v = it->second.value * 100 + tens->second.value;
        size_t j = i + 2;
        if (tens->second.kind == Kind::kTen && j < toks.size()) {
          auto unit = words.find(toks[j]);
          if (unit != words.end() && unit->second.kind == Kind::kUnit && unit->second.value > 0) {
            v += unit->second.value;
            ++j;
          }
        }
        out.push_back(NumStr(v));
        i = j;
        continue;
      }
    }
    double total = 0, current = 0;
    int last_rank = 99;  // parts must come in falling order: сто двадцать пять
    bool pronoun_one = false;
    size_t j = i;
    bool any = false;
    while (j < toks.size()) {
      auto w = words.find(toks[j]);
      if (w == words.end()) {
        // English "one hundred and twenty": "and" between number words.
        if (toks[j] == "and" && any && j + 1 < toks.size() && words.count(toks[j + 1])) {
          ++j;
          continue;
        }
        break;
      }
      const NumWord& nw = w->second;
      if (nw.kind == Kind::kHalfPlus) {
        if (any) break;
        current = 1.5;
        any = true;
        ++j;
        break;
      }
      if (nw.kind == Kind::kThousand) {
        total += (current == 0 ? 1 : current) * 1000;
        current = 0;
        last_rank = 5;  // after "тысяча" hundreds may follow
        any = true;
        ++j;
        continue;
      }
      if (nw.kind == Kind::kHundredMul) {
        current = (current == 0 ? 1 : current) * 100;
        last_rank = 4;
        any = true;
        ++j;
        continue;
      }
      int r = Rank(nw.kind);
      if (r >= last_rank || (last_rank == 3 && r == 2)) break;  // "два три", "двадцать десять"
      // "the six hundred one" is the 600 one: a bare "one" after hundreds that ends the clause
      // is the pronoun ("six hundred and one" still says 601)...
      static const std::set<std::string, std::less<>> kAfterPronoun = {
          "please", "thanks", "with", "in", "for", "that", "which", "is", "and"};
      // ...said after "the" ("the grey six hundred one"): "one hundred one" alone is 101.
      bool after_the = false;
      for (size_t k = out.size(); k-- > 0 && k + 4 >= out.size();)
        after_the = after_the || out[k] == "the" || out[k] == "that";
      if (last_rank == 4 && toks[j] == "one" && toks[j - 1] != "and" && after_the &&
          (j + 1 == toks.size() || kAfterPronoun.count(toks[j + 1]))) {
        pronoun_one = true;
        break;
      }
      current += nw.value;
      last_rank = r;
      any = true;
      ++j;
    }
    out.push_back(NumStr(total + current));
    i = j;
    if (pronoun_one) {
      out.push_back("one");
      ++i;
    }
  }
  std::string res;
  for (size_t k = 0; k < out.size(); ++k) {
    if (k) res += ' ';
    res += out[k];
  }
  return res;
}

std::string Canonical(std::string_view s) {
  // A clause mark ends a number: "тридцать на шестьдесят, две коробки" is 30x60 and 2 boxes,
  // not 30x62 ("1,5" and "2,690" stay numbers: Normalize keeps a mark between digits).
  std::string n;
  size_t from = 0;
  auto flush = [&](size_t to) {
    std::string part = NumberWordsToDigits(Normalize(s.substr(from, to - from)));
    if (!part.empty()) n += (n.empty() ? "" : " ") + part;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != ',' && c != ';' && c != '.' && c != '!' && c != '?' && c != ':') continue;
    bool between_digits = i > 0 && i + 1 < s.size() &&
                          IsDig(static_cast<unsigned char>(s[i - 1])) &&
                          IsDig(static_cast<unsigned char>(s[i + 1]));
    if (between_digits) continue;
    flush(i);
    from = i + 1;
  }
  flush(s.size());
  // "60 на 60", "60 by 60" → "60x60" (after number words became digits).
  std::vector<std::string> toks = Tokens(n);
  auto is_num = [](const std::string& t) {
    return !t.empty() && std::all_of(t.begin(), t.end(),
                                     [](char ch) { return (ch >= '0' && ch <= '9') || ch == '.'; });
  };
  std::string res;
  for (size_t i = 0; i < toks.size(); ++i) {
    if (i + 2 < toks.size() && is_num(toks[i]) && is_num(toks[i + 2]) &&
        (toks[i + 1] == "на" || toks[i + 1] == "by" || toks[i + 1] == "x")) {
      if (!res.empty()) res += ' ';
      res += toks[i] + "x" + toks[i + 2];
      i += 2;
      continue;
    }
    if (!res.empty()) res += ' ';
    res += toks[i];
  }
  return res;
}

namespace {

struct Pair {
  const char* from;
  const char* to;
};

std::string ReplaceSeq(std::string_view s, const std::vector<Pair>& multi,
                       const std::unordered_map<char32_t, std::string>& single) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    bool hit = false;
    for (const Pair& p : multi) {
      size_t n = std::strlen(p.from);
      if (s.substr(i, n) == p.from) {
        out += p.to;
        i += n;
        hit = true;
        break;
      }
    }
    if (hit) continue;
    // one UTF-8 code point
    size_t len = 1;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0xF0)
      len = 4;
    else if (c >= 0xE0)
      len = 3;
    else if (c >= 0xC0)
      len = 2;
    std::u32string cp = Decode(s.substr(i, len));
    auto it = cp.empty() ? single.end() : single.find(cp[0]);
    if (it != single.end())
      out += it->second;
    else
      out.append(s.substr(i, len));
    i += len;
  }
  return out;
}

}  // namespace

std::string ToCyrillic(std::string_view lat) {
  static const std::vector<Pair> multi = {
      {"sch", "щ"}, {"sh", "ш"},  {"ch", "ч"}, {"zh", "ж"}, {"kh", "х"},  {"ts", "ц"},
      {"tz", "ц"},  {"ya", "я"},  {"yu", "ю"}, {"yo", "е"}, {"ye", "е"},  {"th", "т"},
      {"ph", "ф"},  {"oo", "у"},  {"ee", "и"}, {"ck", "к"}, {"qu", "кв"}, {"ce", "це"},
      {"ci", "ци"}, {"cy", "ци"}, {"gh", "г"}, {"ij", "ий"}};
  static const std::unordered_map<char32_t, std::string> single = {
      {U'a', "а"}, {U'b', "б"}, {U'c', "к"},  {U'd', "д"}, {U'e', "е"}, {U'f', "ф"}, {U'g', "г"},
      {U'h', "х"}, {U'i', "и"}, {U'j', "дж"}, {U'k', "к"}, {U'l', "л"}, {U'm', "м"}, {U'n', "н"},
      {U'o', "о"}, {U'p', "п"}, {U'q', "к"},  {U'r', "р"}, {U's', "с"}, {U't', "т"}, {U'u', "у"},
      {U'v', "в"}, {U'w', "в"}, {U'x', "кс"}, {U'y', "и"}, {U'z', "з"}};
  return ReplaceSeq(lat, multi, single);
}

std::string ToLatin(std::string_view cyr) {
  static const std::vector<Pair> multi = {};
  static const std::unordered_map<char32_t, std::string> single = {
      {U'а', "a"},  {U'б', "b"},   {U'в', "v"}, {U'г', "g"},  {U'д', "d"},  {U'е', "e"},
      {U'ж', "zh"}, {U'з', "z"},   {U'и', "i"}, {U'й', "y"},  {U'к', "k"},  {U'л', "l"},
      {U'м', "m"},  {U'н', "n"},   {U'о', "o"}, {U'п', "p"},  {U'р', "r"},  {U'с', "s"},
      {U'т', "t"},  {U'у', "u"},   {U'ф', "f"}, {U'х', "kh"}, {U'ц', "ts"}, {U'ч', "ch"},
      {U'ш', "sh"}, {U'щ', "sch"}, {U'ъ', ""},  {U'ы', "y"},  {U'ь', ""},   {U'э', "e"},
      {U'ю', "yu"}, {U'я', "ya"}};
  return ReplaceSeq(cyr, multi, single);
}

std::string CyrillicLookAlikes(std::string_view cyr) {
  static const std::unordered_map<char32_t, char> same = {
      {U'а', 'a'}, {U'в', 'b'}, {U'е', 'e'}, {U'к', 'k'}, {U'м', 'm'}, {U'н', 'h'},
      {U'о', 'o'}, {U'р', 'p'}, {U'с', 'c'}, {U'т', 't'}, {U'у', 'y'}, {U'х', 'x'}};
  std::string out;
  for (char32_t c : Decode(cyr)) {
    if (c < 0x80) {
      out += static_cast<char>(c);
      continue;
    }
    auto it = same.find(LowerCp(c));
    if (it == same.end()) return "";
    out += it->second;
  }
  return out;
}

bool HasCyrillic(std::string_view s) {
  for (char32_t c : Decode(s))
    if (IsCyr(LowerCp(c))) return true;
  return false;
}

bool HasLatin(std::string_view s) {
  for (char32_t c : Decode(s))
    if (IsLat(LowerCp(c))) return true;
  return false;
}

// "Edge" and "эдж" meet ("dg" before e/i/y is the sound of "дж"), and a final "e" after a
// consonant is silent on both sides ("Monte", "монте").
std::string PhoneticKey(std::string_view word) {
  std::string lat = HasCyrillic(word) ? ToLatin(Lower(word)) : Lower(word);
  std::string s;
  for (size_t i = 0; i < lat.size(); ++i) {
    char c = lat[i];
    char n = i + 1 < lat.size() ? lat[i + 1] : '\0';
    if ((c == 't' && (n == 's' || n == 'z'))) {
      s += 's';  // ts/tz ~ c ~ s
      ++i;
      continue;
    }
    if (c == 'c' && n == 'k') continue;
    const char n2 = i + 2 < lat.size() ? lat[i + 2] : '\0';
    if (c == 'd' &&
        ((n == 'z' && n2 == 'h') || (n == 'g' && (n2 == 'e' || n2 == 'i' || n2 == 'y')))) {
      s += 'J';  // дж ~ dg(e): "BauEdge" ~ "БауЭдж"
      i += n == 'z' ? 2 : 1;
      continue;
    }
    if (c == 'o' && n == 'o') {  // room ~ рум
      s += 'u';
      ++i;
      continue;
    }
    if (c == 'e' && n == 'e') {  // steel ~ стил
      s += 'i';
      ++i;
      continue;
    }
    if (c == 'k' && n == 'h') {
      s += 'h';
      ++i;
      continue;
    }
    if (c == 'p' && n == 'h') {
      s += 'f';
      ++i;
      continue;
    }
    switch (c) {
      case 'c':
        s += (n == 'e' || n == 'i' || n == 'y') ? 's' : 'k';
        break;
      case 'z':
        s += 's';
        break;
      case 'w':
        s += 'v';
        break;
      case 'y':
        s += 'i';
        break;
      case 'j':
        s += 'i';
        break;
      case 'q':
        s += 'k';
        break;
      case 'x':
        s += "ks";
        break;
      default:
        s += c;
    }
  }
  auto vowel = [](char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
  };
  // A final "e" after a consonant is silent: "Edge" ~ "эдж", "Monte" ~ "монте" alike.
  if (s.size() > 3 && s.back() == 'e' && !vowel(s[s.size() - 2])) s.pop_back();
  // Collapse doubled letters: marazzi → marasi.
  std::string out;
  for (char c : s)
    if (out.empty() || out.back() != c) out += c;
  return out;
}

int EditDistance(std::string_view a, std::string_view b, int max) {
  std::u32string x = Decode(a), y = Decode(b);
  int n = static_cast<int>(x.size()), m = static_cast<int>(y.size());
  if (std::abs(n - m) > max) return max + 1;
  std::vector<int> prev(m + 1), cur(m + 1);
  for (int j = 0; j <= m; ++j) prev[j] = j;
  for (int i = 1; i <= n; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= m; ++j) {
      int cost = x[i - 1] == y[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > max) return max + 1;
    std::swap(prev, cur);
  }
  return prev[m];
}

namespace {
struct StemmerDeleter {
  void operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }
};
using StemmerPtr = std::unique_ptr<sb_stemmer, StemmerDeleter>;
}  // namespace

std::string Stem(std::string_view word) {
  thread_local StemmerPtr ru(sb_stemmer_new("russian", "UTF_8"));
  thread_local StemmerPtr en(sb_stemmer_new("english", "UTF_8"));
  sb_stemmer* st = HasCyrillic(word) ? ru.get() : en.get();
  if (!st) return std::string(word);
  const sb_symbol* r =
      sb_stemmer_stem(st, reinterpret_cast<const sb_symbol*>(word.data()), word.size());
  if (!r) return std::string(word);
  return std::string(reinterpret_cast<const char*>(r), sb_stemmer_length(st));
}

Result<double> ParseDecimal(std::string_view s) {
  constexpr size_t kShown = 40;
  auto bad = [&] {
    std::string shown(s.substr(0, kShown));
    if (s.size() > kShown) shown += "…";
    return Status::Invalid("'" + shown + "' is not a number");
  };
  std::string t = Trim(s);
  std::string clean;
  for (char c : t) {
    if (c == ',') c = '.';
    if (c == ' ') continue;  // "1 250,50"
    clean += c;
  }
  if (clean.empty()) return bad();
  char* end = nullptr;
  double v = std::strtod(clean.c_str(), &end);
  if (end != clean.c_str() + clean.size() || !std::isfinite(v)) return bad();
  return v;
}

std::string FormatNumber(double v, bool russian) {
  char buf[64];
  if (std::fabs(v - std::round(v)) < 0.005) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(std::llround(v)));
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (russian)
    for (auto& c : s)
      if (c == '.') c = ',';
  return s;
}

int RussianPluralIndex(long long n) {
  n = std::llabs(n);
  if (n % 10 == 1 && n % 100 != 11) return 0;
  if (n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 10 || n % 100 >= 20)) return 1;
  return 2;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n'))
    --e;
  return std::string(s.substr(b, e - b));
}

}  // namespace kira::text
