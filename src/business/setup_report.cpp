#include "business/setup_report.h"

#include <algorithm>

namespace kira::business {
namespace {

std::string LanguageName(const std::string& lang) {
  if (lang == "ru") return "Russian";
  if (lang == "en") return "English";
  return lang;
}

const SetupFacts::Engine* FindEngine(const std::vector<SetupFacts::Engine>& v,
                                     const std::string& lang) {
  for (const auto& e : v)
    if (e.language == lang) return &e;
  return nullptr;
}

std::string EngineDetail(const SetupFacts::Engine& e) {
  return e.target.empty() ? e.engine : e.engine + " at " + e.target;
}

// The setting that gives `lang` a recogniser: the Vosk shortcut for Russian, else the
// per-language engine list.
std::string AsrSetting(const std::string& lang, const SetupFacts::Engine* e) {
  if (lang == "ru" && (!e || e->engine == "vosk")) return "phone.vosk_url";
  return "phone.asr." + lang;
}

SetupItem Item(std::string area, std::string lang, SetupState state, std::string problem,
               std::string detail, std::string fix, bool essential) {
  SetupItem i;
  i.area = std::move(area);
  i.language = std::move(lang);
  i.state = state;
  i.problem = std::move(problem);
  i.detail = std::move(detail);
  i.fix = std::move(fix);
  i.essential = essential;
  return i;
}

std::string Title(const SetupItem& i) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"database", "Database"}, {"web", "Web workspace"}, {"sip", "SIP (calls)"},
      {"trunk", "SIP trunk"},   {"asr", "ASR"},           {"tts", "TTS"},
      {"dialer", "Dialer"}};
  std::string t = i.area;
  for (const auto& [k, v] : kNames)
    if (i.area == k) t = v;
  if (!i.language.empty()) t += " " + i.language;
  return t;
}

void AddSpeech(const SetupFacts& f, const std::string& lang, bool asr, SetupReport* r) {
  const auto* e = FindEngine(asr ? f.asr : f.tts, lang);
  const std::string area = asr ? "asr" : "tts";
  const bool essential = lang == f.shop_language;
  const std::string fix = asr ? AsrSetting(lang, e) : "phone.tts." + lang;
  if (!f.phone_on) {
    r->items.push_back(Item(area, lang, SetupState::kOff, "needs_phone",
                            e ? EngineDetail(*e) : "not configured",
                            f.voice_built ? "--no-phone" : "KIRA_VOICE=ON", false));
    r->items.back().text = "off (no phone side)";
    return;
  }
  if (!e) {
    r->items.push_back(
        Item(area, lang, SetupState::kMissing, "not_configured", "", fix, essential));
    r->items.back().text =
        "missing: no " + LanguageName(lang) + (asr ? " recogniser" : " voice") + " — set " + fix;
  } else if (!e->error.empty()) {
    bool unreachable = !e->target.empty();
    r->items.push_back(Item(area, lang, SetupState::kFailed,
                            unreachable ? "unreachable" : "load_failed", EngineDetail(*e), fix,
                            essential));
    r->items.back().text = "failed: " + EngineDetail(*e) + ": " + e->error + " — check " + fix;
  } else {
    r->items.push_back(Item(area, lang, SetupState::kLive, "", EngineDetail(*e), "", essential));
    r->items.back().text = EngineDetail(*e);
  }
  if (asr && essential && r->items.back().state != SetupState::kLive)
    r->warnings.push_back(LanguageName(lang) + " calls cannot be understood: " +
                          (e ? "the " + LanguageName(lang) + " recogniser failed"
                             : "no " + LanguageName(lang) + " speech recogniser is configured") +
                          ". Set " + fix +
                          " (docs/phone.md); until then callers get the keypad menu or a "
                          "transfer to a manager.");
  if (!asr && essential && r->items.back().state != SetupState::kLive)
    r->warnings.push_back("Kira cannot speak " + LanguageName(lang) + ": set " + fix + ".");
}

}  // namespace

const char* SetupStateName(SetupState s) {
  switch (s) {
    case SetupState::kLive:
      return "live";
    case SetupState::kOff:
      return "off";
    case SetupState::kMissing:
      return "missing";
    case SetupState::kFailed:
      return "failed";
  }
  return "failed";
}

