#include "web/alert_config.h"

#include <cmath>
#include <initializer_list>
#include <nlohmann/json.hpp>

#include "core/clock.h"

namespace kira::web {
namespace {

using Json = nlohmann::json;

Status Bad(const std::string& key, const std::string& what) {
  return Status::Invalid("alerts: '" + key + "' " + what);
}

// Every key of `obj` must be one of `known`.
Status OnlyKeys(const Json& obj, const std::string& where,
                std::initializer_list<const char*> known) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool ok = false;
    for (const char* k : known) ok = ok || it.key() == k;
    if (!ok) {
      std::string list;
      for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      return Status::Invalid("alerts: unknown key '" + where + it.key() + "' (known: " + list +
                             ")");
    }
  }
  return Status::Ok();
}

Status GetBool(const Json& obj, const char* key, const std::string& where, bool* out) {
  if (!obj.contains(key)) return Status::Ok();
  if (!obj[key].is_boolean()) return Bad(where + key, "must be true or false");
  *out = obj[key].get<bool>();
  return Status::Ok();
}

Status GetString(const Json& obj, const char* key, const std::string& where, size_t max,
                 std::string* out) {
  if (!obj.contains(key)) return Status::Ok();
  if (!obj[key].is_string()) return Bad(where + key, "must be a string");
  std::string v = obj[key].get<std::string>();
  if (v.size() > max)
    return Bad(where + key, "is longer than " + std::to_string(max) + " characters");
  for (unsigned char c : v)
    if (c < 0x20 || c == 0x7f) return Bad(where + key, "has a control character");
  *out = std::move(v);
  return Status::Ok();
}

// "HH:MM" → minutes of the day.
Status GetClock(const Json& obj, const char* key, const std::string& where, int* out) {
  std::string s;
  if (!obj.contains(key)) return Status::Ok();
  KIRA_RETURN_IF_ERROR(GetString(obj, key, where, 5, &s));
  if (s.size() != 5 || s[2] != ':' || !isdigit(static_cast<unsigned char>(s[0])) ||
      !isdigit(static_cast<unsigned char>(s[1])) || !isdigit(static_cast<unsigned char>(s[3])) ||
      !isdigit(static_cast<unsigned char>(s[4])))
    return Bad(where + key, "must be a time HH:MM, got '" + s + "'");
  int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 23 || m > 59) return Bad(where + key, "must be a time 00:00..23:59, got '" + s + "'");
  *out = h * 60 + m;
  return Status::Ok();
}

std::string ClockText(int minutes) {
  char b[16];
  snprintf(b, sizeof b, "%02d:%02d", minutes / 60, minutes % 60);
  return b;
}

bool HttpUrl(const std::string& u) {
  return (u.rfind("https://", 0) == 0 && u.size() > 8) ||
         (u.rfind("http://", 0) == 0 && u.size() > 7);
}

// A plain mailbox "local@domain" (no display name, no spaces or angle brackets: it goes into
// SMTP commands and headers as it is).
bool Mailbox(const std::string& a) {
  size_t at = a.find('@');
  if (at == 0 || at == std::string::npos || at + 1 >= a.size() || a.find('@', at + 1) != a.npos)
    return false;
  for (unsigned char c : a)
    if (c <= ' ' || c == '<' || c == '>' || c == ',' || c == ';' || c == '"' || c == '\\')
      return false;
  return true;
}

bool TokenShape(const std::string& t) {
  size_t colon = t.find(':');
  if (colon == 0 || colon == std::string::npos || colon + 1 >= t.size()) return false;
  for (size_t i = 0; i < colon; ++i)
    if (!isdigit(static_cast<unsigned char>(t[i]))) return false;
  for (size_t i = colon + 1; i < t.size(); ++i) {
    unsigned char c = t[i];
    if (!isalnum(c) && c != '_' && c != '-') return false;
  }
  return true;
}

bool ChatIdShape(const std::string& c) {
  if (c.empty()) return false;
  if (c[0] == '@') {
    if (c.size() < 2) return false;
    for (size_t i = 1; i < c.size(); ++i)
      if (!isalnum(static_cast<unsigned char>(c[i])) && c[i] != '_') return false;
    return true;
  }
  size_t i = c[0] == '-' ? 1 : 0;
  if (i >= c.size()) return false;
  for (; i < c.size(); ++i)
    if (!isdigit(static_cast<unsigned char>(c[i]))) return false;
  return true;
}

