// The Bitrix24 connector: each finished conversation becomes, on the shop's portal, a contact
// (found by phone with crm.contact.list, else made with crm.contact.add; a found contact without a
// name gets the caller's with crm.contact.update), a lead (crm.lead.add: title, stage, source, the
// outcome, order lines, summary and recording link in its comments, the phone, the mapped UF_CRM_
// fields) and, with telephony on, a call in Bitrix24's call log bound to the lead
// (telephony.externalcall.register, .finish with the duration, .attachRecord with the recording
// link, signed so Bitrix24 can download it: web/recording_link.h). It calls the portal through an
// inbound webhook, or as a local application with OAuth 2.0 (BeginConnect/FinishConnect; an
// access token Bitrix24 answers 401 expired_token to is refreshed once, the new pair stored
// sealed before it is used, and the call repeated) (web/bitrix24_config.h).
//
// Delivery goes through the webhooks' durable outbox (web/webhooks.h), like amoCRM's
// (web/amocrm.h): Queue writes one row on the channel "kira-bitrix24:calls"; the delivery thread
// hands it to this class's sender. Nothing is lost while Bitrix24 is down (the channel pauses with
// growing waits and holds its rows: no attempt counted), rows go in order (a paused channel holds
// the rows after it too), and a row's steps are remembered in the store (state
// "bitrix24.row.<id>": the contact, the lead, the call id, finished, record attached), so a retry
// or a restart never makes a second contact, lead or call. (A process killed between Bitrix24's
// answer and the store's write repeats that one request; register then gets the same CALL_ID back,
// as Bitrix24 does for the same EXTERNAL_CALL_ID within 30 minutes.)
//
// The wire: at most max_per_second (2, Bitrix24's drain rate) requests a second, counted from
// their answers (web/connector_wire.h); 503 QUERY_LIMIT_EXCEEDED and 429 OPERATION_TIME_LIMIT
// pause the channel (1 s, 2 s, ... 60 s) and are no attempt; 5xx, 401 (a webhook deleted or
// without the crm scope), no answer and an answer slower than the timeout pause it with the
// backoff; a 400 about the data of a CRM step gives the row up. A telephony method Bitrix24
// refuses for this webhook (WRONG_AUTH_TYPE: its newer pages say telephony needs an application;
// a missing telephony scope) leaves the call log out: the lead is made, the row is delivered, and
// the refusal shows on the settings page until the settings are saved again.
//
//   KIRA_ASSIGN_OR_RETURN(auto b24, Bitrix24::Open(workspace, *hooks, clock, key));
//   b24->Queue(call);  // a web/finished_call.h FinishedCall
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "crm/workspace_store.h"
#include "web/bitrix24_config.h"
#include "web/connector_wire.h"
#include "web/finished_call.h"
#include "web/recording_link.h"
#include "web/sealed_state.h"
#include "web/webhooks.h"

namespace kira::web {

inline constexpr const char* kB24Scheme = "kira-bitrix24";
inline constexpr const char* kB24ChannelUrl = "kira-bitrix24:calls";
inline constexpr const char* kB24ChannelEvent = "bitrix24.call";
inline constexpr const char* kB24TelephonyErrorKey = "bitrix24.telephony_error";
inline constexpr const char* kB24OAuthStateKey = "bitrix24.oauth_state";
// Bitrix24's answers to these calls are small; a longer one is cut off and read as an error.
inline constexpr size_t kMaxB24ReplyBytes = 256 * 1024;
inline constexpr size_t kMaxB24CommentBytes = 8000;  // a lead's comments are cut here

struct B24Options {
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};  // per request
  std::chrono::milliseconds first_retry{std::chrono::seconds(2)};
  std::chrono::milliseconds max_retry{std::chrono::minutes(10)};
  std::chrono::milliseconds max_throttle{std::chrono::minutes(1)};  // longest 503/429 pause
  // false: no max_per_second pace (tests on a fake clock against a server without a limit).
  bool pace = true;
};

class Bitrix24 {
 public:
  // Creates the channel row when missing and registers the sender with `hooks` (before
  // hooks.StartThread()). `key` is the 32-byte key the webhook address is sealed with.
  static Result<std::unique_ptr<Bitrix24>> Open(crm::WorkspaceStore& store, Webhooks& hooks,
                                                const Clock& clock, std::string key,
                                                B24Options opt = {});
  ~Bitrix24();

  // The stored settings (webhook_url left empty: it is sealed apart).
  Result<B24Config> Config();
  // Parses `json` over the stored settings and saves them; a webhook_url given is sealed. The
  // connector cannot be switched on without a webhook. Clears the telephony refusal.
  Result<B24Config> SaveConfig(const std::string& json);
  // True when a webhook is stored and opens with the key.
  Result<bool> Connected();
  // Why Bitrix24 refused the call log, when it did ("" = it did not).
  std::string TelephonyError();

  // Connecting as a local application (OAuth 2.0): BeginConnect gives the portal's authorize
  // address (with a one-use state, 10 minutes) for the admin's browser; Bitrix24 sends the browser
  // back to Kira's address with a code (30 seconds), and FinishConnect exchanges it at the OAuth
  // server, seals the tokens and switches auth to "app".
  Result<std::string> BeginConnect();
  Status FinishConnect(const std::string& code, const std::string& state);

  // Queues the call for Bitrix24 when the connector is on (a no-op when off).
  Status Queue(const FinishedCall& call);

 private:
  class Sender;
  Bitrix24(crm::WorkspaceStore& store, Webhooks& hooks, const Clock& clock, std::string key,
           B24Options opt);

  crm::WorkspaceStore& store_;
  Webhooks& hooks_;
  const Clock& clock_;
  RecordingLinks links_;  // RECORD_URL: Bitrix24 downloads the recording without a session
  TokenVault tokens_;     // the application's OAuth pair (auth "app")
  SealedState webhook_;
  B24Options opt_;
  std::mutex config_mu_;
  std::mutex token_mu_;  // a refresh and a connection do not cross
  std::unique_ptr<Sender> sender_;

  std::string TokenCall(const B24Config& c, const std::string& grant_query, OAuthTokens* out);
  std::string Refresh(const B24Config& c, OAuthTokens* t);
};

}  // namespace kira::web
