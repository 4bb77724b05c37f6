// CrmStore: where every conversation leaves its trace. The interface is what the dialog engine,
// the web workspace and the dialer use; SqliteCrmStore (embedded default) implements it, and a
// PostgreSQL store can implement it later behind the same conformance tests
// (crm_store_conformance.h).
//
// Durability contract: every call that returns Ok has committed its write; AppendTurn in
// particular is durable at once, so a crash mid-call loses no lead or turn already spoken.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "crm/dial_leases.h"
#include "crm/model.h"

namespace kira::crm {

// What CrmStore::Forget erased for one person (152-FZ): counts for the audit log, and the
// recordings whose files the caller deletes (the store does not own the files).
struct ForgetResult {
  bool found = false;  // a contact had that number
  int64_t contact_id = 0;
  int leads_deleted = 0;
  int leads_emptied = 0;  // leads kept, emptied, because an order refers to them
  int conversations = 0;
  int turns = 0;
  int orders_scrubbed = 0;  // customer name and address erased; lines and totals kept
  int tasks = 0;
  bool dnc_hashed = false;  // the do-not-call entry now holds only a hash of the number
  int outbox_rows = 0;      // the workspace's outbox rows about them (never sent, or sent before)
  std::vector<std::string> recordings;
};

// What CrmStore::PurgeExpired erased (the retention setting, enforced daily).
struct PurgeResult {
  int conversations_transcripts = 0;  // conversations whose turns were deleted
  int turns = 0;
  std::vector<std::string> recordings;  // recording paths cleared; the caller deletes the files
};

// Thread safety: every implementation may be called from several threads at once (the web
// server and the dialogs share one store). Errors: NotFound names the missing record
// ("lead 42 not found"), Invalid names the field and value, Io/"disk full" for storage faults.
class CrmStore {
 public:
  virtual ~CrmStore() = default;

  // Contacts: one per phone; Upsert returns the existing id for a known phone and fills
  // in a name or zone that was empty.
  virtual Result<int64_t> UpsertContact(const Contact& c) = 0;
  virtual Result<Contact> GetContact(int64_t id) = 0;
  virtual Result<std::optional<Contact>> FindContactByPhone(const std::string& phone) = 0;

  virtual Result<int64_t> CreateLead(const Lead& l) = 0;
  virtual Status UpdateLead(const Lead& l) = 0;  // all fields but id/created_at; bumps updated_at
  virtual Result<Lead> GetLead(int64_t id) = 0;
  virtual Result<std::vector<Lead>> ListLeads(const LeadFilter& f) = 0;
  virtual Result<int64_t> CountLeads(const LeadFilter& f) = 0;
  // CountLeads, counting no further than `cap`: min(count, cap), so a queue over a million
  // leads says "10,000+" without counting them all. Invalid for a cap below 1.
  virtual Result<int64_t> CountLeadsUpTo(const LeadFilter& f, int64_t cap) = 0;

  virtual Result<int64_t> StartConversation(const Conversation& c) = 0;
  virtual Result<int64_t> AppendTurn(int64_t conversation_id, const std::string& speaker,
                                     const std::string& text, int64_t at) = 0;
  // Sets outcome, reason, summary, ended_at, recording_path, transfer_to.
  virtual Status EndConversation(const Conversation& c) = 0;
  virtual Result<Conversation> GetConversation(int64_t id) = 0;  // with turns
  // Oldest first, each with its turns (a lead has a handful of conversations).
  virtual Result<std::vector<Conversation>> ListConversations(int64_t lead_id) = 0;
  // Conversations never ended whose last turn (or start, without turns) is before
  // `idle_before`: calls cut off by a crash or a dead session. Oldest first, at most `limit`
  // (1..10000), without their turns. The caller ends them with the outcome "interrupted".
  // `node` not empty: only the conversations that node held (Conversation::node), so a node
  // starting again ends its own cut-off calls and leaves the live calls of the others alone.
  virtual Result<std::vector<Conversation>> ListOpenConversations(int64_t idle_before, int limit,
                                                                  const std::string& node) = 0;
  // Every node's.
  Result<std::vector<Conversation>> ListOpenConversations(int64_t idle_before, int limit) {
    return ListOpenConversations(idle_before, limit, "");
  }

  virtual Result<int64_t> CreateOrder(const Order& o) = 0;  // with lines, atomically
  virtual Result<Order> GetOrder(int64_t id) = 0;
  virtual Result<std::vector<Order>> ListOrders(int64_t lead_id = 0) = 0;  // 0 = all
  virtual Status UpdateOrderStatus(int64_t id, OrderStatus status) = 0;
  // One page of the orders list (model.h, OrderFilter) and how many orders the filter matches,
  // selected and counted by the store (SQL), so the list does not read every order. Invalid
  // for a limit outside 1..kMaxOrderPage.
  virtual Result<OrderPage> ListOrderPage(const OrderFilter& f) = 0;

  virtual Result<int64_t> CreateTask(const Task& t) = 0;
  virtual Status UpdateTask(const Task& t) = 0;
  virtual Result<Task> GetTask(int64_t id) = 0;
  // status nullopt = any; lead_id 0 = any.
  virtual Result<std::vector<Task>> ListTasks(std::optional<TaskStatus> status = std::nullopt,
                                              int64_t lead_id = 0) = 0;
  // One page of the tasks with `status`, by id after `after_id` (keyset: pass the last id of
  // the previous page, 0 for the first), at most `limit` (1..10000): a reader of every task
  // holds one page at a time however many there are.
  virtual Result<std::vector<Task>> ListTaskPage(TaskStatus status, int64_t after_id,
                                                 int limit) = 0;
  // Open tasks whose not_before <= now, earliest first, at most `limit` (1..10000).
  virtual Result<std::vector<Task>> ListDueTasks(int64_t now, int limit) = 0;
  // Atomically moves an open task to in_progress, counting the attempt (attempts + 1,
  // last_attempt_at = now). False when the task is no longer open (another dialer took it);
  // NotFound for an unknown id. Two dialers sharing a database never place the same call.
  virtual Result<bool> ClaimTask(int64_t id, int64_t now) = 0;

