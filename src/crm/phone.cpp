#include "crm/phone.h"

#include <phonenumbers/phonenumberutil.h>

#include "core/log.h"

namespace kira::crm {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

// The number's digits with a leading '+' if it had one, or false when `in` holds anything but
// the accepted characters (libphonenumber alone would read "12ab34567" as a vanity number and
// pick a number out of free text).
bool Clean(std::string_view in, std::string* out) {
  if (in.size() > kMaxPhoneChars) return false;
  while (!in.empty() && (in.front() == ' ' || in.front() == '\t')) in.remove_prefix(1);
  while (!in.empty() && (in.back() == ' ' || in.back() == '\t')) in.remove_suffix(1);
  if (in.substr(0, 4) == "tel:") in.remove_prefix(4);
  std::string s;
  bool plus = false;
  bool digit = false;
  for (char ch : in) {
    if (ch >= '0' && ch <= '9') {
      s.push_back(ch);
      digit = true;
    } else if (ch == '+') {
      if (plus || digit) return false;
      plus = true;
      s.push_back('+');
    } else if (ch != ' ' && ch != '-' && ch != '.' && ch != '(' && ch != ')' && ch != '\t') {
      return false;
    }
  }
  if (!digit) return false;
  // "00" is the international prefix of most of the world (Russia's is "8 10", which
  // libphonenumber knows); people write it out of habit.
  if (!plus && s.size() > 4 && s.compare(0, 2, "00") == 0) s = "+" + s.substr(2);
  *out = std::move(s);
  return true;
}

// Parses cleaned text; false when libphonenumber cannot read a number from it.
bool Parse(std::string_view phone, std::string_view region, PhoneNumber* n) {
  std::string clean;
  if (!Clean(phone, &clean)) return false;
  return PhoneNumberUtil::GetInstance()->Parse(clean, std::string(region), n) ==
         PhoneNumberUtil::NO_PARSING_ERROR;
}

// E.164 allows 15 digits in all; libphonenumber calls some longer numbers possible, even valid
// (Japan's "+81" with 15 national digits, German numbers of 15 national digits).
bool WithinE164(const std::string& e164) { return e164.size() <= 16; }

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

Result<PhoneNumberInfo> ParsePhone(std::string_view phone, std::string_view default_region) {
  PhoneNumber n;
  if (!Parse(phone, default_region, &n))
    return Status::Invalid("'" + log::Redact(phone.substr(0, kMaxPhoneChars)) +
                           "' is not a phone number");
  const auto* util = PhoneNumberUtil::GetInstance();
  if (!util->IsValidNumber(n))
    return Status::Invalid("'" + log::Redact(phone) + "' is not a valid phone number");
  PhoneNumberInfo info;
  util->Format(n, PhoneNumberUtil::E164, &info.e164);
  if (!WithinE164(info.e164))
    return Status::Invalid("'" + log::Redact(phone) + "' has more digits than E.164 allows (15)");
  if (NormalizePhone(info.e164) != info.e164)
    return Status::Invalid("'" + log::Redact(phone) + "' is not a stable phone number");
  util->GetRegionCodeForNumber(n, &info.region);
  util->GetNationalSignificantNumber(n, &info.national);
  auto type = util->GetNumberType(n);
  info.fixed_line =
      type == PhoneNumberUtil::FIXED_LINE || type == PhoneNumberUtil::FIXED_LINE_OR_MOBILE;
  return info;
}

Result<std::string> ToE164(std::string_view phone, std::string_view default_region) {
  KIRA_ASSIGN_OR_RETURN(PhoneNumberInfo info, ParsePhone(phone, default_region));
  return std::move(info.e164);
}

namespace {

std::string NormalizeOnce(std::string_view phone) {
  PhoneNumber n;
  if (!Parse(phone, kDefaultPhoneRegion, &n)) return "";
  const auto* util = PhoneNumberUtil::GetInstance();
  if (!util->IsPossibleNumber(n)) return "";
  std::string out;
  util->Format(n, PhoneNumberUtil::E164, &out);
  if (!WithinE164(out)) return "";
  return out;
}

}  // namespace

std::string NormalizePhone(std::string_view phone) {
  // libphonenumber does not always reach its own form in one pass: "+84 0…" keeps the national
  // prefix after the country code and drops it when read again. The key is the fixed point.
  std::string key = NormalizeOnce(phone);
  for (int i = 0; i < 3 && !key.empty(); ++i) {
    std::string again = NormalizeOnce(key);
    if (again == key) return key;
    key = std::move(again);
  }
  return "";
}

std::string CallerNumber(std::string_view raw, std::string_view default_region) {
  auto e164 = ToE164(raw, default_region);
  return e164.ok() ? std::move(e164).value() : Trim(raw);
}

}  // namespace kira::crm
