#include "web/webhooks.h"

#include <httplib.h>
#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/log.h"

namespace kira::web {
namespace {

constexpr int kDeliveriesPerTick = 50;  // rows one DeliverDue sends at the most

struct Target {
  std::string scheme_host_port;
  std::string path;
};

Result<Target> ParseUrl(const std::string& url) {
  size_t p = url.find("://");
  if (p == std::string::npos) return Status::Invalid("webhook url '" + url + "' has no scheme");
  std::string scheme = url.substr(0, p);
  if (scheme != "http" && scheme != "https")
    return Status::Invalid("webhook url '" + url + "' must start with http:// or https://");
  size_t slash = url.find('/', p + 3);
  Target t;
  t.scheme_host_port = url.substr(0, slash);
  t.path = slash == std::string::npos ? "/" : url.substr(slash);
  if (t.scheme_host_port.size() <= p + 3)
    return Status::Invalid("webhook url '" + url + "' has no host");
  return t;
}

// The channel scheme of a non-HTTP row ("kira-alert" of "kira-alert:telegram"), else "".
std::string ChannelScheme(const std::string& url) {
  if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) return "";
  size_t colon = url.find(':');
  return colon == std::string::npos ? "" : url.substr(0, colon);
}

}  // namespace

bool IsHttpWebhook(const Webhook& w) { return ChannelScheme(w.url).empty(); }

std::string SignWebhook(const std::string& secret, const std::string& timestamp,
                        const std::string& body) {
  std::string msg = timestamp + "." + body;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(msg.data()),
                                msg.size());
  crypto_auth_hmacsha256_final(&st, mac);
  char hex[sizeof mac * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return std::string("sha256=") + hex;
}

Webhooks::Webhooks(crm::WorkspaceStore& store, const Clock& clock, WebhookOptions opt)
    : store_(store), clock_(clock), opt_(opt) {}

Webhooks::~Webhooks() { StopThread(); }

Result<std::unique_ptr<Webhooks>> Webhooks::Open(crm::WorkspaceStore& store, const Clock& clock,
                                                 WebhookOptions opt) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  return std::unique_ptr<Webhooks>(new Webhooks(store, clock, opt));
}

Result<Webhook> Webhooks::Add(const std::string& url, const std::string& secret,
                              const std::vector<std::string>& events) {
  KIRA_RETURN_IF_ERROR(ParseUrl(url).status());
  if (secret.size() < 16) return Status::Invalid("webhook secret must be at least 16 characters");
  if (events.empty()) return Status::Invalid("webhook needs at least one event");
  for (const auto& e : events) {
    bool known = std::any_of(std::begin(kWebhookEvents), std::end(kWebhookEvents),
                             [&](const char* k) { return e == k; });
    if (!known) {
      std::string list;
      for (const char* k : kWebhookEvents) list += (list.empty() ? "" : ", ") + std::string(k);
      return Status::Invalid("unknown webhook event '" + e + "' (known: " + list + ")");
    }
  }
  return store_.AddWebhook({0, url, secret, events, true, ToUnixMillis(clock_.Now())});
}

Status Webhooks::Remove(int64_t id) {
  KIRA_ASSIGN_OR_RETURN(std::vector<Webhook> all, store_.ListWebhooks());
  for (const Webhook& w : all)
    if (w.id == id && !IsHttpWebhook(w))
      return Status::Invalid("webhook " + std::to_string(id) +
                             " is a manager-alert channel; switch it off in the alert settings");
  return store_.RemoveWebhook(id);
}

Result<std::vector<Webhook>> Webhooks::List() {
  KIRA_ASSIGN_OR_RETURN(std::vector<Webhook> all, store_.ListWebhooks());
  std::vector<Webhook> out;
  for (Webhook& w : all)
    if (IsHttpWebhook(w)) out.push_back(std::move(w));
  return out;
}

void Webhooks::SetSender(const std::string& scheme, OutboxSender* sender) {
  senders_[scheme] = sender;
}

Result<std::vector<Delivery>> Webhooks::ListDeliveries(int limit) {
  return store_.ListDeliveries(limit);
}

Status Webhooks::Enqueue(const std::string& event, const std::string& payload_json,
                         int64_t lead_id) {
  int64_t now = ToUnixMillis(clock_.Now());
  nlohmann::json body = {{"event", event}, {"created_at", now}};
  body["data"] = nlohmann::json::parse(payload_json, nullptr, false);
  if (body["data"].is_discarded()) return Status::Invalid("webhook payload is not JSON");
  KIRA_ASSIGN_OR_RETURN(int queued, store_.EnqueueDelivery(event, body.dump(), now, lead_id));
  if (queued > 0) Wake();
  return Status::Ok();
}

