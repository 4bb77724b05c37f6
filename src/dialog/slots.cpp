#include "dialog/slots.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/lemma.h"
#include "core/text.h"
#include "crm/phone.h"

namespace kira::dialog {

namespace {

bool IsNumber(const std::string& t) {
  if (t.empty()) return false;
  bool dot = false;
  for (char c : t) {
    if (c == '.') {
      if (dot) return false;
      dot = true;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return t.front() != '.' && t.back() != '.';
}

bool StartsWith(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

bool StartsWithAny(const std::string& s, std::initializer_list<const char*> ps) {
  for (const char* p : ps)
    if (StartsWith(s, p)) return true;
  return false;
}

bool OneOf(const std::string& s, std::initializer_list<const char*> ws) {
  for (const char* w : ws)
    if (s == w) return true;
  return false;
}

const std::string& At(const std::vector<std::string>& t, size_t i) {
  static const std::string kEmpty;
  return i < t.size() ? t[i] : kEmpty;
}

// Unit a word stands for, or "". `consumed` is how many tokens the unit takes ("кв м").
std::string UnitWord(const std::vector<std::string>& toks, size_t i, size_t* consumed) {
  *consumed = 1;
  const std::string& w = At(toks, i);
  const std::string& next = At(toks, i + 1);
  if (w.empty()) return "";
  // "кв 40" is a flat number, not square metres.
  if (w == "кв" && IsNumber(next)) return "";
  if (OneOf(w, {"кв", "квм", "sq", "square"})) {
    if (OneOf(next, {"м", "м2", "метров", "метра", "метр", "meters", "metres", "m", "meter",
                     "metre", "ft", "feet"}))
      *consumed = 2;
    return "м2";
  }
  if (OneOf(w, {"м2", "m2", "sqm", "квадрат", "квадрата", "квадратов", "квадратами"}) ||
      StartsWithAny(w, {"метр", "квадратн", "meter", "metre", "квадратик"}))
    return "м2";
  if (OneOf(w, {"м", "m"})) return "м2";
  // Diminutives too ("три пачечки", "коробочку").
  if (StartsWithAny(w, {"короб", "упаков", "пачк", "пачек", "пачеч", "pack", "box", "carton"}))
    return "box";
  if (OneOf(w, {"шт",     "pcs",   "лист",   "листа",  "листов",  "листы",  "мешок",
                "tile",   "tiles", "плиток", "плитки", "плитку",  "плитка", "sheet",
                "sheets", "rolls", "roll",   "length", "lengths", "sack",   "sacks",
                "tin",    "tins",  "kit",    "kits",   "set",     "sets"}) ||
      StartsWithAny(
          w, {"штук", "штуч",     "piece", "мешк",   "мешоч",  "bag",   "ведр",     "bucket",
              "банк", "банок",    "баноч", "рулон",  "тюбик",  "tube",  "картридж", "канистр",
              "tub",  "комплект", "бутыл", "флакон", "bottle", "пакет", "packet"}))
    return "шт";
  if (OneOf(w, {"кг", "kg", "кило"}) || StartsWithAny(w, {"килограм", "kilo"})) return "кг";
  return "";
}

// Words that make the number before them a duration or lead time.
bool DurationWord(const std::string& w) {
  return StartsWithAny(
      w, {"дн", "ден", "недел", "месяц", "час", "минут", "сут", "day", "week", "month", "hour",
          "minute", "year", "лет", "год", "рабоч", "sec", "секунд", "мин"});
}

bool ClockAfter(const std::string& w) {
  return OneOf(
      w, {"утра", "вечера", "дня", "ночи", "am", "pm", "oclock", "o", "часов", "часа", "час", "ч"});
}

bool MoneyWord(const std::string& w) {
  return OneOf(w,
               {"р", "₽", "£", "$", "€", "k", "к", "квид", "quid", "usd", "eur", "gbp", "rub"}) ||
         StartsWithAny(w, {"руб", "тыс", "pound", "dollar", "euro", "евро", "доллар", "фунт", "грн",
                           "тенге", "копе", "pence", "grand"});
}

bool AddressWord(const std::string& w) {
  return OneOf(w, {"ул",       "улица",    "улице",     "улицу",   "улицы",  "пр",       "просп",
                   "пер",      "д",        "дом",       "дома",    "доме",   "кв",       "квартира",
                   "квартиру", "квартире", "корп",      "корпус",  "стр",    "строение", "подъезд",
                   "этаж",     "офис",     "мкр",       "шоссе",   "street", "st",       "road",
                   "rd",       "avenue",   "ave",       "lane",    "ln",     "drive",    "close",
                   "way",      "flat",     "apartment", "apt",     "house",  "unit",     "suite",
                   "floor",    "court",    "crescent",  "terrace", "place",  "gardens",  "grove",
                   "hill",     "row",      "square"}) ||
         StartsWithAny(w, {"проспект", "переул", "бульвар", "набережн", "площад", "микрорайон",
                           "проезд", "тупик", "квартал"});
}

}  // namespace

std::vector<NumberRole> NumberRoles(const std::vector<std::string>& toks) {
  std::vector<NumberRole> role(toks.size(), NumberRole::kNone);
  const size_t n = toks.size();
  // Phone numbers: a run of numbers with 10+ digits in all ("8 916 123 45 67"), or one long one.
  for (size_t i = 0; i < n;) {
    if (!IsNumber(toks[i]) || toks[i].find('.') != std::string::npos) {
      ++i;
      continue;
    }
    size_t j = i, digits = 0;
    while (j < n && IsNumber(toks[j]) && toks[j].find('.') == std::string::npos) {
      digits += toks[j].size();
      ++j;
    }
    bool phone_word = i > 0 && StartsWithAny(toks[i - 1], {"номер", "телефон", "тел", "number",
                                                           "phone", "mobile", "мобильн"});
    if (digits >= 10 || (phone_word && digits >= 6) || (j - i == 1 && toks[i].size() >= 7)) {
      for (size_t k = i; k < j; ++k) role[k] = NumberRole::kPhone;
    }
    i = j;
  }
  // Street, house and flat numbers: numbers within a few words after an address word.
  for (size_t i = 0; i < n; ++i) {
    if (!AddressWord(toks[i])) continue;
    // "3 коробки на этаж" is not an address: only numbers AFTER the address word.
    for (size_t k = i + 1; k < n && k <= i + 4; ++k) {
      if (role[k] != NumberRole::kNone) continue;
      if (IsNumber(toks[k])) {
        size_t used;
        if (!UnitWord(toks, k + 1, &used).empty()) break;  // "на этаж 5 коробок"
        role[k] = NumberRole::kAddress;
      }
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (role[i] != NumberRole::kNone || !IsNumber(toks[i])) continue;
    const std::string& prev = i ? toks[i - 1] : At(toks, n);
    const std::string& next = At(toks, i + 1);
    size_t used;
    bool unit_after = !UnitWord(toks, i + 1, &used).empty();
    // Order and item numbers: "заказ номер 15", "№ 15", "order 1234"; but a unit after the
    // number makes it a quantity ("I want to order ten boxes").
    if (OneOf(prev, {"номер", "no", "number", "артикул", "sku", "код", "№"}) ||
        (OneOf(prev, {"заказ", "заказа", "order"}) && !unit_after)) {
      role[i] = NumberRole::kOther;
      continue;
    }
    if (DurationWord(next) || (OneOf(prev, {"через", "in", "within", "за"}) && !unit_after)) {
      role[i] = NumberRole::kDuration;
      continue;
    }
    if (MoneyWord(next) || OneOf(prev, {"£", "$", "€", "₽", "бюджет", "budget"})) {
      role[i] = NumberRole::kPrice;
      continue;
    }
    if (StartsWith(next, "процент") || next == "%" || next == "percent") {
      role[i] = NumberRole::kOther;
      continue;
    }
    // Clock times: "в 10", "к 18", "at 3", "после 5", "10 утра".
    bool clock_prep = OneOf(prev, {"в", "к", "at", "by", "после", "около", "до", "с", "until",
                                   "till", "after", "before", "around", "from"});
    if (ClockAfter(next) || (clock_prep && !unit_after)) {
      role[i] = NumberRole::kTime;
      // "в 10 30": the minutes too.
      if (i + 1 < n && IsNumber(toks[i + 1]) && toks[i + 1].size() == 2)
        role[i + 1] = NumberRole::kTime;
      continue;
    }
    // Years: "в 2015 году", "2019".
    if (toks[i].size() == 4 &&
        (StartsWith(next, "год") || StartsWith(toks[i], "19") || StartsWith(toks[i], "20"))) {
      role[i] = NumberRole::kOther;
      continue;
    }
    role[i] = NumberRole::kQuantity;
  }
  return role;
}

bool IsFiller(const std::vector<std::string>& toks, size_t i) {
  const std::string& t = toks[i];
  if (OneOf(t, {"ну", "э", "ээ", "эээ", "эм", "мм", "ммм", "хм", "um", "umm", "uh", "uhh", "er",
                "erm", "hmm"}))
    return !(t == "мм" && i > 0 && IsNumber(toks[i - 1]));
  // "м-м" (normalised "м м") hesitates; one "м" after a number is metres.
  return t == "м" && (At(toks, i + 1) == "м" || (i > 0 && toks[i - 1] == "м"));
}

std::vector<std::string> WithoutFillers(const std::vector<std::string>& toks) {
  std::vector<std::string> out;
  out.reserve(toks.size());
  for (size_t i = 0; i < toks.size(); ++i)
    if (!IsFiller(toks, i)) out.push_back(toks[i]);
  return out;
}

// A short code of letters said before its number: "СМ 14", "CT 17", "K 80" (not "на", "of").
static bool CodeLetters(const std::string& t) {
  const size_t n = text::Decode(t).size();
  if (n == 0 || n > 3 || IsNumber(t)) return false;
  if (OneOf(t, {"на",  "в",   "во",  "к",   "ко",  "с",   "со",  "о",   "об", "а",  "у",  "и",
                "не",  "но",  "ну",  "мне", "нам", "вам", "нас", "вас", "их", "ее", "её", "еще",
                "ещё", "как", "так", "вот", "тот", "это", "от",  "до",  "по", "за", "из", "да",
                "нет", "или", "все", "всё", "шт",  "кг",  "мм",  "м",   "л",  "of", "at", "to",
                "in",  "on",  "and", "the", "for", "by",  "a",   "an",  "x",  "or", "me", "us",
                "get", "buy", "say", "its", "is",  "are", "per", "kg",  "mm", "l",  "m",  "pcs"}))
    return false;
  // Cyrillic codes are letters too ("МП 75"); Latin ones letters only.
  return text::HasCyrillic(t) || std::all_of(t.begin(), t.end(), [](char c) {
           return std::isalpha(static_cast<unsigned char>(c));
         });
}

std::vector<bool> NotProductWords(const std::vector<std::string>& toks) {
  std::vector<bool> out(toks.size(), false);
  std::vector<NumberRole> roles = NumberRoles(toks);
  size_t quantities = 0;
  for (NumberRole r : roles) quantities += r == NumberRole::kQuantity;
  for (size_t i = 0; i < toks.size(); ++i) {
    // "клей СМ 14 мешков 10": the number of a code, when another number is the quantity.
    if (roles[i] == NumberRole::kQuantity && quantities > 1 && i > 0 && CodeLetters(toks[i - 1]))
      continue;
    if (text::Decode(toks[i]).size() == 1 && !IsNumber(toks[i])) out[i] = true;
    switch (roles[i]) {
      case NumberRole::kPhone:
      case NumberRole::kTime:
      case NumberRole::kDuration:
      case NumberRole::kPrice:
      case NumberRole::kAddress:
        out[i] = true;
        break;
      case NumberRole::kQuantity: {
        size_t used = 0;
        // "затирка 5 кг": a weight names the pack, a product attribute.
        std::string unit = UnitWord(toks, i + 1, &used);
        if (!unit.empty() && unit != "кг") {
          out[i] = true;
          for (size_t k = i + 1; k < toks.size() && k <= i + used; ++k) out[k] = true;
        }
        break;
      }
      default:
        break;
    }
  }
  return out;
}

bool TakesBack(const std::string& t) {
  return OneOf(t, {"нет",    "ой",        "стоп",       "точнее",    "вернее",   "хотя",   "лучше",
                   "вместо", "передумал", "передумала", "подождите", "погодите", "no",     "wait",
                   "mean",   "sorry",     "make",       "rather",    "actually", "instead"});
}

bool AddsTo(const std::string& t) {
  return OneOf(t, {"ещё", "еще", "также", "тоже", "плюс", "also", "too", "plus"});
}

std::optional<Quantity> ExtractQuantity(const std::string& canonical, bool bare_allowed) {
  std::vector<std::string> toks = WithoutFillers(text::Tokens(canonical));
  std::vector<NumberRole> roles = NumberRoles(toks);
  std::optional<Quantity> best, bare;
  size_t best_at = 0;
  // A word between two numbers that takes the first back.
  auto taken_back = [&](size_t from, size_t to) {
    for (size_t k = from + 1; k < to; ++k) {
      if (TakesBack(toks[k])) return true;
      // "пятнадцать мешков, не-не, восемнадцать"
      if (toks[k] == "не" && k + 1 < to && toks[k + 1] == "не") return true;
    }
    return false;
  };
  auto half_after = [&](size_t i) {  // "2 с половиной", "2 and a half"
    if (At(toks, i + 1) == "с" && StartsWith(At(toks, i + 2), "половин")) return size_t{2};
    if (At(toks, i + 1) == "and" && At(toks, i + 2) == "a" && At(toks, i + 3) == "half")
      return size_t{3};
    return size_t{0};
  };
  std::optional<Quantity> one_pack;  // "a bag of spacers", "a tub of adhesive": one
  for (size_t i = 0; i < toks.size(); ++i) {
    const std::string& t = toks[i];
    if ((t == "a" || t == "an") && !one_pack) {
      size_t used;
      std::string u = UnitWord(toks, i + 1, &used);
      if ((u == "шт" || u == "box") && At(toks, i + 1 + used) == "of") one_pack = Quantity{1, u};
    }
    // "пару коробок", "парочку белых плиток", "a couple of boxes", "a dozen tiles".
    double word_value = 0;
    if (OneOf(t, {"пару", "пара", "парочку", "пары", "couple"})) word_value = 2;
    if (OneOf(t, {"полсотни", "полсотня", "полтинник"})) word_value = 50;
    if (OneOf(t, {"сотню", "сотня", "сотни"}) && !(i > 0 && IsNumber(toks[i - 1])))
      word_value = 100;
    if (OneOf(t, {"dozen", "dozens", "десяток", "десятка", "десятков"}))
      word_value = StartsWith(t, "dozen") ? 12 : 10;
    // "полтора десятка", "два десятка", "two dozen", "half a dozen": the number counts tens.
    if (word_value > 2 && i > 0) {
      if (IsNumber(toks[i - 1]) && roles[i - 1] == NumberRole::kQuantity)
        word_value *= std::atof(toks[i - 1].c_str());
      else if (toks[i - 1] == "a" && At(toks, i - 2) == "half")
        word_value /= 2;
      else if (OneOf(toks[i - 1], {"пару", "пара", "couple"}))
        word_value *= 2;
    }
    if (word_value > 0) {
      size_t k = i + 1;
      if (At(toks, k) == "of") ++k;
      bool unit = false;
      for (size_t skip = 0; skip < 2 && k < toks.size() && !unit; ++skip) {
        size_t used;
        std::string u = UnitWord(toks, k, &used);
        if (!u.empty()) {
          best = Quantity{word_value, u};
          unit = true;
        }
        ++k;  // one adjective: "пару белых плиток"
      }
      // "квадратов полсотни": the unit before.
      if (!unit && i > 0 && word_value >= 50) {
        size_t u1;
        std::string before = UnitWord(toks, i - 1, &u1);
        if (!before.empty() && toks[i - 1] != "м" && toks[i - 1] != "m") {
          best = Quantity{word_value, before};
          unit = true;
        }
      }
      // "полтора десятка", "a dozen": a count of items.
      if (!unit && word_value > 2) best = Quantity{word_value, "шт"};
      continue;
    }
    if (!IsNumber(t) || roles[i] != NumberRole::kQuantity) continue;
    double v = std::atof(t.c_str());
    if (v <= 0) continue;
    size_t at = i + 1;
    if (size_t h = half_after(i)) {
      v += 0.5;
      at = i + 1 + h;
    }
    size_t used;
    std::string u = UnitWord(toks, at, &used);
    // "20 квадратных метров", "6 больших коробок": one adjective before the unit.
    if (u.empty() && at + 1 < toks.size() && !IsNumber(At(toks, at))) {
      std::string u2 = UnitWord(toks, at + 1, &used);
      const std::string& adj = At(toks, at);
      bool adjective =
          adj.size() > 4 && (adj.ends_with("ых") || adj.ends_with("их") || adj.ends_with("ые") ||
                             adj.ends_with("ие") || adj.ends_with("ой") || adj.ends_with("ую") ||
                             adj.ends_with("ая") || adj.ends_with("ый"));
      if (!u2.empty() && adjective) u = u2;
    }
    // "квадратов сорок", "коробок пять": the unit before the number (not a bare "м").
    if (u.empty() && i > 0) {
      size_t u1;
      std::string before = UnitWord(toks, i - 1, &u1);
      if (!before.empty() && toks[i - 1] != "м" && toks[i - 1] != "m") u = before;
    }
    // "четыре пачки по два кило", "four bags of 25 kg": the weight of each pack, not how many.
    const bool pack_size = best && u == "кг" && i > 0 && OneOf(toks[i - 1], {"по", "of"});
    if (pack_size) continue;
    if (!u.empty()) {
      best = Quantity{v, u};  // the last stated quantity wins (corrections)
      best_at = i;
    } else if (best && taken_back(best_at, i)) {
      // "семь мешков, ой нет, девять", "three bags, no wait, make it five": the number said
      // after taking the quantity back replaces it, in the same unit.
      best = Quantity{v, best->unit};
      best_at = i;
    } else {
      bare = Quantity{v, ""};
    }
  }
  if (best) return best;
  if (one_pack) return one_pack;
  if (bare_allowed && bare) return bare;
  return std::nullopt;
}

std::optional<Quantity> ExtractCount(const std::string& original,
                                     const std::function<bool(const std::string&)>& product_word) {
  // The turn's clauses (split at punctuation), their tokens laid end to end so that every token
  // knows its clause.
  std::vector<std::string> toks;
  std::vector<size_t> clause_of;
  {
    std::string cur;
    size_t clause = 0;
    auto flush = [&] {
      for (auto& t : WithoutFillers(text::Tokens(text::Canonical(cur)))) {
        toks.push_back(std::move(t));
        clause_of.push_back(clause);
      }
      cur.clear();
      ++clause;
    };
    for (char c : original) {
      if (c == ',' || c == '.' || c == ';' || c == '!' || c == '?' || c == ':')
        flush();
      else
        cur.push_back(c);
    }
    flush();
  }
  const size_t n = toks.size();
  std::vector<NumberRole> roles = NumberRoles(toks);
  auto connector = [](const std::string& w) { return OneOf(w, {"на", "x", "х", "by", "на", "*"}); };
  // Words that may stand beside a count in its own clause: "один, пожалуйста", "just one".
  auto light = [](const std::string& w) {
    return OneOf(w, {"пожалуйста", "всего", "только", "ещё", "еще", "штучку", "please", "just",
                     "only", "then", "и", "and", "нужно", "нужен", "нужна", "надо", "need"});
  };
  // Per clause, how many of its words are not light (counted once: a turn is read in linear
  // time, however many numbers it has).
  std::vector<size_t> heavy(n ? clause_of.back() + 1 : 0, 0);
  for (size_t j = 0; j < n; ++j)
    if (!light(toks[j])) ++heavy[clause_of[j]];
  std::optional<Quantity> out;
  for (size_t i = 0; i < n; ++i) {
    const std::string& t = toks[i];
    double v = 0;
    if (OneOf(t, {"пару", "пара", "парочку", "couple"}))
      v = 2;
    else if (IsNumber(t) && roles[i] == NumberRole::kQuantity && t.find('.') == std::string::npos)
      v = std::atof(t.c_str());
    if (v <= 0 || v > 1000) continue;
    // "170 на 70", "60 by 60": a format.
    if ((connector(At(toks, i + 1)) && IsNumber(At(toks, i + 2))) ||
        (i >= 2 && connector(toks[i - 1]) && IsNumber(toks[i - 2])))
      continue;
    size_t used;
    if (!UnitWord(toks, i + 1, &used).empty()) continue;  // ExtractQuantity's case
    // "два унитаза", "пару белых смесителей", "four of the white ones".
    size_t k = i + 1;
    if (At(toks, k) == "of") ++k;
    if (At(toks, k) == "the") ++k;
    bool before_product =
        (k < n && clause_of[k] == clause_of[i] && product_word(toks[k])) ||
        (k + 1 < n && clause_of[k + 1] == clause_of[i] && product_word(toks[k + 1]));
    // "Унитаз Сантек Римини, один": the clause is the count.
    bool alone = heavy[clause_of[i]] == (light(t) ? 0 : 1);
    // "ванну кальдевай стальную одну" (no punctuation): a small count ends the turn after a word.
    // (Russian only: "the matte one" is a pronoun.)
    bool last = i + 1 == n && i > 0 && v <= 10 && text::Decode(toks[i - 1]).size() > 2 &&
                text::HasCyrillic(toks[i - 1]) && !IsNumber(toks[i - 1]) &&
                roles[i] == NumberRole::kQuantity;
    if (before_product || alone || last) out = Quantity{v, "шт"};
  }
  return out;
}

std::optional<std::string> ExtractName(const std::string& original, bool awaiting,
                                       const std::vector<std::string>& known_names) {
  std::string canon = text::Normalize(original);
  std::vector<std::string> lower = text::Tokens(canon);
  // Keep the caller's capitalisation: tokens of the original in the same order.
  std::vector<std::string> orig;
  // Where each of those tokens starts and ends in the original (bytes): the punctuation between
  // two tokens is read from there ("It's" is the token "Its").
  std::vector<std::pair<size_t, size_t>> span;
  {
    std::u32string u = text::Decode(original);
    std::u32string cur;
    size_t byte = 0, start = 0;
    auto flush = [&] {
      if (!cur.empty()) {
        orig.push_back(text::Encode(cur));
        span.emplace_back(start, byte);
      }
      cur.clear();
    };
    for (char32_t c : u) {
      size_t len = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      bool letter = (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') ||
                    (c >= 0x410 && c <= 0x44F) || c == 0x401 || c == 0x451 || c == U'-' ||
                    (c >= U'0' && c <= U'9');
      if (letter) {
        if (cur.empty()) start = byte;
        cur.push_back(c);
      } else if (c != U'\'' && c != U'’') {  // "name's" → "names"
        flush();
      }
      byte += len;
    }
    flush();
  }
  if (orig.size() != lower.size()) {
    orig = lower;
    span.clear();
  }
  // Hesitations go ("меня зовут ну Кирилл", "this is um Dave"); the gap before the next word
  // then spans the hesitation, punctuation included.
  {
    std::vector<std::string> l2, o2;
    std::vector<std::pair<size_t, size_t>> s2;
    for (size_t i = 0; i < lower.size(); ++i) {
      if (IsFiller(lower, i)) continue;
      l2.push_back(lower[i]);
      o2.push_back(orig[i]);
      if (!span.empty()) s2.push_back(span[i]);
    }
    lower = std::move(l2);
    orig = std::move(o2);
    span = std::move(s2);
  }
  // The original text between the k-th token and the one before it ("" when unknown).
  auto gap_before = [&](size_t k) -> std::string {
    if (k == 0 || k >= span.size()) return "";
    return original.substr(span[k - 1].second, span[k].first - span[k - 1].second);
  };
  auto cap = [](std::string s) {
    std::u32string u = text::Decode(s);
    if (!u.empty()) {
      char32_t& c = u[0];
      if (c >= U'a' && c <= U'z')
        c -= 32;
      else if (c >= 0x430 && c <= 0x44F)
        c -= 32;
      else if (c == 0x451)
        c = 0x401;
    }
    return text::Encode(u);
  };
  // Words that are never a name.
  static const std::vector<std::string> kNotName = {
      "я",         "меня",     "мое",         "моё",       "имя",         "i",
      "am",        "im",       "it",          "is",        "its",         "my",
      "name",      "ну",       "да",          "well",      "yes",         "нет",
      "no",        "вот",      "так",         "a",         "the",         "это",
      "тут",       "здесь",    "сам",         "сама",      "хочу",        "думаю",
      "буду",      "бы",       "не",          "уже",       "ещё",         "еще",
      "по",        "из",       "с",           "на",        "looking",     "calling",
      "just",      "not",      "sure",        "here",      "interested",  "after",
      "going",     "trying",   "ringing",     "wondering", "afraid",      "sorry",
      "ok",        "okay",     "fine",        "good",      "happy",       "заберу",
      "возьму",    "беру",     "приеду",      "подъеду",   "хотел",       "хотела",
      "звоню",     "ищу",      "интересуюсь", "спрашиваю", "уточнить",    "вам",
      "вас",       "только",   "тоже",        "сейчас",    "все",         "верно",
      "конечно",   "хорошо",   "ладно",       "правильно", "отлично",     "спасибо",
      "нормально", "угу",      "ага",         "давайте",   "оформляйте",  "самовывоз",
      "доставка",  "yeah",     "yep",         "sure",      "right",       "correct",
      "thanks",    "thank",    "pickup",      "delivery",  "collect",     "записывайте",
      "пишите",    "запишите", "зовите",      "называйте", "обращайтесь", "можно",
      "просто",    "зачем",    "почему",      "что",       "как",         "скажу",
      "тогда",     "пока",     "put",         "under",     "write",       "speaking",
      "call",      "why",      "what",        "down",      "me",          "name",
      "of",        "знаю",     "скажу",       "помню",     "важно",       "неважно",
      "зачем",     "know",     "dont",        "rather",    "say",         "секрет",
      "mr",        "mrs",      "ms",          "miss",      "dr",          "mister",
      "missus",    "monday",   "tuesday",     "wednesday", "thursday",    "friday",
      "saturday",  "sunday",   "today",       "tomorrow",  "беспокоит",   "беспокою",
      "back",      "later",    "again",       "up"};
  // "Не знаю", "а зачем вам?", "не скажу", "I'd rather not say": no name at all.
  for (size_t i = 0; i < lower.size(); ++i) {
    const std::string& w = lower[i];
    const std::string& next = At(lower, i + 1);
    if (w == "зачем" || (w == "не" && OneOf(next, {"знаю", "скажу", "помню", "важно", "буду"})) ||
        (w == "dont" && OneOf(next, {"know", "want"})) || (w == "rather" && next == "not"))
      return std::nullopt;
  }
  auto is_name_word = [&](size_t k) {
    if (k >= lower.size()) return false;
    const std::string& w = lower[k];
    if (text::Decode(w).size() < 2 || std::isdigit(static_cast<unsigned char>(w[0]))) return false;
    if (IsNumber(text::NumberWordsToDigits(w))) return false;  // "it's ten" is no name
    return std::find(kNotName.begin(), kNotName.end(), w) == kNotName.end();
  };
  // Capitalised in the original, or a first name the agent's data lists (a recogniser writes
  // "sam here", "this is david" in lower case).
  auto capitalised = [&](size_t k) {
    if (k >= orig.size()) return false;
    if (k < lower.size() &&
        std::find(known_names.begin(), known_names.end(), lower[k]) != known_names.end())
      return true;
    std::u32string u = text::Decode(orig[k]);
    return !u.empty() &&
           ((u[0] >= U'A' && u[0] <= U'Z') || (u[0] >= 0x410 && u[0] <= 0x42F) || u[0] == 0x401);
  };
  // Whether the k-th word is followed by sentence punctuation (or ends the text) in the original.
  auto ends_sentence = [&](size_t k) {
    if (k + 1 >= lower.size()) return true;
    if (!span.empty()) {
      std::string g = gap_before(k + 1);
      size_t p = g.find_first_not_of(' ');
      return p != std::string::npos && std::string(".,!?;").find(g[p]) != std::string::npos;
    }
    size_t pos = 0;
    for (size_t j = 0; j <= k; ++j) {
      size_t p = original.find(orig[j], pos);
      if (p == std::string::npos) return false;
      pos = p + orig[j].size();
    }
    while (pos < original.size() && original[pos] == ' ') ++pos;
    return pos < original.size() && std::string(".,!?;").find(original[pos]) != std::string::npos;
  };
  // Whether the k-th word is a greeting or a yes that may open a self-introduction.
  auto greeting = [&](size_t k) {
    return k < lower.size() &&
           OneOf(lower[k], {"hi", "hello", "hey", "yes", "yeah", "yep", "ok", "okay", "morning",
                            "afternoon", "evening", "sure", "right", "oh", "well", "there"});
  };
  // Whether sentence or clause punctuation stands right before the k-th word in the original.
  auto after_punct = [&](size_t k, const char* marks) {
    return gap_before(k).find_first_of(marks) != std::string::npos;
  };
  // Whether a comma stands right before the k-th word in the original.
  auto after_comma = [&](size_t k) {
    if (k == 0 || k >= orig.size()) return false;
    if (!span.empty()) return gap_before(k).find(',') != std::string::npos;
    size_t pos = 0;
    for (size_t j = 0; j < k; ++j) {
      size_t p = original.find(orig[j], pos);
      if (p == std::string::npos) return false;
      pos = p + orig[j].size();
    }
    size_t p = original.find(orig[k], pos);
    return p != std::string::npos && original.substr(pos, p - pos).find(',') != std::string::npos;
  };
  // A Russian name in its dictionary form ("Кирилла" → "Кирилл"), else as said, capitalised.
  auto as_name = [&](size_t k) {
    std::string l = text::ProperNounLemma(lower[k]);
    return l.empty() ? cap(orig[k]) : l;
  };
  // A word the dictionary knows neither as a name nor as any other word: a name it lacks
  // ("Ильнур", "Айгуль"), as a recogniser writes it in lower case.
  auto unknown_word = [&](size_t k) {
    return k < lower.size() && is_name_word(k) && text::HasCyrillic(lower[k]) &&
           text::Decode(lower[k]).size() >= 3 && text::Lemmas(lower[k]).empty() &&
           text::ProperNounLemma(lower[k]).empty();
  };
  // The same after "на" (accusative): "запишите на Ильнура" → Ильнур, "на Айсылу" → Айсылу is
  // left as said, "на Гульнару" → Гульнара.
  auto accusative_name = [&](size_t k) {
    std::u32string u = text::Decode(lower[k]);
    if (u.size() >= 4 && u.back() == U'у' && u[u.size() - 2] != U'у' && u[u.size() - 2] != U'ы')
      u.back() = U'а';
    else if (u.size() >= 4 && u.back() == U'ю')
      u.back() = U'я';
    else if (u.size() >= 5 && u.back() == U'а' &&
             std::u32string(U"аеёиоуыэюяьй").find(u[u.size() - 2]) == std::u32string::npos)
      u.pop_back();
    return cap(text::Encode(u));
  };
  for (size_t i = 0; i < lower.size(); ++i) {
    size_t at = std::string::npos;
    const std::string& w = lower[i];
    if (w == "зовут" && i + 1 < lower.size()) at = i + 1;
    if (w == "меня" && At(lower, i + 2) == "зовут") at = i + 1;  // "меня Кирилл зовут"
    if (w == "name" && At(lower, i + 1) == "is") at = i + 2;
    if (w == "names" && i + 1 < lower.size()) at = i + 1;  // "the name's Tom"
    if ((w == "имя" || w == "фамилия") && i + 1 < lower.size() && i > 0 &&
        OneOf(lower[i - 1], {"на", "мое", "моё"})) {
      at = i + 1;
      // "на имя мужа, Олег": the relative's name after.
      if (OneOf(lower[at], {"мужа", "жены", "сына", "дочери", "дочки", "мамы", "папы", "брата",
                            "сестры", "отца", "матери", "супруга", "супруги", "тещи", "тёщи"}) &&
          at + 1 < lower.size())
        ++at;
    }
    // "put it under my husband's name, Conor": the name last, after "name".
    if (w == "name" && i + 2 == lower.size() && is_name_word(i + 1) &&
        (capitalised(i + 1) ||
         std::find(known_names.begin(), known_names.end(), lower[i + 1]) != known_names.end()))
      at = i + 1;
    if (w == "это" && i == 0 && lower.size() >= 2 && lower.size() <= 3) at = 1;
    if (w == "this" && i == 0 && At(lower, 1) == "is" && lower.size() <= 4) at = 2;
    if (w == "call" && At(lower, i + 1) == "me" && i + 2 < lower.size()) at = i + 2;
    // "я Кирилл", "I'm Tom": only a capitalised word in the original, or a short reply.
    // "я Кирилл", "I'm Tom": only a word capitalised in the original ("я думаю" is no name).
    if ((w == "я" || w == "im") && is_name_word(i + 1) &&
        (capitalised(i + 1) || (w == "я" && !text::ProperNounLemma(lower[i + 1]).empty())))
      at = i + 1;
    // "…, я рамиль" as a recogniser writes it: a last word the dictionary does not know as any
    // ordinary word ("я заберу", "я думаю" are known) is a name it lacks.
    if (w == "я" && i + 2 == lower.size() && is_name_word(i + 1) &&
        text::HasCyrillic(lower[i + 1]) && text::Decode(lower[i + 1]).size() >= 3 &&
        text::Lemmas(lower[i + 1]).empty())
      at = i + 1;
    // "зовите меня Кирилл", "call me Tom" (above), "запишите на Кирилла", "put it under Tom",
    // "under the name of Tom", "Tom here", "Tom speaking".
    if ((w == "зовите" || w == "называйте") && At(lower, i + 1) == "меня") at = i + 2;
    if (OneOf(w, {"запишите", "записывайте", "оформите", "оформляйте", "пишите"}) &&
        At(lower, i + 1) == "на" &&
        (capitalised(i + 2) || !text::ProperNounLemma(At(lower, i + 2)).empty()))
      at = i + 2;
    if (OneOf(w, {"запишите", "записывайте", "оформите", "оформляйте", "пишите"}) &&
        At(lower, i + 1) == "на" && !capitalised(i + 2) && unknown_word(i + 2))
      return accusative_name(i + 2);
    // "это ольга" in lower case: a name the dictionary knows, ending the turn.
    if (w == "это" && i + 2 == lower.size() && is_name_word(i + 1) &&
        !text::ProperNounLemma(lower[i + 1]).empty())
      at = i + 1;
    // "i'm john", "this is john" in lower case (no capital to go by): a short word ending the
    // turn or followed by "and"/"from"/"calling".
    if ((w == "im" || (w == "is" && i == 1 && lower[0] == "this")) && is_name_word(i + 1) &&
        !text::HasCyrillic(lower[i + 1]) && !lower[i + 1].ends_with("ing") &&
        !OneOf(lower[i + 1],
               {"busy",  "ready", "done",      "back",   "confused", "free", "available", "out",
                "away",  "in",    "at",        "on",     "off",      "late", "lost",      "new",
                "there", "home",  "listening", "afraid", "glad",     "fine", "good"}) &&
        (i + 2 == lower.size() || OneOf(At(lower, i + 2), {"and", "from", "calling", "here"})))
      at = i + 1;
    if (w == "under") {
      size_t k = i + 1;
      if (At(lower, k) == "the" && At(lower, k + 1) == "name") k += 2;
      if (At(lower, k) == "of") ++k;
      if (capitalised(k)) at = k;
    }
    // "Sam here", "Hi, Sam here, I need…", "yes, Tom speaking".
    if (i >= 1 && OneOf(w, {"here", "speaking"}) && capitalised(i - 1) &&
        (i == 1 || greeting(i - 2)))
      at = i - 1;
    // "yes, it's Viktor, I'll collect it", "yeah it's david": a word after "it's" that is
    // capitalised or ends the clause, and is no street ("it's Baker Street") or state word.
    if (w == "its" && is_name_word(i + 1) && !text::HasCyrillic(lower[i + 1]) &&
        (i == 0 || greeting(i - 1)) && !AddressWord(At(lower, i + 2)) &&
        !OneOf(lower[i + 1],
               {"for",    "about", "too",  "very",  "really",  "quite", "ok",    "alright",
                "urgent", "fine",  "good", "great", "correct", "wrong", "right", "all",
                "that",   "this",  "just", "only",  "me",      "him",   "her",   "us"}) &&
        (capitalised(i + 1) || ends_sentence(i + 1)))
      at = i + 1;
    // "Hello, this is Grace, I want…": a capitalised word after "this is" ending the clause.
    if (w == "this" && At(lower, i + 1) == "is" && (i == 0 || greeting(i - 1)) &&
        capitalised(i + 2) && !AddressWord(At(lower, i + 3)) &&
        (ends_sentence(i + 2) || OneOf(At(lower, i + 3), {"from", "calling", "here", "and", "i",
                                                          "im", "ive", "id", "ill", "we"})))
      at = i + 2;
    // "да, доставка на Молодёжную 5, Вероника": a first name the dictionary knows, said last
    // after a comma and capitalised.
    if (i + 1 == lower.size() && i >= 2 && capitalised(i) && is_name_word(i) &&
        text::HasCyrillic(lower[i]) && !text::ProperNounLemma(lower[i]).empty() && after_comma(i) &&
        !AddressWord(lower[i - 1]) &&
        !OneOf(lower[i - 1], {"на", "в", "по", "до", "к", "у", "от", "из", "с"}))
      at = i;
    // "Кирилл меня зовут", "Ольга меня зовут. Монте тиберио…": the capitalised word before.
    if (w == "меня" && At(lower, i + 1) == "зовут" && i > 0 && is_name_word(i - 1) &&
        capitalised(i - 1) && ends_sentence(i + 1))
      at = i - 1;
    // "Добрый день, это Ольга.": a capitalised word after "это" that ends the sentence.
    if (w == "это" && i + 1 < lower.size() && capitalised(i + 1) && ends_sentence(i + 1))
      at = i + 1;
    // "Mrs Patel", "it's Mr Davies", "Dr Khan here": the surname after a title.
    if (OneOf(w, {"mr", "mrs", "ms", "miss", "dr", "mister", "missus"}) && is_name_word(i + 1) &&
        !text::HasCyrillic(lower[i + 1]) &&
        (capitalised(i + 1) || i == 0 || greeting(i - 1) ||
         OneOf(At(lower, i - 1), {"its", "is", "im"}) ||
         OneOf(At(lower, i + 2), {"here", "speaking"})))
      at = i + 1;
    // "Morning, Sarah Jenkins speaking", "Mr Davies here": a first and last name, or a title
    // and a surname, before "here"/"speaking".
    if (i >= 2 && OneOf(w, {"here", "speaking"}) && capitalised(i - 1) && is_name_word(i - 1) &&
        (i == 2 || greeting(i - 3) || after_punct(i - 2, ".,!?;"))) {
      if (OneOf(lower[i - 2], {"mr", "mrs", "ms", "miss", "dr", "mister", "missus"}))
        at = i - 1;
      else if (capitalised(i - 2) && is_name_word(i - 2) && !greeting(i - 2))
        at = i - 2;
    }
    // "…, Chapel Lane. It's Graham.", "yes please, I'll collect, it's Ben": "it's" opening a
    // sentence or clause, a capitalised (or known) name ending it.
    if (w == "its" && i > 0 && after_punct(i, ".,!?;") && is_name_word(i + 1) &&
        !text::HasCyrillic(lower[i + 1]) && capitalised(i + 1) && ends_sentence(i + 1) &&
        !AddressWord(At(lower, i + 2)))
      at = i + 1;
    // "hi yeah this is jamie i need…": a known first name after "this is" at the start.
    if (w == "is" && i >= 1 && lower[i - 1] == "this" && (i == 1 || greeting(i - 2)) &&
        is_name_word(i + 1) && !text::HasCyrillic(lower[i + 1]) && capitalised(i + 1) &&
        OneOf(At(lower, i + 2), {"i", "im", "ive", "id", "ill", "we", "and", "from", "calling",
                                 "here", "speaking", "just"}))
      at = i + 1;
    // "Здравствуйте, Нина Петровна беспокоит": the name before "беспокоит".
    if ((w == "беспокоит" || w == "беспокою") && i >= 1) {
      size_t k = i - 1;
      // A patronymic ("Петровна", "Ильич") or a surname after the first name.
      if (k >= 1 && capitalised(k - 1) && is_name_word(k - 1)) --k;
      if (is_name_word(k) && (capitalised(k) || !text::ProperNounLemma(lower[k]).empty())) at = k;
    }
    // "алло здравствуйте это андрей мне ванну…": a first name the dictionary or the list knows
    // after "это" opening the turn (or after a greeting).
    if (w == "это" && is_name_word(i + 1) && text::HasCyrillic(At(lower, i + 1)) &&
        (i == 0 || OneOf(lower[i - 1], {"алло", "здравствуйте", "здрасьте", "день", "вечер", "утро",
                                        "привет", "да"})) &&
        std::find(known_names.begin(), known_names.end(), lower[i + 1]) != known_names.end())
      at = i + 1;
    // "…, заберу со склада, Азат": a capitalised word ending the turn after a comma that the
    // list knows or the dictionary knows as no ordinary word.
    if (i + 1 == lower.size() && i >= 2 && capitalised(i) && is_name_word(i) &&
        text::HasCyrillic(lower[i]) && after_comma(i) && !AddressWord(lower[i - 1]) &&
        !OneOf(lower[i - 1], {"на", "в", "по", "до", "к", "у", "от", "из", "с"}) &&
        (unknown_word(i) ||
         std::find(known_names.begin(), known_names.end(), lower[i]) != known_names.end()))
      at = i;
    if (at != std::string::npos && at < lower.size() && is_name_word(at)) return as_name(at);
  }
  // "Руслан" alone to "shall I place the order?": a first name the list knows, said as the
  // whole turn, is the name whatever was asked.
  if (!awaiting && lower.size() == 1 && is_name_word(0) &&
      std::find(known_names.begin(), known_names.end(), lower[0]) != known_names.end())
    return as_name(0);
  if (awaiting && !lower.empty() && lower.size() <= 3) {
    for (size_t i = 0; i < lower.size(); ++i) {
      if (!is_name_word(i)) {
        if (IsNumber(lower[i])) return std::nullopt;
        continue;
      }
      return as_name(i);
    }
  }
  // A longer answer to "what is your name?": the first word the dictionary knows as a name
  // ("да, записывайте, Валерий Петрович"), or a capitalised Latin word after the first.
  if (awaiting && lower.size() > 3 && lower.size() <= 12) {
    for (size_t i = 0; i < lower.size(); ++i) {
      if (!is_name_word(i)) continue;
      // "Priya, like I said": a first name the list knows opening the turn as a clause.
      bool listed_first =
          i == 0 && ends_sentence(0) &&
          std::find(known_names.begin(), known_names.end(), lower[0]) != known_names.end();
      if (!text::ProperNounLemma(lower[i]).empty() || listed_first ||
          (i > 0 && !text::HasCyrillic(lower[i]) && capitalised(i)))
        return as_name(i);
    }
  }
  return std::nullopt;
}

std::optional<std::string> ExtractFulfilment(const std::string& canonical) {
  std::vector<std::string> toks = text::Tokens(canonical);
  std::optional<std::string> out;
  for (size_t i = 0; i < toks.size(); ++i) {
    const std::string& t = toks[i];
    // The last one said wins: "доставка... нет, лучше заберу сам".
    if (StartsWithAny(t, {"самовывоз", "заберу", "забер", "заберем", "приеду", "подъеду",
                          "подъедем", "приедем", "заеду", "заедем", "забрать", "заскоч", "подскоч",
                          "забираю", "забирать", "забирае"}) ||
        OneOf(t, {"pickup", "collect", "collecting", "collected"}))
      out = "pickup";
    // "я сам приеду со склада", "со склада заберу": from the warehouse.
    if (t == "со" && StartsWith(At(toks, i + 1), "склад")) out = "pickup";
    // "I'll swing by", "nip down with the van", "pop into the yard", "call in for it".
    if (OneOf(t, {"swing", "nip", "pop", "popping", "nipping", "call"}) &&
        OneOf(At(toks, i + 1), {"by", "in", "into", "down", "round", "over", "along", "up"}) &&
        !(t == "call" && OneOf(At(toks, i + 1), {"up", "back", "over"})))
      out = "pickup";
    if (t == "come" && OneOf(At(toks, i + 1), {"and", "to"}) &&
        OneOf(At(toks, i + 2), {"get", "grab", "fetch", "collect", "pick"}))
      out = "pickup";
    if (t == "come" && OneOf(At(toks, i + 1), {"get", "grab", "fetch", "collect"}))
      out = "pickup";  // "I'll come get it"
    // "for collection", "collection please", but not "the Loft collection" (a series).
    if (t == "collection" && (i == 0 || OneOf(At(toks, i - 1), {"for", "on", "is", "its", "and",
                                                                "do", "as", "by", "click"})))
      out = "pickup";
    if (t == "pick" && At(toks, i + 1) == "up") out = "pickup";
    if (t == "pick" && At(toks, i + 2) == "up") out = "pickup";
    if ((t == "come" || t == "pop") && (At(toks, i + 1) == "in" || At(toks, i + 1) == "by" ||
                                        At(toks, i + 1) == "and" || At(toks, i + 1) == "over"))
      out = "pickup";
    // "когда привезут?" is about the stock arriving, not a delivery to the caller.
    bool arrival = OneOf(t, {"привезут", "привезли", "привезет", "привезёт", "привозят"});
    bool visit = t == "drop" && OneOf(At(toks, i + 1), {"by", "in", "round"});
    if (visit) out = "pickup";
    if (!arrival && !visit &&
        (StartsWithAny(t, {"доставк", "доставьте", "доставит", "доставлять", "привез", "привоз",
                           "везите", "завезит", "подвезит", "довезит", "deliver"}) ||
         OneOf(t, {"delivery", "delivered", "bring", "drop"})))
      out = "delivery";
  }
  return out;
}

namespace {

// Whether a normalised token is a number, in digits or in words ("двенадцать", "twelve").
bool NumberToken(const std::string& t) {
  return IsNumber(t) || IsNumber(text::NumberWordsToDigits(t));
}

// Where the address ends: a clause giving the caller's name ("…, я Рамиль", "меня зовут …",
// "my name is …") or another sentence.
std::string CutAddressTail(std::string rest) {
  size_t end = rest.find_first_of("!?;");
  if (end != std::string::npos) rest = rest.substr(0, end);
  std::string low = text::Lower(rest);
  if (low.size() == rest.size()) {
    static const char* kTails[] = {", я ",      " я ",      ", меня ",  " меня зовут", " зовут ",
                                   ", my name", " my name", ", i'm ",   " i am ",      ", it's ",
                                   ", this is", ", имя ",   " на имя ", ", name "};
    size_t cut = std::string::npos;
    for (const char* t : kTails) {
      size_t p = low.find(t);
      if (p != std::string::npos && p > 0) cut = std::min(cut, p);
    }
    if (cut != std::string::npos) rest = rest.substr(0, cut);
  }
  rest = text::Trim(rest);
  while (!rest.empty() && (rest.back() == '.' || rest.back() == ',')) rest.pop_back();
  return text::Trim(rest);
}

// "доставьте на Садовую, 12", "привезите по адресу …", "deliver to 4 Mill Lane": what follows
// a delivery lead-in, when a number (a house) comes within a few words.
std::optional<std::string> AddressAfterLeadIn(const std::string& s) {
  std::string low = text::Lower(s);
  if (low.size() != s.size()) return std::nullopt;
  static const char* kLeadIns[] = {"доставьте на ",
                                   "доставьте в ",
                                   "доставьте по адресу ",
                                   "привезите на ",
                                   "привезите в ",
                                   "привезите по адресу ",
                                   "доставка на ",
                                   "доставка по адресу ",
                                   "доставку на ",
                                   "доставку по адресу ",
                                   "доставить на ",
                                   "доставить по адресу ",
                                   "привезти на ",
                                   "привезти по адресу ",
                                   "везите на ",
                                   "по адресу ",
                                   "адрес: ",
                                   "адрес ",
                                   "deliver to ",
                                   "delivery to ",
                                   "deliver it to ",
                                   "bring it to ",
                                   "send it to ",
                                   "address is ",
                                   "address: ",
                                   "delivered to "};
  size_t best = std::string::npos, len = 0;
  for (const char* l : kLeadIns) {
    size_t p = low.find(l);
    if (p == std::string::npos) continue;
    if (p > 0 && low[p - 1] != ' ' && low[p - 1] != ',') continue;
    if (best == std::string::npos || p < best) best = p, len = std::strlen(l);
  }
  if (best == std::string::npos) return std::nullopt;
  std::string rest = CutAddressTail(s.substr(best + len));
  std::vector<std::string> toks = text::Tokens(text::Normalize(rest));
  if (toks.size() < 2) return std::nullopt;
  bool number = false;
  for (size_t k = 0; k < toks.size() && k < 6; ++k) number = number || NumberToken(toks[k]);
  if (!number) return std::nullopt;
  return rest;
}

}  // namespace

std::optional<std::string> ExtractAddress(const std::string& original, bool awaiting) {
  std::string s = text::Trim(original);
  if (!awaiting) {
    if (auto a = AddressAfterLeadIn(s)) return a;
    // Only an address with a street word: from that word (or the city just before it) to the
    // end of the sentence.
    std::vector<std::string> toks = text::Tokens(text::Normalize(s));
    size_t start = std::string::npos;
    for (size_t i = 0; i < toks.size(); ++i) {
      if (!AddressWord(toks[i]) || OneOf(toks[i], {"д", "дом", "house", "place", "way", "unit",
                                                   "floor", "square", "row", "hill", "close"}))
        continue;
      bool number_near = false;
      for (size_t k = (i >= 3 ? i - 3 : 0); k < toks.size() && k <= i + 4; ++k)
        if (NumberToken(toks[k])) number_near = true;
      if (number_near) {
        start = i;
        break;
      }
    }
    if (start == std::string::npos) return std::nullopt;
    // Find the start word in the original (case-insensitively) and take the rest. Positions
    // must mean the same in both strings: where lower-casing changes the length (invalid
    // bytes become U+FFFD), the lower-cased text is used as the original.
    std::string low = text::Lower(s);
    if (low.size() != s.size()) s = low;
    size_t pos = std::string::npos, from = 0;
    for (size_t i = 0; i <= start; ++i) {
      // The i-th token's first occurrence after the previous one. A token normalising dropped
      // a character from ("it's" → "its") is not in the original: it is skipped.
      std::string tok = toks[i];
      size_t p = low.find(tok, from);
      if (p == std::string::npos) {
        if (i == start) pos = std::string::npos;
        continue;
      }
      pos = p;
      from = p + tok.size();
    }
    if (pos == std::string::npos || pos >= s.size()) return std::nullopt;
    // A number before a British street name belongs to it: "12 Baker Street".
    std::string rest = s.substr(pos);
    std::string head = text::Trim(s.substr(0, pos));
    size_t sp = head.find_last_of(' ');
    std::string prevw = sp == std::string::npos ? head : head.substr(sp + 1);
    std::string prevprev;
    if (sp != std::string::npos) {
      std::string h2 = text::Trim(head.substr(0, sp));
      size_t sp2 = h2.find_last_of(' ');
      prevprev = sp2 == std::string::npos ? h2 : h2.substr(sp2 + 1);
    }
    if (!prevw.empty() && !text::HasCyrillic(prevw)) {
      // "12 Baker Street": the name and the number before the street word.
      std::string cand = prevprev;
      if (!cand.empty() && std::isdigit(static_cast<unsigned char>(cand[0])))
        rest = cand + " " + prevw + " " + rest;
      else if (!prevw.empty() && std::isupper(static_cast<unsigned char>(prevw[0])))
        rest = prevw + " " + rest;
    }
    rest = CutAddressTail(rest);
    if (text::Tokens(text::Normalize(rest)).size() < 2) return std::nullopt;
    return rest;
  }
  static const char* kPrefixes[] = {"по адресу", "адрес:",   "адрес",      "доставьте на",
                                    "на адрес",  "address:", "address is", "the address is",
                                    "it's",      "its",      "to"};
  for (const char* p : kPrefixes) {
    std::string low = text::Lower(s);
    std::string pl = p;
    if (low.rfind(pl, 0) == 0 && low.size() > pl.size() + 1) {
      s = text::Trim(s.substr(pl.size()));
      break;
    }
  }
  // "Не знаю", "а зачем вам?", "I'd rather not say": no address, whatever was asked.
  std::vector<std::string> toks = text::Tokens(text::Normalize(s));
  bool number = false, street = false, refusal = false;
  for (const auto& t : toks) {
    number = number || NumberToken(t);
    street = street || AddressWord(t);
    refusal = refusal || OneOf(t, {"не", "нет", "зачем", "dont", "not", "why", "know", "no"});
  }
  if (refusal && !number && !street) return std::nullopt;
  if (auto a = AddressAfterLeadIn(s)) return a;
  s = CutAddressTail(s);
  if (text::Tokens(text::Normalize(s)).size() < 2) return std::nullopt;
  return s;
}

std::optional<Replacement> ExtractReplacement(const std::string& original) {
  std::string s = text::Trim(original);
  std::string low = text::Lower(s);
  if (low.size() != s.size()) s = low;
  auto word_at = [&](size_t p) { return p == 0 || low[p - 1] == ' ' || low[p - 1] == ','; };
  size_t best_not = std::string::npos, not_len = 0;
  for (const char* n : {"не ", "not "}) {
    for (size_t p = low.find(n); p != std::string::npos; p = low.find(n, p + 1)) {
      if (!word_at(p)) continue;
      if (p < best_not) best_not = p, not_len = std::strlen(n);
      break;
    }
  }
  if (best_not == std::string::npos) return std::nullopt;
  static const char* kInstead[] = {", а ",    " а ",       ", but ",   " but ",  ", it's ",
                                   ", it’s ", ", its ",    ", it is ", " it's ", " its ",
                                   ", это ",  ", i mean ", ", I mean "};
  size_t from = best_not + not_len, sep = std::string::npos, sep_len = 0;
  for (const char* k : kInstead) {
    size_t p = low.find(k, from);
    if (p != std::string::npos && p < sep) sep = p, sep_len = std::strlen(k);
  }
  if (sep == std::string::npos || sep <= from) return std::nullopt;
  Replacement r;
  r.from = text::Trim(s.substr(from, sep - from));
  r.to = text::Trim(s.substr(sep + sep_len));
  while (!r.to.empty() && std::strchr(".!?,;", r.to.back())) r.to.pop_back();
  while (!r.from.empty() && std::strchr(".!?,;", r.from.back())) r.from.pop_back();
  size_t from_words = text::Tokens(text::Normalize(r.from)).size();
  if (from_words == 0 || from_words > 5 || text::Tokens(text::Normalize(r.to)).empty())
    return std::nullopt;
  return r;
}

std::optional<std::string> ReplaceInAddress(const std::string& address, const Replacement& r) {
  // Words of the address as written, with the stems they are matched on.
  std::vector<std::string> words;
  {
    std::string cur;
    for (char c : address) {
      if (c == ' ') {
        if (!cur.empty()) words.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) words.push_back(cur);
  }
  auto stem = [](const std::string& w) {
    auto t = text::Tokens(text::Normalize(w));
    return t.empty() ? std::string() : text::Stem(t[0]);
  };
  std::vector<std::string> from = text::Tokens(text::Normalize(r.from));
  if (from.empty()) return std::nullopt;
  for (size_t i = 0; i + from.size() <= words.size(); ++i) {
    bool same = true;
    for (size_t k = 0; k < from.size() && same; ++k) {
      std::string a = stem(words[i + k]), b = text::Stem(from[k]);
      same = !a.empty() && (a == b || a.starts_with(b) || b.starts_with(a)) &&
             std::min(a.size(), b.size()) >= 3;
    }
    if (!same) continue;
    bool number = false;
    for (const auto& t : text::Tokens(text::Normalize(r.to))) number = number || NumberToken(t);
    std::string out;
    for (size_t k = 0; k < i; ++k) {
      // "12 Baker Street" → "12 Brook Street": a new house number replaces the old one.
      bool digit = std::any_of(words[k].begin(), words[k].end(),
                               [](char c) { return c >= '0' && c <= '9'; });
      if (!(number && digit)) out += words[k] + " ";
    }
    out += r.to;
    if (!number) {
      // The last replaced word keeps its comma: "улица Садовая, 7" → "улица Садовническая, 7".
      const std::string& last = words[i + from.size() - 1];
      if (!last.empty() && last.back() == ',') out += ",";
      for (size_t k = i + from.size(); k < words.size(); ++k) out += " " + words[k];
    }
    return text::Trim(out);
  }
  return std::nullopt;
}

std::optional<CallbackTime> ExtractCallbackTime(const std::string& canonical) {
  std::vector<std::string> toks = text::Tokens(canonical);
  CallbackTime t;
  bool any = false, explicit_pm = false, explicit_am = false;
  static const std::vector<std::pair<std::string, int>> kDays = {
      {"воскресен", 0}, {"понедельн", 1}, {"вторник", 2}, {"сред", 3},    {"четверг", 4},
      {"пятниц", 5},    {"суббот", 6},    {"sunday", 0},  {"monday", 1},  {"tuesday", 2},
      {"wednesday", 3}, {"thursday", 4},  {"friday", 5},  {"saturday", 6}};
  auto set_hour = [&](size_t k) {
    const std::string& h = toks[k];
    double v = std::atof(h.c_str());
    if (v < 0 || v >= 24) return false;
    t.hour = static_cast<int>(v);
    t.hour_said = true;
    size_t dot = h.find('.');
    if (dot != std::string::npos) {
      t.minute = std::atoi(h.substr(dot + 1).c_str());
      if (h.size() - dot - 1 == 1) t.minute *= 10;
      if (t.minute >= 60) t.minute = 0;
    } else if (k + 1 < toks.size() && IsNumber(toks[k + 1]) && toks[k + 1].size() == 2 &&
               std::atoi(toks[k + 1].c_str()) < 60) {
      t.minute = std::atoi(toks[k + 1].c_str());
    }
    any = true;
    return true;
  };
  for (size_t i = 0; i < toks.size(); ++i) {
    const std::string& w = toks[i];
    const std::string& next = At(toks, i + 1);
    if (w == "послезавтра") {
      t.day_offset = 2, any = true;
    } else if (w == "завтра" || w == "tomorrow") {
      t.day_offset = 1, any = true;
      if (i > 0 && toks[i - 1] == "after" && At(toks, i - 2) == "day") t.day_offset = 2;
    } else if (w == "сегодня" || w == "today" || w == "tonight" || w == "сейчас") {
      if (w != "сейчас") t.day_offset = 0, any = true;
      if (w == "tonight") t.part = "evening";
    } else {
      for (const auto& [stem, wd] : kDays) {
        // "среду", "в среду" but not "средний": require a short suffix.
        if (StartsWith(w, stem.c_str()) && w.size() <= stem.size() + 4) {
          t.weekday = wd;
          any = true;
        }
      }
    }
    // Relative: "через час", "через полчаса", "через 2 часа", "in an hour", "in 20 minutes".
    if (w == "через" || w == "in") {
      size_t k = i + 1;
      double n = 1;
      if (At(toks, k) == "an" || At(toks, k) == "a") ++k;
      if (At(toks, k) == "пару" || At(toks, k) == "couple") {
        n = 2;
        ++k;
        if (At(toks, k) == "of") ++k;
      } else if (IsNumber(At(toks, k))) {
        n = std::atof(toks[k].c_str());
        ++k;
      }
      const std::string& u = At(toks, k);
      if (u == "полчаса" || (u == "half" && At(toks, k + 1) == "an" && At(toks, k + 2) == "hour")) {
        t.in_minutes = 30;
        any = true;
      } else if (StartsWith(u, "час") || StartsWith(u, "hour")) {
        t.in_minutes = static_cast<int>(n * 60);
        any = true;
      } else if (StartsWith(u, "минут") || StartsWith(u, "minute") || u == "мин") {
        t.in_minutes = static_cast<int>(n);
        any = true;
      } else if (StartsWith(u, "дн") || StartsWith(u, "ден") || StartsWith(u, "day")) {
        t.day_offset = static_cast<int>(n);
        any = true;
      }
    }
    if (w == "полчаса" && i > 0 && toks[i - 1] == "через") {
      t.in_minutes = 30;
      any = true;
    }
    // Clock: "в 10", "к 18", "at 3", "после 5", "около 11", "в 10 утра", "3 pm".
    bool prep = OneOf(
        w, {"в", "at", "к", "около", "после", "by", "around", "after", "ближе", "часов", "с"});
    if (prep && i + 1 < toks.size() && IsNumber(toks[i + 1]) && !DurationWord(At(toks, i + 2))) {
      size_t used;
      if (UnitWord(toks, i + 2, &used).empty()) set_hour(i + 1);
    } else if (IsNumber(w) && ClockAfter(next) && next != "час") {
      set_hour(i);
    }
    if (w == "вечера" || w == "pm" || w == "дня" || (w == "вечером" && t.hour > 0)) {
      explicit_pm = w != "вечером";
      if (t.hour >= 1 && t.hour < 12) t.hour += 12;
    }
    if (w == "утра" || w == "am") explicit_am = true;
    // Parts of the day.
    if (w == "утром" || w == "morning" || (w == "утра" && At(toks, i - 1) == "с")) {
      t.part = "morning";
      any = true;
    }
    if (w == "днем" || w == "afternoon" || w == "обеда" || w == "обед" || w == "lunch" ||
        w == "lunchtime" || w == "midday" || w == "обеденное") {
      t.part = "afternoon";
      any = true;
    }
    if (w == "вечером" || w == "evening" || w == "вечеру" || w == "вечер" ||
        (w == "вечера" && t.hour < 0)) {
      t.part = "evening";
      any = true;
    }
  }
  if (!any) return std::nullopt;
  if (t.part == "morning" && t.hour < 0) t.hour = 10;
  if (t.part == "afternoon" && t.hour < 0) t.hour = 14;
  if (t.part == "evening" && t.hour < 0) t.hour = 18;
  t.day_said = t.day_offset >= 0 || t.weekday >= 0;
  if (!t.day_said) t.day_offset = 0;
  // "в 7" with no am/pm in a shop context means the evening only when 1–7.
  if (!explicit_am && !explicit_pm && t.hour >= 1 && t.hour <= 7) t.hour += 12;
  return t;
}

std::optional<std::string> ExtractPhone(const std::string& canonical) {
  std::vector<std::string> toks = text::Tokens(canonical);
  std::vector<NumberRole> roles = NumberRoles(toks);
  std::string digits;
  for (size_t i = 0; i < toks.size(); ++i) {
    if (roles[i] == NumberRole::kPhone) {
      digits += toks[i];
    } else if (!digits.empty()) {
      break;
    }
  }
  if (digits.size() < 10 || digits.size() > 15) return std::nullopt;
  // The one phone normaliser (crm/phone.h): a national form as Russian ("8 916 …", "916 …"),
  // then as British ("07…"), then the digits as an international number ("44 20 …", "7 916 …").
  for (std::string_view region : {crm::kDefaultPhoneRegion, std::string_view("GB")})
    if (auto e164 = crm::ToE164(digits, region); e164.ok()) return *e164;
  if (auto e164 = crm::ToE164("+" + digits); e164.ok()) return *e164;
  return std::nullopt;
}

std::optional<int> ExtractChoice(const std::string& canonical) {
  static const std::vector<std::pair<std::string, int>> kOrd = {
      {"перв", 0},   {"втор", 1},  {"трет", 2},     {"first", 0},
      {"second", 1}, {"third", 2}, {"последн", -2}, {"last", -2}};
  for (const std::string& w : text::Tokens(canonical)) {
    for (const auto& [stem, idx] : kOrd) {
      if (StartsWith(w, stem.c_str())) {
        if (stem == "втор" && StartsWith(w, "вторник")) continue;
        return idx;
      }
    }
  }
  return std::nullopt;
}

bool ContainsAny(const std::string& canonical, const std::vector<std::string>& phrases) {
  std::string padded = " " + canonical + " ";
  for (const std::string& p : phrases) {
    std::string np = text::Normalize(p);
    if (np.empty()) continue;
    if (padded.find(" " + np + " ") != std::string::npos) return true;
  }
  return false;
}

std::string QuantityUnitAt(const std::vector<std::string>& toks, size_t i) {
  size_t used = 0;
  return UnitWord(toks, i, &used);
}

std::vector<std::string> SplitOrderLines(const std::string& canonical,
                                         const std::vector<std::string>& separators) {
  std::vector<std::vector<std::string>> seps;
  for (const auto& s : separators) seps.push_back(text::Tokens(text::Canonical(s)));
  std::sort(seps.begin(), seps.end(),
            [](const auto& a, const auto& b) { return a.size() > b.size(); });
  std::vector<std::string> toks = text::Tokens(canonical);
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < toks.size();) {
    size_t n = 0;
    for (const auto& sep : seps) {
      if (sep.empty() || i + sep.size() > toks.size()) continue;
      if (std::equal(sep.begin(), sep.end(), toks.begin() + static_cast<std::ptrdiff_t>(i))) {
        n = sep.size();
        break;
      }
    }
    if (n) {
      if (!parts.back().empty()) parts.emplace_back();
      i += n;
      continue;
    }
    parts.back() += (parts.back().empty() ? "" : " ") + toks[i];
    ++i;
  }
  if (parts.back().empty()) parts.pop_back();
  return parts;
}

}  // namespace kira::dialog