SetupReport BuildSetupReport(const SetupFacts& f) {
  SetupReport r;
  if (f.database_error.empty()) {
    r.items.push_back(Item("database", "", SetupState::kLive, "", f.database, "", true));
    r.items.back().text = f.database;
  } else {
    r.items.push_back(
        Item("database", "", SetupState::kFailed, "load_failed", f.database, "--data", true));
    r.items.back().text = "failed: " + f.database_error + " — check --data";
    r.warnings.push_back("The database cannot be opened: " + f.database_error);
  }

  if (f.web_on) {
    r.items.push_back(Item("web", "", SetupState::kLive, "", f.web_url, "", false));
    r.items.back().text = f.web_url;
  } else {
    r.items.push_back(Item("web", "", SetupState::kOff, "disabled", "", "--web", false));
    r.items.back().text = "off (--no-web): the workspace is not served";
  }

  if (!f.voice_built) {
    r.items.push_back(
        Item("sip", "", SetupState::kOff, "no_voice_build", "", "KIRA_VOICE=ON", false));
    r.items.back().text = "off: this build has no phone side (build with -DKIRA_VOICE=ON)";
  } else if (!f.sip_error.empty()) {
    r.items.push_back(
        Item("sip", "", SetupState::kFailed, "load_failed", f.sip_listen, "phone.listen", true));
    r.items.back().text = "failed: " + f.sip_error + " — check phone.listen";
    r.warnings.push_back("No calls can be answered: " + f.sip_error);
  } else if (!f.phone_on) {
    r.items.push_back(Item("sip", "", SetupState::kOff, "disabled", "", "--no-phone", false));
    r.items.back().text = "off (--no-phone): no calls are answered";
  } else {
    r.items.push_back(Item("sip", "", SetupState::kLive, "", f.sip_listen, "", true));
    r.items.back().text = "listening on " + f.sip_listen;
  }

  if (!f.phone_on) {
    r.items.push_back(Item("trunk", "", SetupState::kOff, "needs_phone", f.trunk_registrar,
                           f.voice_built ? "--no-phone" : "KIRA_VOICE=ON", false));
    r.items.back().text = "off (no phone side)";
  } else if (f.trunk_registrar.empty()) {
    r.items.push_back(Item("trunk", "", SetupState::kMissing, "not_configured", "",
                           "phone.trunk.registrar", false));
    r.items.back().text =
        "not configured: calls only from addresses in phone.acl — set phone.trunk.registrar "
        "to register with a SIP provider";
  } else if (!f.trunk_registered) {
    r.items.push_back(Item("trunk", "", SetupState::kFailed, "not_registered", f.trunk_registrar,
                           "phone.trunk.username", false));
    r.items.back().text = "not registered with " + f.trunk_registrar +
                          " (yet) — check phone.trunk.username and phone.trunk.password";
  } else {
    r.items.push_back(Item("trunk", "", SetupState::kLive, "", f.trunk_registrar, "", false));
    r.items.back().text = "registered with " + f.trunk_registrar;
  }

  std::vector<std::string> langs = {f.shop_language};
  for (const char* l : {"ru", "en"})
    if (std::find(langs.begin(), langs.end(), l) == langs.end()) langs.push_back(l);
  for (const auto& l : langs) AddSpeech(f, l, true, &r);
  for (const auto& l : langs) AddSpeech(f, l, false, &r);

  if (f.dialer_on) {
    r.items.push_back(Item("dialer", "", SetupState::kLive, "", "", "", false));
    r.items.back().text = "running (calling windows from the profile)";
  } else if (!f.phone_on) {
    r.items.push_back(Item("dialer", "", SetupState::kOff, "needs_phone", "",
                           f.voice_built ? "--no-phone" : "KIRA_VOICE=ON", false));
    r.items.back().text = "off (no phone side): Vera's tasks wait";
  } else {
    r.items.push_back(Item("dialer", "", SetupState::kOff, "disabled", "", "--no-dialer", false));
    r.items.back().text = "off (--no-dialer): Vera's tasks wait";
  }
  return r;
}

std::string FormatSetupReport(const SetupReport& report) {
  std::string out = "kira: status\n";
  for (const auto& i : report.items) {
    const char* mark = i.state == SetupState::kLive ? "  ok    "
                       : i.essential                ? "  NO    "
                                                    : "  --    ";
    std::string title = Title(i);
    title.resize(std::max<size_t>(title.size(), 16), ' ');
    out += mark + title + i.text + "\n";
  }
  for (const auto& w : report.warnings) out += "kira: WARNING: " + w + "\n";
  return out;
}

}  // namespace kira::business
