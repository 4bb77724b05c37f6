#include "dialer/dialer.h"

#include <algorithm>
#include <limits>
#include <thread>
#include <unordered_set>

#include "core/log.h"

namespace kira::dialer {

std::string_view DispositionName(CallDisposition d) {
  switch (d) {
    case CallDisposition::kAnswered:
      return "answered";
    case CallDisposition::kBusy:
      return "busy";
    case CallDisposition::kNoAnswer:
      return "no_answer";
    case CallDisposition::kFailed:
      return "failed";
    case CallDisposition::kVoicemail:
      return "voicemail";
    case CallDisposition::kSecretary:
      return "secretary";
  }
  return "failed";
}

namespace {
constexpr int64_t kStoreRetryMs = 60 * 1000;  // after a store error, look at the task again
// A task another node was claiming at that moment: look again after this (it is usually
// that node's call by then, and dropped as taken).
constexpr int64_t kLockedRetryMs = 1000;
const std::string kNoAnswer(crm::Name(crm::Outcome::kNoAnswer));
}  // namespace

Dialer::Dialer(crm::CrmStore* store, Originator* originator, const DialerConfig& cfg,
               PhoneZoneResolver* resolver, const Clock* clock, DialerOptions opts)
    : store_(store),
      originator_(originator),
      cfg_(cfg),
      planner_(cfg_, resolver, &dnc_),
      clock_(clock),
      opts_(std::move(opts)),
      admission_(cfg_, ToUnixMillis(clock->Now())) {}

void Dialer::SetCallingWindow(const business::CallingWindow& w) {
  std::lock_guard<std::mutex> lock(done_mu_);
  new_window_ = w;
}

Status Dialer::Start() {
  if (leased()) {
    // Only this node's own calls (it restarted) and calls whose lease ended: another node's
    // call in progress is not ours to reopen.
    int64_t now = ToUnixMillis(clock_->Now());
    KIRA_RETURN_IF_ERROR(store_->ReleaseTaskLeases(now, opts_.node).status());
    last_lease_ms_ = now;
    return Refresh();
  }
  KIRA_ASSIGN_OR_RETURN(auto stuck, store_->ListTasks(crm::TaskStatus::kInProgress));
  for (crm::Task& t : stuck) {
    if (!IsDialerTask(t) || in_flight_.count(t.id)) continue;
    // The process stopped mid-call: the attempt stays counted, the task is dialable again.
    t.status = crm::TaskStatus::kOpen;
    t.last_result = "interrupted";
    KIRA_RETURN_IF_ERROR(store_->UpdateTask(t));
  }
  return Refresh();
}

Status Dialer::Refresh() {
  auto started = std::chrono::steady_clock::now();
  KIRA_ASSIGN_OR_RETURN(auto dnc, store_->ListDnc());
  KIRA_ASSIGN_OR_RETURN(auto open, store_->ListTasks(crm::TaskStatus::kOpen));
  dnc_.Reset(dnc);
  tasks_.clear();
  book_.clear();
  heap_ = {};
  for (crm::Task& t : open) {
    if (!IsDialerTask(t) || in_flight_.count(t.id)) continue;
    int64_t id = t.id;
    tasks_.emplace(id, std::move(t));
    book_[id] = 0;
    heap_.push(Entry{0, id});
  }
  last_refresh_ms_ = ToUnixMillis(clock_->Now());
  refresh_cost_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - started)
                         .count();
  return Status::Ok();
}

Status Dialer::KeepLeases(int64_t now) {
  last_lease_ms_ = now;
  std::vector<int64_t> mine;
  mine.reserve(in_flight_.size());
  for (const auto& [id, call] : in_flight_) mine.push_back(id);
  KIRA_RETURN_IF_ERROR(store_->RenewTaskLeases(opts_.node, mine, now + opts_.lease_ms).status());
  KIRA_ASSIGN_OR_RETURN(auto reopened, store_->ReleaseTaskLeases(now, ""));
  if (reopened.empty()) return Status::Ok();
  log::Warn("dialer", std::to_string(reopened.size()) +
                          " task(s) reopened: the node that held them stopped renewing its lease");
  return Refresh();
}

