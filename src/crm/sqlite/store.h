// SqliteCrmStore: the CrmStore over one SQLite connection. Internal to crm/sqlite; users open
// it through OpenSqliteCrmStore (sqlite_crm_store.h), which documents threads and durability.
// Methods are split by record over store.cpp (contacts, leads), conversations.cpp
// (conversations, turns, orders) and tasks_dnc_audit.cpp.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "crm/dnc_key.h"
#include "crm/record_checks.h"
#include "crm/sqlite/sqlite_crm_store.h"
#include "storage/sqlite.h"

namespace kira::crm {

// A prepared statement borrowed from the store's cache; reset (bindings cleared, read
// transaction released) when it goes out of scope.
class CachedStmt {
 public:
  explicit CachedStmt(storage::Stmt* s) : s_(s) {}
  CachedStmt(CachedStmt&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  CachedStmt& operator=(CachedStmt&&) = delete;
  ~CachedStmt() {
    if (s_) s_->Reset();
  }
  storage::Stmt* operator->() { return s_; }
  storage::Stmt& operator*() { return *s_; }

 private:
  storage::Stmt* s_;
};

class SqliteCrmStore final : public CrmStore {
 public:
  SqliteCrmStore(std::unique_ptr<storage::Db> db, const SqliteCrmOptions& o, std::string dnc_secret)
      : db_(std::move(db)),
        clock_(o.clock ? o.clock : &Clock::System()),
        node_(o.node),
        dnc_secret_(std::move(dnc_secret)) {}
  ~SqliteCrmStore() override;

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
  // All helpers below expect mu_ to be held.
  Result<CachedStmt> Sql(std::string_view sql);
  int64_t Now() const { return ToUnixMillis(clock_->Now()); }
  // NotFound("<what> <id> not found") unless a row with that id exists in `table`.
  Status MustExist(const char* table, const char* what, int64_t id);
  Status LoadTurns(Conversation* c);
  Status LoadLines(Order* o);

  std::mutex mu_;
  std::unique_ptr<storage::Db> db_;
  const Clock* clock_;
  const std::string node_;        // for conversations started without one
  const std::string dnc_secret_;  // the key of hashed do-not-call entries (dnc_secret.cpp)
  std::unordered_map<std::string, std::unique_ptr<storage::Stmt>> cache_;
};

// Row readers shared by the .cpp files; the column lists match these SELECT prefixes.
extern const char kLeadColumns[];
extern const char kContactColumns[];
extern const char kConversationColumns[];
extern const char kOrderColumns[];
extern const char kTaskColumns[];
// A status or kind the tables of crm/outcome.h do not name fails the read, naming the value.
Result<Lead> ReadLead(storage::Stmt& s);
Contact ReadContact(storage::Stmt& s);
Result<Conversation> ReadConversation(storage::Stmt& s);
Result<Order> ReadOrder(storage::Stmt& s);
Result<Task> ReadTask(storage::Stmt& s);

// Binds 0 as NULL: ids that refer to nothing.
inline void BindRef(storage::Stmt& s, int i, int64_t id) {
  if (id == 0) {
    s.BindNull(i);
  } else {
    s.Bind(i, id);
  }
}

}  // namespace kira::crm
