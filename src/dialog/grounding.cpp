#include "dialog/grounding.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <set>

#include "business/currency.h"
#include "core/text.h"
#include "dialog/slots.h"

namespace kira::dialog {

namespace {

struct NumToken {
  double value;
  std::string raw;
  bool money = false;         // with a currency word or symbol
  std::string currency;       // its ISO code when money
  bool clock = false;         // the hour of HH:MM (`minute` holds its minutes)
  bool clock_minute = false;  // the minutes of HH:MM: checked with their hour
  int minute = 0;
  bool format = false;  // part of AxB
  bool sku = false;     // after "артикул"/"SKU"
  // Digits glued to letters before them ("APZ1", "R11", "CR66"): part of a name, not a
  // quantity; `code` is the whole word in lower case, checked against the catalog's names.
  std::string code;
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Whether the byte before `i` ends a letter: ASCII, or the second byte of a Cyrillic one.
bool LetterEndsAt(const std::string& s, size_t i) {
  if (i == 0) return false;
  auto c = static_cast<unsigned char>(s[i - 1]);
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return i >= 2 && c >= 0x80 && c <= 0xBF &&
         (static_cast<unsigned char>(s[i - 2]) == 0xD0 ||
          static_cast<unsigned char>(s[i - 2]) == 0xD1);
}

// A letter byte: ASCII, or the lead byte of a Cyrillic letter (U+0400–U+047F).
bool IsLetterByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == 0xD0 || c == 0xD1;
}

// How amounts show their currency, from the built-in table: every symbol, abbreviation and
// word, longest first (so "бел. руб" is Belarusian before "руб" is Russian).
struct CurrencyMark {
  std::string text;  // lower case
  std::string code;
  bool minor = false;   // "копеек", "pence"
  bool word = false;    // ends in a letter: matches only a whole word
  bool symbol = false;  // no letters: may also stand before the amount ("£64")
};

const std::vector<CurrencyMark>& CurrencyMarks() {
  static const std::vector<CurrencyMark> marks = [] {
    std::vector<CurrencyMark> out;
    auto table = business::BuiltInCurrencies();
    if (!table.ok()) return out;  // the profile could not have loaded either
    for (const auto& c : (*table)->currencies()) {
      auto add = [&](const std::string& m, bool minor) {
        CurrencyMark cm{m, c.code, minor};
        const auto last = static_cast<unsigned char>(m.back());
        cm.word = IsLetterByte(last) ||
                  (m.size() >= 2 && IsLetterByte(static_cast<unsigned char>(m[m.size() - 2])) &&
                   last >= 0x80);
        cm.symbol = std::none_of(m.begin(), m.end(), [](char ch) {
          return IsLetterByte(static_cast<unsigned char>(ch));
        });
        out.push_back(std::move(cm));
      };
      for (const auto& m : c.AllMarks()) add(m, false);
      for (const auto& m : c.AllMinorWords()) add(m, true);
    }
    std::stable_sort(out.begin(), out.end(), [](const CurrencyMark& a, const CurrencyMark& b) {
      return a.text.size() > b.text.size();
    });
    return out;
  }();
  return marks;
}

// The currency mark `text` starts with (after spaces), preferring `prefer`'s on a tie; sets
// *len to the bytes consumed. nullptr if none.
const CurrencyMark* MarkAt(const std::string& text, size_t pos, const std::string& prefer,
                           bool minor, size_t* len) {
  size_t k = pos;
  while (k < text.size() && text[k] == ' ') ++k;
  const CurrencyMark* best = nullptr;
  for (const auto& m : CurrencyMarks()) {
    if (m.minor != minor) continue;
    if (best && m.text.size() < best->text.size()) break;
    if (text.compare(k, m.text.size(), m.text) != 0) continue;
    if (m.word && k + m.text.size() < text.size() &&
        IsLetterByte(static_cast<unsigned char>(text[k + m.text.size()])))
      continue;
    if (!best || (m.code == prefer && best->code != prefer)) best = &m;
  }
  if (best) *len = k + best->text.size() - pos;
  return best;
}

// Scans the raw utterance (not normalised: we want "9:00", "1 250", "60x60" as written).
// `currency` (the shop's) wins when a mark could be several currencies' ("cent").
std::vector<NumToken> Scan(const std::string& s, const std::string& currency = "") {
  std::vector<NumToken> out;
  const std::string lower = text::Lower(s);
  const bool same_size = lower.size() == s.size();  // positions in `lower` match `s`
  size_t i = 0;
  while (i < s.size()) {
    if (!IsDigit(s[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    std::string raw;
    // digits with thin/normal-space thousands groups ("1 250") and a decimal part.
    while (j < s.size()) {
      if (IsDigit(s[j])) {
        raw += s[j++];
      } else if (s[j] == ',' && j + 3 < s.size() && IsDigit(s[j + 1]) && IsDigit(s[j + 2]) &&
                 IsDigit(s[j + 3]) && (j + 4 >= s.size() || !IsDigit(s[j + 4])) &&
                 raw.find('.') == std::string::npos) {
        raw += s.substr(j + 1, 3);  // English thousands group: "2,690"
        j += 4;
      } else if ((s[j] == ',' || s[j] == '.') && j + 1 < s.size() && IsDigit(s[j + 1]) &&
                 raw.find('.') == std::string::npos) {
        // "9.5" decimal; but "9:00" handled below, and a sentence-ending "." is not followed
        // by a digit.
        raw += '.';
        ++j;
      } else if (s[j] == ' ' && j + 3 < s.size() && IsDigit(s[j + 1]) && IsDigit(s[j + 2]) &&
                 IsDigit(s[j + 3]) && (j + 4 >= s.size() || !IsDigit(s[j + 4])) &&
                 raw.find('.') == std::string::npos && raw.size() <= 3) {
        raw += s.substr(j + 1, 3);  // thousands group
        j += 4;
      } else {
        break;
      }
    }
    NumToken t;
    t.raw = raw;
    t.value = std::atof(raw.c_str());
    if (LetterEndsAt(s, i)) {
      // The whole word: letters and digits around the number ("apz1", "r11", "cr66").
      size_t b = i, e = i;
      while (b > 0 && (LetterEndsAt(s, b) || IsDigit(s[b - 1])))
        b -= static_cast<unsigned char>(s[b - 1]) >= 0x80 ? 2 : 1;
      while (e < s.size() && (std::isalnum(static_cast<unsigned char>(s[e])) != 0)) ++e;
      t.code = text::Normalize(s.substr(b, e - b));
    }
    // Clock "9:00".
    if (j + 2 < s.size() && s[j] == ':' && IsDigit(s[j + 1]) && IsDigit(s[j + 2])) {
      t.clock = true;
      NumToken m;
      m.raw = s.substr(j + 1, 2);
      m.value = std::atof(m.raw.c_str());
      m.clock_minute = true;
      t.minute = static_cast<int>(m.value);
      t.raw += ":" + m.raw;
      out.push_back(t);
      out.push_back(m);
      i = j + 3;
      continue;
    }
    // Format "60x60" / "60х60".
    std::string rest = s.substr(j, 3);
    bool fmt = false;
    if (!rest.empty() && (rest[0] == 'x' || rest[0] == '*') && j + 1 < s.size() &&
        IsDigit(s[j + 1]))
      fmt = true;
    if (rest.size() >= 3 && rest.substr(0, 2) == "\xd1\x85" && IsDigit(rest[2])) fmt = true;
    if (fmt ||
        (!out.empty() && out.back().format && i > 0 &&
         (s[i - 1] == 'x' || s[i - 1] == '*' || (i >= 2 && s.substr(i - 2, 2) == "\xd1\x85")))) {
      t.format = true;
    }
    // Currency after the number ("2 690 руб.", "64 pounds 50 pence", "40 копеек") or a
    // symbol before it ("£64.00").
    size_t next = j;
    if (same_size) {
      size_t len = 0;
      if (const CurrencyMark* m = MarkAt(lower, j, currency, false, &len)) {
        t.money = true;
        t.currency = m->code;
        next = j + len;
        // "54 230 рублей 40 копеек": the minor part belongs to this amount.
        size_t d = next;
        while (d < s.size() && s[d] == ' ') ++d;
        size_t d0 = d;
        while (d < s.size() && IsDigit(s[d]) && d - d0 < 2) ++d;
        size_t mlen = 0;
        const CurrencyMark* minor = nullptr;
        if (d > d0 && (d >= s.size() || !IsDigit(s[d])))
          minor = MarkAt(lower, d, m->code, true, &mlen);
        if (minor && minor->code == m->code) {
          const std::string cents = s.substr(d0, d - d0);
          t.value += std::atof(cents.c_str()) / 100.0;
          t.raw += "." + std::string(cents.size() == 1 ? "0" : "") + cents;
          next = d + mlen;
        }
      } else if (const CurrencyMark* mm = MarkAt(lower, j, currency, true, &len)) {
        t.money = true;  // "50 pence" alone
        t.currency = mm->code;
        t.value /= 100.0;
        next = j + len;
      } else {
        size_t b = i;
        if (b > 0 && s[b - 1] == ' ') --b;
        // Longest symbol first; of one symbol shared by several currencies ("$"), the shop's.
        const CurrencyMark* found = nullptr;
        for (const auto& cm : CurrencyMarks()) {
          if (!cm.symbol || cm.minor || cm.text.size() > b) continue;
          if (found && cm.text.size() < found->text.size()) break;
          if (lower.compare(b - cm.text.size(), cm.text.size(), cm.text) != 0) continue;
          if (!found || (cm.code == currency && found->code != currency)) found = &cm;
        }
        if (found) {
          t.money = true;
          t.currency = found->code;
        }
      }
    }
    // SKU after "артикул" / "sku".
    std::string before = text::Lower(s.substr(i >= 24 ? i - 24 : 0, i >= 24 ? 24 : i));
    if (before.find("артикул") != std::string::npos || before.find("sku") != std::string::npos)
      t.sku = true;
    out.push_back(t);
    i = std::max(j, next);
  }
  return out;
}

bool Near(double a, double b) { return std::fabs(a - b) < 0.005 + 1e-9 * std::fabs(b); }

bool InSet(double v, const std::vector<double>& set) {
  for (double x : set)
    if (Near(v, x)) return true;
  return false;
}

// Whether the clock time h:mm is grounded: a time of the profile (opening hours: the hour, and
// the minutes when they are not a whole hour's "00"), or a time the caller said, in 12- or 24-hour
// form ("в три" is 15:00 too; "around ten" read back as 10:00 — a whole hour said has no minutes).
bool ClockGrounded(int h, int minute, const std::vector<std::pair<int, int>>& caller_times,
                   const std::vector<double>& profile_numbers) {
  auto in_profile = [&](double v) {
    return std::any_of(profile_numbers.begin(), profile_numbers.end(),
                       [&](double p) { return std::fabs(p - v) < 1e-9; });
  };
  if (in_profile(h) && (minute == 0 || in_profile(minute))) return true;
  for (const auto& [ch, cm] : caller_times) {
    if (cm != minute) continue;
    if (ch == h || (ch >= 1 && ch < 12 && ch + 12 == h) || (ch == 12 && h == 0)) return true;
  }
  return false;
}

}  // namespace

std::vector<double> NumbersIn(const std::string& text) {
  std::vector<double> v;
  for (const NumToken& t : Scan(text)) v.push_back(t.value);
  return v;
}

std::string GroundingChecker::SpokenName(const catalog::Product& p, const std::string& language,
                                         const catalog::Lexicon& lex) {
  if (language == "ru") return p.name;
  // A catalog written in English: the shop's own name ("Rubi TZ-850 manual tile cutter", not a
  // name rebuilt from its fields).
  if (!text::HasCyrillic(p.name)) return p.name;
  // English: the Latin-script and numeric parts of the shop's name (brand, model, size), the
  // colour, size and surface in English, and the category in English.
  auto en = [&](const std::vector<catalog::LexEntry>& list, const std::string& v) {
    for (const auto& e : list)
      if (text::Lower(e.value) == text::Lower(v) && !e.name_en.empty()) return e.name_en;
    return text::HasCyrillic(v) ? text::ToLatin(text::Lower(v)) : v;
  };
  static const std::vector<std::pair<std::string, std::string>> kUnits = {
      {"кг", "kg"}, {"мм", "mm"}, {"шт", "pcs"}, {"л", "l"}, {"см", "cm"}};
  std::string out;
  auto add = [&](const std::string& s) {
    if (s.empty()) return;
    if (!out.empty()) out += ' ';
    out += s;
  };
  add(p.brand);
  if (!p.collection.empty()) {
    std::string c =
        text::HasCyrillic(p.collection) ? text::ToLatin(text::Lower(p.collection)) : p.collection;
    bool start = true;  // Title Case
    for (auto& ch : c) {
      if (start && ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 32);
      start = ch == ' ';
    }
    add(c);
  }
  if (p.format.empty()) {
    // "Затирка Ceresit CE 40 Aquastatic 01 белая 2 кг" → "01 … 2 kg": model numbers and sizes
    // that tell items of one collection apart.
    std::string known = " " + out + " ";
    std::string prev;
    for (const std::string& raw : text::Tokens(p.name)) {
      std::string tok = raw;
      while (!tok.empty() && (tok.back() == ',' || tok.back() == '.')) tok.pop_back();
      if (tok.empty()) continue;
      bool digit = tok[0] >= '0' && tok[0] <= '9';
      if (digit) {
        if (known.find(" " + tok + " ") == std::string::npos) add(tok);
        prev = tok;
        continue;
      }
      if (!prev.empty()) {
        for (const auto& [ru, e] : kUnits)
          if (text::Lower(tok) == ru) add(e);
      }
      prev.clear();
    }
  }
  add(en(lex.colors, p.color));
  add(p.format);
  if (!p.surface.empty()) add(en(lex.surfaces, p.surface));
  add(en(lex.categories, p.category));
  return out;
}

GroundingChecker::GroundingChecker(const catalog::Catalog& catalog,
                                   const business::Profile& profile)
    : catalog_(catalog), profile_(profile) {
  auto add_text = [&](const std::string& t) {
    for (double v : NumbersIn(t)) profile_numbers_.push_back(v);
  };
  add_text(profile.hours);
  add_text(profile.address);
  add_text(profile.delivery);
  add_text(profile.name);
  add_text(profile.assistant_disclosure);
  for (const auto& f : profile.faq) add_text(f.a);
  for (const auto& p : catalog.products()) {
    if (!p.format.empty()) formats_.insert(p.format);
    // Words mixing letters and digits in what the agent may name ("APZ1", "R11").
    for (const std::string* field :
         {&p.name, &p.collection, &p.brand, &p.surface, &p.material, &p.color, &p.sku})
      for (const std::string& w : text::Tokens(text::Normalize(*field)))
        if (std::any_of(w.begin(), w.end(), ::isdigit) &&
            std::any_of(w.begin(), w.end(), [](char c) { return !IsDigit(c); }))
          name_codes_.insert(w);
    // Collections and brands with a number as a word of their own ("CM 11"), by that word.
    for (const std::string* field : {&p.collection, &p.brand}) {
      std::string v = text::Normalize(*field);
      for (const std::string& w : text::Tokens(v))
        if (!w.empty() && std::all_of(w.begin(), w.end(), ::isdigit)) {
          auto& list = numbered_names_[w];
          if (std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
        }
    }
  }
  profile_numbers_.push_back(profile.rules.min_order_m2);
  profile_numbers_.push_back(profile.rules.big_project_m2);
}

std::vector<GroundingIssue> GroundingChecker::Check(const std::string& utterance,
                                                    const GroundingContext& ctx) const {
  std::vector<GroundingIssue> issues;
  std::vector<NumToken> nums = Scan(utterance, profile_.currency);
  if (nums.empty()) return issues;

  // Products the utterance names (by spoken name, either language), found among the search
  // candidates for the utterance itself.
  std::vector<const catalog::Product*> mentioned;
  auto find_products = [&](const std::string& text_in) {
    std::string norm = text::Normalize(text_in);
    catalog::SearchOptions so;
    so.limit = 40;
    for (const auto& hit : catalog_.Search(text::Canonical(text_in), so)) {
      for (const char* lang : {"ru", "en"}) {
        std::string n = text::Normalize(SpokenName(*hit.product, lang, catalog_.lexicon()));
        if (!n.empty() && norm.find(n) != std::string::npos) {
          if (std::find(mentioned.begin(), mentioned.end(), hit.product) == mentioned.end())
            mentioned.push_back(hit.product);
          break;
        }
      }
    }
  };
  find_products(utterance);
  for (const std::string& t : ctx.agent_turns) find_products(t);
  // SKUs stated explicitly.
  for (const NumToken& t : nums) {
    if (t.sku) {
      if (const catalog::Product* p = catalog_.Find(t.raw)) mentioned.push_back(p);
    }
  }

  // What the caller said: their numbers may be echoed, and quantities derived from them.
  std::vector<double> caller;
  for (const std::string& c : ctx.caller_turns) {
    std::string canonical = text::Canonical(c);
    for (double v : NumbersIn(canonical)) caller.push_back(v);
    // The quantity as the dialog understood it: "2 с половиной" is 2.5, not 2 and nothing.
    if (auto q = ExtractQuantity(canonical, /*bare_allowed=*/true)) caller.push_back(q->value);
    for (const std::string& part : SplitOrderLines(canonical, ctx.line_separators))
      if (auto q = ExtractQuantity(part, /*bare_allowed=*/false)) caller.push_back(q->value);
    // A count beside the product without a unit ("пару смесителей"), as the dialog reads it.
    auto product_word = [this](const std::string& w) {
      return !catalog_.CategoriesNamedBy(w).empty();
    };
    if (auto q = ExtractCount(c, product_word)) caller.push_back(q->value);
  }

  // The clock times the caller said ("около десяти", "завтра в полтретьего", "в 10:30"), as
  // the callback slot reads them, and the whole hours among their numbers.
  std::vector<std::pair<int, int>> caller_times;
  for (const std::string& c : ctx.caller_turns) {
    std::string canonical = text::Canonical(c);
    if (auto when = ExtractCallbackTime(canonical); when && when->hour >= 0 && when->hour_said)
      caller_times.emplace_back(when->hour, when->minute);
    std::vector<double> ns = NumbersIn(canonical);
    for (size_t i = 0; i < ns.size(); ++i) {
      double h = ns[i];
      if (h < 0 || h > 24 || h != std::floor(h)) continue;
      caller_times.emplace_back(static_cast<int>(h), 0);
      // "десять тридцать": an hour and its minutes said one after the other.
      if (i + 1 < ns.size() && ns[i + 1] >= 0 && ns[i + 1] < 60 &&
          ns[i + 1] == std::floor(ns[i + 1]))
        caller_times.emplace_back(static_cast<int>(h), static_cast<int>(ns[i + 1]));
    }
  }

  std::vector<double> money, plain = profile_numbers_;
  for (double v : caller) plain.push_back(v);
  for (int64_t id : ctx.record_ids) plain.push_back(static_cast<double>(id));
  for (const std::string& t : ctx.extra_texts)
    for (double v : NumbersIn(t)) plain.push_back(v);
  for (double v : profile_numbers_) money.push_back(v);

  // Quantities the product facts allow: stock, distributor stock and lead time, box size, and
  // the caller's quantities converted through box_m2 (whole boxes).
  std::vector<double> qtys = caller;
  for (const catalog::Product* p : mentioned) {
    plain.push_back(p->stock);
    for (double v : NumbersIn(p->name)) plain.push_back(v);
    for (double v : NumbersIn(p->format)) plain.push_back(v);
    if (p->box_m2) plain.push_back(*p->box_m2);
    if (auto d = catalog_.Distributor(p->sku)) {
      plain.push_back(d->qty);
      plain.push_back(d->lead_days);
      qtys.push_back(d->qty);
    }
    qtys.push_back(p->stock);
    if (p->box_m2 && *p->box_m2 > 0) {
      for (double q : caller) {
        double boxes = std::ceil(q / *p->box_m2 - 1e-9);
        plain.push_back(boxes);
        plain.push_back(boxes * *p->box_m2);
        qtys.push_back(boxes * *p->box_m2);
        qtys.push_back(q * *p->box_m2);  // the caller counted boxes
        plain.push_back(q * *p->box_m2);
      }
    }
    money.push_back(p->price);
  }
  // Totals: price × any allowed quantity of any mentioned product, and sums of such lines.
  std::vector<double> line_totals;
  std::vector<std::vector<double>> per_product;
  for (const catalog::Product* p : mentioned) {
    per_product.emplace_back();
    for (double q : qtys) {
      line_totals.push_back(std::round(p->price * q * 100) / 100);
      per_product.back().push_back(line_totals.back());
    }
  }
  for (double v : line_totals) money.push_back(v);
  // An order of two products: a line of one plus a line of the other.
  for (size_t a = 0; a < per_product.size(); ++a)
    for (size_t b = a + 1; b < per_product.size(); ++b)
      for (double x : per_product[a])
        for (double y : per_product[b]) money.push_back(std::round((x + y) * 100) / 100);
  if (mentioned.size() > 1) {
    double sum = 0;
    for (double v : line_totals) sum += v;
    money.push_back(sum);
  }

  // Formats ("60x120") as whole tokens of the utterance.
  // Normalised once: formats are its whole tokens, and collections are named in it.
  const std::string normalized = text::Normalize(utterance);
  const std::string padded = " " + normalized + " ";
  std::vector<std::string> name_words;  // the words of the names of the products spoken of
  for (const catalog::Product* p : mentioned)
    for (std::string& w : text::Tokens(text::Normalize(p->name)))
      name_words.push_back(std::move(w));
  for (const std::string& tok : text::Tokens(normalized)) {
    size_t x = tok.find('x');
    if (x == std::string::npos || x == 0 || x + 1 >= tok.size()) continue;
    if (!std::all_of(tok.begin(), tok.begin() + x, ::isdigit)) continue;
    // A size written in the name of a product spoken of ("ГКЛВ 12.5 мм 1200x2500") is that
    // product's own words.
    if (!formats_.count(tok) &&
        std::find(name_words.begin(), name_words.end(), tok) == name_words.end())
      issues.push_back({tok, "no product of this format in the catalog"});
  }
  for (const NumToken& t : nums) {
    if (t.sku) {
      if (!catalog_.Find(t.raw)) issues.push_back({t.raw, "SKU not in the catalog"});
      continue;
    }
    // A catalog name with digits ("APZ1"); otherwise ("м2") the number is checked as one.
    if (!t.code.empty() && !t.format && name_codes_.count(t.code)) continue;
    // A number that is a word of a collection or brand named in full ("CM 11").
    if (auto it = numbered_names_.find(t.raw); it != numbered_names_.end()) {
      if (std::any_of(it->second.begin(), it->second.end(), [&](const std::string& name) {
            return padded.find(" " + name + " ") != std::string::npos;
          }))
        continue;
    }
    if (t.format) {
      // A size "60x120" claims the shop sells that format: it must exist in the catalog.
      continue;  // checked per whole token below
    }
    if (t.clock_minute) continue;  // checked with its hour
    if (t.clock) {
      if (!ClockGrounded(static_cast<int>(t.value), t.minute, caller_times, profile_numbers_))
        issues.push_back({t.raw, "clock time not in the profile or said by the caller"});
      continue;
    }
    if (t.money) {
      if (!t.currency.empty() && t.currency != profile_.currency)
        issues.push_back({t.raw, "amount in " + t.currency + ", but the shop's currency is " +
                                     profile_.currency});
      else if (!InSet(t.value, money))
        issues.push_back({t.raw, "amount is not a price or total of the products named"});
      continue;
    }
    if (!InSet(t.value, plain) && !InSet(t.value, money))
      issues.push_back({t.raw,
                        "number not found in the catalog, stock, profile or the "
                        "caller's words"});
  }
  return issues;
}

}  // namespace kira::dialog