void Dialer::Schedule(const crm::Task& t, int64_t due_ms) {
  tasks_[t.id] = t;
  book_[t.id] = due_ms;
  heap_.push(Entry{due_ms, t.id});
}

Result<bool> Dialer::WebFormLead(int64_t lead_id) {
  if (lead_id == 0) return false;
  KIRA_ASSIGN_OR_RETURN(crm::Lead lead, store_->GetLead(lead_id));
  return lead.source == "web_form";
}

Status Dialer::SetLeadOutcome(int64_t lead_id, crm::Outcome outcome) {
  if (lead_id == 0) return Status::Ok();
  KIRA_ASSIGN_OR_RETURN(crm::Lead lead, store_->GetLead(lead_id));
  lead.outcome = outcome;
  return store_->UpdateLead(lead);
}

Status Dialer::Save(const crm::Task& t, crm::TaskStatus expect) {
  if (!leased()) return store_->UpdateTask(t);
  return store_->UpdateTaskIf(t, expect, opts_.node);
}

Status Dialer::Close(crm::Task t, crm::TaskStatus status, const std::string& result,
                     crm::TaskStatus expect) {
  t.status = status;
  t.last_result = result;
  KIRA_RETURN_IF_ERROR(Save(t, expect));
  crm::AuditEntry a;
  a.at = ToUnixMillis(clock_->Now());
  a.actor = opts_.actor;
  a.action = "task.close";
  a.entity = "task";
  a.entity_id = t.id;
  a.detail = std::string(crm::Name(status)) + ": " + result + " after " +
             std::to_string(t.attempts) + " attempt(s)";
  return store_->Audit(a);
}

Status Dialer::FollowUp(const crm::Task& t, const std::string& why) {
  crm::Task f;
  f.lead_id = t.lead_id;
  f.kind = crm::TaskKind::kTextFollowup;
  f.agent = "";  // the manager's
  f.phone = t.phone;
  f.timezone = t.timezone;
  f.note = "call reached a " + why + "; follow up in a text channel";
  f.created_by = opts_.actor;
  f.created_at = ToUnixMillis(clock_->Now());
  return store_->CreateTask(f).status();
}

Status Dialer::ApplyResult(const Finished& f) {
  auto it = in_flight_.find(f.task_id);
  if (it == in_flight_.end()) return Status::Internal("result for a call not in flight");
  crm::Task t = std::move(it->second.task);
  if (!leased()) admission_.Release(it->second.trunk);
  in_flight_.erase(it);
  ++stats_.completed;
  // The conversation may have touched the task (a note, a new deadline): start from the store.
  if (auto fresh = store_->GetTask(t.id); fresh.ok()) t = std::move(fresh).value();
  std::string name(DispositionName(f.result.disposition));
  constexpr crm::TaskStatus kHeld = crm::TaskStatus::kInProgress;  // this node's call

  switch (f.result.disposition) {
    case CallDisposition::kAnswered:
      t.status = crm::TaskStatus::kDone;
      t.last_result = f.result.outcome.empty() ? name : f.result.outcome;
      return Save(t, kHeld);
    case CallDisposition::kSecretary:
    case CallDisposition::kVoicemail:
      t.status = crm::TaskStatus::kDone;
      t.last_result = name;
      KIRA_RETURN_IF_ERROR(Save(t, kHeld));
      KIRA_RETURN_IF_ERROR(FollowUp(t, name));
      return SetLeadOutcome(t.lead_id, f.result.disposition == CallDisposition::kSecretary
                                           ? crm::Outcome::kSecretary
                                           : crm::Outcome::kVoicemail);
    case CallDisposition::kBusy:
    case CallDisposition::kNoAnswer:
    case CallDisposition::kFailed:
      t.last_result = name;
      if (t.attempts >= cfg_.max_attempts) {
        KIRA_RETURN_IF_ERROR(Close(t, crm::TaskStatus::kDone, kNoAnswer, kHeld));
        ++stats_.closed_no_answer;  // not when another node holds the task now
        return SetLeadOutcome(t.lead_id, crm::Outcome::kNoAnswer);
      }
      t.status = crm::TaskStatus::kOpen;
      KIRA_RETURN_IF_ERROR(Save(t, kHeld));
      ++stats_.retries_scheduled;
      // Due now: the planner works out the retry delay and the window on the next pass.
      Schedule(t, 0);
      return Status::Ok();
  }
  return Status::Ok();
}

