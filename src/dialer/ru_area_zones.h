// Russian geographic (ABC) area codes → IANA time zones. libphonenumber's C++ library (8.12 in
// Debian 12) has no time-zone mapper (only Java ships PhoneNumberToTimeZonesMapper), and its
// geocoder returns region names, not zones, so the dialer carries this table.
//
// Source and rule: the ABC codes are the 3-digit codes of the Russian numbering plan (Rossvyaz,
// "Российская система и план нумерации", one or more codes per federal subject); each subject is
// mapped to the tz database zone whose zone1970.tab comment names it ("MSK+01 - Samara,
// Udmurtia", "MSK+04 - Kemerovo", ...). A subject spanning several zones (Sakha) maps to all of
// them, except where a 4-digit code pins a city (4112 Yakutsk). Mobile (DEF 9xx) and other
// non-geographic codes are NOT here: they map to every Russian zone (phone_zones.cpp).
#pragma once

#include <string_view>

namespace kira::dialer {

struct RuAreaZones {
  std::string_view prefix;  // national digits after +7, 3 or 4 of them
  std::string_view zones;   // comma-separated IANA names
};

// Longest-prefix match on the national number (10 digits after +7); nullptr when no entry.
const RuAreaZones* LookupRuArea(std::string_view national_digits);

// The whole table (for tests: every zone it names must exist in the tz database).
const RuAreaZones* RuAreaTable(size_t* count);

}  // namespace kira::dialer
