// What every CrmStore checks before it writes, and the keys it looks records up by, in one
// place so the SQLite and PostgreSQL stores accept and refuse exactly the same records with the
// same messages. Pure functions over the records of model.h; no storage.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crm/model.h"
#include "crm/outcome.h"

namespace kira::crm {

bool InList(std::string_view v, const char* const* list, size_t n);

// A vocabulary name (outcome.h) as an SQL string literal for the stores' queries: 'open'. The
// names are plain identifiers. A literal rather than a bound parameter, so that the planners
// still match the partial indexes written with it (WHERE status = 'in_progress').
template <typename E>
std::string SqlName(E e) {
  return "'" + std::string(Name(e)) + "'";
}

// A lead's close reason goes with the closed status, and Vera's result with kVeraResult.
Status CheckLead(const Lead& l);
// A conversation's outcome is set when `required` (ending it), and non_targeted needs one of
// its reasons.
Status CheckConversationOutcome(const Conversation& c, bool required);
// An order has lines with a sku, a positive qty and a price >= 0.
Status CheckOrder(const Order& o);
Status CheckTask(const Task& t);
// The page sizes the interface allows: leads 1..kMaxLeadPage, due tasks and open
// conversations 1..10000.
Status CheckLeadPage(int limit);
Status CheckOrderPage(int limit);
Status CheckDueTaskLimit(int limit);
Status CheckTaskPageLimit(int limit);
Status CheckOpenConversationLimit(int limit);

// The key a contact is unique on: the normalised number, or the raw text (trimmed) when the
// channel gave something that is not a number (a SIP URI); "" (no key) for no phone at all.
std::string ContactKey(const std::string& phone);
// The do-not-call key of a phone (NormalizePhone), or Invalid naming the (redacted) value.
Result<std::string> DncKey(const std::string& phone);
// What Forget looks for in the workspace's outbox payloads: the number in E.164 (`key`) and as
// the contact has it (`stored`, "" = none), each as a JSON string with its quotes ("\"+7916…\""),
// so a longer number that starts the same is not matched. Two entries (repeated when equal).
std::vector<std::string> OutboxNumbers(const std::string& key, const std::string& stored);

}  // namespace kira::crm