  // Several dialer nodes on one store (dial_leases.h). ClaimTaskLeased claims an open task
  // for `c.node` until `c.lease_until` only if the global limits allow one more call, counting
  // every node's calls in progress with a live lease and taking a token from the shared
  // calls-per-second bucket, all in one atomic step; NotFound for an unknown id. Only calls
  // with a live lease count (see ReleaseTaskLeases for a task in progress without one).
  virtual Result<ClaimVerdict> ClaimTaskLeased(int64_t id, const LeaseClaim& c) = 0;
  // Claims up to `max` (>= 1) of the open tasks among `ids`, tried in that order, as that many
  // ClaimTaskLeased would: each claimed task takes a line and a token under the global limits,
  // and the first refusal by the limits ends the batch. Not all-or-nothing: each claim stands
  // on its own. A store may claim the whole batch in one step, and skip a task another node is
  // claiming at that moment instead of waiting for it (PostgreSQL: FOR UPDATE SKIP LOCKED), so
  // nodes working down the same queue take different tasks. This default claims one by one.
  virtual Result<LeasedBatch> ClaimTasksLeased(const std::vector<int64_t>& ids, int max,
                                               const LeaseClaim& c);
  // Extends the leases `node` holds on these tasks (its calls still in progress); tasks no
  // longer in progress or held by another node are left alone. Returns how many were renewed.
  virtual Result<int> RenewTaskLeases(const std::string& node, const std::vector<int64_t>& ids,
                                      int64_t lease_until) = 0;
  // Reopens (status open, last_result "interrupted", the attempt stays counted) the tasks in
  // progress whose lease ended before `now` (their node died), and, when `node` is not empty,
  // those `node` itself holds (it restarted). A task in progress without a lease (claimed by
  // ClaimTask, a lone dialer's claim, or left by a version before leases) counts as a lease
  // that ended long ago: it is reopened too, and never counts as a call in progress, so lease
  // mode and a lone dialer must not share a store. Returns the reopened ids.
  virtual Result<std::vector<int64_t>> ReleaseTaskLeases(int64_t now, const std::string& node) = 0;
  // A dialer node's write of a task (as UpdateTask), applied only if the stored task still has
  // the status `expect` and, when `expect` is in_progress, `node` still holds it (claimed it
  // with ClaimTaskLeased and no node reopened it since): a node whose lease ended, and whose
  // call another node dialled again, must not overwrite that node's result, nor close a queued
  // task another node has meanwhile claimed. Otherwise kConflict naming the task, its status
  // and its holder, and nothing is written; NotFound for an unknown id. Writing a status other
  // than in_progress ends the lease (the task no longer counts as a call in progress).
  virtual Status UpdateTaskIf(const Task& t, TaskStatus expect, const std::string& node) = 0;

  // Do-not-call. Phones are compared in NormalizePhone form (phone.h), so "8 916 123-45-67"
  // and "+7 916 1234567" are the same entry; the phone is kept as given (callers give E.164).
  virtual Status AddDnc(const DncEntry& e) = 0;  // idempotent per phone
  virtual Status RemoveDnc(const std::string& phone) = 0;
  virtual Result<bool> IsDnc(const std::string& phone) = 0;
  virtual Result<std::vector<DncEntry>> ListDnc() = 0;
  virtual Status ImportDnc(const std::vector<DncEntry>& entries) = 0;  // all-or-nothing

  // Personal data. Forget erases one person, found by phone, in one transaction: the contact,
  // their leads, conversations with turns, tasks, and the personal fields of their orders
  // (customer name, address; an order keeps its lines and total, and the lead it refers to is
  // kept emptied: no contact, summary or interest). A do-not-call entry stays as a hash of
  // the number only, so IsDnc still matches it. The workspace's outbox (WorkspaceStore, when the
  // database has its tables) loses every row about the person, pending or not: the rows of their
  // leads, and any row whose payload holds the number as a JSON string (as stored on the contact,
  // or in E.164), so nothing about them reaches a CRM, a chat or a webhook afterwards. An unknown
  // number is not an error (found = false) unless it is not a phone number.
  virtual Result<ForgetResult> Forget(const std::string& phone) = 0;
  // Retention: deletes the turns of conversations ended before `transcripts_before` and
  // clears the recordings of those ended before `recordings_before` (0 = keep forever).
  virtual Result<PurgeResult> PurgeExpired(int64_t transcripts_before,
                                           int64_t recordings_before) = 0;

  // The dashboard's aggregates over created_at in [from, to) (model.h, CrmTallies): computed
  // by the store (SQL in SQLite), so no reader needs the tables. Invalid when to <= from.
  virtual Result<CrmTallies> Tally(int64_t from, int64_t to) = 0;

  // The store never audits on its own: the caller knows the actor and writes the entry.
  virtual Status Audit(const AuditEntry& e) = 0;
  // Oldest first; entity "" = any, entity_id 0 = any.
  virtual Result<std::vector<AuditEntry>> ListAudit(const std::string& entity = "",
                                                    int64_t entity_id = 0) = 0;
};

// Opens the embedded SQLite store at `path` (":memory:" for tests), migrating the schema.
// Options (clock, durability, size cap): crm/sqlite/sqlite_crm_store.h.
Result<std::unique_ptr<CrmStore>> OpenSqliteCrmStore(const std::string& path);

}  // namespace kira::crm
