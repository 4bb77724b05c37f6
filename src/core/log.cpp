#include "core/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace kira::log {

namespace {
std::atomic<Level> g_level{Level::kInfo};
std::mutex g_mu;
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
}  // namespace

void SetLevel(Level l) { g_level = l; }
Level GetLevel() { return g_level; }

void Write(Level l, std::string_view component, std::string_view msg) {
  if (l < g_level.load() || l == Level::kOff) return;
  auto now = std::chrono::system_clock::now();
  std::time_t tt = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char ts[32];
  std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::lock_guard<std::mutex> lock(g_mu);
  std::fprintf(stderr, "%s %-5s [%.*s] %.*s\n", ts, Name(l), static_cast<int>(component.size()),
               component.data(), static_cast<int>(msg.size()), msg.data());
}

std::string Redact(std::string_view s) {
  std::string out(s);
  // Phone numbers: runs of 7+ digits (allowing spaces, dashes, brackets, a leading +).
  size_t i = 0;
  while (i < out.size()) {
    if ((out[i] >= '0' && out[i] <= '9') || out[i] == '+') {
      size_t j = i;
      int digits = 0;
      std::string positions;
      while (j < out.size() && ((out[j] >= '0' && out[j] <= '9') || out[j] == ' ' ||
                                out[j] == '-' || out[j] == '(' || out[j] == ')' || out[j] == '+')) {
        if (out[j] >= '0' && out[j] <= '9') ++digits;
        ++j;
      }
      if (digits >= 7) {
        int seen = 0;
        for (size_t k = i; k < j; ++k) {
          if (out[k] >= '0' && out[k] <= '9') {
            ++seen;
            if (seen <= digits - 2) out[k] = '*';
          }
        }
      }
      i = j == i ? i + 1 : j;
    } else {
      ++i;
    }
  }
  // E-mail: mask the local part.
  size_t at = out.find('@');
  while (at != std::string::npos) {
    size_t b = at;
    while (b > 0 && out[b - 1] != ' ' && out[b - 1] != '<' && out[b - 1] != '"') --b;
    for (size_t k = b; k < at; ++k) out[k] = '*';
    at = out.find('@', at + 1);
  }
  return out;
}

}  // namespace kira::log
