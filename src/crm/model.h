// The CRM's records. Plain structs shared by every CrmStore implementation, the dialog engine
// (which writes them), the web workspace and the dialer (which read and update them).
// Times are UTC Unix milliseconds. Outcomes, qualifications, reasons, statuses and task kinds
// are enums from crm/outcome.h; the stores keep their names (the strings the web API, the
// exports and the webhooks show) and refuse to read a name no row has.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crm/outcome.h"

namespace kira::crm {

struct Contact {
  int64_t id = 0;
  std::string phone;     // E.164 when known ("+79161234567"), else what the channel gave
  std::string name;      // as the caller said it; may be empty
  std::string timezone;  // IANA, when known from the number or the caller
  int64_t created_at = 0;
};

struct Lead {
  int64_t id = 0;
  int64_t contact_id = 0;
  std::string channel;  // "chat", "phone", "web"
  std::string source;   // "inbound", "web_form", "cli"
  LeadStatus status = LeadStatus::kNew;
  Qualification qualification = Qualification::kUnknown;
  std::optional<Outcome> outcome;  // the last conversation's; none before the first ends
  // Why — two vocabularies, kept apart. The stores keep them in ONE `reason` column, as they
  // always have (StoredReason/SetStoredReason): a closed lead's close reason, otherwise the
  // non-targeted reason. So a closed lead reads back with its close reason only (closing
  // replaces the non-targeted reason); a closed lead without one keeps its non-targeted reason.
  std::optional<NonTargetedReason> non_targeted_reason;  // with outcome non_targeted
  std::optional<CloseReason> close_reason;               // once closed
  std::string vera_result;  // close_reason kVeraResult: Vera's call's result ("opt_out")
  std::string summary;
  std::string assigned_to;      // user name of the manager who took it
  std::string interest;         // what the caller asked about (SKU or words), for Vera
  bool source_flagged = false;  // a web form was filled with someone else's number
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct Turn {
  int64_t id = 0;
  int64_t conversation_id = 0;
  int seq = 0;
  std::string speaker;  // "agent" or "caller"
  std::string text;
  int64_t at = 0;
};

struct Conversation {
  int64_t id = 0;
  int64_t lead_id = 0;
  std::string agent;     // "kira", "vera"
  std::string channel;   // "chat", "phone"
  std::string language;  // "ru", "en"
  int64_t started_at = 0;
  int64_t ended_at = 0;                     // 0 while in progress
  std::optional<Outcome> outcome;           // set when it ends
  std::optional<NonTargetedReason> reason;  // with outcome non_targeted
  std::string summary;
  std::string recording_path;
  std::string transfer_to;
  int64_t task_id = 0;  // the task Vera was working on, if any
  // The `kira serve` node holding the call (several nodes on one database): a node starting
  // again ends its own calls left open, not another live node's. "" = the store's own node
  // (SqliteCrmOptions / PgCrmOptions::node), itself "" on a single node.
  std::string node;
  std::vector<Turn> turns;  // filled by GetConversation
};

struct OrderLine {
  std::string sku;
  std::string name;
  double qty = 0;
  std::string unit;
  double price = 0;  // per unit at the time of the order
};

struct Order {
  int64_t id = 0;
  int64_t lead_id = 0;
  int64_t conversation_id = 0;
  OrderStatus status = OrderStatus::kNew;  // leads/order_flow.h moves it
  std::string fulfilment;                  // "pickup", "delivery"
  std::string address;
  std::string customer_name;
  std::string supply;  // "shop" or "distributor"
  int lead_days = 0;   // days until available, when supplied by the distributor
  double total = 0;
  int64_t created_at = 0;
  std::vector<OrderLine> lines;
};

struct Task {
  int64_t id = 0;
  int64_t lead_id = 0;
  TaskKind kind = TaskKind::kCallback;
  std::string agent;  // "vera", or "" for a human
  std::string phone;
  std::string timezone;  // the callee's IANA zone when known
  std::string note;
  int64_t not_before = 0;  // earliest moment (UTC ms); 0 = now
  int64_t deadline = 0;    // 0 = none
  int attempts = 0;
  int64_t last_attempt_at = 0;
  std::string last_result;  // "busy", "no_answer", an outcome...
  TaskStatus status = TaskStatus::kOpen;
  std::string created_by;  // "kira", "manager:<name>", "cli", "rule"
  int64_t created_at = 0;
};

struct DncEntry {
  std::string phone;
  std::string reason;  // "opt_out", "wrong_number", "import", "manual"
  std::string source;  // conversation id, file, user
  int64_t added_at = 0;
};

struct AuditEntry {
  int64_t id = 0;
  int64_t at = 0;
  std::string actor;   // "kira", "vera", "user:<name>", "cli"
  std::string action;  // "lead.create", "lead.update", "recording.read", ...
  std::string entity;  // "lead", "order", ...
  int64_t entity_id = 0;
  std::string detail;  // never raw personal data
};

// Leads are listed newest first: by created_at, then id, descending. Empty strings and zeros
// mean "any".
struct LeadFilter {
  std::optional<Outcome> outcome;
  // The stored reason (Lead's one `reason` column): a non-targeted or a closing reason. "other"
  // is a name in both, and finds both (ParseReasonFilter).
  std::optional<NonTargetedReason> non_targeted_reason;
  std::optional<CloseReason> close_reason;  // a manager's; kVeraResult is not filtered on
  std::string channel;
  std::optional<LeadStatus> status;
  std::optional<Qualification> qualification;
  std::string assigned_to;
  int64_t contact_id = 0;
  int64_t from = 0, to = 0;  // created_at range [from, to), 0 = open
  // Keyset pagination: the leads that come after lead `before_id` in that order (pass the last
  // id of the previous page). Pages stay fast and stable however deep and however many leads
  // arrive meanwhile.
  int64_t before_id = 0;
  int64_t after_id = 0;  // only leads with id > after_id: what is new since the last poll
  int limit = 50;        // 1..kMaxLeadPage
};

inline constexpr int kMaxLeadPage = 1000;

// Which orders CrmStore::ListOrderPage lists: newest (highest id) first. Zeros mean "any".
struct OrderFilter {
  std::optional<OrderStatus> status;
  int64_t lead_id = 0;
  int64_t from = 0, to = 0;  // created_at range [from, to), 0 = open
  int64_t before_id = 0;     // keyset paging: only orders with id < before_id
  int limit = 50;            // 1..kMaxOrderPage
};

inline constexpr int kMaxOrderPage = 1000;

struct OrderPage {
  std::vector<Order> orders;  // at most `limit`, newest first, each with its lines
  int64_t total = 0;          // every order the filter matches, before_id and limit aside
};

// The dashboard's counts over a created_at range [from, to) (CrmStore::Tally). Times are cut
// into slots of kTallySlotMs aligned on the Unix epoch; every UTC offset and daylight-saving
// change in use today falls on a quarter hour, so a reader can put each slot into its local day
// and hour exactly.
inline constexpr int64_t kTallySlotMs = 15 * 60 * 1000;

struct LeadSlotCount {  // leads created in one slot through one channel
  int64_t slot = 0;     // slot start, UTC ms
  std::string channel;
  int64_t n = 0;
  bool operator==(const LeadSlotCount&) const = default;
};

struct LeadKindCount {  // leads of one qualification, outcome and reason
  Qualification qualification = Qualification::kUnknown;
  std::optional<Outcome> outcome;
  std::string reason;       // the stored reason (see Lead): a non-targeted or a closing reason
  bool by_manager = false;  // assigned to a manager, or taken / given to Vera by one
  int64_t n = 0;
  bool operator==(const LeadKindCount&) const = default;
};

struct OrderSlotCount {  // orders (not cancelled) created in one slot
  int64_t slot = 0;
  int64_t n = 0;
  double value = 0;  // sum of totals
  bool operator==(const OrderSlotCount&) const = default;
};

struct VeraTaskCount {  // Vera's call tasks created in the range, by status and last result
  TaskStatus status = TaskStatus::kOpen;
  std::string last_result;
  int64_t n = 0;
  bool operator==(const VeraTaskCount&) const = default;
};
// In the order CrmTallies promises: by status (the enum's order), then last_result.
void SortVeraTasks(std::vector<VeraTaskCount>* v);
// A store's lead count from the stored names (Invalid for a name no row has), and the order
// CrmTallies promises for them.
Result<LeadKindCount> ReadLeadKind(std::string_view qualification, std::string_view outcome,
                                   std::string reason, bool by_manager, int64_t n);
void SortLeadKinds(std::vector<LeadKindCount>* v);

// A lead's `reason` column as the stores keep it: the close reason's name ("vera_<result>" for
// Vera's) when closed with one, else the non-targeted reason's name, else "".
std::string StoredReason(const Lead& l);
// Sets the lead's reason fields from that column; `l.status` must be set first. Invalid, naming
// the value, for a name of neither vocabulary (or a close reason on a lead not closed).
Status SetStoredReason(std::string_view stored, Lead* l);
// The filter's reason as the stores compare it with the column ("" = any).
std::string_view ReasonFilterName(const LeadFilter& f);
// Sets the filter's reason from a name a manager chose (web query, CLI --reason); "" = any.
// Invalid, listing the names, for anything else.
Status ParseReasonFilter(std::string_view name, LeadFilter* f);

// Each list sorted by its fields in declaration order; no zero counts.
struct CrmTallies {
  std::vector<LeadSlotCount> lead_slots;
  std::vector<LeadKindCount> lead_kinds;
  std::vector<OrderSlotCount> order_slots;
  std::vector<VeraTaskCount> vera_tasks;
};

}  // namespace kira::crm
