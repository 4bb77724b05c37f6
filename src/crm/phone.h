// Phone numbers as the CRM compares them. Contacts and the do-not-call list keep a number as it
// was given ("8 (916) 123-45-67") but match on one canonical key, so every spelling of a number
// finds the same contact and the same do-not-call entry.
//
//   NormalizePhone("8 916 123-45-67") == NormalizePhone("+7 916 1234567") == "+79161234567"
#pragma once

#include <string>
#include <string_view>

namespace kira::crm {

// The canonical key of a phone number, or "" when `phone` is not a phone number.
//
// Rule (the shop's market is Russia, so national forms are read as Russian numbers):
//  - Allowed characters: digits, spaces, '-', '.', '(', ')', a leading '+', and a leading
//    "tel:" prefix. Anything else (letters, '@', a second '+') means "not a phone number".
//  - "+DIGITS" is already international: "+" followed by the digits.
//  - "00DIGITS" and "810DIGITS" (the international prefixes, "810" only when longer than 11
//    digits) become "+DIGITS" without the prefix.
//  - 11 digits starting with 8 or 7 (Russian trunk prefix "8" or country code without '+')
//    become "+7" and the last 10 digits.
//  - 10 digits (a Russian national number without the trunk prefix) become "+7" + digits.
//  - Anything else with 3 to 15 digits is kept as bare digits without '+': a short or local
//    number whose country is unknown still matches itself.
//  - More than 15 digits (E.164's maximum) or fewer than 3: not a phone number.
std::string NormalizePhone(std::string_view phone);

}  // namespace kira::crm
