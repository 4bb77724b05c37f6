#include "dialog/grounding.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include "core/text.h"

namespace kira::dialog {

namespace {

struct NumToken {
  double value;
  std::string raw;
  bool money = false;   // followed by a currency word
  bool clock = false;   // part of HH:MM
  bool format = false;  // part of AxB
  bool sku = false;     // after "артикул"/"SKU"
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Scans the raw utterance (not normalised: we want "9:00", "1 250", "60x60" as written).
std::vector<NumToken> Scan(const std::string& s) {
  std::vector<NumToken> out;
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
    // Clock "9:00".
    if (j + 2 < s.size() && s[j] == ':' && IsDigit(s[j + 1]) && IsDigit(s[j + 2])) {
      t.clock = true;
      out.push_back(t);
      NumToken m;
      m.raw = s.substr(j + 1, 2);
      m.value = std::atof(m.raw.c_str());
      m.clock = true;
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
    // Currency after the number.
    std::string after = text::Lower(s.substr(j, 16));
    size_t k = 0;
    while (k < after.size() && after[k] == ' ') ++k;
    std::string tail = after.substr(k);
    for (const char* cur : {"руб", "р.", "₽", "rub", "roubles", "rubles", "rouble"}) {
      if (tail.rfind(cur, 0) == 0) t.money = true;
    }
    // SKU after "артикул" / "sku".
    std::string before = text::Lower(s.substr(i >= 24 ? i - 24 : 0, i >= 24 ? 24 : i));
    if (before.find("артикул") != std::string::npos || before.find("sku") != std::string::npos)
      t.sku = true;
    out.push_back(t);
    i = j;
  }
  return out;
}

bool Near(double a, double b) { return std::fabs(a - b) < 0.005 + 1e-9 * std::fabs(b); }

bool InSet(double v, const std::vector<double>& set) {
  for (double x : set)
    if (Near(v, x)) return true;
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
  for (const auto& p : catalog.products())
    if (!p.format.empty()) formats_.insert(p.format);
  profile_numbers_.push_back(profile.rules.min_order_m2);
  profile_numbers_.push_back(profile.rules.big_project_m2);
}

std::vector<GroundingIssue> GroundingChecker::Check(const std::string& utterance,
                                                    const GroundingContext& ctx) const {
  std::vector<GroundingIssue> issues;
  std::vector<NumToken> nums = Scan(utterance);
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
  // Formats ("60x120") as whole tokens of the utterance.
  for (const std::string& tok : text::Tokens(text::Normalize(utterance))) {
    size_t x = tok.find('x');
    if (x == std::string::npos || x == 0 || x + 1 >= tok.size()) continue;
    if (!std::all_of(tok.begin(), tok.begin() + x, ::isdigit)) continue;
    if (!formats_.count(tok)) issues.push_back({tok, "no product of this format in the catalog"});
  }
  for (const NumToken& t : nums) {
    if (t.sku) {
      if (const catalog::Product* p = catalog_.Find(t.raw)) mentioned.push_back(p);
    }
  }

  // What the caller said: their numbers may be echoed, and quantities derived from them.
  std::vector<double> caller;
  for (const std::string& c : ctx.caller_turns)
    for (double v : NumbersIn(text::Canonical(c))) caller.push_back(v);

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
  for (const catalog::Product* p : mentioned)
    for (double q : qtys) line_totals.push_back(std::round(p->price * q * 100) / 100);
  for (double v : line_totals) money.push_back(v);
  if (mentioned.size() > 1) {
    double sum = 0;
    for (double v : line_totals) sum += v;
    money.push_back(sum);
  }

  // Formats ("60x120") as whole tokens of the utterance.
  for (const std::string& tok : text::Tokens(text::Normalize(utterance))) {
    size_t x = tok.find('x');
    if (x == std::string::npos || x == 0 || x + 1 >= tok.size()) continue;
    if (!std::all_of(tok.begin(), tok.begin() + x, ::isdigit)) continue;
    if (!formats_.count(tok)) issues.push_back({tok, "no product of this format in the catalog"});
  }
  for (const NumToken& t : nums) {
    if (t.sku) {
      if (!catalog_.Find(t.raw)) issues.push_back({t.raw, "SKU not in the catalog"});
      continue;
    }
    if (t.format) {
      // A size "60x120" claims the shop sells that format: it must exist in the catalog.
      continue;  // checked per whole token below
    }
    if (t.clock) {
      // "в три" → 15:00: the caller's afternoon hours count in 24-hour form too.
      std::vector<double> hours = caller;
      for (double v : caller)
        if (v >= 1 && v < 12) hours.push_back(v + 12);
      bool ok = InSet(t.value, profile_numbers_) || InSet(t.value, hours);
      if (!ok) issues.push_back({t.raw, "clock time not in the profile or said by the caller"});
      continue;
    }
    if (t.money) {
      if (!InSet(t.value, money))
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
