// Planner: the one place that decides whether a task may be dialed at an instant, and if not,
// why and when it may. The live Dialer and `kira dialer plan` both call Evaluate(), so a dry run
// shows exactly what the dialer would do.
//
//   Planner p(cfg, &resolver, &dnc);
//   Decision d = p.Evaluate(task, now_ms, lead_is_web_form);
//   if (d.verdict == Verdict::kDial) ...   // else d.reason, d.next_allowed_ms
//
// Order of checks: number → do-not-call → attempts → deadline → not_before / retry delay →
// calling window. Capacity (concurrency, rate) is applied after, by Admission.
// Not thread-safe (window and zone caches); one Planner per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "crm/model.h"
#include "dialer/capacity.h"
#include "dialer/dialer_config.h"
#include "dialer/phone_zones.h"
#include "dialer/window.h"

namespace kira::dialer {

enum class Verdict {
  kDial,   // may be dialed now
  kWait,   // not now; next_allowed_ms says when (0 = not within the search horizon)
  kClose,  // never: the dialer closes the task (do-not-call, attempts used up, deadline, bad
           // number)
};

enum class Reason {
  kDue,             // dial
  kWindow,          // outside the calling window in at least one of the callee's zones
  kDnc,             // the number is on the do-not-call list
  kRetryDelay,      // waiting after a busy / no-answer attempt
  kConcurrency,     // every line is busy
  kRate,            // calls-per-second limit
  kNotBefore,       // the lead's preferred time has not come
  kDeadlinePassed,  // no allowed instant before the task's deadline
  kMaxAttempts,     // attempts used up: ends `no_answer`
  kBadNumber,       // not a dialable number, or no zone for it
};

std::string_view VerdictName(Verdict v);  // "dial", "wait", "close"
std::string_view ReasonName(Reason r);    // "due", "window", "dnc", "retry_delay", ...

struct Decision {
  Verdict verdict = Verdict::kWait;
  Reason reason = Reason::kWindow;
  int64_t next_allowed_ms = 0;  // UTC ms; == now for kDial; 0 = none
  ZoneSetId zones = kNoZoneSet;
  ZoneSource zone_source = ZoneSource::kCountry;
  bool consent_required = false;  // web-form lead: Vera first asks whether they asked for it
};

// Do-not-call lookups: the live dialer asks the store at the moment of dialing; a plan uses a
// snapshot. An error counts as "on the list" (never call when unsure).
class DncLookup {
 public:
  virtual ~DncLookup() = default;
  virtual Result<bool> IsDnc(const std::string& phone) = 0;
};

class DncSnapshot : public DncLookup {
 public:
  explicit DncSnapshot(const std::vector<crm::DncEntry>& entries = {}) { Reset(entries); }
  void Reset(const std::vector<crm::DncEntry>& entries);
  Result<bool> IsDnc(const std::string& phone) override;  // compared in NormalizePhone form

 private:
  std::unordered_set<std::string> set_;
};

class Planner {
 public:
  Planner(const DialerConfig& cfg, PhoneZoneResolver* resolver, DncLookup* dnc);

  Decision Evaluate(const crm::Task& t, int64_t now_ms, bool web_form_lead);

  const DialerConfig& config() const { return cfg_; }
  PhoneZoneResolver& resolver() { return *resolver_; }
  WindowSchedule& Schedule(ZoneSetId set);
  // Drops the schedules worked out so far (the calling window in the config changed).
  void ForgetSchedules() { schedules_.clear(); }

 private:
  const DialerConfig& cfg_;
  PhoneZoneResolver* resolver_;
  DncLookup* dnc_;
  std::vector<std::unique_ptr<WindowSchedule>> schedules_;  // by ZoneSetId
};

// The dialer places calls for Vera only; other open tasks are people's (managers') work.
inline bool IsDialerTask(const crm::Task& t) { return t.agent == "vera"; }

// One line of a dry run.
struct PlanEntry {
  const crm::Task* task = nullptr;
  Decision decision;
  int trunk = -1;  // when the verdict is dial
};

// The dry run, one task at a time in the plan's order: dial verdicts pass through Admission
// (started with `in_progress` calls occupying lines), so beyond the limits tasks show
// `concurrency` or `rate` with the instant a token is due. Plan() runs it over a vector;
// PlanStore (plan_store.h) over the store's pages.
class PlanPass {
 public:
  PlanPass(Planner& planner, int64_t now_ms, int in_progress)
      : planner_(planner),
        now_ms_(now_ms),
        admission_(planner.config(), now_ms),
        ms_per_call_(1000.0 / planner.config().calls_per_second) {
    admission_.Occupy(in_progress);
  }
  // The task's line; false (and *e untouched) for a task that is not an open dialer task.
  bool Next(const crm::Task& t, bool web_form_lead, PlanEntry* e) {
    if (t.status != crm::TaskStatus::kOpen || !IsDialerTask(t)) return false;
    e->task = &t;
    e->trunk = -1;
    e->decision = planner_.Evaluate(t, now_ms_, web_form_lead);
    if (e->decision.verdict != Verdict::kDial) return true;
    Admit a = admission_.TryAdmit(now_ms_);
    if (a.verdict == AdmitVerdict::kAdmitted) {
      e->trunk = a.trunk;
      return true;
    }
    e->decision.verdict = Verdict::kWait;
    if (a.verdict == AdmitVerdict::kConcurrency) {
      e->decision.reason = Reason::kConcurrency;
      e->decision.next_allowed_ms = now_ms_;  // as soon as a line frees up
    } else {
      e->decision.reason = Reason::kRate;
      e->decision.next_allowed_ms =
          a.retry_at_ms + static_cast<int64_t>(static_cast<double>(rate_queue_++) * ms_per_call_);
    }
    return true;
  }

 private:
  Planner& planner_;
  int64_t now_ms_;
  Admission admission_;
  double ms_per_call_;
  int64_t rate_queue_ = 0;
};

// The dry run: every dialer task in `tasks` with status "open", in the given order, at `now_ms`
// (PlanPass). web_form(lead_id) says whether a lead came from a web form.
template <typename WebForm>
std::vector<PlanEntry> Plan(Planner& planner, const std::vector<crm::Task>& tasks, int64_t now_ms,
                            int in_progress, WebForm&& web_form) {
  std::vector<PlanEntry> out;
  out.reserve(tasks.size());
  PlanPass pass(planner, now_ms, in_progress);
  PlanEntry e;
  for (const crm::Task& t : tasks) {
    if (pass.Next(t, web_form(t.lead_id), &e)) out.push_back(e);
  }
  return out;
}

}  // namespace kira::dialer
