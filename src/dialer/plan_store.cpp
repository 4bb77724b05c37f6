#include "dialer/plan_store.h"

namespace kira::dialer {

Result<std::unordered_set<int64_t>> WebFormLeadIds(crm::CrmStore& store) {
  std::unordered_set<int64_t> out;
  crm::LeadFilter f;
  f.limit = crm::kMaxLeadPage;
  for (;;) {
    KIRA_ASSIGN_OR_RETURN(auto page, store.ListLeads(f));
    for (const auto& l : page)
      if (l.source == "web_form") out.insert(l.id);
    if (static_cast<int>(page.size()) < f.limit) break;
    f.before_id = page.back().id;
  }
  return out;
}

Status PlanStore(crm::CrmStore& store, Planner& planner, int64_t now_ms,
                 const std::function<void(const PlanEntry&)>& sink, int page) {
  int in_progress = 0;
  for (int64_t after = 0;;) {
    KIRA_ASSIGN_OR_RETURN(auto busy, store.ListTaskPage(crm::TaskStatus::kInProgress, after, page));
    for (const crm::Task& t : busy) in_progress += IsDialerTask(t) ? 1 : 0;
    if (static_cast<int>(busy.size()) < page) break;
    after = busy.back().id;
  }
  KIRA_ASSIGN_OR_RETURN(auto web, WebFormLeadIds(store));
  PlanPass pass(planner, now_ms, in_progress);
  PlanEntry e;
  for (int64_t after = 0;;) {
    KIRA_ASSIGN_OR_RETURN(auto tasks, store.ListTaskPage(crm::TaskStatus::kOpen, after, page));
    for (const crm::Task& t : tasks) {
      if (pass.Next(t, t.lead_id != 0 && web.count(t.lead_id) > 0, &e)) sink(e);
    }
    if (static_cast<int>(tasks.size()) < page) break;
    after = tasks.back().id;
  }
  return Status::Ok();
}

}  // namespace kira::dialer