void Dialer::StartCall(crm::Task task, int trunk, bool consent_required, const Decision& d,
                       int64_t now) {
  task.status = crm::TaskStatus::kInProgress;
  task.attempts += 1;
  task.last_attempt_at = now;
  CallRequest req;
  req.task = task;
  req.caller_id = admission_.CallerId(trunk);
  req.trunk = admission_.trunk(trunk).name;
  req.consent_required = consent_required;
  req.zones = planner_.resolver().db().SetNames(d.zones);
  int64_t id = task.id;
  in_flight_.emplace(id, InFlight{std::move(task), trunk});
  ++stats_.originated;
  originator_->Originate(req, [this, id](const CallResult& r) {
    std::lock_guard<std::mutex> lock(done_mu_);
    done_.push_back(Finished{id, r});
  });
}

crm::Task Dialer::Unqueue(int64_t id) {
  book_.erase(id);
  crm::Task t = std::move(tasks_.at(id));
  tasks_.erase(id);
  return t;
}

void Dialer::AddCandidate(const Entry& e, int64_t now, const Decision& d,
                          std::vector<Candidate>* batch) {
  heap_.pop();
  const crm::Task& queued = tasks_.at(e.task_id);
  auto requeue = [&](const std::string& why) {
    log::Warn("dialer", "task " + std::to_string(e.task_id) + ": " + why);
    book_[e.task_id] = now + kStoreRetryMs;
    heap_.push(Entry{now + kStoreRetryMs, e.task_id});
  };
  // Do-not-call at the moment of dialing, from the store itself.
  auto dnc = store_->IsDnc(queued.phone);
  if (!dnc.ok()) return requeue("do-not-call check failed: " + dnc.status().message());
  if (dnc.value()) {
    ++stats_.closed_dnc;
    Status s = Close(Unqueue(e.task_id), crm::TaskStatus::kCancelled, "dnc");
    if (!s.ok()) log::Error("dialer", s.message());
    return;
  }
  auto web = WebFormLead(queued.lead_id);
  if (!web.ok()) return requeue("lead lookup failed: " + web.status().message());
  batch->push_back(Candidate{e, d, web.value()});
}

