// Logging: levelled lines to stderr. Personal data never reaches a log: use Redact() on any
// text that may contain a phone number, an e-mail or a caller's words.
#pragma once

#include <string>
#include <string_view>

namespace kira::log {

enum class Level { kDebug, kInfo, kWarn, kError, kOff };

void SetLevel(Level l);
Level GetLevel();
void Write(Level l, std::string_view component, std::string_view msg);

inline void Debug(std::string_view c, std::string_view m) { Write(Level::kDebug, c, m); }
inline void Info(std::string_view c, std::string_view m) { Write(Level::kInfo, c, m); }
inline void Warn(std::string_view c, std::string_view m) { Write(Level::kWarn, c, m); }
inline void Error(std::string_view c, std::string_view m) { Write(Level::kError, c, m); }

// Masks phone numbers (keeps the last two digits) and e-mail addresses.
std::string Redact(std::string_view s);

}  // namespace kira::log
