// Phone numbers: the one place Kira reads them, on libphonenumber. Every number that enters
// (chat --caller, a SIP From, the web, the CLI, imports, task assignment) goes through ToE164
// and is stored in E.164 ("+79161234567"); the CRM matches contacts and the do-not-call list
// on NormalizePhone, which gives the same key for every spelling of a number.
//
//   ToE164("8 (916) 123-45-67")  → "+79161234567"      (national forms read as Russian)
//   ToE164("+7 916 +1234567")    → Invalid "'+* *** +***4567' is not a phone number"
//   NormalizePhone("8 916 123-45-67") == NormalizePhone("+7 916 1234567") == "+79161234567"
//
// Accepted text (at most kMaxPhoneChars characters): digits, spaces, '-', '.', '(', ')', a
// leading '+' and a leading "tel:". "00" before the country code is read as '+', like "8 10"
// (Russia's international prefix). Anything else is not a phone number. Error messages show
// the number redacted (log::Redact), never its digits.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace kira::crm {

// How national forms ("8 916 …", "916 …") are read when a caller gives no region.
inline constexpr std::string_view kDefaultPhoneRegion = "RU";
inline constexpr size_t kMaxPhoneChars = 64;

// What libphonenumber knows of a valid number.
struct PhoneNumberInfo {
  std::string e164;         // "+79161234567"
  std::string region;       // ISO 3166 alpha-2 ("RU"); "001" for non-geographic entities
  std::string national;     // national significant number ("9161234567")
  bool fixed_line = false;  // a geographic number (fixed line, or fixed line or mobile)
};

// Parses and validates. Invalid names the redacted number and whether it is not a number at
// all or not a valid one (wrong length, unallocated range).
Result<PhoneNumberInfo> ParsePhone(std::string_view phone,
                                   std::string_view default_region = kDefaultPhoneRegion);
// The E.164 form of a valid number; the error of ParsePhone otherwise.
Result<std::string> ToE164(std::string_view phone,
                           std::string_view default_region = kDefaultPhoneRegion);

// The key stored numbers are matched on (a contact's phone_key, the do-not-call list): the
// E.164 form of anything libphonenumber reads as a possible number of the right length, even
// in a range not (yet) allocated, so every spelling of one number gives one key; "" when
// `phone` is not a phone number. National forms are read as kDefaultPhoneRegion.
std::string NormalizePhone(std::string_view phone);

// A caller id as a channel gave it (a SIP From user part, `kira chat --caller`): its E.164
// form when it is a valid number, else the text trimmed ("anonymous", an extension "1001"),
// so the conversation still records who the network said called.
std::string CallerNumber(std::string_view raw,
                         std::string_view default_region = kDefaultPhoneRegion);

}  // namespace kira::crm
