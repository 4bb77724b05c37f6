#include "crm/personal_data.h"

#include <algorithm>
#include <filesystem>

#include "core/log.h"

namespace kira::crm {

namespace fs = std::filesystem;

int DeleteRecordings(const std::string& data_dir, const std::vector<std::string>& paths) {
  int deleted = 0;
  std::error_code ec;
  const fs::path base = fs::weakly_canonical(data_dir, ec);
  for (const std::string& rel : paths) {
    fs::path p = fs::path(rel).is_absolute() ? fs::path(rel) : fs::path(data_dir) / rel;
    p = fs::weakly_canonical(p, ec);
    auto [b, _] = std::mismatch(base.begin(), base.end(), p.begin(), p.end());
    if (data_dir.empty() || ec || b != base.end()) {
      log::Warn("privacy", "recording " + log::Redact(rel) + " is outside the data directory");
      continue;
    }
    if (fs::remove(p, ec)) {
      ++deleted;
    } else if (ec) {
      log::Warn("privacy", "cannot delete a recording: " + ec.message());
    }
  }
  return deleted;
}

Result<ForgetResult> ForgetPerson(CrmStore& store, const std::string& data_dir,
                                  const std::string& phone, const std::string& actor) {
  KIRA_ASSIGN_OR_RETURN(ForgetResult r, store.Forget(phone));
  const int files = DeleteRecordings(data_dir, r.recordings);
  AuditEntry a;
  a.actor = actor;
  a.action = "person.forget";
  a.entity = "contact";
  a.entity_id = r.contact_id;
  a.detail = (r.found ? std::string("found") : std::string("no contact")) + ": leads deleted " +
             std::to_string(r.leads_deleted) + ", emptied " + std::to_string(r.leads_emptied) +
             "; conversations " + std::to_string(r.conversations) + ", turns " +
             std::to_string(r.turns) + ", recordings " + std::to_string(files) + "/" +
             std::to_string(r.recordings.size()) + ", orders scrubbed " +
             std::to_string(r.orders_scrubbed) + ", tasks " + std::to_string(r.tasks) +
             ", outbox rows " + std::to_string(r.outbox_rows) +
             (r.dnc_hashed ? "; do-not-call kept as a hash" : "");
  KIRA_RETURN_IF_ERROR(store.Audit(a).WithContext("forget: the data is erased, but"));
  return r;
}

Result<PurgeResult> EnforceRetention(CrmStore& store, const std::string& data_dir,
                                     const RetentionSettings& s, int64_t now_ms) {
  constexpr int64_t kDay = 86'400'000;
  const int64_t transcripts = s.transcripts_days > 0 ? now_ms - s.transcripts_days * kDay : 0;
  const int64_t recordings = s.recordings_days > 0 ? now_ms - s.recordings_days * kDay : 0;
  KIRA_ASSIGN_OR_RETURN(PurgeResult r, store.PurgeExpired(transcripts, recordings));
  const int files = DeleteRecordings(data_dir, r.recordings);
  if (r.turns > 0 || !r.recordings.empty()) {
    AuditEntry a;
    a.at = now_ms;
    a.actor = "retention";
    a.action = "retention.purge";
    a.detail = "transcripts of " + std::to_string(r.conversations_transcripts) +
               " conversation(s) (" + std::to_string(r.turns) + " turns), recordings " +
               std::to_string(files) + "/" + std::to_string(r.recordings.size());
    KIRA_RETURN_IF_ERROR(store.Audit(a));
  }
  return r;
}

}  // namespace kira::crm
