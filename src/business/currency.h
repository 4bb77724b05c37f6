// Currencies: how an amount is written and said in each language, from a table that is data
// (data/defaults/currencies.yaml, loaded once), not code. The profile names its currency by
// ISO 4217 code; the agents render prices with it and the grounding check refuses an amount
// said in another currency.
//
//   KIRA_ASSIGN_OR_RETURN(const CurrencyTable* t, BuiltInCurrencies());
//   const Currency* gbp = t->Find("GBP");
//   FormatMoney(64, *gbp, "en", MoneyStyle::kWritten);  // "£64.00"
//   FormatMoney(64, *gbp, "en", MoneyStyle::kSpoken);   // "64 pounds"
//   FormatMoney(2690, *t->Find("RUB"), "ru");           // "2 690 руб."
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace kira::business {

struct CurrencyLanguage {
  std::string written;             // "{amount} руб.", "£{amount}", "{amount} {words}"
  bool always_decimals = false;    // "£64.00" vs "2 690 руб."
  std::vector<std::string> words;  // plural forms: ru one/few/many, en one/other
  std::vector<std::string> minor;  // the minor unit's words, same forms
};

struct Currency {
  std::string code;                // ISO 4217, upper case
  std::vector<std::string> marks;  // symbols and abbreviations in any language ("£", "руб")
  std::map<std::string, CurrencyLanguage> languages;  // "ru", "en"
  // Every mark and word of every language, lower case: what shows an amount is in this
  // currency (the grounding check).
  std::vector<std::string> AllMarks() const;
  std::vector<std::string> AllMinorWords() const;
};

class CurrencyTable {
 public:
  // The YAML format is described at the top of data/defaults/currencies.yaml. Every currency
  // must give ru and en; errors name the code and the key.
  static Result<CurrencyTable> Parse(const std::string& yaml, const std::string& name);
  static Result<CurrencyTable> Load(const std::string& path);

  const Currency* Find(const std::string& code) const;  // nullptr if unknown
  const std::vector<Currency>& currencies() const { return list_; }
  std::string Codes() const;  // "BYN, EUR, GBP, ..." for error messages

 private:
  std::vector<Currency> list_;
};

// The table in DefaultsDir()/currencies.yaml, read on first use and kept; the error names the
// file when it is missing or broken.
Result<const CurrencyTable*> BuiltInCurrencies();

enum class MoneyStyle {
  kWritten,  // chat, SMS, the workspace: "2 690 руб.", "£64.00", "54 230,40 руб."
  kSpoken,  // the phone: "2 690 рублей", "64 pounds 50 pence", "54 230 рублей 40 копеек"
};

// The amount (rounded to the minor unit) with its currency, in `language`'s number style:
// ru "54 230,40", en "54,230.40".
std::string FormatMoney(double amount, const Currency& c, const std::string& language,
                        MoneyStyle style = MoneyStyle::kWritten);

// The plural form of `forms` for a whole number n: Russian one/few/many (1, 2–4, 5+; 11–14
// many), English one/other. Fewer forms: the last one.
const std::string& PluralForm(const std::vector<std::string>& forms, long long n,
                              const std::string& language);

}  // namespace kira::business