Status ParseTelegram(const Json& j, const TelegramSettings* prev, TelegramSettings* t) {
  const std::string w = "telegram.";
  if (!j.is_object()) return Bad("telegram", "must be an object");
  KIRA_RETURN_IF_ERROR(
      OnlyKeys(j, w, {"enabled", "bot_token", "chat_id", "api_url", "max_per_second"}));
  KIRA_RETURN_IF_ERROR(GetBool(j, "enabled", w, &t->enabled));
  t->bot_token.clear();
  KIRA_RETURN_IF_ERROR(GetString(j, "bot_token", w, kMaxBotTokenChars, &t->bot_token));
  if (t->bot_token.empty() && prev) t->bot_token = prev->bot_token;
  KIRA_RETURN_IF_ERROR(GetString(j, "chat_id", w, kMaxChatIdChars, &t->chat_id));
  KIRA_RETURN_IF_ERROR(GetString(j, "api_url", w, kMaxUrlChars, &t->api_url));
  while (!t->api_url.empty() && t->api_url.back() == '/') t->api_url.pop_back();
  if (j.contains("max_per_second")) {
    if (!j["max_per_second"].is_number()) return Bad(w + "max_per_second", "must be a number");
    double r = j["max_per_second"].get<double>();
    if (!std::isfinite(r) || r <= 0 || r > 30)
      return Bad(w + "max_per_second", "must be above 0 and at most 30 (Telegram's own limit)");
    t->max_per_second = r;
  }
  if (!t->bot_token.empty() && !TokenShape(t->bot_token))
    return Bad(w + "bot_token",
               "is not a bot token (digits, a colon, then letters, digits, _ or -)");
  if (!t->chat_id.empty() && !ChatIdShape(t->chat_id))
    return Bad(w + "chat_id", "must be a number (groups are negative) or @channel_name");
  if (!HttpUrl(t->api_url)) return Bad(w + "api_url", "must start with https:// or http://");
  if (t->enabled && (t->bot_token.empty() || t->chat_id.empty()))
    return Bad("telegram", "needs bot_token and chat_id to be enabled");
  return Status::Ok();
}

Status ParseEmail(const Json& j, const EmailSettings* prev, EmailSettings* e) {
  const std::string w = "email.";
  if (!j.is_object()) return Bad("email", "must be an object");
  KIRA_RETURN_IF_ERROR(
      OnlyKeys(j, w, {"enabled", "smtp_url", "username", "password", "from", "to", "ca_file"}));
  KIRA_RETURN_IF_ERROR(GetBool(j, "enabled", w, &e->enabled));
  KIRA_RETURN_IF_ERROR(GetString(j, "smtp_url", w, kMaxUrlChars, &e->smtp_url));
  KIRA_RETURN_IF_ERROR(GetString(j, "username", w, kMaxSecretChars, &e->username));
  e->password.clear();
  KIRA_RETURN_IF_ERROR(GetString(j, "password", w, kMaxSecretChars, &e->password));
  if (e->password.empty() && prev) e->password = prev->password;
  KIRA_RETURN_IF_ERROR(GetString(j, "from", w, kMaxEmailChars, &e->from));
  KIRA_RETURN_IF_ERROR(GetString(j, "ca_file", w, kMaxUrlChars, &e->ca_file));
  if (j.contains("to")) {
    if (!j["to"].is_array()) return Bad(w + "to", "must be a list of addresses");
    if (j["to"].size() > kMaxRecipients)
      return Bad(w + "to", "has more than " + std::to_string(kMaxRecipients) + " addresses");
    e->to.clear();
    for (const Json& a : j["to"]) {
      if (!a.is_string() || a.get<std::string>().size() > kMaxEmailChars ||
          !Mailbox(a.get<std::string>()))
        return Bad(w + "to", "has an entry that is not an address like manager@shop.ru: " +
                                 a.dump().substr(0, 80));
      e->to.push_back(a.get<std::string>());
    }
  }
  if (!e->smtp_url.empty() && e->smtp_url.rfind("smtp://", 0) != 0 &&
      e->smtp_url.rfind("smtps://", 0) != 0)
    return Bad(w + "smtp_url", "must start with smtp:// (STARTTLS) or smtps:// (TLS)");
  if (!e->from.empty() && !Mailbox(e->from))
    return Bad(w + "from", "is not an address like kira@shop.ru");
  if (e->enabled && (e->smtp_url.empty() || e->from.empty() || e->to.empty()))
    return Bad("email", "needs smtp_url, from and at least one address in to to be enabled");
  return Status::Ok();
}

}  // namespace

std::optional<AlertKind> ParseAlertKind(std::string_view name) {
  for (size_t i = 0; i < kAlertKinds; ++i)
    if (kAlertKindNames[i] == name) return static_cast<AlertKind>(i);
  return std::nullopt;
}

