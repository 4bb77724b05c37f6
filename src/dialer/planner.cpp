#include "dialer/planner.h"

#include <algorithm>

#include "crm/phone.h"

namespace kira::dialer {

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kDial:
      return "dial";
    case Verdict::kWait:
      return "wait";
    case Verdict::kClose:
      return "close";
  }
  return "wait";
}

std::string_view ReasonName(Reason r) {
  switch (r) {
    case Reason::kDue:
      return "due";
    case Reason::kWindow:
      return "window";
    case Reason::kDnc:
      return "dnc";
    case Reason::kRetryDelay:
      return "retry_delay";
    case Reason::kConcurrency:
      return "concurrency";
    case Reason::kRate:
      return "rate";
    case Reason::kNotBefore:
      return "not_before";
    case Reason::kDeadlinePassed:
      return "deadline_passed";
    case Reason::kMaxAttempts:
      return "max_attempts";
    case Reason::kBadNumber:
      return "bad_number";
  }
  return "window";
}

namespace {
// NormalizePhone allocates; a number already in "+digits" form is its own key.
bool IsCanonical(const std::string& p) {
  if (p.size() < 2 || p[0] != '+' || p[1] == '0') return false;
  for (size_t i = 1; i < p.size(); ++i)
    if (p[i] < '0' || p[i] > '9') return false;
  return p.size() <= 16;
}
}  // namespace

void DncSnapshot::Reset(const std::vector<crm::DncEntry>& entries) {
  set_.clear();
  set_.reserve(entries.size());
  for (const auto& e : entries) set_.insert(crm::NormalizePhone(e.phone));
}

Result<bool> DncSnapshot::IsDnc(const std::string& phone) {
  if (IsCanonical(phone)) return set_.count(phone) > 0;
  return set_.count(crm::NormalizePhone(phone)) > 0;
}

Planner::Planner(const DialerConfig& cfg, PhoneZoneResolver* resolver, DncLookup* dnc)
    : cfg_(cfg), resolver_(resolver), dnc_(dnc) {}

WindowSchedule& Planner::Schedule(ZoneSetId set) {
  size_t i = static_cast<size_t>(set);
  if (i >= schedules_.size()) schedules_.resize(i + 1);
  if (!schedules_[i]) {
    schedules_[i] = std::make_unique<WindowSchedule>(resolver_->db(), resolver_->db().Members(set),
                                                     cfg_.window, cfg_.horizon_days);
  }
  return *schedules_[i];
}

Decision Planner::Evaluate(const crm::Task& t, int64_t now_ms, bool web_form_lead) {
  Decision d;
  d.consent_required = web_form_lead;
  auto zones = resolver_->Resolve(t.phone, t.timezone);
  if (!zones.ok()) {
    d.verdict = Verdict::kClose;
    d.reason = Reason::kBadNumber;
    return d;
  }
  d.zones = zones->set;
  d.zone_source = zones->source;

  auto dnc = dnc_->IsDnc(t.phone);
  if (!dnc.ok() || dnc.value()) {
    d.verdict = dnc.ok() ? Verdict::kClose : Verdict::kWait;  // store error: try later
    d.reason = Reason::kDnc;
    d.next_allowed_ms = 0;
    return d;
  }
  if (t.attempts >= cfg_.max_attempts) {
    d.verdict = Verdict::kClose;
    d.reason = Reason::kMaxAttempts;
    return d;
  }

  int64_t earliest = now_ms;
  Reason why = Reason::kDue;
  if (t.not_before > earliest) {
    earliest = t.not_before;
    why = Reason::kNotBefore;
  }
  if (t.attempts > 0 && t.last_attempt_at > 0) {
    int64_t retry_at = t.last_attempt_at + cfg_.RetryDelayMs(t.attempts);
    if (retry_at > earliest) {
      earliest = retry_at;
      why = Reason::kRetryDelay;
    }
  }

  WindowSchedule& w = Schedule(d.zones);
  // Windows have whole-second edges: an instant inside second s is open iff s is open.
  int64_t open_sec = w.NextOpen(earliest / 1000);
  int64_t allowed = open_sec == kNever ? kNever : std::max(earliest, open_sec * 1000);
  if (allowed > earliest) why = Reason::kWindow;
  if (t.deadline > 0 && (allowed == kNever || allowed >= t.deadline)) {
    d.verdict = Verdict::kClose;
    d.reason = Reason::kDeadlinePassed;
    return d;
  }
  if (allowed == kNever) {
    d.verdict = Verdict::kWait;
    d.reason = Reason::kWindow;
    d.next_allowed_ms = 0;
    return d;
  }
  d.next_allowed_ms = allowed;
  if (allowed <= now_ms) {
    d.verdict = Verdict::kDial;
    d.reason = Reason::kDue;
    d.next_allowed_ms = now_ms;
  } else {
    d.verdict = Verdict::kWait;
    d.reason = why;
  }
  return d;
}

}  // namespace kira::dialer
