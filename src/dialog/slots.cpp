#include "dialog/slots.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "core/text.h"

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

// Unit a word stands for, or "".
std::string UnitWord(const std::vector<std::string>& toks, size_t i, size_t* consumed) {
  *consumed = 1;
  const std::string& w = toks[i];
  const std::string next = i + 1 < toks.size() ? toks[i + 1] : "";
  if (w == "кв" || w == "квм" || w == "sq" || w == "square") {
    if (next == "м" || next == "метров" || next == "метра" || next == "meters" ||
        next == "metres" || next == "m" || next == "meter" || next == "metre")
      *consumed = 2;
    return "м2";
  }
  if (w == "м2" || w == "м" || w == "m2" || w == "m" || w == "sqm" || StartsWith(w, "метр") ||
      StartsWith(w, "квадрат") || StartsWith(w, "квадратн") || StartsWith(w, "meter") ||
      StartsWith(w, "metre"))
    return "м2";
  if (StartsWith(w, "короб") || StartsWith(w, "коробк") || StartsWith(w, "упаков") ||
      StartsWith(w, "пачк") || StartsWith(w, "pack") || StartsWith(w, "box") ||
      StartsWith(w, "carton"))
    return "box";
  if (w == "шт" || StartsWith(w, "штук") || StartsWith(w, "штуч") || StartsWith(w, "piece") ||
      w == "pcs" || StartsWith(w, "мешк") || StartsWith(w, "мешок") || StartsWith(w, "bag") ||
      StartsWith(w, "ведр") || StartsWith(w, "bucket"))
    return "шт";
  if (w == "кг" || StartsWith(w, "килограм") || w == "kg" || StartsWith(w, "kilo")) return "кг";
  return "";
}

}  // namespace

std::optional<Quantity> ExtractQuantity(const std::string& canonical, bool bare_allowed) {
  std::vector<std::string> toks = text::Tokens(canonical);
  std::optional<Quantity> bare;
  for (size_t i = 0; i < toks.size(); ++i) {
    if (!IsNumber(toks[i])) continue;
    // "в 10" is a time, "через 2 дня" a delay, not a quantity.
    if (i > 0 && (toks[i - 1] == "в" || toks[i - 1] == "at" || toks[i - 1] == "через" ||
                  toks[i - 1] == "номер" || toks[i - 1] == "in"))
      continue;
    double v = std::atof(toks[i].c_str());
    if (v <= 0) continue;
    if (i + 1 < toks.size()) {
      size_t used;
      std::string u = UnitWord(toks, i + 1, &used);
      if (!u.empty()) return Quantity{v, u};
      // "20 квадратных метров": adjective then noun.
      if (i + 2 < toks.size() && StartsWith(toks[i + 1], "квадратн")) return Quantity{v, "м2"};
    }
    if (!bare) bare = Quantity{v, ""};
  }
  // "полтора квадрата" is covered by number words; "квадратов двадцать" (unit first):
  for (size_t i = 0; i + 1 < toks.size(); ++i) {
    size_t used;
    std::string u = UnitWord(toks, i, &used);
    if (!u.empty() && i + used < toks.size() && IsNumber(toks[i + used]) && u != "м2") {
      return Quantity{std::atof(toks[i + used].c_str()), u};
    }
  }
  if (bare_allowed && bare) return bare;
  return std::nullopt;
}

