// The do-not-call key of a forgotten person, shared by every CrmStore: Forget keeps an opt-out
// as a keyed hash of the number only, and IsDnc/RemoveDnc match it. The key is the install's
// secret, a file beside the data (dnc.key); every node sharing one database must hold the same
// file, or numbers forgotten on one node stop matching on another.
#pragma once

#include <string>

#include "core/status.h"

namespace kira::crm {

// "k:" + hex BLAKE2b-256 of NormalizePhone(phone) keyed with the install's secret. Entries
// forgotten before the secret existed hold LegacyDncHashKey ("h:", a fixed key shared by every
// install) and still match.
std::string DncHashKey(const std::string& secret, const std::string& normalized);
std::string LegacyDncHashKey(const std::string& normalized);

// The install's secret for DncHashKey: read from `path`, or 32 random bytes written there (mode
// 0600) when the file does not exist yet; a file that is not a key is an error (never
// replaced: a new key would stop forgotten numbers from matching).
Result<std::string> LoadOrCreateDncSecret(const std::string& path);
// dnc.key in the directory of a database file; "" for an in-memory database.
std::string DncSecretPath(const std::string& db_path);
// A key for a store that has no directory (":memory:"): lives as long as the process.
std::string RandomDncSecret();

}  // namespace kira::crm
