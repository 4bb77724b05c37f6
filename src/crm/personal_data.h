// Personal data (152-FZ) in one place, for the CLI (`kira forget`, `kira serve`'s daily
// retention pass) and the web workspace (the admin's "forget this person"): the store's
// Forget/PurgeExpired, the recording files they release (deleted only inside the data
// directory), and the audit entry that says what was erased — counts, never the number.
//
//   KIRA_ASSIGN_OR_RETURN(auto r, crm::ForgetPerson(store, data_dir, "+79161234567", "cli"));
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "crm/crm_store.h"

namespace kira::crm {

struct RetentionSettings {
  int transcripts_days = 0;  // turns of conversations ended longer ago are deleted; 0 = keep
  int recordings_days = 0;   // recordings of conversations ended longer ago; 0 = keep
};

// Forgets the person with this number (CrmStore::Forget), deletes their recording files and
// writes the audit entry "person.forget" (entity "contact", the old contact id) as `actor`.
Result<ForgetResult> ForgetPerson(CrmStore& store, const std::string& data_dir,
                                  const std::string& phone, const std::string& actor);

// Applies the retention settings as of `now_ms`; writes "retention.purge" when it erased
// anything. Files that cannot be deleted are logged, not fatal (the record is cleared).
Result<PurgeResult> EnforceRetention(CrmStore& store, const std::string& data_dir,
                                     const RetentionSettings& r, int64_t now_ms);

// Deletes recording files given as stored (relative to data_dir, or absolute inside it);
// returns how many were deleted. A path outside data_dir is refused and logged.
int DeleteRecordings(const std::string& data_dir, const std::vector<std::string>& paths);

}  // namespace kira::crm