Result<AlertConfig> ParseAlertConfig(const std::string& json, const AlertConfig* previous) {
  if (json.size() > kMaxAlertConfigBytes)
    return Status::Invalid("alerts: the settings are larger than " +
                           std::to_string(kMaxAlertConfigBytes) + " bytes");
  Json j = Json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Status::Invalid("alerts: the settings are not a JSON object");
  KIRA_RETURN_IF_ERROR(
      OnlyKeys(j, "", {"language", "workspace_url", "events", "quiet_hours", "telegram", "email"}));
  AlertConfig c;
  if (previous) c = *previous;
  KIRA_RETURN_IF_ERROR(GetString(j, "language", "", 2, &c.language));
  if (c.language != "ru" && c.language != "en") return Bad("language", "must be \"ru\" or \"en\"");
  KIRA_RETURN_IF_ERROR(GetString(j, "workspace_url", "", kMaxUrlChars, &c.workspace_url));
  while (!c.workspace_url.empty() && c.workspace_url.back() == '/') c.workspace_url.pop_back();
  if (!c.workspace_url.empty() && !HttpUrl(c.workspace_url))
    return Bad("workspace_url", "must start with https:// or http://");
  if (j.contains("events")) {
    const Json& ev = j["events"];
    if (!ev.is_object()) return Bad("events", "must be an object of switches");
    for (auto it = ev.begin(); it != ev.end(); ++it) {
      auto k = ParseAlertKind(it.key());
      if (!k) {
        std::string list;
        for (auto n : kAlertKindNames) list += (list.empty() ? "" : ", ") + std::string(n);
        return Status::Invalid("alerts: unknown event 'events." + it.key() + "' (known: " + list +
                               ")");
      }
      if (!it.value().is_boolean()) return Bad("events." + it.key(), "must be true or false");
      c.events[static_cast<size_t>(*k)] = it.value().get<bool>();
    }
  }
  if (j.contains("quiet_hours")) {
    const Json& q = j["quiet_hours"];
    const std::string w = "quiet_hours.";
    if (!q.is_object()) return Bad("quiet_hours", "must be an object");
    KIRA_RETURN_IF_ERROR(OnlyKeys(q, w, {"enabled", "from", "to"}));
    KIRA_RETURN_IF_ERROR(GetBool(q, "enabled", w, &c.quiet.enabled));
    KIRA_RETURN_IF_ERROR(GetClock(q, "from", w, &c.quiet.from_minute));
    KIRA_RETURN_IF_ERROR(GetClock(q, "to", w, &c.quiet.to_minute));
    if (c.quiet.enabled && c.quiet.from_minute == c.quiet.to_minute)
      return Bad("quiet_hours", "from and to are the same time");
  }
  if (j.contains("telegram"))
    KIRA_RETURN_IF_ERROR(
        ParseTelegram(j["telegram"], previous ? &previous->telegram : nullptr, &c.telegram));
  if (j.contains("email"))
    KIRA_RETURN_IF_ERROR(ParseEmail(j["email"], previous ? &previous->email : nullptr, &c.email));
  return c;
}

std::string AlertConfigJson(const AlertConfig& c, bool with_secrets) {
  Json ev = Json::object();
  for (size_t i = 0; i < kAlertKinds; ++i) ev[std::string(kAlertKindNames[i])] = c.events[i];
  Json tg = {{"enabled", c.telegram.enabled},
             {"bot_token", with_secrets ? c.telegram.bot_token : ""},
             {"chat_id", c.telegram.chat_id},
             {"api_url", c.telegram.api_url},
             {"max_per_second", c.telegram.max_per_second}};
  Json em = {{"enabled", c.email.enabled},   {"smtp_url", c.email.smtp_url},
             {"username", c.email.username}, {"password", with_secrets ? c.email.password : ""},
             {"from", c.email.from},         {"to", c.email.to},
             {"ca_file", c.email.ca_file}};
  if (!with_secrets) {
    tg["bot_token_set"] = !c.telegram.bot_token.empty();
    em["password_set"] = !c.email.password.empty();
  }
  Json j = {{"language", c.language},
            {"workspace_url", c.workspace_url},
            {"events", ev},
            {"quiet_hours",
             {{"enabled", c.quiet.enabled},
              {"from", ClockText(c.quiet.from_minute)},
              {"to", ClockText(c.quiet.to_minute)}}},
            {"telegram", tg},
            {"email", em}};
  return j.dump();
}

int64_t QuietUntil(const QuietHours& q, const TimeZone& zone, int64_t now_ms) {
  if (!q.enabled || q.from_minute == q.to_minute) return 0;
  TimePoint now = FromUnixMillis(now_ms);
  CivilTime c = ToCivil(zone, now);
  int m = c.hour * 60 + c.minute;
  bool wraps = q.from_minute > q.to_minute;  // 22:00..08:00
  bool inside =
      wraps ? (m >= q.from_minute || m < q.to_minute) : (m >= q.from_minute && m < q.to_minute);
  if (!inside) return 0;
  // The end is today at to_minute, or tomorrow when it is past (FromCivil normalises day + 1).
  int day = c.day + ((wraps && m >= q.from_minute) ? 1 : 0);
  TimePoint end = FromCivil(zone, c.year, c.month, day, q.to_minute / 60, q.to_minute % 60);
  return ToUnixMillis(end);
}

}  // namespace kira::web
