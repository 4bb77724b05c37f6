#include "telephony/libre_log.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>

#include "core/log.h"
#include "telephony/re_include.h"

#define DEBUG_MODULE "kira"
#define DEBUG_LEVEL 0
#include <re_dbg.h>

namespace kira::telephony {

namespace {

constexpr const char* kComponent = "libre";

// One line: no trailing newline, control bytes (attacker-chosen text may be quoted) as '?'.
std::string Clean(const char* p, size_t len) {
  std::string s(p, len);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t') c = '?';
  return s;
}

// The kind of a preformatted line: its text without digits, cut short.
std::string KindOf(const std::string& line) {
  std::string k;
  for (char c : line) {
    if (c >= '0' && c <= '9') continue;
    k += c;
    if (k.size() >= 48) break;
  }
  return k;
}

// libre's lines may quote a SIP message (a From or Contact with the caller's number): masked
// unless the log level is debug, like every other line with personal data.
void DbgHandler(int level, const char* p, size_t len, void*) {
  const std::string line = log::Pii(Clean(p, len));
  if (level <= DBG_WARNING)
    log::Limited(log::Level::kWarn, kComponent, KindOf(line), line);
  else
    log::Limited(log::Level::kDebug, kComponent, KindOf(line), line);
}

}  // namespace

void RouteLibreLogs() {
  static std::once_flag once;
  std::call_once(once, [] {
    dbg_init(DBG_WARNING, DBG_NONE);
    dbg_handler_set(DbgHandler, nullptr);
  });
}

}  // namespace kira::telephony

// libre prints some lines straight to stderr through this function; its calls resolve to this
// definition (see libre_log.h). Lines for other streams keep libre's behaviour.
extern "C" int re_fprintf(FILE* stream, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n;
  if (stream != stderr) {
    n = re_vfprintf(stream, fmt, ap);
  } else {
    char buf[512] = {0};
    n = re_vsnprintf(buf, sizeof buf, fmt, ap);  // -1 when cut short; buf holds the start
    {
      const std::string line = kira::log::Pii(kira::telephony::Clean(buf, std::strlen(buf)));
      // The format names the kind ("sip: msg decode err: %m").
      if (!line.empty())
        kira::log::Limited(kira::log::Level::kWarn, kira::telephony::kComponent,
                           kira::telephony::Clean(fmt, std::strlen(fmt)), line);
    }
  }
  va_end(ap);
  return n;
}
