// Conversations that never ended: a call cut off by a crash, a kill or a session lost on the
// way ends with the outcome "interrupted" and the scenario's summary_interrupted, so no record
// stays half-open and the lead shows what happened. Used at start and periodically by the
// service (app), and by a session destroyed before Finish() (session_base.cpp).
//
//   KIRA_ASSIGN_OR_RETURN(int n, dialog::EndInterrupted(engine, now_ms - 30 * 60'000));
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "core/status.h"
#include "crm/crm_store.h"
#include "crm/personal_data.h"
#include "dialog/engine.h"

namespace kira::dialog {

// Ends every conversation whose last turn (or start) is before `idle_before` and has no end,
// in batches; returns how many it ended. The lead of such a conversation gets the outcome
// "interrupted" and the summary unless a finished conversation already gave it one. `node` not
// empty: only that node's conversations (crm::Conversation::node), for a node starting again
// beside other live nodes.
Result<int> EndInterrupted(Engine& engine, int64_t idle_before, const std::string& node = "");

// What `kira serve` runs every minute: conversations idle longer than `interrupted_after_ms`
// end as interrupted; once a day the retention settings are applied (crm/personal_data.h).
struct HousekeepingOptions {
  int64_t interrupted_after_ms = 30 * 60'000;  // no turn for this long and no end: cut off
  crm::RetentionSettings retention;
  std::string data_dir;  // recordings are deleted only inside it
};

class Housekeeper {
 public:
  Housekeeper(Engine& engine, HousekeepingOptions o) : engine_(engine), o_(std::move(o)) {}
  // One pass at `now_ms`; failures are logged (the next pass tries again).
  void Tick(int64_t now_ms);

 private:
  Engine& engine_;
  HousekeepingOptions o_;
  int64_t last_retention_ms_ = 0;
};

// Ends one conversation as interrupted at `now` with `summary`, and updates its lead as above.
Status EndOneInterrupted(crm::CrmStore& store, int64_t conversation_id, int64_t lead_id,
                         const std::string& summary, int64_t now);

}  // namespace kira::dialog
