// PlanStore: `kira dialer plan` over the CRM store. The open tasks are read a page at a time
// (CrmStore::ListTaskPage, keyset by id), planned one by one (PlanPass) and handed to a sink in
// id order, so a dry run holds one page of tasks however many there are.
//
//   DncSnapshot dnc(*store.ListDnc());
//   Planner planner(cfg, &resolver, &dnc);
//   KIRA_RETURN_IF_ERROR(PlanStore(store, planner, now, [&](const PlanEntry& e) {
//     writer.Append(e, &out);
//   }));
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_set>

#include "crm/crm_store.h"
#include "dialer/planner.h"

namespace kira::dialer {

inline constexpr int kPlanPage = 10000;  // tasks per page (CrmStore::ListTaskPage's most)

// The ids of the leads that came from a web form (Vera asks for consent first), read
// kMaxLeadPage leads at a time.
Result<std::unordered_set<int64_t>> WebFormLeadIds(crm::CrmStore& store);

// Plans every open dialer task in `store` at `now_ms`, the dialer's tasks in progress occupying
// lines first. `sink` gets each entry in id order; the entry's task lives during the call only.
// Pages are read one after another, not in one transaction: a task that changes between pages
// is planned as its page finds it.
Status PlanStore(crm::CrmStore& store, Planner& planner, int64_t now_ms,
                 const std::function<void(const PlanEntry&)>& sink, int page = kPlanPage);

}  // namespace kira::dialer
