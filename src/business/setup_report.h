// SetupReport: what of Kira is live and what is missing, with the exact setting that fixes
// each gap. One function builds it from plain facts (BuildSetupReport); `kira serve` prints it
// at start (FormatSetupReport) and the workspace's admin page shows the same report
// (GET /api/admin/status), so the console and the page never disagree.
//
//   business::SetupFacts f;
//   f.shop_language = profile.language;           // "ru": a Russian recogniser is essential
//   f.phone_on = true;  f.sip_listen = "0.0.0.0:5060";
//   f.asr = {{"en", "pocketsphinx", ""}};         // no "ru" entry: missing, fix phone.vosk_url
//   business::SetupReport r = business::BuildSetupReport(f);
//   std::fputs(business::FormatSetupReport(r).c_str(), stdout);
//
// Items carry codes (area, state, problem) as well as English text, so the workspace shows
// them in the UI's language.
#pragma once

#include <string>
#include <vector>

namespace kira::business {

struct SetupFacts {
  std::string shop_language = "ru";  // the profile's language: its recogniser is essential
  std::string database;              // path of the database
  std::string database_error;        // "" = open
  bool web_on = false;
  std::string web_url;      // http://127.0.0.1:8080/
  bool voice_built = true;  // false: built with KIRA_VOICE=OFF (no phone side at all)
  bool phone_on = false;    // false: --no-phone, or the SIP side failed (sip_error)
  std::string sip_listen;   // address:port
  std::string sip_error;
  std::string trunk_registrar;  // "" = no trunk configured
  bool trunk_registered = false;
  struct Engine {
    std::string language;  // "ru", "en"
    std::string engine;    // "vosk", "pocketsphinx", "espeak", "flite"
    std::string target;    // e.g. the Vosk server's URL ("" for in-process engines)
    std::string error;     // "" = loaded (and reachable, for a server engine)
  };
  std::vector<Engine> asr, tts;  // as configured (after the vosk_url shortcut)
  bool dialer_on = false;
  bool dialer_disabled = false;  // --no-dialer
};

enum class SetupState { kLive, kOff, kMissing, kFailed };
const char* SetupStateName(SetupState s);  // "live", "off", "missing", "failed"

struct SetupItem {
  std::string area;      // "database", "web", "sip", "trunk", "asr", "tts", "dialer"
  std::string language;  // asr/tts: "ru", "en"; else ""
  SetupState state = SetupState::kLive;
  // Why it is not live, as a code: "not_configured", "disabled", "no_voice_build",
  // "load_failed", "not_registered", "needs_phone", "unreachable"; "" when live.
  std::string problem;
  bool essential = false;  // the shop cannot work without it (its language's ASR, SIP, DB)
  std::string detail;      // what runs (address, engine) or the error text
  std::string fix;         // the setting or flag that fixes it: "phone.vosk_url"
  std::string text;        // one English line for the console
};

struct SetupReport {
  std::vector<SetupItem> items;
  // Essential gaps, as console warnings ("Russian calls cannot be understood: ...").
  std::vector<std::string> warnings;
  bool ok() const { return warnings.empty(); }
};

// Languages checked for ASR and TTS: the shop's language, then "ru" and "en".
SetupReport BuildSetupReport(const SetupFacts& facts);
// The console form: one line per item ("  ok  ASR ru: vosk at ws://…"), warnings last.
std::string FormatSetupReport(const SetupReport& report);

}  // namespace kira::business
