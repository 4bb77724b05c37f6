// The business profile: what the shop owner writes about the shop in one YAML file (name,
// hours, address, delivery, rules, FAQ, the manager, calling windows). Loaded strictly
// (core/yaml_strict.h): unknown keys, repeated keys and wrong types are errors that name the key,
// and the time zone must exist in the tz database.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace kira::business {

struct Manager {
  std::string name;
  std::string phone;  // E.164
  std::string sip;    // SIP URI for transfers, e.g. "sip:manager@127.0.0.1:5072"
};

struct Rules {
  double min_order_m2 = 0;    // below it a tile request is non_targeted/small_quantity
  double big_project_m2 = 0;  // at or above it the caller is qualified for a manager
};

struct FaqEntry {
  std::string q;
  std::string a;
};

// A daily window in the callee's local time, minutes from midnight, [start, end).
struct DayWindow {
  int start_min = 9 * 60;
  int end_min = 20 * 60;
};

// When outbound calls may be placed (callee's local time).
struct CallingWindow {
  DayWindow weekdays{9 * 60, 20 * 60};
  DayWindow weekends{10 * 60, 19 * 60};
};

// How long personal data is kept (152-FZ), in days after a conversation ended; 0 = kept.
// `kira serve` applies it at start and once a day; its --keep-*-days flags override it.
struct Privacy {
  int keep_transcripts_days = 0;  // the conversation's turns (what was said)
  int keep_recordings_days = 0;   // the call's audio file
};

struct Profile {
  std::string name;
  std::string language = "ru";  // "ru" | "en"
  std::string timezone = "Europe/Moscow";
  std::string currency = "RUB";  // ISO 4217; one of data/defaults/currencies.yaml (currency.h)
  std::string address;
  std::string hours;
  std::string delivery;
  std::string assistant_disclosure;
  Manager manager;
  Rules rules;
  std::vector<FaqEntry> faq;
  CallingWindow calling_window;
  Privacy privacy;
  std::string dir;  // directory the profile was loaded from (lexicon, scenarios, demo data)
};

Result<Profile> LoadProfile(const std::string& path);
Result<Profile> ParseProfile(const std::string& yaml_text, const std::string& name_for_errors);

// The profile's time zone must be a zone of the tz database: a name of IANA shape (refusing
// "../../../../etc/passwd" before any file is touched) naming a TZif file under zoneinfo_dir.
// Errors say which ("unknown time zone 'Mars/Olympus' (no such zone in the tz database at
// /usr/share/zoneinfo; …)").
Status CheckTimeZone(const std::string& zone, const std::string& zoneinfo_dir);
// $TZDIR, else /usr/share/zoneinfo.
std::string ZoneinfoDir();

// "09:00" → 540; false on anything else.
bool ParseClock(const std::string& s, int* minutes);

}  // namespace kira::business
