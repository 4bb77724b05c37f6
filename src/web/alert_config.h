// The manager alerts' settings, as the workspace's settings page edits them and the workspace
// store keeps them (state key kAlertConfigKey, one JSON object): which events alert, the quiet
// hours (in the shop's time zone), and the Telegram and e-mail channels. Parsing is strict: an
// unknown key, a wrong type or a value past its limit is an error naming the key.
//
//   KIRA_ASSIGN_OR_RETURN(AlertConfig c, ParseAlertConfig(body, &current));
//   std::string stored = AlertConfigJson(c, /*with_secrets=*/true);
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/tz.h"

namespace kira::web {

inline constexpr const char* kAlertConfigKey = "alerts.config";

// The events a manager can be alerted about; each has a switch.
enum class AlertKind {
  kNewOrder,
  kQualifiedLead,
  kCallbackRequested,
  kTransferFailed,
  kVeraResult
};
inline constexpr std::string_view kAlertKindNames[] = {
    "new_order", "qualified_lead", "callback_requested", "transfer_failed", "vera_result"};
inline constexpr size_t kAlertKinds = std::size(kAlertKindNames);
constexpr std::string_view AlertKindName(AlertKind k) {
  return kAlertKindNames[static_cast<size_t>(k)];
}
std::optional<AlertKind> ParseAlertKind(std::string_view name);

// Limits of the settings (a request body past kMaxAlertConfigBytes is refused unread).
inline constexpr size_t kMaxAlertConfigBytes = 16 * 1024;
inline constexpr size_t kMaxUrlChars = 512;
inline constexpr size_t kMaxBotTokenChars = 128;
inline constexpr size_t kMaxChatIdChars = 64;
inline constexpr size_t kMaxEmailChars = 254;  // RFC 5321's path limit
inline constexpr size_t kMaxRecipients = 10;
inline constexpr size_t kMaxSecretChars = 256;

struct TelegramSettings {
  bool enabled = false;
  std::string bot_token;  // "<digits>:<secret>" from @BotFather; a secret
  std::string chat_id;    // a number (groups are negative) or "@channel_name"
  std::string api_url =
      "https://api.telegram.org";  // a test server or a Bot API server of one's own
  // Telegram asks bots to stay under one message a second in a chat: the sender paces itself.
  double max_per_second = 1.0;
};

struct EmailSettings {
  bool enabled = false;
  // "smtp://host:587" (STARTTLS, always required) or "smtps://host:465" (TLS from the start).
  std::string smtp_url;
  std::string username, password;  // the password is a secret
  std::string from;
  std::vector<std::string> to;
  std::string ca_file;  // a CA bundle for a server with a private certificate ("" = the system's)
};

struct QuietHours {
  bool enabled = false;
  int from_minute = 22 * 60;  // local minutes of the day; alerts wait from here...
  int to_minute = 8 * 60;     // ...until here (may wrap past midnight)
};

struct AlertConfig {
  std::string language = "ru";  // of the alert texts: "ru" | "en"
  std::string workspace_url;    // where the links point, e.g. "https://kira.shop.ru"
  std::array<bool, kAlertKinds> events{true, true, true, true, true};
  QuietHours quiet;
  TelegramSettings telegram;
  EmailSettings email;

  bool on(AlertKind k) const { return events[static_cast<size_t>(k)]; }
};

// Parses and checks `json`. A secret (bot_token, password) left out or empty keeps its value in
// `previous` (the page never receives secrets back); nullptr = none.
Result<AlertConfig> ParseAlertConfig(const std::string& json, const AlertConfig* previous);
// The settings as JSON. Without secrets, each secret is "" and "<name>_set" says whether one is
// stored (what the settings page shows).
std::string AlertConfigJson(const AlertConfig& c, bool with_secrets);

// When `now_ms` falls in the quiet hours of `zone`: the Unix ms they end; else 0.
int64_t QuietUntil(const QuietHours& q, const TimeZone& zone, int64_t now_ms);

}  // namespace kira::web
