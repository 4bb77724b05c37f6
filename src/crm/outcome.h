// The CRM's closed vocabularies — conversation outcomes, qualifications, non-targeted reasons,
// closing reasons, lead, order and task statuses and task kinds — as enums with ONE table row
// each: its name (the string the store, the web API, the webhooks and shops' own CRMs rely on),
// what an outcome makes of the lead's qualification, the agents' summary phrase key
// (data/defaults/agents/*/<lang>/scenario.yaml) and the workspace's label key
// (web/assets/i18n/<lang>.json). The records (model.h) hold these enums; the stores convert at
// their boundary and refuse a stored name no row has. Adding an outcome is one enum value, one
// row, and its phrases in every language; tests/vocabulary_phrases_test.cpp fails until they
// are all there.
//
//   auto o = crm::ParseOutcome("opt_out");              // std::optional<Outcome>
//   crm::Qualify(crm::Row(*o).inbound) == Qualification::kNonTargeted
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace kira::crm {

// Whether a lead is a real customer's request (Lead::qualification; stored "", "targeted",
// "non_targeted").
enum class Qualification { kUnknown, kTargeted, kNonTargeted };
struct QualificationRow {
  Qualification id;
  std::string_view name;
  std::string_view label_key;
};
inline constexpr QualificationRow kQualificationTable[] = {
    {Qualification::kUnknown, "", "dash.unknown"},
    {Qualification::kTargeted, "targeted", "dash.targeted"},
    {Qualification::kNonTargeted, "non_targeted", "dash.non_targeted"},
};

// What an outcome does to Lead::qualification (OutcomeRow::inbound/outbound): the one place
// the targeted/non-targeted mapping is written. Qualify() applies it.
enum class Qualifies {
  kLeave,           // leaves the lead's qualification as it is
  kTargeted,        // makes it targeted
  kNonTargeted,     // makes it non-targeted
  kTargetedIfAsked  // targeted when the caller asked about something, else leaves it
};

enum class Outcome {
  kOrderPlaced,
  kQualified,
  kNonTargeted,
  kInfoOnly,
  kCallbackScheduled,
  kTransferred,
  kAbusive,
  kPrank,
  kFraudSuspected,
  kOptOut,
  kWrongNumber,
  kRefused,
  kSecretary,
  kVoicemail,
  kNoAnswer,
  kInterrupted,
};

struct OutcomeRow {
  Outcome id;
  std::string_view name;
  Qualifies inbound;   // after a caller's conversation with Kira
  Qualifies outbound;  // after Vera's call on an existing lead (most leave it unchanged)
  std::string_view summary_key;
  std::string_view label_key;
};

inline constexpr OutcomeRow kOutcomeTable[] = {
    {Outcome::kOrderPlaced, "order_placed", Qualifies::kTargeted, Qualifies::kTargeted,
     "summary_order_placed", "outcome.order_placed"},
    {Outcome::kQualified, "qualified", Qualifies::kTargeted, Qualifies::kTargeted,
     "summary_qualified", "outcome.qualified"},
    // The summary is per reason (NonTargetedReasonRow); this is the fallback.
    {Outcome::kNonTargeted, "non_targeted", Qualifies::kNonTargeted, Qualifies::kLeave,
     "summary_non_targeted_other", "outcome.non_targeted"},
    {Outcome::kInfoOnly, "info_only", Qualifies::kTargetedIfAsked, Qualifies::kLeave,
     "summary_info_only", "outcome.info_only"},
    {Outcome::kCallbackScheduled, "callback_scheduled", Qualifies::kTargeted, Qualifies::kTargeted,
     "summary_callback_scheduled", "outcome.callback_scheduled"},
    {Outcome::kTransferred, "transferred", Qualifies::kTargeted, Qualifies::kLeave,
     "summary_transferred", "outcome.transferred"},
    {Outcome::kAbusive, "abusive", Qualifies::kNonTargeted, Qualifies::kLeave, "summary_abusive",
     "outcome.abusive"},
    {Outcome::kPrank, "prank", Qualifies::kNonTargeted, Qualifies::kLeave, "summary_prank",
     "outcome.prank"},
    {Outcome::kFraudSuspected, "fraud_suspected", Qualifies::kNonTargeted, Qualifies::kLeave,
     "summary_fraud_suspected", "outcome.fraud_suspected"},
    {Outcome::kOptOut, "opt_out", Qualifies::kNonTargeted, Qualifies::kNonTargeted,
     "summary_opt_out", "outcome.opt_out"},
    {Outcome::kWrongNumber, "wrong_number", Qualifies::kNonTargeted, Qualifies::kNonTargeted,
     "summary_wrong_number", "outcome.wrong_number"},
    {Outcome::kRefused, "refused", Qualifies::kLeave, Qualifies::kLeave, "summary_refused",
     "outcome.refused"},
    {Outcome::kSecretary, "secretary", Qualifies::kLeave, Qualifies::kLeave, "summary_secretary",
     "outcome.secretary"},
    {Outcome::kVoicemail, "voicemail", Qualifies::kLeave, Qualifies::kLeave, "summary_voicemail",
     "outcome.voicemail"},
    {Outcome::kNoAnswer, "no_answer", Qualifies::kLeave, Qualifies::kLeave, "summary_no_answer",
     "outcome.no_answer"},
    // A conversation cut off (the process died, the session was lost) and ended afterwards by
    // the recovery pass (dialog/recovery.h).
    {Outcome::kInterrupted, "interrupted", Qualifies::kLeave, Qualifies::kLeave,
     "summary_interrupted", "outcome.interrupted"},
};

// Why a request was non-targeted (Lead::non_targeted_reason, Conversation::reason; with outcome
// non_targeted).
enum class NonTargetedReason {
  kDiscontinued,
  kOutOfStock,
  kNotSold,
  kSmallQuantity,
  kUnclear,
  kOther
};
struct NonTargetedReasonRow {
  NonTargetedReason id;
  std::string_view name;
  std::string_view summary_key;
  std::string_view label_key;
};
inline constexpr NonTargetedReasonRow kNonTargetedReasonTable[] = {
    {NonTargetedReason::kDiscontinued, "discontinued", "summary_non_targeted_discontinued",
     "reason.discontinued"},
    {NonTargetedReason::kOutOfStock, "out_of_stock", "summary_non_targeted_out_of_stock",
     "reason.out_of_stock"},
    {NonTargetedReason::kNotSold, "not_sold", "summary_non_targeted_not_sold", "reason.not_sold"},
    {NonTargetedReason::kSmallQuantity, "small_quantity", "summary_non_targeted_small_quantity",
     "reason.small_quantity"},
    {NonTargetedReason::kUnclear, "unclear", "summary_non_targeted_unclear", "reason.unclear"},
    {NonTargetedReason::kOther, "other", "summary_non_targeted_other", "reason.other"},
};

// A lead's place in the workspace (Lead::status).
enum class LeadStatus { kNew, kTaken, kVeraAssigned, kClosed };
struct LeadStatusRow {
  LeadStatus id;
  std::string_view name;
  std::string_view label_key;
};
inline constexpr LeadStatusRow kLeadStatusTable[] = {
    {LeadStatus::kNew, "new", "status.new"},
    {LeadStatus::kTaken, "taken", "status.taken"},
    {LeadStatus::kVeraAssigned, "vera_assigned", "status.vera_assigned"},
    {LeadStatus::kClosed, "closed", "status.closed"},
};

// Why a lead was closed (Lead::close_reason): a manager's reason, or kVeraResult when the
// manager approved Vera's finished call (LeadService::Approve); the call's result then is
// Lead::vera_result and the stored name is "vera_<result>" ("vera_opt_out", "vera_no_answer").
enum class CloseReason { kSold, kNotTargeted, kDuplicate, kNoContact, kSpam, kOther, kVeraResult };
struct CloseReasonRow {
  CloseReason id;
  std::string_view name;  // kVeraResult: the stored name's prefix, "vera" + "_" + result
  std::string_view label_key;
  bool manager_choice;  // offered to a manager closing a lead (not kVeraResult)
};
inline constexpr CloseReasonRow kCloseReasonTable[] = {
    {CloseReason::kSold, "sold", "reason.sold", true},
    {CloseReason::kNotTargeted, "not_targeted", "reason.not_targeted", true},
    {CloseReason::kDuplicate, "duplicate", "reason.duplicate", true},
    {CloseReason::kNoContact, "no_contact", "reason.no_contact", true},
    {CloseReason::kSpam, "spam", "reason.spam", true},
    {CloseReason::kOther, "other", "reason.other", true},
    {CloseReason::kVeraResult, "vera", "reason.vera", false},
};

// Where an order is (Order::status); leads/order_flow.h says which moves are allowed.
enum class OrderStatus { kNew, kConfirmed, kPaid, kShipped, kPickedUp, kDone, kCancelled };
struct OrderStatusRow {
  OrderStatus id;
  std::string_view name;
  std::string_view phrase_key;  // how the agents say it to a caller asking about the order
  std::string_view label_key;
};
inline constexpr OrderStatusRow kOrderStatusTable[] = {
    {OrderStatus::kNew, "new", "order_status_new", "order_status.new"},
    {OrderStatus::kConfirmed, "confirmed", "order_status_confirmed", "order_status.confirmed"},
    {OrderStatus::kPaid, "paid", "order_status_paid", "order_status.paid"},
    {OrderStatus::kShipped, "shipped", "order_status_shipped", "order_status.shipped"},
    {OrderStatus::kPickedUp, "picked_up", "order_status_picked_up", "order_status.picked_up"},
    {OrderStatus::kDone, "done", "order_status_done", "order_status.done"},
    {OrderStatus::kCancelled, "cancelled", "order_status_cancelled", "order_status.cancelled"},
};

// Where a call task is (Task::status). ClaimTask moves open -> in_progress.
enum class TaskStatus { kOpen, kInProgress, kDone, kCancelled, kFailed };
struct TaskStatusRow {
  TaskStatus id;
  std::string_view name;
  std::string_view label_key;
  bool finished;  // no further attempt will be made
};
inline constexpr TaskStatusRow kTaskStatusTable[] = {
    {TaskStatus::kOpen, "open", "task_status.open", false},
    {TaskStatus::kInProgress, "in_progress", "task_status.in_progress", false},
    {TaskStatus::kDone, "done", "task_status.done", true},
    {TaskStatus::kCancelled, "cancelled", "task_status.cancelled", true},
    {TaskStatus::kFailed, "failed", "task_status.failed", true},
};

// What a call task is for (Task::kind).
enum class TaskKind { kCallback, kVeraCall, kTextFollowup, kManagerFollowup };
struct TaskKindRow {
  TaskKind id;
  std::string_view name;
  std::string_view label_key;
};
inline constexpr TaskKindRow kTaskKindTable[] = {
    {TaskKind::kCallback, "callback", "task_kind.callback"},
    {TaskKind::kVeraCall, "vera_call", "task_kind.vera_call"},
    {TaskKind::kTextFollowup, "text_followup", "task_kind.text_followup"},
    {TaskKind::kManagerFollowup, "manager_followup", "task_kind.manager_followup"},
};

// Each table lists its enum in order, so Row(x) is an index.
template <typename Row, size_t N>
constexpr bool InEnumOrder(const Row (&table)[N]) {
  for (size_t i = 0; i < N; ++i)
    if (static_cast<size_t>(table[i].id) != i) return false;
  return true;
}
static_assert(InEnumOrder(kQualificationTable) && InEnumOrder(kOutcomeTable) &&
              InEnumOrder(kNonTargetedReasonTable) && InEnumOrder(kLeadStatusTable) &&
              InEnumOrder(kCloseReasonTable) && InEnumOrder(kTaskKindTable) &&
              InEnumOrder(kOrderStatusTable) && InEnumOrder(kTaskStatusTable));

constexpr const QualificationRow& Row(Qualification q) {
  return kQualificationTable[static_cast<size_t>(q)];
}
constexpr const OutcomeRow& Row(Outcome o) { return kOutcomeTable[static_cast<size_t>(o)]; }
constexpr const NonTargetedReasonRow& Row(NonTargetedReason r) {
  return kNonTargetedReasonTable[static_cast<size_t>(r)];
}
constexpr const LeadStatusRow& Row(LeadStatus s) {
  return kLeadStatusTable[static_cast<size_t>(s)];
}
constexpr const CloseReasonRow& Row(CloseReason r) {
  return kCloseReasonTable[static_cast<size_t>(r)];
}
constexpr const TaskKindRow& Row(TaskKind k) { return kTaskKindTable[static_cast<size_t>(k)]; }
constexpr const OrderStatusRow& Row(OrderStatus s) {
  return kOrderStatusTable[static_cast<size_t>(s)];
}
constexpr const TaskStatusRow& Row(TaskStatus s) {
  return kTaskStatusTable[static_cast<size_t>(s)];
}
template <typename E>
constexpr std::string_view Name(E e) {
  return Row(e).name;
}

// The enum value named `s`, or nullopt for anything else (names are case-sensitive).
template <typename Row, size_t N>
constexpr auto ParseName(const Row (&table)[N], std::string_view s)
    -> std::optional<decltype(table[0].id)> {
  for (const Row& r : table)
    if (r.name == s) return r.id;
  return std::nullopt;
}
inline std::optional<Outcome> ParseOutcome(std::string_view s) {
  return ParseName(kOutcomeTable, s);
}
inline std::optional<NonTargetedReason> ParseNonTargetedReason(std::string_view s) {
  return ParseName(kNonTargetedReasonTable, s);
}
inline std::optional<LeadStatus> ParseLeadStatus(std::string_view s) {
  return ParseName(kLeadStatusTable, s);
}
// A manager's closing reason (kVeraResult is not one: Approve sets it).
inline std::optional<CloseReason> ParseCloseReason(std::string_view s) {
  auto r = ParseName(kCloseReasonTable, s);
  if (r && !Row(*r).manager_choice) return std::nullopt;
  return r;
}
inline std::optional<Qualification> ParseQualification(std::string_view s) {
  return ParseName(kQualificationTable, s);
}
inline std::optional<TaskKind> ParseTaskKind(std::string_view s) {
  return ParseName(kTaskKindTable, s);
}

inline std::optional<OrderStatus> ParseOrderStatus(std::string_view s) {
  return ParseName(kOrderStatusTable, s);
}
inline std::optional<TaskStatus> ParseTaskStatus(std::string_view s) {
  return ParseName(kTaskStatusTable, s);
}

// "a, b, c": every name of a table, for messages that list what is accepted ("" for an empty
// name).
template <typename Row, size_t N>
std::string Names(const Row (&table)[N]) {
  std::string out;
  for (const Row& r : table)
    (out += out.empty() ? "" : ", ") += r.name.empty() ? std::string_view("\"\"") : r.name;
  return out;
}

// A name read back from a store or from a request: the enum value, or an error naming what
// (`what`: "task status") and the accepted names. A store that finds a name it does not know
// fails the read instead of guessing.
template <typename Row, size_t N>
auto ParseNamed(const Row (&table)[N], std::string_view s, std::string_view what)
    -> Result<decltype(table[0].id)> {
  if (auto v = ParseName(table, s)) return *v;
  return Status::Invalid(std::string(what) + " '" + std::string(s) + "' is not one of " +
                         Names(table));
}

inline bool IsOutcome(std::string_view s) { return ParseOutcome(s).has_value(); }

// The closing reasons a manager may choose, "sold, not_targeted, ...", for /api/meta and for
// messages.
inline std::string ManagerCloseReasonNames() {
  std::string out;
  for (const auto& r : kCloseReasonTable)
    if (r.manager_choice) (out += out.empty() ? "" : ", ") += r.name;
  return out;
}

// An optional vocabulary value as stored: its name, "" for none (a literal, never a null
// pointer, which SQLite would bind as NULL).
template <typename E>
constexpr std::string_view OptionalName(const std::optional<E>& e) {
  return e ? Name(*e) : std::string_view("");
}
// A stored name that may be empty: nullopt for "", the value for a name of `table`, an error
// naming `what` for anything else.
template <typename Row, size_t N>
auto ParseOptionalNamed(const Row (&table)[N], std::string_view s, std::string_view what)
    -> Result<std::optional<decltype(table[0].id)>> {
  using E = decltype(table[0].id);
  if (s.empty()) return std::optional<E>();
  KIRA_ASSIGN_OR_RETURN(E e, ParseNamed(table, s, what));
  return std::optional<E>(e);
}

// What `rule` makes of a lead's qualification: the new value, or nullopt to leave it.
constexpr std::optional<Qualification> Qualify(Qualifies rule, bool caller_asked = false) {
  switch (rule) {
    case Qualifies::kTargeted:
      return Qualification::kTargeted;
    case Qualifies::kNonTargeted:
      return Qualification::kNonTargeted;
    case Qualifies::kTargetedIfAsked:
      if (caller_asked) return Qualification::kTargeted;
      break;
    case Qualifies::kLeave:
      break;
  }
  return std::nullopt;
}

}  // namespace kira::crm
