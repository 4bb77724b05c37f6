// The checks and keys shared by the CrmStore implementations (record_checks.h).
#include "crm/record_checks.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <nlohmann/json.hpp>
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
  if (l.close_reason == CloseReason::kVeraResult && l.vera_result.empty())
    return Status::Invalid("a lead closed with Vera's result needs the result");
  if (l.close_reason && l.status != LeadStatus::kClosed)
    return Status::Invalid("a lead that is not closed has no close reason");
  return Status::Ok();
}

Status CheckConversationOutcome(const Conversation& c, bool required) {
  if (!c.outcome) {
    if (!required) return Status::Ok();
    return Status::Invalid("conversation " + std::to_string(c.id) +
                           " cannot end without an outcome");
  }
  if (*c.outcome == Outcome::kNonTargeted && !c.reason) {
    return Status::Invalid("a non_targeted outcome needs a reason (" +
                           Names(kNonTargetedReasonTable) + ")");
  }
  return Status::Ok();
}

namespace {
constexpr std::string_view kVeraPrefix = "vera_";
}  // namespace

std::string StoredReason(const Lead& l) {
  if (l.status == LeadStatus::kClosed && l.close_reason) {
    if (*l.close_reason == CloseReason::kVeraResult)
      return std::string(kVeraPrefix) + l.vera_result;
    return std::string(Name(*l.close_reason));
  }
  return std::string(OptionalName(l.non_targeted_reason));
}

Status SetStoredReason(std::string_view stored, Lead* l) {
  l->non_targeted_reason.reset();
  l->close_reason.reset();
  l->vera_result.clear();
  if (stored.empty()) return Status::Ok();
  if (l->status == LeadStatus::kClosed) {
    // A closing reason first: "other" is a name in both vocabularies.
    if (auto r = ParseName(kCloseReasonTable, stored); r && *r != CloseReason::kVeraResult) {
      l->close_reason = *r;
      return Status::Ok();
    }
    if (stored.size() > kVeraPrefix.size() && stored.starts_with(kVeraPrefix)) {
      l->close_reason = CloseReason::kVeraResult;
      l->vera_result = std::string(stored.substr(kVeraPrefix.size()));
      return Status::Ok();
    }
  }
  if (auto r = ParseNonTargetedReason(stored)) {
    l->non_targeted_reason = *r;
    return Status::Ok();
  }
  return Status::Invalid(
      "lead " + std::to_string(l->id) + " (" + std::string(Name(l->status)) + "): reason '" +
      std::string(stored.substr(0, 64)) + "' is not one of " + Names(kNonTargetedReasonTable) +
      (l->status == LeadStatus::kClosed ? ", " + ManagerCloseReasonNames() + ", vera_<result>"
                                        : std::string()));
}

std::string_view ReasonFilterName(const LeadFilter& f) {
  if (f.non_targeted_reason) return Name(*f.non_targeted_reason);
  if (f.close_reason) return Name(*f.close_reason);
  return "";
}

Status ParseReasonFilter(std::string_view name, LeadFilter* f) {
  f->non_targeted_reason.reset();
  f->close_reason.reset();
  if (name.empty()) return Status::Ok();
  f->non_targeted_reason = ParseNonTargetedReason(name);
  f->close_reason = ParseCloseReason(name);
  if (f->non_targeted_reason || f->close_reason) return Status::Ok();
  return Status::Invalid("reason '" + std::string(name.substr(0, 40)) + "' is not one of " +
                         Names(kNonTargetedReasonTable) + ", " + ManagerCloseReasonNames());
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

Result<LeadKindCount> ReadLeadKind(std::string_view qualification, std::string_view outcome,
                                   std::string reason, bool by_manager, int64_t n) {
  LeadKindCount c;
  KIRA_ASSIGN_OR_RETURN(c.qualification,
                        ParseNamed(kQualificationTable, qualification, "lead qualification"));
  KIRA_ASSIGN_OR_RETURN(c.outcome, ParseOptionalNamed(kOutcomeTable, outcome, "lead outcome"));
  c.reason = std::move(reason);
  c.by_manager = by_manager;
  c.n = n;
  return c;
}

void SortLeadKinds(std::vector<LeadKindCount>* v) {
  std::sort(v->begin(), v->end(), [](const LeadKindCount& a, const LeadKindCount& b) {
    return std::tie(a.qualification, a.outcome, a.reason, a.by_manager) <
           std::tie(b.qualification, b.outcome, b.reason, b.by_manager);
  });
}

Status CheckLeadPage(int limit) {
  if (limit < 1 || limit > kMaxLeadPage) {
    return Status::Invalid("lead page limit must be between 1 and " + std::to_string(kMaxLeadPage) +
                           ", got " + std::to_string(limit));
  }
  return Status::Ok();
}

Status CheckOrderPage(int limit) {
  if (limit < 1 || limit > kMaxOrderPage) {
    return Status::Invalid("order page limit must be between 1 and " +
                           std::to_string(kMaxOrderPage) + ", got " + std::to_string(limit));
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

Status CheckTaskPageLimit(int limit) {
  if (limit < 1 || limit > 10000) {
    return Status::Invalid("task page limit must be between 1 and 10000, got " +
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

std::vector<std::string> OutboxNumbers(const std::string& key, const std::string& stored) {
  const std::string k = nlohmann::json(key).dump();
  return {k, stored.empty() ? k : nlohmann::json(stored).dump()};
}

}  // namespace kira::crm
