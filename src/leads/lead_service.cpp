#include "leads/lead_service.h"

#include <algorithm>

#include "core/log.h"
#include "core/tz.h"
#include "crm/dnc_list.h"
#include "crm/outcome.h"
#include "crm/phone.h"
#include "leads/order_flow.h"

namespace kira::leads {
namespace {

using crm::LeadStatus;
using crm::Name;
using crm::TaskKind;

using crm::TaskStatus;

constexpr LeadStatus kClosed = LeadStatus::kClosed;
constexpr TaskKind kVeraCall = TaskKind::kVeraCall;

}  // namespace

std::unique_lock<std::mutex> LeadService::Lock() {
  return mu_ ? std::unique_lock<std::mutex>(*mu_) : std::unique_lock<std::mutex>();
}

int64_t LeadService::NowMs() const { return ToUnixMillis(clock_.Now()); }

void LeadService::Audit(const Actor& by, const std::string& action, const std::string& entity,
                        int64_t id, const std::string& detail) {
  crm::AuditEntry e;
  e.at = NowMs();
  e.actor = by.audit;
  e.action = action;
  e.entity = entity;
  e.entity_id = id;
  e.detail = detail;
  if (Status s = store_.Audit(e); !s.ok())
    log::Error("leads", "audit log write failed (" + action + "): " + s.message());
}

Status LeadService::SaveLead(crm::Lead* lead) {
  KIRA_RETURN_IF_ERROR(store_.UpdateLead(*lead));
  auto again = store_.GetLead(lead->id);
  if (again.ok()) *lead = *again;
  return Status::Ok();
}

Result<crm::Lead> LeadService::Take(int64_t lead_id, const Actor& by) {
  if (by.name.empty()) return Status::Invalid("taking a lead needs a manager's name");
  auto lock = Lock();
  KIRA_ASSIGN_OR_RETURN(crm::Lead lead, store_.GetLead(lead_id));
  if (lead.status == kClosed) return Status::Conflict("the lead is closed");
  if (!lead.assigned_to.empty() && lead.assigned_to != by.name)
    return Status::Conflict("the lead is already taken by " + lead.assigned_to);
  lead.status = LeadStatus::kTaken;
  lead.assigned_to = by.name;
  KIRA_RETURN_IF_ERROR(SaveLead(&lead));
  Audit(by, "lead.take", "lead", lead_id, "assigned to " + by.name);
  return lead;
}

// The checks every call task shares, and the task they lead to (not yet stored).
Result<crm::Task> LeadService::NewCallTask(const crm::Lead& lead, const CallRequest& r,
                                           const Actor& by) {
  if (r.note.size() > kMaxNoteBytes)
    return Status::Invalid("note is longer than " + std::to_string(kMaxNoteBytes) + " characters");
  if (r.deadline && r.deadline <= r.not_before)
    return Status::Invalid("the deadline must be after the earliest time");
  if (!r.timezone.empty()) {
    auto z = FindZone(r.timezone);
    if (!z.ok()) return z.status().WithContext("timezone");
  }
  if (lead.status == kClosed) return Status::Conflict("the lead is closed");
  if (lead.contact_id == 0) return Status::Conflict("the lead has no phone number to call");
  auto c = store_.GetContact(lead.contact_id);
  if (!c.ok() || c->phone.empty()) return Status::Conflict("the lead has no phone number to call");
  // E.164, so the dialer, the DNC list and the SIP side agree on the number.
  auto e164 = crm::ToE164(c->phone);
  if (!e164.ok())
    return Status::Conflict("the lead's number cannot be called: " + e164.status().message());
  KIRA_ASSIGN_OR_RETURN(bool dnc, store_.IsDnc(*e164));
  if (dnc) return Status::Conflict("the number is on the do-not-call list; nobody will call it");
  crm::Task t;
  t.lead_id = lead.id;
  t.phone = *e164;
  t.timezone = r.timezone.empty() ? c->timezone : r.timezone;
  t.note = r.note;
  t.not_before = r.not_before;
  t.deadline = r.deadline;
  t.created_by = by.created_by;
  t.created_at = NowMs();
  return t;
}

Result<VeraAssignment> LeadService::SendToVera(int64_t lead_id, const CallRequest& r,
                                               const Actor& by) {
  auto lock = Lock();
  KIRA_ASSIGN_OR_RETURN(crm::Lead lead, store_.GetLead(lead_id));
  KIRA_ASSIGN_OR_RETURN(crm::Task task, NewCallTask(lead, r, by));
  KIRA_ASSIGN_OR_RETURN(auto open, store_.ListTasks(TaskStatus::kOpen, lead_id));
  for (const auto& t : open)
    if (t.kind == kVeraCall)
      return Status::Conflict("Vera already has an open call for this lead (task " +
                              std::to_string(t.id) + ")");
  task.kind = kVeraCall;
  task.agent = "vera";
  KIRA_ASSIGN_OR_RETURN(task.id, store_.CreateTask(task));
  lead.status = LeadStatus::kVeraAssigned;
  if (lead.assigned_to.empty()) lead.assigned_to = by.name;
  KIRA_RETURN_IF_ERROR(SaveLead(&lead));
  if (auto again = store_.GetTask(task.id); again.ok()) task = *again;
  Audit(by, "lead.vera_assign", "lead", lead_id, "task " + std::to_string(task.id));
  return VeraAssignment{task, lead};
}

Result<crm::Task> LeadService::AssignCallback(int64_t lead_id, const CallRequest& r,
                                              const Actor& by) {
  auto lock = Lock();
  KIRA_ASSIGN_OR_RETURN(crm::Lead lead, store_.GetLead(lead_id));
  KIRA_ASSIGN_OR_RETURN(crm::Task task, NewCallTask(lead, r, by));
  task.kind = TaskKind::kCallback;
  task.agent = "";
  KIRA_ASSIGN_OR_RETURN(task.id, store_.CreateTask(task));
  if (auto again = store_.GetTask(task.id); again.ok()) task = *again;
  Audit(by, "task.create", "task", task.id, "lead " + std::to_string(lead_id) + ", agent manager");
  return task;
}

Result<crm::Lead> LeadService::Close(int64_t lead_id, const std::string& reason, const Actor& by) {
  auto why = crm::ParseCloseReason(reason);
  if (!why) return Status::Invalid("reason must be one of: " + crm::ManagerCloseReasonNames());
  auto lock = Lock();
  KIRA_ASSIGN_OR_RETURN(crm::Lead lead, store_.GetLead(lead_id));
  if (lead.status == kClosed) return Status::Conflict("the lead is already closed");
  lead.status = kClosed;
  lead.close_reason = *why;
  if (lead.assigned_to.empty()) lead.assigned_to = by.name;
  KIRA_RETURN_IF_ERROR(SaveLead(&lead));
  Audit(by, "lead.close", "lead", lead_id, "reason " + reason);
  return lead;
}

Result<crm::Lead> LeadService::Approve(int64_t lead_id, const Actor& by) {
  auto lock = Lock();
  KIRA_ASSIGN_OR_RETURN(crm::Lead lead, store_.GetLead(lead_id));
  KIRA_ASSIGN_OR_RETURN(auto tasks, store_.ListTasks(std::nullopt, lead_id));
  int64_t task_id = 0;
  std::string result;
  for (const auto& t : tasks)
    if (t.kind == kVeraCall && t.id > task_id) {
      task_id = t.id;
      result =
          t.status == TaskStatus::kDone || t.status == TaskStatus::kFailed ? t.last_result : "";
    }
  if (task_id == 0) return Status::Conflict("Vera has not been sent to this lead");
  if (result.empty()) return Status::Conflict("Vera has not finished the call yet");
  if (lead.status != kClosed) {
    lead.status = kClosed;
    lead.close_reason = crm::CloseReason::kVeraResult;
    lead.vera_result = result;
    KIRA_RETURN_IF_ERROR(SaveLead(&lead));
  }
  Audit(by, "lead.vera_approve", "lead", lead_id, "task " + std::to_string(task_id));
  return lead;
}

Result<OrderStatusChange> LeadService::SetOrderStatus(int64_t order_id, const std::string& status,
                                                      const Actor& by) {
  auto lock = Lock();
  KIRA_ASSIGN_OR_RETURN(crm::Order order, store_.GetOrder(order_id));
  KIRA_ASSIGN_OR_RETURN(crm::OrderStatus to, CheckOrderTransition(order, status));
  KIRA_RETURN_IF_ERROR(store_.UpdateOrderStatus(order_id, to));
  OrderStatusChange c{order, order.status};
  if (auto again = store_.GetOrder(order_id); again.ok())
    c.order = *again;
  else
    c.order.status = to;
  Audit(by, "order.status", "order", order_id,
        std::string(Name(c.from)) + " -> " + std::string(Name(to)));
  return c;
}

Result<Table> LeadService::Export(const ExportRequest& r) {
  auto lock = Lock();
  return BuildExport(store_, r);
}

Status LeadService::AddDnc(const std::string& phone, const std::string& reason, const Actor& by,
                           bool* already_listed) {
  KIRA_ASSIGN_OR_RETURN(std::string e164, crm::ToE164(phone));
  auto lock = Lock();
  KIRA_ASSIGN_OR_RETURN(bool already, store_.IsDnc(e164));
  if (already_listed) *already_listed = already;
  crm::DncEntry e;
  e.phone = e164;
  e.reason = reason.empty() ? "manual" : reason;
  e.source = by.audit;
  KIRA_RETURN_IF_ERROR(store_.AddDnc(e));
  if (!already) Audit(by, "dnc.add", "dnc", 0, log::Redact(phone) + " " + e.reason);
  return Status::Ok();
}

Status LeadService::RemoveDnc(const std::string& phone, const Actor& by) {
  auto lock = Lock();
  KIRA_RETURN_IF_ERROR(store_.RemoveDnc(phone));
  Audit(by, "dnc.remove", "dnc", 0, log::Redact(phone));
  return Status::Ok();
}

Result<DncImportReport> LeadService::ImportDnc(const std::string& text,
                                               const std::string& file_name,
                                               const std::string& reason, const Actor& by) {
  auto entries = crm::ParseDncList(text, file_name, reason.empty() ? "import" : reason);
  if (!entries.ok()) return entries.status().WithContext("nothing imported");
  auto lock = Lock();
  KIRA_ASSIGN_OR_RETURN(auto before, store_.ListDnc());
  if (Status s = store_.ImportDnc(*entries); !s.ok()) return s.WithContext("nothing imported");
  KIRA_ASSIGN_OR_RETURN(auto after, store_.ListDnc());
  DncImportReport r{entries->size(), after.size() - before.size()};
  Audit(by, "dnc.import", "dnc", 0,
        file_name + ": " + std::to_string(r.numbers) + " numbers, " + std::to_string(r.added) +
            " new");
  return r;
}

}  // namespace kira::leads