std::optional<std::string> ExtractName(const std::string& original, bool awaiting) {
  std::string canon = text::Normalize(original);
  std::vector<std::string> lower = text::Tokens(canon);
  // Keep the caller's capitalisation: tokens of the original in the same order.
  std::vector<std::string> orig;
  {
    std::u32string u = text::Decode(original);
    std::u32string cur;
    auto flush = [&] {
      if (!cur.empty()) orig.push_back(text::Encode(cur));
      cur.clear();
    };
    for (char32_t c : u) {
      bool letter = (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') ||
                    (c >= 0x410 && c <= 0x44F) || c == 0x401 || c == 0x451 || c == U'-' ||
                    (c >= U'0' && c <= U'9');
      if (letter)
        cur.push_back(c);
      else
        flush();
    }
    flush();
  }
  if (orig.size() != lower.size()) orig = lower;
  auto cap = [](std::string s) {
    std::u32string u = text::Decode(s);
    if (!u.empty()) {
      char32_t& c = u[0];
      if (c >= U'a' && c <= U'z')
        c -= 32;
      else if (c >= 0x430 && c <= 0x44F)
        c -= 32;
    }
    return text::Encode(u);
  };
  for (size_t i = 0; i < lower.size(); ++i) {
    size_t at = std::string::npos;
    if (lower[i] == "зовут" && i + 1 < lower.size()) at = i + 1;
    if (lower[i] == "name" && i + 2 < lower.size() && lower[i + 1] == "is") at = i + 2;
    if (lower[i] == "это" && i == 0 && lower.size() >= 2 && lower.size() <= 3) at = 1;
    if (lower[i] == "this" && i == 0 && lower.size() >= 3 && lower[1] == "is") at = 2;
    if (lower[i] == "call" && i + 2 < lower.size() && lower[i + 1] == "me") at = i + 2;
    if (at != std::string::npos) return cap(orig[at]);
  }
  if (awaiting && !lower.empty() && lower.size() <= 3) {
    static const std::vector<std::string> kSkip = {"я",  "меня", "мое",  "имя", "i",  "am",
                                                   "im", "it",   "is",   "its", "my", "name",
                                                   "ну", "да",   "well", "yes"};
    for (size_t i = 0; i < lower.size(); ++i) {
      if (std::find(kSkip.begin(), kSkip.end(), lower[i]) != kSkip.end()) continue;
      if (IsNumber(lower[i])) return std::nullopt;
      return cap(orig[i]);
    }
  }
  return std::nullopt;
}

std::optional<std::string> ExtractFulfilment(const std::string& canonical) {
  for (const std::string& t : text::Tokens(canonical)) {
    if (StartsWith(t, "самовывоз") || StartsWith(t, "заберу") || StartsWith(t, "забер") ||
        t == "pickup" || t == "collect" || StartsWith(t, "приед"))
      return std::string("pickup");
    if (StartsWith(t, "доставк") || StartsWith(t, "доставьте") || StartsWith(t, "привез") ||
        StartsWith(t, "deliver") || t == "delivery")
      return std::string("delivery");
  }
  if (canonical.find("pick up") != std::string::npos ||
      canonical.find("сам заберу") != std::string::npos)
    return std::string("pickup");
  return std::nullopt;
}

std::optional<std::string> ExtractAddress(const std::string& original) {
  std::string s = text::Trim(original);
  static const char* kPrefixes[] = {"по адресу", "адрес:",     "адрес", "доставьте на",  "на адрес",
                                    "address:",  "address is", "to",    "the address is"};
  for (const char* p : kPrefixes) {
    std::string low = text::Lower(s);
    std::string pl = p;
    if (low.rfind(pl, 0) == 0 && low.size() > pl.size() + 1) {
      s = text::Trim(s.substr(pl.size()));
      break;
    }
  }
  if (text::Tokens(text::Normalize(s)).size() < 2) return std::nullopt;
  return s;
}

std::optional<CallbackTime> ExtractCallbackTime(const std::string& canonical) {
  std::vector<std::string> toks = text::Tokens(canonical);
  CallbackTime t;
  bool any = false;
  static const std::vector<std::pair<std::string, int>> kDays = {
      {"воскресен", 0}, {"понедельн", 1}, {"вторник", 2}, {"сред", 3},    {"четверг", 4},
      {"пятниц", 5},    {"суббот", 6},    {"sunday", 0},  {"monday", 1},  {"tuesday", 2},
      {"wednesday", 3}, {"thursday", 4},  {"friday", 5},  {"saturday", 6}};
  for (size_t i = 0; i < toks.size(); ++i) {
    const std::string& w = toks[i];
    if (w == "послезавтра")
      t.day_offset = 2, any = true;
    else if (w == "завтра" || w == "tomorrow")
      t.day_offset = 1, any = true;
    else if (w == "сегодня" || w == "today" || w == "tonight")
      t.day_offset = 0, any = true;
    else {
      for (const auto& [stem, wd] : kDays) {
        // "среду", "в среду" but not "средний": require short suffix.
        if (StartsWith(w, stem.c_str()) && w.size() <= stem.size() + 4) {
          t.weekday = wd;
          any = true;
        }
      }
    }
    if ((w == "в" || w == "at" || w == "к" || w == "около" || w == "после") &&
        i + 1 < toks.size() && IsNumber(toks[i + 1])) {
      double h = std::atof(toks[i + 1].c_str());
      if (h >= 0 && h < 24) {
        t.hour = static_cast<int>(h);
        // "10.30" (from "10:30" or "10,30") or "10 30"
        size_t dot = toks[i + 1].find('.');
        if (dot != std::string::npos) {
          t.minute = std::atoi(toks[i + 1].substr(dot + 1).c_str());
          if (toks[i + 1].size() - dot - 1 == 1) t.minute *= 10;
        } else if (i + 2 < toks.size() && IsNumber(toks[i + 2]) && toks[i + 2].size() == 2 &&
                   std::atoi(toks[i + 2].c_str()) < 60) {
          t.minute = std::atoi(toks[i + 2].c_str());
        }
        any = true;
      }
    }
    if (w == "вечера" || w == "pm" || w == "дня") {
      if (t.hour >= 1 && t.hour < 12) t.hour += 12;
    }
    if (w == "утром" || w == "morning") {
      if (t.hour < 0) t.hour = 10;
      any = true;
    }
    if (w == "днем" || w == "afternoon" || w == "обеда") {
      if (t.hour < 0) t.hour = 14;
      any = true;
    }
    if (w == "вечером" || w == "evening") {
      if (t.hour < 0) t.hour = 18;
      any = true;
    }
  }
  if (!any) return std::nullopt;
  if (t.day_offset < 0 && t.weekday < 0) t.day_offset = 0;
  // "в 7" with no am/pm in a shop context means the evening only when 1–7.
  if (t.hour >= 1 && t.hour <= 7) t.hour += 12;
  return t;
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

}  // namespace kira::dialog