Result<int> Webhooks::DeliverDue() {
  int64_t now = ToUnixMillis(clock_.Now());
  // The rows are this sender's until they are settled or the lease ends: long enough for the
  // whole batch at the worst (connect, write and read timeouts of each), so another node's
  // sender never sends a row this one is still sending.
  const int64_t lease =
      now +
      3 * kDeliveriesPerTick *
          std::chrono::duration_cast<std::chrono::milliseconds>(opt_.timeout).count() +
      60000;
  KIRA_ASSIGN_OR_RETURN(std::vector<crm::DueDelivery> jobs,
                        store_.ClaimDueDeliveries(now, kDeliveriesPerTick, lease));
  int sent = 0;
  for (const crm::DueDelivery& j : jobs) {
    std::string error;
    if (std::string scheme = ChannelScheme(j.url); !scheme.empty()) {
      auto it = senders_.find(scheme);
      SendOutcome out;
      if (it == senders_.end() || it->second == nullptr) {
        // No sender in this process (e.g. a node without alerts): leave the row for one that has.
        out = {SendOutcome::Kind::kHeld, "no sender for '" + scheme + "' on this node",
               ToUnixMillis(clock_.Now()) + 60000, false};
      } else {
        out = it->second->Send(j);
      }
      KIRA_ASSIGN_OR_RETURN(bool ok, Settle(j, out));
      if (ok) ++sent;
      continue;
    }
    auto target = ParseUrl(j.url);
    if (!target.ok()) {
      error = target.status().message();
    } else {
      httplib::Client cli(target->scheme_host_port);
      cli.set_connection_timeout(opt_.timeout);
      cli.set_read_timeout(opt_.timeout);
      cli.set_write_timeout(opt_.timeout);
      std::string ts = std::to_string(ToUnixMillis(clock_.Now()) / 1000);
      httplib::Headers h = {{"X-Kira-Event", j.event},
                            {"X-Kira-Delivery", std::to_string(j.id)},
                            {"X-Kira-Timestamp", ts},
                            {"X-Kira-Signature", SignWebhook(j.secret, ts, j.payload)},
                            {"User-Agent", "kira-webhooks/1"}};
      auto res = cli.Post(target->path, h, j.payload, "application/json");
      if (!res)
        error = "connection failed: " + httplib::to_string(res.error());
      else if (res->status < 200 || res->status > 299)
        error = "receiver answered HTTP " + std::to_string(res->status);
    }
    SendOutcome out;
    if (!error.empty()) out = {SendOutcome::Kind::kFailed, error, 0, false};
    KIRA_ASSIGN_OR_RETURN(bool ok, Settle(j, out));
    if (ok) ++sent;
  }
  return sent;
}

Result<bool> Webhooks::Settle(const crm::DueDelivery& j, const SendOutcome& out) {
  int64_t t = ToUnixMillis(clock_.Now());
  if (out.kind == SendOutcome::Kind::kHeld) {
    // Not an attempt: the count stays, the row is due again when the hold ends.
    KIRA_RETURN_IF_ERROR(
        store_.MarkAttemptFailed(j.id, j.attempts, std::max(out.retry_at, t), out.error, false));
    return false;
  }
  int attempts = j.attempts + 1;
  if (out.kind == SendOutcome::Kind::kDelivered) {
    KIRA_RETURN_IF_ERROR(store_.MarkDelivered(j.id, attempts, t));
    return true;
  }
  int64_t delay = opt_.first_retry.count();
  for (int i = 1; i < attempts && delay < opt_.max_retry.count(); ++i) delay *= 2;
  delay = std::min<int64_t>(delay, opt_.max_retry.count());
  // A receiver's own "not before" (Telegram's retry_after) wins over a shorter backoff.
  int64_t next = std::max(t + delay, out.retry_at);
  bool give_up = out.give_up || attempts >= opt_.max_attempts;
  log::Warn("webhooks", "delivery " + std::to_string(j.id) + " (" + j.event +
                            ") failed: " + out.error + (give_up ? "; giving up" : "; will retry"));
  KIRA_RETURN_IF_ERROR(store_.MarkAttemptFailed(j.id, attempts, next, out.error, give_up));
  return false;
}

void Webhooks::StartThread() {
  if (thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    stop_ = false;
  }
  thread_ = std::thread([this] {
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(wake_mu_);
        wake_.wait_for(lock, opt_.tick, [this] { return stop_ || woken_; });
        if (stop_) return;
        woken_ = false;
      }
      auto r = DeliverDue();
      if (!r.ok()) log::Warn("webhooks", r.status().message());
    }
  });
}

void Webhooks::StopThread() {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Webhooks::Wake() {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    woken_ = true;
  }
  wake_.notify_all();
}

}  // namespace kira::web
