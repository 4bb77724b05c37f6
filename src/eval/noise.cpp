#include "eval/noise.h"

#include <string>
#include <vector>

#include "core/number_words.h"
#include "core/text.h"

namespace kira::eval {

namespace {

bool IsDigit(char32_t c) { return c >= U'0' && c <= U'9'; }
bool IsLetter(char32_t c) {
  return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') || (c >= 0x400 && c <= 0x4FF);
}

std::string Words(int64_t n, bool ru) { return text::NumberToWords(n, ru); }

// A digit group as said: leading zeros one by one ("05" → "ноль пять").
std::string GroupWords(const std::u32string& digits, bool ru) {
  std::string out;
  size_t i = 0;
  while (i + 1 < digits.size() && digits[i] == U'0') {
    out += Words(0, ru) + " ";
    ++i;
  }
  int64_t v = 0;
  for (; i < digits.size(); ++i) v = v * 10 + (digits[i] - U'0');
  return out + Words(v, ru);
}

// A run of digits as words. Up to six digits: one number; longer runs (phone numbers,
// article numbers) are said in groups, the way people dictate them: …-123-45-67.
std::string IntegerWords(const std::u32string& digits, bool ru) {
  if (digits.size() <= 6) return GroupWords(digits, ru);
  std::vector<std::u32string> groups;
  std::u32string rest = digits;
  for (int k = 0; k < 2 && rest.size() > 3; ++k) {
    groups.insert(groups.begin(), rest.substr(rest.size() - 2));
    rest.resize(rest.size() - 2);
  }
  while (rest.size() > 3) {
    groups.insert(groups.begin(), rest.substr(rest.size() - 3));
    rest.resize(rest.size() - 3);
  }
  if (!rest.empty()) groups.insert(groups.begin(), rest);
  std::string out;
  for (const auto& g : groups) out += (out.empty() ? "" : " ") + GroupWords(g, ru);
  return out;
}

std::u32string ReadDigits(const std::u32string& s, size_t* i) {
  std::u32string d;
  while (*i < s.size() && IsDigit(s[*i])) d += s[(*i)++];
  return d;
}

// Unit and currency signs as words, before punctuation goes.
std::string SpellSigns(const std::string& lower, bool ru) {
  struct Sign {
    const char* from;
    const char* ru;
    const char* en;
  };
  static const Sign kSigns[] = {
      {"м²", " квадратных метров ", " square meters "},
      {"m²", " квадратных метров ", " square meters "},
      {"кв.м", " квадратных метров ", " square meters "},
      {"кв. м", " квадратных метров ", " square meters "},
      {"sq.m", " квадратных метров ", " square meters "},
      {"%", " процентов ", " percent "},
      {"₽", " рублей ", " roubles "},
      {"£", " фунтов ", " pounds "},
      {"€", " евро ", " euros "},
      {"$", " долларов ", " dollars "},
      {"№", " номер ", " number "},
      {"&", " и ", " and "},
  };
  std::string out;
  size_t i = 0;
  while (i < lower.size()) {
    bool hit = false;
    for (const Sign& s : kSigns) {
      size_t n = std::char_traits<char>::length(s.from);
      if (lower.compare(i, n, s.from) == 0) {
        out += ru ? s.ru : s.en;
        i += n;
        hit = true;
        break;
      }
    }
    if (!hit) out += lower[i++];
  }
  return out;
}

uint64_t SplitMix(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  double Uniform() { return (SplitMix(&state_) >> 11) * (1.0 / 9007199254740992.0); }
  size_t Below(size_t n) { return n == 0 ? 0 : SplitMix(&state_) % n; }

 private:
  uint64_t state_;
};

// Sound-alike letters a recogniser mixes up.
const std::vector<std::pair<char32_t, char32_t>>& Confusable(bool ru) {
  static const std::vector<std::pair<char32_t, char32_t>> kRu = {
      {U'е', U'и'}, {U'и', U'е'}, {U'о', U'а'}, {U'а', U'о'}, {U'т', U'д'}, {U'д', U'т'},
      {U'с', U'з'}, {U'з', U'с'}, {U'б', U'п'}, {U'п', U'б'}, {U'в', U'ф'}, {U'ф', U'в'},
      {U'г', U'к'}, {U'к', U'г'}, {U'ж', U'ш'}, {U'ш', U'ж'}};
  static const std::vector<std::pair<char32_t, char32_t>> kEn = {
      {U'a', U'e'}, {U'e', U'a'}, {U't', U'd'}, {U'd', U't'}, {U's', U'z'},
      {U'z', U's'}, {U'm', U'n'}, {U'n', U'm'}, {U'b', U'p'}, {U'p', U'b'},
      {U'v', U'f'}, {U'f', U'v'}, {U'i', U'e'}};
  return ru ? kRu : kEn;
}

}  // namespace

std::string SpokenForm(std::string_view line, const std::string& lang) {
  bool ru = lang != "en";
  std::u32string s = text::Decode(SpellSigns(text::Lower(line), ru));
  std::string out;
  auto word = [&](const std::string& w) {
    if (w.empty()) return;
    out += ' ';
    out += w;
    out += ' ';
  };
  size_t i = 0;
  while (i < s.size()) {
    char32_t c = s[i];
    if (!IsDigit(c)) {
      // "м2"/"m2" after a number is a unit, not a digit to spell.
      if ((c == U'м' || c == U'm') && i + 1 < s.size() && s[i + 1] == U'2' &&
          (i + 2 >= s.size() || (!IsLetter(s[i + 2]) && !IsDigit(s[i + 2]))) &&
          (i == 0 || !IsLetter(s[i - 1]))) {
        word(ru ? "квадратных метров" : "square meters");
        i += 2;
        continue;
      }
      bool joiner = (c == U'-' || c == U'\'') && i > 0 && i + 1 < s.size() && IsLetter(s[i - 1]) &&
                    IsLetter(s[i + 1]);
      if (IsLetter(c) || joiner) {
        out += text::Encode(std::u32string(1, c));
      } else {
        out += ' ';
      }
      ++i;
      continue;
    }
    std::u32string a = ReadDigits(s, &i);
    // 10:30 — a clock time.
    if (i + 2 < s.size() && s[i] == U':' && IsDigit(s[i + 1]) && IsDigit(s[i + 2]) &&
        (i + 3 >= s.size() || !IsDigit(s[i + 3]))) {
      std::u32string m = s.substr(i + 1, 2);
      i += 3;
      word(GroupWords(a, ru));
      if (m != U"00") word(GroupWords(m, ru));
      continue;
    }
    // 1,5 / 2.25 — a decimal.
    if (i + 1 < s.size() && (s[i] == U',' || s[i] == U'.') && IsDigit(s[i + 1])) {
      ++i;
      std::u32string f = ReadDigits(s, &i);
      if (f == U"5") {
        if (a == U"1")
          word(ru ? "полтора" : "one and a half");
        else
          word(IntegerWords(a, ru) + (ru ? " с половиной" : " and a half"));
      } else {
        word(IntegerWords(a, ru) + (ru ? " запятая " : " point ") + GroupWords(f, ru));
      }
      continue;
    }
    // 60x60, 60 х 120, 30*60 — a format.
    size_t j = i;
    while (j < s.size() && s[j] == U' ') ++j;
    if (j < s.size() && (s[j] == U'x' || s[j] == U'х' || s[j] == U'*' || s[j] == U'×')) {
      size_t k = j + 1;
      while (k < s.size() && s[k] == U' ') ++k;
      if (k < s.size() && IsDigit(s[k])) {
        i = k;
        std::u32string b = ReadDigits(s, &i);
        word(IntegerWords(a, ru) + (ru ? " на " : " by ") + IntegerWords(b, ru));
        continue;
      }
    }
    word(IntegerWords(a, ru));
  }
  // Collapse spaces.
  std::string res;
  for (const auto& t : text::Tokens(out)) res += (res.empty() ? "" : " ") + t;
  return res;
}

std::string AddNoise(std::string_view line, const std::string& lang, uint64_t seed, uint64_t salt,
                     const NoiseOptions& o) {
  bool ru = lang != "en";
  std::vector<std::string> words = text::Tokens(SpokenForm(line, lang));
  Rng rng(seed * 0x9E3779B97F4A7C15ULL ^ (salt + 0x632BE59BD9B4E019ULL) ^ Fnv1a(line));
  // Every draw happens whatever the outcome, so one decision never shifts the next.
  double confuse = rng.Uniform(), drop = rng.Uniform(), filler = rng.Uniform(),
         filler2 = rng.Uniform();
  uint64_t pick1 = rng.Below(1u << 30), pick2 = rng.Below(1u << 30), pick3 = rng.Below(1u << 30);
  if (confuse < o.confuse_rate) {
    std::vector<size_t> longer;
    for (size_t k = 0; k < words.size(); ++k)
      if (text::Decode(words[k]).size() >= 4) longer.push_back(k);
    if (!longer.empty()) {
      size_t k = longer[pick1 % longer.size()];
      std::u32string w = text::Decode(words[k]);
      std::vector<std::pair<size_t, char32_t>> options;
      for (size_t p = 0; p < w.size(); ++p)
        for (const auto& [from, to] : Confusable(ru))
          if (w[p] == from) options.push_back({p, to});
      if (!options.empty()) {
        auto [p, to] = options[pick2 % options.size()];
        w[p] = to;
        words[k] = text::Encode(w);
      }
    }
  }
  if (drop < o.drop_rate && words.size() >= 4) words.erase(words.begin() + pick3 % words.size());
  static const std::vector<std::string> kRuFillers = {"ну", "э-э", "вот", "как бы", "так", "м-м"};
  static const std::vector<std::string> kEnFillers = {"um", "uh", "well", "like", "you know", "er"};
  const auto& fillers = ru ? kRuFillers : kEnFillers;
  auto insert = [&](uint64_t r) {
    size_t pos = r % (words.size() + 1);
    words.insert(words.begin() + pos, fillers[(r / 7) % fillers.size()]);
  };
  if (filler < o.filler_rate) insert(pick1 / 3 + pick3);
  if (filler2 < o.filler_rate / 3) insert(pick2 / 5 + pick1);
  std::string res;
  for (const auto& w : words) res += (res.empty() ? "" : " ") + w;
  return res;
}

uint64_t NoiseSalt(std::string_view id, int turn) {
  return Fnv1a(id) + 0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(turn + 1);
}

}  // namespace kira::eval
