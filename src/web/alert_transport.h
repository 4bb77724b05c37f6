// The two wires of the manager alerts, over libcurl: the Telegram Bot API's sendMessage
// (https://core.telegram.org/bots/api#sendmessage) and SMTP submission with STARTTLS required
// (or smtps://). Each call is one attempt with a deadline; what to do with a failure (retry,
// hold, give up) is the caller's (web/alerts.cpp, through the webhooks outbox).
//
//   TelegramReply r = TelegramSendMessage(cfg.telegram, "New order #12", 5s);
//   if (r.retry_after_s > 0) ...  // 429: Telegram said when to come back
#pragma once

#include <chrono>
#include <string>

#include "web/alert_config.h"

namespace kira::web {

// Telegram's answers are small; a longer one is cut off and read as an error.
inline constexpr size_t kMaxTelegramReplyBytes = 64 * 1024;
// Telegram refuses a message text above 4096 characters; alerts are cut well below.
inline constexpr size_t kMaxTelegramTextBytes = 4000;

struct TelegramReply {
  bool ok = false;
  int http_status = 0;    // 0 = no answer (connection, TLS or timeout)
  int error_code = 0;     // the Bot API's error_code when ok is false
  std::string error;      // what went wrong, for the outbox row (never the token)
  int retry_after_s = 0;  // parameters.retry_after of a 429
};

// POST <api_url>/bot<token>/sendMessage {"chat_id", "text", "disable_web_page_preview"}.
TelegramReply TelegramSendMessage(const TelegramSettings& t, const std::string& text,
                                  std::chrono::milliseconds timeout);

// One e-mail: `message` is the whole RFC 5322 message (headers, blank line, body). Returns ""
// when the server accepted it, else what failed (with the SMTP reply code when there was one).
std::string SmtpSend(const EmailSettings& e, const std::string& message,
                     std::chrono::milliseconds timeout);

// An RFC 5322 message in UTF-8 (subject RFC 2047-encoded, body base64). `message_id_local` makes
// the Message-ID, so a resent alert can be recognised by the receiving mail system.
std::string BuildEmail(const EmailSettings& e, const std::string& subject, const std::string& body,
                       const std::string& message_id_local, int64_t date_unix_ms);

}  // namespace kira::web
