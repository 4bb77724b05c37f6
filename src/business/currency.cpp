#include "business/currency.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <set>

#include "core/defaults.h"
#include "core/text.h"
#include "core/yaml_strict.h"

namespace kira::business {

namespace {

constexpr size_t kMaxTableBytes = 256 * 1024;
constexpr size_t kMaxCurrencies = 200;

struct TableError {
  std::string msg;
};

std::vector<std::string> Words(const std::string& where, const YAML::Node& n) {
  std::vector<std::string> out;
  if (!n) return out;
  if (!n.IsSequence()) throw TableError{where + ": expected a list of words"};
  for (const auto& w : n) {
    if (!w.IsScalar() || text::Trim(w.Scalar()).empty())
      throw TableError{where + ": expected non-empty words"};
    out.push_back(text::Trim(w.Scalar()));
  }
  return out;
}

void OnlyKeys(const std::string& where, const YAML::Node& n, const std::set<std::string>& ok) {
  if (!n.IsMap()) throw TableError{where + ": expected a mapping"};
  for (const auto& kv : n) {
    const std::string k = kv.first.as<std::string>();
    if (!ok.count(k)) throw TableError{where + "." + k + ": unknown key"};
  }
}

// "2690.4" → "2 690,40" (ru) / "2,690.40" (en); decimals only when needed unless `always`.
std::string Amount(long long cents, bool ru, bool always) {
  const bool neg = cents < 0;
  if (neg) cents = -cents;
  std::string digits = std::to_string(cents / 100), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ru ? " " : ",";
    out += digits[i];
  }
  const int frac = static_cast<int>(cents % 100);
  if (frac || always) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%s%02d", ru ? "," : ".", frac);
    out += buf;
  }
  return neg ? "-" + out : out;
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
  return s;
}

}  // namespace

std::vector<std::string> Currency::AllMarks() const {
  std::vector<std::string> out;
  for (const auto& m : marks) out.push_back(text::Lower(m));
  for (const auto& [lang, l] : languages)
    for (const auto& w : l.words) out.push_back(text::Lower(w));
  return out;
}

std::vector<std::string> Currency::AllMinorWords() const {
  std::vector<std::string> out;
  for (const auto& [lang, l] : languages)
    for (const auto& w : l.minor) out.push_back(text::Lower(w));
  return out;
}

const std::string& PluralForm(const std::vector<std::string>& forms, long long n,
                              const std::string& language) {
  static const std::string kEmpty;
  if (forms.empty()) return kEmpty;
  size_t idx = language == "ru" ? static_cast<size_t>(text::RussianPluralIndex(n))
                                : (std::llabs(n) == 1 ? 0u : 1u);
  return forms[std::min(idx, forms.size() - 1)];
}

std::string FormatMoney(double amount, const Currency& c, const std::string& language,
                        MoneyStyle style) {
  const bool ru = language == "ru";
  auto it = c.languages.find(language);
  const long long cents = std::llround(amount * 100);
  if (it == c.languages.end()) return Amount(cents, ru, false) + " " + c.code;
  const CurrencyLanguage& l = it->second;
  const long long whole = cents / 100;
  const int frac = static_cast<int>(std::llabs(cents % 100));
  if (style == MoneyStyle::kSpoken) {
    std::string out = Amount(whole * 100, ru, false) + " " + PluralForm(l.words, whole, language);
    if (frac && !l.minor.empty())
      out += " " + std::to_string(frac) + " " + PluralForm(l.minor, frac, language);
    return out;
  }
  // Written: a fraction takes the "few" form in Russian ("2,5 рубля"), the plural in English.
  const std::string& words =
      frac ? (l.words.size() > 1 ? l.words[1] : PluralForm(l.words, 2, language))
           : PluralForm(l.words, whole, language);
  std::string out = Replace(l.written, "{amount}", Amount(cents, ru, l.always_decimals));
  return Replace(out, "{words}", words);
}

Result<CurrencyTable> CurrencyTable::Parse(const std::string& yaml, const std::string& name) {
  YamlLimits limits;
  limits.max_bytes = kMaxTableBytes;
  KIRA_ASSIGN_OR_RETURN(YAML::Node root, ParseYamlStrict(yaml, name, limits));
  CurrencyTable t;
  try {
    if (!root.IsMap()) return Status::Invalid(name + ": expected CODE: {marks, ru, en}");
    if (root.size() > kMaxCurrencies)
      return Status::Invalid(name + ": more than " + std::to_string(kMaxCurrencies) +
                             " currencies");
    for (const auto& kv : root) {
      Currency c;
      c.code = kv.first.as<std::string>();
      const std::string where = name + ": " + c.code;
      if (c.code.size() != 3 || !std::all_of(c.code.begin(), c.code.end(),
                                             [](char ch) { return ch >= 'A' && ch <= 'Z'; }))
        throw TableError{where + ": expected a three-letter ISO 4217 code in capitals"};
      if (t.Find(c.code)) throw TableError{where + ": appears twice"};
      OnlyKeys(where, kv.second, {"marks", "ru", "en"});
      c.marks = Words(where + ".marks", kv.second["marks"]);
      for (const char* lang : {"ru", "en"}) {
        const std::string lw = where + "." + lang;
        YAML::Node n = kv.second[lang];
        if (!n) throw TableError{lw + ": required (every currency gives ru and en)"};
        OnlyKeys(lw, n, {"written", "decimals", "words", "minor"});
        CurrencyLanguage l;
        if (!n["written"] || !n["written"].IsScalar() ||
            n["written"].Scalar().find("{amount}") == std::string::npos)
          throw TableError{lw + ".written: required, a text with {amount}"};
        l.written = n["written"].Scalar();
        if (YAML::Node d = n["decimals"]) {
          if (!d.IsScalar() || (d.Scalar() != "always" && d.Scalar() != "when_needed"))
            throw TableError{lw + ".decimals: expected always or when_needed"};
          l.always_decimals = d.Scalar() == "always";
        }
        l.words = Words(lw + ".words", n["words"]);
        if (l.words.empty()) throw TableError{lw + ".words: required"};
        l.minor = Words(lw + ".minor", n["minor"]);
        c.languages[lang] = std::move(l);
      }
      t.list_.push_back(std::move(c));
    }
  } catch (const TableError& e) {
    return Status::Invalid(e.msg);
  } catch (const YAML::Exception& e) {
    return Status::Invalid(name + ": not valid YAML: " + e.what());
  }
  if (t.list_.empty()) return Status::Invalid(name + ": no currencies");
  return t;
}

Result<CurrencyTable> CurrencyTable::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read the currency table " + path);
  std::string text;
  text.resize(kMaxTableBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return Parse(text, path);  // a file over the limit is refused there, by its size
}

const Currency* CurrencyTable::Find(const std::string& code) const {
  for (const auto& c : list_)
    if (c.code == code) return &c;
  return nullptr;
}

std::string CurrencyTable::Codes() const {
  std::string out;
  for (const auto& c : list_) out += (out.empty() ? "" : ", ") + c.code;
  return out;
}

Result<const CurrencyTable*> BuiltInCurrencies() {
  static std::once_flag once;
  static Result<CurrencyTable>* table = nullptr;
  std::call_once(once, [] {
    table = new Result<CurrencyTable>(CurrencyTable::Load(DefaultsDir() + "/currencies.yaml"));
  });
  if (!table->ok()) return table->status();
  return &table->value();
}

}  // namespace kira::business