bool Dialer::ClaimLeased(std::vector<Candidate>* batch, int max, int64_t now, int* originated) {
  std::vector<Candidate> candidates;
  candidates.swap(*batch);
  if (candidates.empty()) return true;
  std::vector<int64_t> ids;
  ids.reserve(candidates.size());
  for (const Candidate& c : candidates) ids.push_back(c.entry.task_id);
  crm::LeaseClaim claim;
  claim.node = opts_.node;
  claim.now = now;
  claim.lease_until = now + opts_.lease_ms;
  claim.limits.max_concurrent = cfg_.max_concurrent;
  claim.limits.calls_per_second = cfg_.calls_per_second;
  claim.limits.burst = cfg_.burst;
  for (const TrunkConfig& t : cfg_.trunks)
    claim.limits.trunks.push_back({t.name, t.max_concurrent});
  auto put_back = [&](int64_t id, int64_t due) {
    book_[id] = due;
    heap_.push(Entry{due, id});
  };
  auto r = store_->ClaimTasksLeased(ids, max, claim);
  if (!r.ok()) {
    log::Warn("dialer",
              std::to_string(ids.size()) + " task(s): claim failed: " + r.status().message());
    for (int64_t id : ids) put_back(id, now + kStoreRetryMs);
    return true;
  }
  std::unordered_map<int64_t, const std::string*> claimed;
  for (const auto& c : r->claimed) claimed[c.id] = &c.trunk;
  std::unordered_set<int64_t> taken(r->taken.begin(), r->taken.end());
  std::unordered_set<int64_t> skipped(r->skipped.begin(), r->skipped.end());
  // Not reached because the limits stopped the batch: first in line again when a line frees
  // up, or when the next token is due.
  const int64_t not_reached_due = r->stopped == crm::ClaimOutcome::kRate
                                      ? std::max(r->retry_at, now + 1)
                                      : std::numeric_limits<int64_t>::min();
  for (const Candidate& c : candidates) {
    const int64_t id = c.entry.task_id;
    if (auto it = claimed.find(id); it != claimed.end()) {
      int trunk = 0;
      for (size_t i = 0; i < cfg_.trunks.size(); ++i) {
        if (cfg_.trunks[i].name == *it->second) trunk = static_cast<int>(i);
      }
      StartCall(Unqueue(id), trunk, c.web_form, c.decision, now);
      ++*originated;
    } else if (taken.count(id)) {
      Unqueue(id);
      ++stats_.claim_lost;
    } else if (skipped.count(id)) {
      put_back(id, now + kLockedRetryMs);
      ++stats_.claim_skipped;
    } else {
      put_back(id, std::max(c.entry.due_ms, not_reached_due));
    }
  }
  return r->stopped == crm::ClaimOutcome::kClaimed;
}

