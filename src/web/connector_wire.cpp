#include "web/connector_wire.h"

#include <curl/curl.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <thread>

namespace kira::web {
namespace {

struct Sink {
  std::string* data;
  size_t max;
  bool overflow = false;
};

size_t WriteBody(char* p, size_t size, size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  if (s->data->size() + size * n > s->max) {
    s->overflow = true;
    return 0;  // aborts the transfer
  }
  s->data->append(p, size * n);
  return size * n;
}

}  // namespace

HttpReply HttpExchange(const HttpRequest& req) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  HttpReply r;
  std::unique_ptr<CURL, void (*)(CURL*)> c(curl_easy_init(), curl_easy_cleanup);
  if (!c) return {0, "", "libcurl could not start a transfer"};
  curl_slist* h = nullptr;
  for (const auto& line : req.headers) h = curl_slist_append(h, line.c_str());
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(h, curl_slist_free_all);
  Sink sink{&r.body, req.max_reply};
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c.get(), CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(c.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout.count()));
  curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c.get(), CURLOPT_USERAGENT, req.user_agent.c_str());
  curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c.get(), CURLOPT_ERRORBUFFER, errbuf);
  if (req.method == "POST") {
    curl_easy_setopt(c.get(), CURLOPT_POSTFIELDS, req.body.c_str());
    curl_easy_setopt(c.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(req.body.size()));
  }
  CURLcode rc = curl_easy_perform(c.get());
  if (sink.overflow) {
    r.body.clear();
    r.error = "the answer is longer than " + std::to_string(req.max_reply) + " bytes";
    return r;
  }
  if (rc != CURLE_OK) {
    r.body.clear();
    r.error = errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
    return r;
  }
  long status = 0;
  curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &status);
  r.status = static_cast<int>(status);
  return r;
}

std::chrono::microseconds ReplyPacer::Due(double rate) const {
  const double r = std::max(0.001, rate);
  const size_t burst = static_cast<size_t>(std::max(1.0, std::floor(r)));
  const auto window = std::chrono::microseconds(static_cast<int64_t>(1e6 * burst / r));
  if (answered_.size() < burst) return std::chrono::microseconds(0);
  auto wait = answered_[answered_.size() - burst] + window - std::chrono::steady_clock::now();
  return std::max(std::chrono::microseconds(0),
                  std::chrono::duration_cast<std::chrono::microseconds>(wait));
}

void ReplyPacer::Before(double rate) {
  burst_ = static_cast<size_t>(std::max(1.0, std::floor(std::max(0.001, rate))));
  auto wait = Due(rate);
  if (wait.count() > 0) std::this_thread::sleep_for(wait);
}

void ReplyPacer::Answered() {
  answered_.push_back(std::chrono::steady_clock::now());
  while (answered_.size() > std::max<size_t>(burst_, 64)) answered_.pop_front();
}

int64_t ChannelPause::Throttle(int64_t now_ms, std::chrono::milliseconds max,
                               const std::string& why) {
  ++throttles_;
  until_ = now_ms + std::min<int64_t>(max.count(), 1000LL << std::min(throttles_ - 1, 16));
  reason_ = why;
  return until_;
}

int64_t ChannelPause::Fail(int64_t now_ms, std::chrono::milliseconds first,
                           std::chrono::milliseconds max, const std::string& why) {
  ++failures_;
  until_ = now_ms + std::min<int64_t>(max.count(), first.count() << std::min(failures_ - 1, 20));
  reason_ = why;
  return until_;
}

void ChannelPause::Clear() {
  failures_ = 0;
  throttles_ = 0;
}

Status ChannelPause::Resume(crm::WorkspaceStore& store, const std::string& event, int64_t now_ms,
                            int scan) {
  KIRA_ASSIGN_OR_RETURN(std::vector<crm::WebhookDelivery> rows, store.ListDeliveries(scan));
  for (const auto& d : rows)
    if (d.event == event && d.status == "pending" && d.next_attempt_at > now_ms &&
        d.next_attempt_at > until_) {
      until_ = d.next_attempt_at;
      reason_ = d.last_error;
    }
  return Status::Ok();
}

Status EnsureChannelRow(crm::WorkspaceStore& store, const std::string& url,
                        const std::string& event, int64_t now_ms) {
  KIRA_ASSIGN_OR_RETURN(std::vector<crm::Webhook> all, store.ListWebhooks());
  if (std::none_of(all.begin(), all.end(), [&](const auto& w) { return w.url == url; })) {
    KIRA_RETURN_IF_ERROR(store.AddWebhook({0, url, "", {event}, true, now_ms}).status());
    KIRA_ASSIGN_OR_RETURN(all, store.ListWebhooks());
  }
  int64_t keep = 0;
  for (const auto& w : all)
    if (w.url == url && (keep == 0 || w.id < keep)) keep = w.id;
  for (const auto& w : all) {
    if (w.url != url || w.id == keep) continue;
    Status removed = store.RemoveWebhook(w.id);
    if (!removed.ok() && removed.code() != Status::Code::kNotFound) return removed;
  }
  return Status::Ok();
}

std::string CutUtf8(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n) + "…";
}

}  // namespace kira::web
