// Secrets at rest for the CRM connectors: a value kept in the workspace store's state (one key),
// encrypted with XSalsa20-Poly1305 (libsodium crypto_secretbox) under a 32-byte key that never
// enters the store (a file only the service reads: LoadOrCreateKeyFile). A tampered or
// wrongly-keyed value is an error, not an empty one. amoCRM's OAuth tokens and Bitrix24's
// webhook address are kept so.
//
//   KIRA_ASSIGN_OR_RETURN(std::string key, LoadOrCreateKeyFile(data_dir + "/amocrm.key"));
//   TokenVault vault(store, key, "amocrm.tokens");
//   KIRA_RETURN_IF_ERROR(vault.Save({access, refresh, expires_at_ms}));
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"
#include "crm/workspace_store.h"

namespace kira::web {

// One secret string under `state_key`; `what` names it in errors ("amoCRM tokens").
class SealedState {
 public:
  SealedState(crm::WorkspaceStore& store, std::string key, std::string state_key, std::string what);
  Result<std::optional<std::string>> Load();  // nullopt: nothing stored
  Status Save(const std::string& plain);
  Status Clear();

 private:
  crm::WorkspaceStore& store_;
  std::string key_, state_key_, what_;
};

struct OAuthTokens {
  std::string access_token, refresh_token;
  int64_t expires_at_ms = 0;
};

// An OAuth 2.0 token pair, sealed.
class TokenVault {
 public:
  TokenVault(crm::WorkspaceStore& store, std::string key, std::string state_key);
  Result<std::optional<OAuthTokens>> Load();
  Status Save(const OAuthTokens& t);

 private:
  SealedState sealed_;
};

// Reads the 32-byte key at `path`, or makes a random one there (mode 0600) when it is missing.
Result<std::string> LoadOrCreateKeyFile(const std::string& path);

}  // namespace kira::web
