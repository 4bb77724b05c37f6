// The amoCRM connector: each finished conversation becomes, in the shop's amoCRM, a lead in the
// configured pipeline and stage with its contact (found by phone with GET /api/v4/contacts?query=,
// created inside POST /api/v4/leads/complex when absent), a note with the summary, outcome and
// order, and a call note (call_in / call_out) with the recording link.
//
// Delivery goes through the webhooks' durable outbox (web/webhooks.h), like the manager alerts:
// Queue writes one row on the channel "kira-amocrm:leads", and the delivery thread hands it to
// this class's sender. So nothing is lost while amoCRM is down (the row waits and is retried with
// backoff), and rows go in order: a row that fails pauses the channel, and the rows after it wait
// for the same moment, so they are claimed again in id order. A row's steps are remembered in the
// store (state "amocrm.row.<id>": the lead made), so a retry or a restart mid-way never makes a
// second lead. (As with the alerts, a process killed between amoCRM's answer and the store's
// write repeats that one request.)
//
// The wire: at most max_per_second (7, amoCRM's limit) requests a second, counted from their
// answers; a 429 pauses the channel with a growing wait (1 s, 2 s, ... 60 s) and is no attempt;
// a 401 refreshes the tokens once (refresh-token rotation: the new pair is stored, encrypted,
// before it is used) and repeats the call. The first tokens come from the one-use authorization
// code in the settings.
//
//   KIRA_ASSIGN_OR_RETURN(auto amo, AmoCrm::Open(workspace, *hooks, clock, key));
//   amo->Queue({.conversation_id = 7, .phone = "+79120001122", .summary = "..."});
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "crm/workspace_store.h"
#include "web/amocrm_config.h"
#include "web/connector_wire.h"
#include "web/finished_call.h"
#include "web/sealed_state.h"
#include "web/webhooks.h"

namespace kira::web {

inline constexpr const char* kAmoScheme = "kira-amocrm";
inline constexpr const char* kAmoChannelUrl = "kira-amocrm:leads";
inline constexpr const char* kAmoChannelEvent = "amocrm.call";
// amoCRM answers are small; a longer one is cut off and read as an error.
inline constexpr size_t kMaxAmoReplyBytes = 256 * 1024;
inline constexpr size_t kMaxAmoTextBytes = 8000;  // a note's text is cut here

struct AmoOptions {
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};  // per request
  std::chrono::milliseconds first_retry{std::chrono::seconds(2)};
  std::chrono::milliseconds max_retry{std::chrono::minutes(10)};
  std::chrono::milliseconds max_throttle{std::chrono::minutes(1)};  // longest 429 pause
};

class AmoCrm {
 public:
  // Creates the channel row when missing and registers the sender with `hooks` (before
  // hooks.StartThread()). `key` is the 32-byte token key (web/sealed_state.h).
  static Result<std::unique_ptr<AmoCrm>> Open(crm::WorkspaceStore& store, Webhooks& hooks,
                                              const Clock& clock, std::string key,
                                              AmoOptions opt = {});
  ~AmoCrm();

  Result<AmoConfig> Config();
  // Parses `json` over the stored settings (a blank secret keeps the stored one) and saves it.
  Result<AmoConfig> SaveConfig(const std::string& json);
  // True when tokens are stored (the authorization code was exchanged).
  Result<bool> Connected();

  // Queues the call for amoCRM when the connector is on (a no-op when off).
  Status Queue(const FinishedCall& call);

 private:
  class Sender;
  AmoCrm(crm::WorkspaceStore& store, Webhooks& hooks, const Clock& clock, std::string key,
         AmoOptions opt);

  crm::WorkspaceStore& store_;
  Webhooks& hooks_;
  const Clock& clock_;
  TokenVault vault_;
  AmoOptions opt_;
  std::mutex config_mu_;
  std::unique_ptr<Sender> sender_;
};

}  // namespace kira::web
