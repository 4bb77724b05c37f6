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
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
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
  Status Enqueue(const std::string& event, const std::string& payload_json);

  // Delivers every due row once (what the thread does each tick); returns how many were sent.
  Result<int> DeliverDue();

  void StartThread();
  void StopThread();
  void Wake();

 private:
  Webhooks(crm::WorkspaceStore& store, const Clock& clock, WebhookOptions opt);

  crm::WorkspaceStore& store_;
  const Clock& clock_;
  WebhookOptions opt_;
  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool stop_ = false, woken_ = false;
  std::thread thread_;
};

}  // namespace kira::web
