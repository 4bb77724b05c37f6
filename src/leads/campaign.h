// Campaigns: a list of numbers uploaded as CSV becomes one lead and one Vera call task per
// number, through LeadService (the same checks and audit as "Send Vera" on a lead). Each row is
// checked first — a callable number (crm::ToE164), not on the do-not-call list, the consent an
// advertising call needs (38-FZ art. 18: the callee's prior consent), a readable preferred
// time, not twice in the file — and a refused row is named with its line and reason. The
// upload is all-or-nothing unless the user chose to skip the refused rows.
//
//   leads::CampaignOptions opt;  opt.name = "Осенняя распродажа";  opt.advertising = true;
//   opt.timezone = profile.timezone;
//   leads::CampaignService svc(lead_service, store, data_dir);
//   auto r = svc.Create(csv_bytes, "list.csv", opt, leads::Actor::User("olga"));
//   // r->refused: {line 4, "dnc"}, ...; r->campaign.id when created
//
// CSV columns (Russian or English headers): phone (телефон), name (имя), note (комментарий,
// что сказать), consent (согласие, источник согласия), time (время, когда звонить: "2026-12-01
// 10:00" or "01.12.2026 10:00", in the shop's time zone; empty = as soon as the calling window
// allows). UTF-8 or Windows-1251; ',', ';' or tab. Limits: kMaxCampaignRows rows, the upload's
// byte limit, 16 fields, kMaxNoteBytes per note.
//
// A campaign is kept as <data_dir>/campaigns/<id>.json (name, kind, who and when, its leads'
// and tasks' ids, the refused lines and reasons — no phone numbers); progress and outcomes are
// read from the tasks.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "crm/crm_store.h"
#include "leads/lead_service.h"

namespace kira::leads {

inline constexpr size_t kMaxCampaignRows = 5000;

struct CampaignOptions {
  std::string name;               // shown on the campaign page; at most 200 bytes
  bool advertising = true;        // every row needs a consent source
  bool skip_refused = false;      // create the good rows even when some are refused
  std::string timezone;           // the shop's IANA zone: preferred times are read in it
  std::string encoding = "auto";  // auto, utf-8, windows-1251
  size_t max_bytes = 8u << 20;
};

// Why a row is refused (the workspace words each one in its language).
inline constexpr const char* kRefusalReasons[] = {"bad_phone", "dnc",       "no_consent",
                                                  "bad_time",  "duplicate", "note_too_long"};
struct RefusedRow {
  size_t line = 0;
  std::string reason;
  std::string value;  // what was wrong, as written (the number for bad_phone/dnc/duplicate)
};

struct Campaign {
  int64_t id = 0;
  std::string name;
  bool advertising = true;
  std::string file;
  std::string created_by;
  int64_t created_at = 0;
  std::vector<int64_t> lead_ids, task_ids;
  std::vector<RefusedRow> refused;  // persisted without `value` (no personal data on disk)
};

struct CampaignResult {
  bool created = false;  // false: refused rows and no skip_refused; nothing was written
  Campaign campaign;
  size_t rows = 0;  // data rows in the file
  std::vector<RefusedRow> refused;
};

// Progress: the campaign's tasks by status, and finished calls by result.
struct CampaignProgress {
  Campaign campaign;
  size_t total = 0, open = 0, in_progress = 0, done = 0, failed = 0, cancelled = 0;
  std::vector<std::pair<std::string, size_t>> results;  // last_result → count, sorted
};

class CampaignService {
 public:
  CampaignService(LeadService& leads, crm::CrmStore& store, std::string data_dir,
                  const Clock& clock, std::mutex* store_mu = nullptr)
      : leads_(leads), store_(store), dir_(std::move(data_dir)), clock_(clock), mu_(store_mu) {}

  // Invalid for a file that cannot be read at all (encoding, quotes, limits, no phone column);
  // refused rows are not errors: they come back in the result.
  Result<CampaignResult> Create(const std::string& content, const std::string& file,
                                const CampaignOptions& opt, const Actor& by);
  Result<std::vector<Campaign>> List();  // newest first
  Result<CampaignProgress> Progress(int64_t id);

 private:
  Status Save(const Campaign& c);
  Result<Campaign> Load(int64_t id);
  LeadService& leads_;
  crm::CrmStore& store_;
  std::string dir_;
  const Clock& clock_;
  std::mutex* mu_;       // the store's (held around direct store calls, not around leads_)
  std::mutex files_mu_;  // campaign ids and files
};

}  // namespace kira::leads
