// The wire shared by the outbox's HTTP channels (manager alerts to Telegram, the amoCRM and
// Bitrix24 connectors): one HTTP exchange over libcurl with a deadline and a bounded answer, the
// pace that keeps a channel under a service's requests-per-second limit, the channel's pause with
// growing waits when the service is down or throttling, and the channel row in the webhook table.
// What a given answer means (retry, hold, give up) stays with each channel's sender.
//
//   HttpReply r = HttpExchange({.url = base + "/crm.lead.add.json", .body = json.dump()});
//   pacer.Before(rate);  ... r = HttpExchange(...);  if (r.status) pacer.Answered();
//   if (r.status >= 500) return pause.Fail(now, opt.first_retry, opt.max_retry, Problem(r));
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "core/status.h"
#include "crm/workspace_store.h"

namespace kira::web {

struct HttpRequest {
  std::string method = "POST";  // "GET" | "POST"
  std::string url;
  std::vector<std::string> headers = {"Content-Type: application/json", "Accept: application/json"};
  std::string body;  // POST only
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};
  size_t max_reply = 256 * 1024;  // a longer answer is cut off and is an error
  std::string user_agent = "kira/1";
};

struct HttpReply {
  int status = 0;  // 0 = no answer (connection, TLS, timeout, or an answer past max_reply)
  std::string body;
  std::string error;  // libcurl's (naming the host, never the path), when status is 0
};

// One exchange (http and https only). Never throws.
HttpReply HttpExchange(const HttpRequest& req);

// At most `rate` requests a second, as a service counts them: at most floor(rate) requests (at
// least one) per window, each counted from when its answer came back. The service saw each
// request before it answered, so the next one, sent a window after the answer `burst` back, can
// never land inside that one's window whatever the network's jitter. One per channel, used from
// the delivery thread only.
class ReplyPacer {
 public:
  // How long until the next request may go (zero = now).
  std::chrono::microseconds Due(double rate) const;
  // Sleeps until the next request may go.
  void Before(double rate);
  // A request reached the service (it answered, whatever the answer).
  void Answered();

 private:
  size_t burst_ = 1;
  std::deque<std::chrono::steady_clock::time_point> answered_;
};

// A channel held back as a whole, so its rows keep their order: every row waits until `until()`.
// Throttle (the service asked to slow down) and Fail (down, slow, not connected) each grow their
// own wait by doubling; Clear after a delivery.
class ChannelPause {
 public:
  bool active(int64_t now_ms) const { return until_ > now_ms; }
  int64_t until() const { return until_; }
  const std::string& reason() const { return reason_; }
  // Pauses for 1 s, 2 s, 4 s ... up to `max`; returns until().
  int64_t Throttle(int64_t now_ms, std::chrono::milliseconds max, const std::string& why);
  // Pauses for first, 2*first ... up to `max`; returns until().
  int64_t Fail(int64_t now_ms, std::chrono::milliseconds first, std::chrono::milliseconds max,
               const std::string& why);
  void Clear();
  // After a restart (the pause lives in memory): the channel's rows of `event` still held
  // (pending, due after now) keep the pause they were given, so a row queued now cannot overtake
  // them. Reads the outbox's newest `scan` rows (the held ones are among the newest: a paused
  // channel holds all its rows).
  Status Resume(crm::WorkspaceStore& store, const std::string& event, int64_t now_ms,
                int scan = 500);

 private:
  int64_t until_ = 0;  // Unix ms (the outbox clock)
  std::string reason_;
  int failures_ = 0, throttles_ = 0;
};

// Makes sure the webhook table has exactly one channel row for `url` (event `event`): adds it when
// missing; two nodes starting at once may both add one, so the older stays and the newer goes (a
// row another node removed first is no error).
Status EnsureChannelRow(crm::WorkspaceStore& store, const std::string& url,
                        const std::string& event, int64_t now_ms);

// Cuts UTF-8 text at a character boundary at or below `max` bytes, marking the cut with "…".
std::string CutUtf8(const std::string& s, size_t max);

}  // namespace kira::web
