// The amoCRM connector's settings, as the workspace's settings page edits them and the workspace
// store keeps them (state key kAmoConfigKey, one JSON object): the account (subdomain), the
// integration's OAuth 2.0 client (id, secret, redirect URI, the one-use authorization code), the
// pipeline and stage new leads go to, and which lead fields (by amoCRM field id) get the call's
// summary, outcome, order and recording link. Parsing is strict: an unknown key, a wrong type or a
// value past its limit is an error naming the key.
//
// The OAuth tokens are not settings: a TokenVault (web/sealed_state.h) keeps them encrypted
// (libsodium secretbox) under kAmoTokensKey, with a key that never enters the store.
//
//   KIRA_ASSIGN_OR_RETURN(AmoConfig c, ParseAmoConfig(body, &current));
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "core/status.h"
#include "crm/workspace_store.h"

namespace kira::web {

inline constexpr const char* kAmoConfigKey = "amocrm.config";
inline constexpr const char* kAmoTokensKey = "amocrm.tokens";
inline constexpr size_t kMaxAmoConfigBytes = 16 * 1024;
inline constexpr size_t kMaxAmoFieldMappings = 16;

// The call's facts that can be written into a lead field of the shop's choosing.
inline constexpr std::array<const char*, 6> kAmoMappableFields = {
    "summary", "outcome", "order", "total", "recording_url", "conversation_id"};

struct AmoConfig {
  bool enabled = false;
  std::string subdomain;      // "myshop" for https://myshop.amocrm.ru
  std::string base_url;       // "" = https://<subdomain>.amocrm.ru (set for a test server)
  std::string client_id;      // the integration's id (a UUID)
  std::string client_secret;  // a secret
  std::string redirect_uri;   // as registered with the integration
  std::string auth_code;      // a secret, used once: exchanged for tokens, then cleared
  int64_t pipeline_id = 0;    // 0 = the account's main pipeline
  int64_t status_id = 0;      // 0 = the pipeline's first stage
  std::map<std::string, int64_t> fields;  // kAmoMappableFields name -> amoCRM field id
  std::string language = "ru";            // of the lead's name and notes: "ru" | "en"
  // amoCRM allows 7 requests a second per integration: the connector keeps under it.
  double max_per_second = 7.0;

  // https://<subdomain>.amocrm.ru, or base_url.
  std::string api_base() const;
};

// Parses and checks `json`. A secret (client_secret, auth_code) left out or empty keeps its value
// in `previous` (the page never receives secrets back); nullptr = none.
Result<AmoConfig> ParseAmoConfig(const std::string& json, const AmoConfig* previous);
// The settings as JSON. Without secrets, each secret is "" and "<name>_set" says whether one is
// stored (what the settings page shows).
std::string AmoConfigJson(const AmoConfig& c, bool with_secrets);

}  // namespace kira::web
