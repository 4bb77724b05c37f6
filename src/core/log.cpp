#include "core/log.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace kira::log {

namespace {
std::atomic<Level> g_level{Level::kInfo};
std::mutex g_mu;  // guards g_sink and stderr lines
Sink g_sink;
std::mutex g_limit_mu;
RateLimiter g_limiter;

const char* Name(Level l) {
  switch (l) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
    default:
      return "";
  }
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Masks the digits of s[b, e) that hold `digits` digits in place.
void MaskDigits(std::string& s, size_t b, size_t e, int digits) {
  const int keep_head = digits >= 11 ? 4 : 0;
  const int keep_tail = digits >= 11 ? 4 : 2;
  int seen = 0;
  for (size_t k = b; k < e; ++k) {
    if (!IsDigit(s[k])) continue;
    ++seen;
    if (seen > keep_head && seen <= digits - keep_tail) s[k] = '*';
  }
}
}  // namespace

void SetLevel(Level l) { g_level = l; }
Level GetLevel() { return g_level; }

void SetSink(Sink sink) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_sink = std::move(sink);
}

void Write(Level l, std::string_view component, std::string_view msg) {
  if (l < g_level.load() || l == Level::kOff) return;
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_sink) {
    g_sink(l, component, msg);
    return;
  }
  auto now = std::chrono::system_clock::now();
  std::time_t tt = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char ts[32];
  std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::fprintf(stderr, "%s %-5s [%.*s] %.*s\n", ts, Name(l), static_cast<int>(component.size()),
               component.data(), static_cast<int>(msg.size()), msg.data());
}

std::string Redact(std::string_view s) {
  std::string out(s);
  // Phone numbers: runs of 7+ digits (allowing spaces, dashes, brackets, a leading +).
  size_t i = 0;
  while (i < out.size()) {
    if (IsDigit(out[i]) || out[i] == '+') {
      size_t j = i;
      int digits = 0;
      while (j < out.size() && (IsDigit(out[j]) || out[j] == ' ' || out[j] == '-' ||
                                out[j] == '(' || out[j] == ')' || out[j] == '+')) {
        if (IsDigit(out[j])) ++digits;
        ++j;
      }
      if (digits >= 7) MaskDigits(out, i, j, digits);
      i = j == i ? i + 1 : j;
    } else {
      ++i;
    }
  }
  // E-mail: mask the local part.
  size_t at = out.find('@');
  while (at != std::string::npos) {
    size_t b = at;
    while (b > 0 && out[b - 1] != ' ' && out[b - 1] != '<' && out[b - 1] != '"' &&
           out[b - 1] != ':')
      --b;
    for (size_t k = b; k < at; ++k) out[k] = '*';
    at = out.find('@', at + 1);
  }
  return out;
}

std::string MaskPhone(std::string_view phone) {
  std::string out(phone);
  const int digits = static_cast<int>(std::count_if(out.begin(), out.end(), IsDigit));
  if (digits == 0) return out;
  if (digits < 5) {  // too short to keep anything
    for (char& c : out)
      if (IsDigit(c)) c = '*';
    return out;
  }
  MaskDigits(out, 0, out.size(), digits);
  return out;
}

std::string MaskName(std::string_view name) {
  std::string out;
  bool word_start = true;
  size_t i = 0;
  while (i < name.size()) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    size_t len = 1;  // one UTF-8 code point
    if (c >= 0xF0)
      len = 4;
    else if (c >= 0xE0)
      len = 3;
    else if (c >= 0xC0)
      len = 2;
    len = std::min(len, name.size() - i);
    const bool sep = c == ' ' || c == '-' || c == '.' || c == ',' || c == '\t';
    if (sep) {
      out += static_cast<char>(c);
      word_start = true;
    } else if (word_start) {
      out.append(name.substr(i, len));
      out += "***";
      word_start = false;
    }
    i += len;
  }
  return out;
}

std::string Pii(std::string_view text) {
  return GetLevel() == Level::kDebug ? std::string(text) : Redact(text);
}
std::string Phone(std::string_view phone) {
  return GetLevel() == Level::kDebug ? std::string(phone) : MaskPhone(phone);
}
std::string Name(std::string_view name) {
  return GetLevel() == Level::kDebug ? std::string(name) : MaskName(name);
}

bool RateLimiter::Allow(std::string_view key, Clock::time_point now, int64_t* suppressed) {
  *suppressed = 0;
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    // Bounded: a key per kind, but keys made from attacker input must not grow the map.
    if (buckets_.size() >= max_keys_) {
      it = buckets_.find(std::string_view("(other)"));
      if (it == buckets_.end())
        it = buckets_.emplace("(other)", Bucket{static_cast<double>(limit_.burst), now, 0}).first;
    } else {
      it = buckets_.emplace(std::string(key), Bucket{static_cast<double>(limit_.burst), now, 0})
               .first;
    }
  }
  Bucket& b = it->second;
  const double elapsed_min = std::chrono::duration<double, std::ratio<60>>(now - b.last).count();
  if (elapsed_min > 0) {
    b.tokens = std::min<double>(limit_.burst, b.tokens + elapsed_min * limit_.per_minute);
    b.last = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    *suppressed = b.suppressed;
    b.suppressed = 0;
    return true;
  }
  ++b.suppressed;
  ++total_suppressed_;
  return false;
}

std::map<std::string, int64_t> RateLimiter::TakeSuppressed() {
  std::map<std::string, int64_t> out;
  for (auto& [k, b] : buckets_) {
    if (b.suppressed > 0) out[k] = b.suppressed;
    b.suppressed = 0;
  }
  return out;
}

void Limited(Level l, std::string_view component, std::string_view key, std::string_view msg) {
  if (l < g_level.load() || l == Level::kOff) return;
  int64_t dropped = 0;
  {
    std::lock_guard<std::mutex> lock(g_limit_mu);
    if (!g_limiter.Allow(key, RateLimiter::Clock::now(), &dropped)) return;
  }
  if (dropped == 0) {
    Write(l, component, msg);
  } else {
    Write(l, component, std::string(msg) + " (" + std::to_string(dropped) + " more suppressed)");
  }
}

int FlushSuppressed() {
  std::map<std::string, int64_t> pending;
  {
    std::lock_guard<std::mutex> lock(g_limit_mu);
    pending = g_limiter.TakeSuppressed();
  }
  for (const auto& [key, n] : pending)
    Write(Level::kWarn, "log", key + ": " + std::to_string(n) + " more suppressed");
  return static_cast<int>(pending.size());
}

int64_t SuppressedTotal() {
  std::lock_guard<std::mutex> lock(g_limit_mu);
  return g_limiter.total_suppressed();
}

}  // namespace kira::log
