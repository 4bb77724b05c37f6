// The Bitrix24 connector's settings, as the workspace's settings page edits them and the
// workspace store keeps them (state key kB24ConfigKey, one JSON object): how Kira calls the portal
// (its inbound webhook, or a local application's OAuth client), the user calls and leads are
// assigned to, the lead stage and source, which lead fields (UF_CRM_* codes) get the call's
// summary, outcome, order and recording link, and whether the call goes to Bitrix24's call log
// (telephony). Parsing is strict: an unknown key, a wrong type or a value past its limit is an
// error naming the key.
//
// The webhook address holds the webhook's secret code (it never expires): it is not kept with the
// settings but sealed (web/sealed_state.h) under kB24WebhookKey, and never sent back to a browser.
//
//   KIRA_ASSIGN_OR_RETURN(B24Settings s, ParseB24Config(body, &current));
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "core/status.h"

namespace kira::web {

inline constexpr const char* kB24ConfigKey = "bitrix24.config";
inline constexpr const char* kB24WebhookKey = "bitrix24.webhook";
inline constexpr const char* kB24TokensKey = "bitrix24.tokens";
inline constexpr size_t kMaxB24ConfigBytes = 16 * 1024;
inline constexpr size_t kMaxB24FieldMappings = 16;

// The call's facts that can be written into a lead field of the shop's choosing.
inline constexpr std::array<const char*, 6> kB24MappableFields = {
    "summary", "outcome", "order", "total", "recording_url", "conversation_id"};

// An inbound webhook: https://<portal>/rest/<user id>/<code>/
struct B24Webhook {
  std::string base;  // "https://myshop.bitrix24.ru" (scheme and host[:port])
  int64_t user_id = 0;
  std::string code;  // the secret
  // The address a method is called at: <base>/rest/<user id>/<code>/<method>.json
  std::string MethodUrl(const std::string& method) const;
  std::string Url() const;  // <base>/rest/<user id>/<code>/
};

// Parses what Bitrix24's "Inbound webhook" page shows (a trailing method name, as in its request
// builder's sample, is dropped). http:// is taken too (a portal of one's own, a test server).
Result<B24Webhook> ParseB24Webhook(const std::string& url);

struct B24Config {
  bool enabled = false;
  // How Kira calls the portal: "webhook" (an inbound webhook) or "app" (a local application with
  // OAuth 2.0: portal_url, client_id, client_secret; tokens sealed apart, kB24TokensKey).
  std::string auth = "webhook";
  std::string portal_url;     // app: "https://myshop.bitrix24.ru"
  std::string client_id;      // app: "local.6745a1b2c3d4e5.12345678"
  std::string client_secret;  // app: a secret, never sent back
  std::string oauth_url;      // app: "" = https://oauth.bitrix.info (set for a test server)
  // Not in the stored settings (sealed apart); filled in when the settings are read for sending.
  std::string webhook_url;
  std::string portal;       // the webhook's scheme and host, shown on the page (not secret)
  int64_t user_id = 0;      // USER_ID of the calls, ASSIGNED_BY_ID of leads; 0 = the webhook's
  std::string lead_status;  // STATUS_ID of new leads; "" = the portal's first stage (NEW)
  std::string source_id = "CALL";             // SOURCE_ID of leads and contacts
  std::string currency;                       // CURRENCY_ID ("RUB"); "" = the portal's
  std::map<std::string, std::string> fields;  // kB24MappableFields name -> "UF_CRM_…"
  bool telephony = true;                      // register/finish/attachRecord the call
  std::string language = "ru";                // of the lead's title and comments: "ru" | "en"
  // Bitrix24 drains 2 requests a second (Enterprise: 5): the connector keeps under it.
  double max_per_second = 2.0;
};

// Parses and checks `json` over `previous` (nullptr = defaults). A blank or absent webhook_url
// keeps the sealed one (the page never receives it back): the result's webhook_url is "" then.
Result<B24Config> ParseB24Config(const std::string& json, const B24Config* previous);
// The settings as stored (with_secrets) or shown: never the webhook's address ("portal" and
// "user_id" say whose it is); shown, the client secret is "" and "client_secret_set" says whether
// one is stored.
std::string B24ConfigJson(const B24Config& c, bool with_secrets);

}  // namespace kira::web
