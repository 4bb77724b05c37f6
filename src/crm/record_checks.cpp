// The checks and keys shared by the CrmStore implementations (record_checks.h).
#include "crm/record_checks.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <tuple>

#include "core/log.h"
#include "crm/outcome.h"
#include "crm/phone.h"

namespace kira::crm {

bool InList(std::string_view v, const char* const* list, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (v == list[i]) return true;
  return false;
}

Status CheckLead(const Lead& l) {
  if (!l.outcome.empty() && !IsOutcome(l.outcome)) {
    return Status::Invalid("lead outcome '" + l.outcome + "' is not one of the known outcomes");
  }
  return Status::Ok();
}

Status CheckConversationOutcome(const Conversation& c, bool required) {
  if (c.outcome.empty()) {
    if (!required) return Status::Ok();
    return Status::Invalid("conversation " + std::to_string(c.id) +
                           " cannot end without an outcome");
  }
  if (!IsOutcome(c.outcome)) {
    return Status::Invalid("conversation outcome '" + c.outcome +
                           "' is not one of the known outcomes");
  }
  if (c.outcome == Name(Outcome::kNonTargeted) && !IsNonTargetedReason(c.reason)) {
    return Status::Invalid("a non_targeted outcome needs a reason (" +
                           Names(kNonTargetedReasonTable) + "), got '" + c.reason + "'");
  }
  return Status::Ok();
}

Status CheckOrder(const Order& o) {
  if (o.lines.empty()) return Status::Invalid("order has no lines");
  for (size_t i = 0; i < o.lines.size(); ++i) {
    const OrderLine& l = o.lines[i];
    std::string where = "order line " + std::to_string(i + 1);
    if (l.sku.empty()) return Status::Invalid(where + ": sku is empty");
    where += " (" + l.sku + ")";
    if (!(l.qty > 0) || !std::isfinite(l.qty)) {
      return Status::Invalid(where + ": qty must be a positive number, got " +
                             std::to_string(l.qty));
    }
    if (!(l.price >= 0) || !std::isfinite(l.price)) {
      return Status::Invalid(where + ": price must be zero or more, got " +
                             std::to_string(l.price));
    }
  }
  if (o.lead_days < 0) return Status::Invalid("order lead_days must not be negative");
  return Status::Ok();
}

Status CheckTask(const Task& t) {
  if (t.attempts < 0) return Status::Invalid("task attempts must not be negative");
  return Status::Ok();
}

void SortVeraTasks(std::vector<VeraTaskCount>* v) {
  std::sort(v->begin(), v->end(), [](const VeraTaskCount& a, const VeraTaskCount& b) {
    return std::tie(a.status, a.last_result) < std::tie(b.status, b.last_result);
  });
}

Status CheckLeadPage(int limit) {
  if (limit < 1 || limit > kMaxLeadPage) {
    return Status::Invalid("lead page limit must be between 1 and " + std::to_string(kMaxLeadPage) +
                           ", got " + std::to_string(limit));
  }
  return Status::Ok();
}

Status CheckDueTaskLimit(int limit) {
  if (limit < 1 || limit > 10000) {
    return Status::Invalid("due task limit must be between 1 and 10000, got " +
                           std::to_string(limit));
  }
  return Status::Ok();
}

Status CheckOpenConversationLimit(int limit) {
  if (limit < 1 || limit > 10000) {
    return Status::Invalid("open conversations: limit must be 1..10000, got " +
                           std::to_string(limit));
  }
  return Status::Ok();
}

std::string ContactKey(const std::string& phone) {
  std::string key = NormalizePhone(phone);
  if (key.empty()) {
    size_t b = phone.find_first_not_of(" \t");
    size_t e = phone.find_last_not_of(" \t");
    if (b != std::string::npos) key = phone.substr(b, e - b + 1);
  }
  return key;
}

Result<std::string> DncKey(const std::string& phone) {
  std::string key = NormalizePhone(phone);
  if (key.empty()) return Status::Invalid("'" + log::Redact(phone) + "' is not a phone number");
  return key;
}

}  // namespace kira::crm
