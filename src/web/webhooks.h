// Outgoing webhooks, so a shop can connect its own CRM: events (lead.created,
// conversation.ended, order.created, order.status_changed) are written to a durable outbox
// (crm::WorkspaceStore, crm/workspace_store.h) and delivered by a background thread as HTTP
// POSTs with an HMAC-SHA256 signature. A failed delivery (connection error or a non-2xx answer) is
// retried with exponential backoff until max_attempts, then marked failed. Rows survive restarts.
//
// Request to the receiver:
//   POST <url>   Content-Type: application/json
//   X-Kira-Event: lead.created         X-Kira-Delivery: <outbox id>
//   X-Kira-Timestamp: <unix seconds>   X-Kira-Signature: sha256=<hex>
// where hex = HMAC-SHA256(secret, timestamp + "." + body). Receivers should reject stale
// timestamps and compare signatures in constant time.
//
// The same outbox carries the manager alerts (web/alerts.h): a subscription whose url is not
// http(s) but "<scheme>:<name>" (e.g. "kira-alert:telegram") is a channel; its rows go to the
// OutboxSender registered for that scheme instead of an HTTP POST, with the same claims, retries
// and give-up. Such channels are not listed, added or removed through the webhook calls below.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "crm/workspace_store.h"

namespace kira::web {

inline constexpr const char* kWebhookEvents[] = {"lead.created", "conversation.ended",
                                                 "order.created", "order.status_changed"};

struct WebhookOptions {
  std::chrono::milliseconds first_retry{std::chrono::seconds(2)};  // doubles per attempt
  std::chrono::milliseconds max_retry{std::chrono::hours(1)};
  int max_attempts = 10;
  std::chrono::milliseconds tick{std::chrono::milliseconds(250)};  // outbox poll period
  std::chrono::seconds timeout{5};                                 // per delivery
};

using Webhook = crm::Webhook;
using Delivery = crm::WebhookDelivery;

// "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body).
std::string SignWebhook(const std::string& secret, const std::string& timestamp,
                        const std::string& body);

// What one delivery attempt of a channel's row came to.
struct SendOutcome {
  enum class Kind {
    kDelivered,
    kFailed,  // counts as an attempt: retried with the backoff (or at retry_at), or given up
    kHeld,    // not an attempt (quiet hours, the channel's rate limit): due again at retry_at
  };
  Kind kind = Kind::kDelivered;
  std::string error;     // kFailed, kHeld: why, kept as the row's last_error
  int64_t retry_at = 0;  // kFailed: not before this (Unix ms; 0 = the backoff's); kHeld: when
  bool give_up = false;  // kFailed: retrying cannot help (the row is failed at once)
};

// Delivers the rows of one channel scheme. Called from the delivery thread only, one row at a
// time, oldest first.
class OutboxSender {
 public:
  virtual ~OutboxSender() = default;
  virtual SendOutcome Send(const crm::DueDelivery& row) = 0;
};

// True for a webhook row that is an HTTP receiver (the others are channels).
bool IsHttpWebhook(const Webhook& w);

class Webhooks {
 public:
  // `store` is not owned and must outlive the Webhooks.
  static Result<std::unique_ptr<Webhooks>> Open(crm::WorkspaceStore& store, const Clock& clock,
                                                WebhookOptions opt = {});
  ~Webhooks();  // stops the delivery thread

  Result<Webhook> Add(const std::string& url, const std::string& secret,
                      const std::vector<std::string>& events);
  Status Remove(int64_t id);
  Result<std::vector<Webhook>> List();
  Result<std::vector<Delivery>> ListDeliveries(int limit = 100);

  // Queues `event` (one outbox row per subscribed webhook). payload_json is the "data" object.
  // `lead_id`: the lead the event is about (0 = none), so forgetting its person deletes the rows
  // (crm::CrmStore::Forget); every event about a person names it.
  Status Enqueue(const std::string& event, const std::string& payload_json, int64_t lead_id = 0);

  // Delivers every due row once (what the thread does each tick); returns how many were sent.
  Result<int> DeliverDue();

  // Rows whose url starts with "<scheme>:" go to `sender` (not owned; it must outlive the
  // delivery thread). Call before StartThread.
  void SetSender(const std::string& scheme, OutboxSender* sender);

  void StartThread();
  void StopThread();
  void Wake();

 private:
  Webhooks(crm::WorkspaceStore& store, const Clock& clock, WebhookOptions opt);
  // Writes one attempt's outcome to the row; true when it was delivered.
  Result<bool> Settle(const crm::DueDelivery& row, const SendOutcome& out);

  crm::WorkspaceStore& store_;
  const Clock& clock_;
  WebhookOptions opt_;
  std::map<std::string, OutboxSender*> senders_;
  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool stop_ = false, woken_ = false;
  std::thread thread_;
};

}  // namespace kira::web