Result<int> Dialer::Tick() {
  std::vector<Finished> finished;
  std::optional<business::CallingWindow> window;
  {
    std::lock_guard<std::mutex> lock(done_mu_);
    finished.swap(done_);
    window.swap(new_window_);
  }
  if (window) {
    cfg_.window = *window;
    planner_.ForgetSchedules();
    last_refresh_ms_ = 0;  // every queued task is planned again below
  }
  for (const Finished& f : finished) {
    Status s = ApplyResult(f);
    if (leased() && s.code() == Status::Code::kConflict) {
      // Another node dialled the task again after this node's lease ended: its result stands.
      ++stats_.results_refused;
      log::Warn("dialer", "result of a call not recorded: " + s.message());
    } else if (!s.ok()) {
      log::Error("dialer", "task " + std::to_string(f.task_id) + ": " + s.message());
    }
  }

  int64_t now = ToUnixMillis(clock_->Now());
  if (leased() && now - last_lease_ms_ >= opts_.lease_ms / 3) KIRA_RETURN_IF_ERROR(KeepLeases(now));
  if (now - last_refresh_ms_ >= std::max(opts_.refresh_ms, 10 * refresh_cost_ms_))
    KIRA_RETURN_IF_ERROR(Refresh());

  int originated = 0;
  std::vector<Candidate> batch;  // lease mode: due tasks to claim in one step
  auto claim_size = [&] {
    return std::max(1, std::min(opts_.claim_batch, opts_.max_per_tick - originated));
  };
  bool stopped = false;  // lease mode: the shared limits stopped this tick's dialling
  while (!heap_.empty() && heap_.top().due_ms <= now && originated < opts_.max_per_tick) {
    Entry e = heap_.top();
    auto b = book_.find(e.task_id);
    if (b == book_.end() || b->second != e.due_ms) {  // superseded entry
      heap_.pop();
      continue;
    }
    crm::Task& t = tasks_.at(e.task_id);
    Decision d = planner_.Evaluate(t, now, false);

    if (d.verdict == Verdict::kDial && leased()) {
      AddCandidate(e, now, d, &batch);
      if (static_cast<int>(batch.size()) >= 2 * claim_size() &&
          !ClaimLeased(&batch, claim_size(), now, &originated)) {
        stopped = true;
        break;
      }
      continue;
    }
    if (d.verdict == Verdict::kDial) {
      Admit adm = admission_.TryAdmit(now);
      if (adm.verdict != AdmitVerdict::kAdmitted) {
        // Lines or tokens run out for everyone: keep the task first in line and stop here.
        if (adm.verdict == AdmitVerdict::kRate && adm.retry_at_ms > e.due_ms) {
          heap_.pop();
          b->second = adm.retry_at_ms;
          heap_.push(Entry{adm.retry_at_ms, e.task_id});
        }
        break;
      }
      heap_.pop();
      book_.erase(b);
      crm::Task task = std::move(t);
      tasks_.erase(e.task_id);
      auto requeue = [&](const std::string& why) {
        admission_.Release(adm.trunk);
        log::Warn("dialer", "task " + std::to_string(task.id) + ": " + why);
        Schedule(task, now + kStoreRetryMs);
      };
      // Do-not-call at the moment of dialing, from the store itself.
      auto dnc = store_->IsDnc(task.phone);
      if (!dnc.ok()) {
        requeue("do-not-call check failed: " + dnc.status().message());
        continue;
      }
      if (dnc.value()) {
        admission_.Release(adm.trunk);
        ++stats_.closed_dnc;
        Status s = Close(task, crm::TaskStatus::kCancelled, "dnc");
        if (!s.ok()) log::Error("dialer", s.message());
        continue;
      }
      auto web = WebFormLead(task.lead_id);
      if (!web.ok()) {
        requeue("lead lookup failed: " + web.status().message());
        continue;
      }
      auto claimed = store_->ClaimTask(task.id, now);
      if (!claimed.ok()) {
        requeue("claim failed: " + claimed.status().message());
        continue;
      }
      if (!claimed.value()) {  // someone else dialed or closed it
        admission_.Release(adm.trunk);
        ++stats_.claim_lost;
        continue;
      }
      StartCall(std::move(task), adm.trunk, web.value(), d, now);
      ++originated;
      continue;
    }

    heap_.pop();
    if (d.verdict == Verdict::kWait) {
      if (d.next_allowed_ms > 0) {
        b->second = d.next_allowed_ms;
        heap_.push(Entry{d.next_allowed_ms, e.task_id});
      } else {  // no opening within the search horizon: look again after a refresh
        book_.erase(b);
        tasks_.erase(e.task_id);
      }
      continue;
    }
    // kClose
    crm::Task task = std::move(t);
    book_.erase(b);
    tasks_.erase(e.task_id);
    Status s;
    switch (d.reason) {
      case Reason::kDnc:
        ++stats_.closed_dnc;
        s = Close(task, crm::TaskStatus::kCancelled, "dnc");
        break;
      case Reason::kMaxAttempts:
        ++stats_.closed_no_answer;
        s = Close(task, crm::TaskStatus::kDone, kNoAnswer);
        if (s.ok()) s = SetLeadOutcome(task.lead_id, crm::Outcome::kNoAnswer);
        break;
      default:
        ++stats_.closed_other;
        s = Close(task, crm::TaskStatus::kFailed, std::string(ReasonName(d.reason)));
        break;
    }
    if (!s.ok()) log::Error("dialer", "task " + std::to_string(task.id) + ": " + s.message());
  }
  if (!stopped && !batch.empty()) ClaimLeased(&batch, claim_size(), now, &originated);
  return originated;
}

void Dialer::Run(std::stop_token stop, std::chrono::milliseconds tick) {
  while (!stop.stop_requested()) {
    auto r = Tick();
    if (!r.ok()) log::Error("dialer", "tick: " + r.status().message());
    std::this_thread::sleep_for(tick);
  }
}

}  // namespace kira::dialer
