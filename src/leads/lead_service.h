// LeadService: the lead operations a manager performs — take, send to Vera, close, approve
// Vera's result, assign a call task, move an order's status — and the do-not-call list's
// changes and imports. The HTTP
// routes (web/routes_leads.cpp) and the CLI (app/cmd_leads.cpp, cmd_tasks.cpp, cmd_crm.cpp) are
// thin callers: the checks, the state changes and the audit entries live here, once.
//
//   leads::LeadService svc(store, Clock::System());
//   auto lead = svc.Take(42, leads::Actor::User("alice"));
//   if (!lead.ok()) return lead.status();   // Conflict "the lead is already taken by bob"
//
// Errors: NotFound for an unknown lead, Invalid for a bad argument (naming it), Conflict when
// the lead's state forbids the operation (closed, taken by someone else, on the DNC list...).
// Every operation that changes something writes one audit entry; a failed audit write is
// logged, not returned, because the change itself is committed.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "crm/crm_store.h"
#include "leads/export.h"

namespace kira::leads {

// Who acts: a signed-in manager (web, or the CLI with --as NAME) or the CLI itself.
struct Actor {
  std::string name;        // the manager's user name; "" for the CLI
  std::string audit;       // the audit log's actor: "user:alice", "cli"
  std::string created_by;  // a task's created_by: "manager:alice", "cli"
  static Actor User(const std::string& name) { return {name, "user:" + name, "manager:" + name}; }
  static Actor Cli() { return {"", "cli", "cli"}; }
};

struct CallRequest {
  std::string note;        // at most kMaxNoteBytes
  int64_t not_before = 0;  // UTC ms, 0 = now
  int64_t deadline = 0;    // UTC ms, 0 = none
  std::string timezone;    // the callee's IANA zone when the manager knows it; else the contact's
};
inline constexpr size_t kMaxNoteBytes = 2000;

struct VeraAssignment {
  crm::Task task;
  crm::Lead lead;
};

struct OrderStatusChange {
  crm::Order order;       // as stored after the change
  crm::OrderStatus from;  // the status it had
};

struct DncImportReport {
  size_t numbers = 0;  // in the file
  size_t added = 0;    // new on the list
};

class LeadService {
 public:
  // `store_mu`, when given, is held around each operation (the web serialises store calls);
  // the checks and the writes of one operation then see no other operation in between.
  LeadService(crm::CrmStore& store, const Clock& clock, std::mutex* store_mu = nullptr)
      : store_(store), clock_(clock), mu_(store_mu) {}

  // Assigns the lead to the actor (status "taken"). Conflict when closed or taken by another.
  Result<crm::Lead> Take(int64_t lead_id, const Actor& by);
  // Creates Vera's call task (E.164 number, contact's zone) and sets the lead "vera_assigned".
  // Conflict: closed, no callable number, on the DNC list, Vera already has an open call.
  Result<VeraAssignment> SendToVera(int64_t lead_id, const CallRequest& r, const Actor& by);
  // A manager's own callback task for the lead (kind "callback", no agent).
  Result<crm::Task> AssignCallback(int64_t lead_id, const CallRequest& r, const Actor& by);
  // Closes with one of crm::kCloseReasonTable's names. Conflict when already closed.
  Result<crm::Lead> Close(int64_t lead_id, const std::string& reason, const Actor& by);
  // Accepts Vera's finished call: the lead is closed with reason "vera_<result>".
  Result<crm::Lead> Approve(int64_t lead_id, const Actor& by);

  // Moves an order along leads/order_flow.h (new → confirmed → paid → shipped/picked_up →
  // done, or cancelled). Invalid for an unknown status, Conflict for a move the flow forbids.
  // Audited as "order.status" on the order ("confirmed -> paid").
  Result<OrderStatusChange> SetOrderStatus(int64_t order_id, const std::string& status,
                                           const Actor& by);

  // The table of an export (leads/export.h), read under the store lock.
  Result<Table> Export(const ExportRequest& r);

  // The do-not-call list. The number is stored in E.164.
  Status AddDnc(const std::string& phone, const std::string& reason, const Actor& by,
                bool* already_listed = nullptr);
  Status RemoveDnc(const std::string& phone, const Actor& by);
  // All or nothing: `text` is one number per line or a CSV with a phone column (crm/dnc_list.h).
  Result<DncImportReport> ImportDnc(const std::string& text, const std::string& file_name,
                                    const std::string& reason, const Actor& by);

 private:
  std::unique_lock<std::mutex> Lock();
  int64_t NowMs() const;
  void Audit(const Actor& by, const std::string& action, const std::string& entity, int64_t id,
             const std::string& detail);
  Result<crm::Task> NewCallTask(const crm::Lead& lead, const CallRequest& r, const Actor& by);
  // Writes a changed lead and reads it back, so callers see what the store stamped.
  Status SaveLead(crm::Lead* lead);

  crm::CrmStore& store_;
  const Clock& clock_;
  std::mutex* mu_;
};

}  // namespace kira::leads
