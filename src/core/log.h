// Logging: levelled lines to stderr (or a sink a test installs).
//
// Personal data: phone numbers, e-mails and names never reach the normal log. Wrap any value
// that may hold them: log::Pii(text) / log::Phone(number) / log::Name(name) mask them unless
// the level is debug (an operator debugging a call may see them); log::Redact() masks always
// (for text that is stored, e.g. the audit log).
//   +79161234567 -> +7916***4567, "Иван Петров" -> "И*** П***", ivan@x.ru -> ****@x.ru
//
// Flood control: lines an outsider can trigger at will (one per garbage datagram) go through
// log::Limited(): per key a burst, then a steady rate; dropped lines are counted and reported
// as "(N more suppressed)" with the key's next line or by log::FlushSuppressed().
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
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

// Where lines go instead of stderr (tests); nullptr restores stderr. The sink gets the level,
// the component and the message (without timestamp).
using Sink = std::function<void(Level, std::string_view component, std::string_view msg)>;
void SetSink(Sink sink);

// Masks phone numbers (11+ digits keep the first 4 and last 4, shorter ones the last 2) and
// the local part of e-mail addresses, whatever the level.
std::string Redact(std::string_view s);
// Always masked: "+7 (916) 123-45-67" -> "+7 (916) ***-45-67"; a name keeps the first letter
// of each word.
std::string MaskPhone(std::string_view phone);
std::string MaskName(std::string_view name);
// Masked unless the log level is debug.
std::string Pii(std::string_view text);
std::string Phone(std::string_view phone);
std::string Name(std::string_view name);

// Token bucket per key: `burst` lines at once, refilled at `per_minute`.
struct RateLimit {
  int burst = 5;
  int per_minute = 6;
};

// The bookkeeping behind Limited(), with time passed in (tests drive it with a fake clock).
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateLimiter(RateLimit limit = {}, size_t max_keys = 256)
      : limit_(limit), max_keys_(max_keys) {}
  // True if a line for `key` may be written now; *suppressed gets the number of lines dropped
  // for the key since its last written line (to report with this one).
  bool Allow(std::string_view key, Clock::time_point now, int64_t* suppressed);
  // Keys with drops not yet reported, and their counts; clears them.
  std::map<std::string, int64_t> TakeSuppressed();
  int64_t total_suppressed() const { return total_suppressed_; }

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point last;
    int64_t suppressed = 0;
  };
  RateLimit limit_;
  size_t max_keys_;
  std::map<std::string, Bucket, std::less<>> buckets_;
  int64_t total_suppressed_ = 0;
};

// A rate-limited line: `key` names the kind ("sip: msg decode err"), not the instance.
void Limited(Level l, std::string_view component, std::string_view key, std::string_view msg);
// Reports pending "N more suppressed" counts (call it every few seconds); returns the lines
// written.
int FlushSuppressed();
// Lines dropped by Limited() since the start (for tests and stats).
int64_t SuppressedTotal();

}  // namespace kira::log
