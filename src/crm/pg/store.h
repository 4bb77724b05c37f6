// PgCrmStore: the CrmStore over a pool of libpq connections. Internal to crm/pg; users open it
// through OpenPgCrmStore (pg_crm_store.h), which documents threads, durability and failures.
// Methods are split by record over store.cpp (the pool, contacts, leads), conversations.cpp
// (conversations, turns, orders), tasks_dnc_audit.cpp, privacy.cpp and tallies.cpp, like the
// SQLite store's files.
#pragma once

#include <string>
#include <utility>

#include "crm/dnc_key.h"
#include "crm/pg/pg_crm_store.h"
#include "crm/record_checks.h"
#include "storage/pg.h"
#include "storage/pg_pool.h"

namespace kira::crm {

namespace pg = storage::pg;

class PgCrmStore final : public CrmStore {
 public:
  PgCrmStore(std::string conninfo, const PgCrmOptions& o, std::string dnc_secret)
      : pool_(std::move(conninfo), o.connections),
        clock_(o.clock ? o.clock : &Clock::System()),
        node_(o.node),
        dnc_secret_(std::move(dnc_secret)) {}
  ~PgCrmStore() override = default;

  // The first connection, opened (and the schema migrated) by OpenPgCrmStore.
  void AddIdle(std::unique_ptr<pg::Conn> c) { pool_.Add(std::move(c)); }

  Result<int64_t> UpsertContact(const Contact& c) override;
  Result<Contact> GetContact(int64_t id) override;
  Result<std::optional<Contact>> FindContactByPhone(const std::string& phone) override;

  Result<int64_t> CreateLead(const Lead& l) override;
  Status UpdateLead(const Lead& l) override;
  Result<Lead> GetLead(int64_t id) override;
  Result<std::vector<Lead>> ListLeads(const LeadFilter& f) override;
  Result<int64_t> CountLeads(const LeadFilter& f) override;
  Result<int64_t> CountLeadsUpTo(const LeadFilter& f, int64_t cap) override;

  Result<int64_t> StartConversation(const Conversation& c) override;
  Result<int64_t> AppendTurn(int64_t conversation_id, const std::string& speaker,
                             const std::string& text, int64_t at) override;
  Status EndConversation(const Conversation& c) override;
  Result<Conversation> GetConversation(int64_t id) override;
  Result<std::vector<Conversation>> ListConversations(int64_t lead_id) override;
  using CrmStore::ListOpenConversations;
  Result<std::vector<Conversation>> ListOpenConversations(int64_t idle_before, int limit,
                                                          const std::string& node) override;

  Result<int64_t> CreateOrder(const Order& o) override;
  Result<Order> GetOrder(int64_t id) override;
  Result<std::vector<Order>> ListOrders(int64_t lead_id) override;
  Status UpdateOrderStatus(int64_t id, OrderStatus status) override;
  Result<OrderPage> ListOrderPage(const OrderFilter& f) override;

  Result<int64_t> CreateTask(const Task& t) override;
  Status UpdateTask(const Task& t) override;
  Result<Task> GetTask(int64_t id) override;
  Result<std::vector<Task>> ListTasks(std::optional<TaskStatus> status, int64_t lead_id) override;
  Result<std::vector<Task>> ListTaskPage(TaskStatus status, int64_t after_id, int limit) override;
  Result<std::vector<Task>> ListDueTasks(int64_t now, int limit) override;
  Result<bool> ClaimTask(int64_t id, int64_t now) override;
  Result<ClaimVerdict> ClaimTaskLeased(int64_t id, const LeaseClaim& c) override;
  Result<LeasedBatch> ClaimTasksLeased(const std::vector<int64_t>& ids, int max,
                                       const LeaseClaim& c) override;
  Result<int> RenewTaskLeases(const std::string& node, const std::vector<int64_t>& ids,
                              int64_t lease_until) override;
  Result<std::vector<int64_t>> ReleaseTaskLeases(int64_t now, const std::string& node) override;
  Status UpdateTaskIf(const Task& t, TaskStatus expect, const std::string& node) override;

  Status AddDnc(const DncEntry& e) override;
  Status RemoveDnc(const std::string& phone) override;
  Result<bool> IsDnc(const std::string& phone) override;
  Result<std::vector<DncEntry>> ListDnc() override;
  Status ImportDnc(const std::vector<DncEntry>& entries) override;

  Result<ForgetResult> Forget(const std::string& phone) override;
  Result<PurgeResult> PurgeExpired(int64_t transcripts_before, int64_t recordings_before) override;
  Result<CrmTallies> Tally(int64_t from, int64_t to) override;

  Status Audit(const AuditEntry& e) override;
  Result<std::vector<AuditEntry>> ListAudit(const std::string& entity, int64_t entity_id) override;

 private:
  // Runs fn(conn) on a connection borrowed from the pool (storage/pg_pool.h).
  template <typename Fn>
  auto With(Fn&& fn) {
    return pool_.With(std::forward<Fn>(fn));
  }

  int64_t Now() const { return ToUnixMillis(clock_->Now()); }

  pg::Pool pool_;
  const Clock* clock_;
  const std::string node_;        // for conversations started without one
  const std::string dnc_secret_;  // the key of hashed do-not-call entries (dnc_key.h)
};

// Helpers shared by the .cpp files; each runs on a connection the caller holds.
// NotFound("<what> <id> not found") unless a row with that id exists in `table`.
Status MustExist(pg::Conn& db, const char* table, const char* what, int64_t id);
// An id that refers to nothing (0) is sent as NULL.
inline pg::Params& AddRef(pg::Params& p, int64_t id) { return id == 0 ? p.Null() : p.Add(id); }

// Row readers; the column lists match these SELECT prefixes.
extern const char kPgLeadColumns[];
extern const char kPgContactColumns[];
extern const char kPgConversationColumns[];
extern const char kPgOrderColumns[];
extern const char kPgTaskColumns[];
// A status or kind the tables of crm/outcome.h do not name fails the read, naming the value.
Result<Lead> ReadLead(const pg::Rows& r, int row);
Contact ReadContact(const pg::Rows& r, int row);
Result<Conversation> ReadConversation(const pg::Rows& r, int row);
Result<Order> ReadOrder(const pg::Rows& r, int row);
Result<Task> ReadTask(const pg::Rows& r, int row);

// The schema (schema.cpp).
const std::vector<pg::Migration>& PgCrmMigrations();

}  // namespace kira::crm
