// Dialer: the live outbound loop. It keeps the open tasks in memory ordered by when each may
// next be dialed, asks the Planner (the same code as `kira dialer plan`) for a verdict at the
// moment of dialing, reserves a line and a token (Admission), checks the do-not-call list in the
// store right then (the planner's snapshot may be up to one refresh old), claims the task in the
// store (attempt counted atomically) and hands it to an Originator. Results come back through a
// callback from any thread; Tick() applies them: done, a retry after the configured delay, or
// `no_answer` when attempts run out.
//
//   Dialer d(store, &originator, cfg, &resolver, &clock);
//   KIRA_RETURN_IF_ERROR(d.Start());   // loads open tasks, reopens interrupted ones
//   while (running) { d.Tick(); sleep(tick); }   // or d.Run(stop)
//
// Tick() is called from one thread; Originator callbacks may come from any thread, but must all
// have run before the Dialer is destroyed. Only tasks for the agent "vera" are dialed.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <queue>
#include <stop_token>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "crm/crm_store.h"
#include "dialer/capacity.h"
#include "dialer/planner.h"

namespace kira::dialer {

enum class CallDisposition { kAnswered, kBusy, kNoAnswer, kFailed, kVoicemail, kSecretary };
std::string_view DispositionName(CallDisposition d);  // "answered", "busy", "no_answer", ...

struct CallResult {
  CallDisposition disposition = CallDisposition::kNoAnswer;
  // For kAnswered: the conversation's outcome (crm/outcome.h) when the agent knows it.
  std::string outcome;
};

// What the telephony side needs to place one call.
struct CallRequest {
  crm::Task task;                 // already claimed: attempts counts this call
  std::string caller_id;          // from config (trunk's, else global)
  std::string trunk;              // trunk name
  bool consent_required = false;  // web-form lead: ask whether they asked to be called first
  std::string zones;              // the callee's zones, comma-separated (for the agent's greeting)
};

// Places calls. The SIP side implements it; tests use a recording double.
class Originator {
 public:
  using Done = std::function<void(const CallResult&)>;
  virtual ~Originator() = default;
  // Must call `done` exactly once, from any thread, possibly before returning.
  virtual void Originate(const CallRequest& req, Done done) = 0;
};

struct DialerStats {
  int64_t originated = 0;
  int64_t completed = 0;
  int64_t retries_scheduled = 0;
  int64_t closed_no_answer = 0;
  int64_t closed_dnc = 0;
  int64_t closed_other = 0;  // deadline, bad number
  int64_t claim_lost = 0;    // another dialer took the task first
  // Lease mode: another node was claiming the task at that very moment; looked at again a
  // second later (by then it is usually that node's call).
  int64_t claim_skipped = 0;
  // Lease mode: results not written because this node no longer held the task (its lease
  // ended and another node dialled it again, CrmStore::UpdateTaskIf).
  int64_t results_refused = 0;
};

struct DialerOptions {
  // Reload open tasks (new ones from the web or CLI) this often — but never more often than
  // ten times the last reload took, so a huge task table costs at most ~10% of the loop.
  int64_t refresh_ms = 30000;
  int max_per_tick = 10000;  // originations per Tick at most
  // Lease mode: tasks claimed in one step of the store (CrmStore::ClaimTasksLeased), out of
  // twice as many candidates, so nodes working down the same queue take different tasks.
  int claim_batch = 32;
  std::string actor = "dialer";
  // Several nodes on one store (issue 12): a non-empty `node` (unique per running process)
  // turns on leases. Each claim then goes through CrmStore::ClaimTaskLeased, so the limits of
  // the config (max_concurrent, per trunk, calls_per_second, burst) hold for all nodes
  // together; the node renews its calls' leases every lease_ms / 3, and reopens the tasks of
  // nodes whose leases ended (a killed node), so they are dialled again. Start() then reopens
  // only this node's own tasks and expired ones, never another live node's calls.
  // Empty: one dialer per store; limits in memory (Admission), Start() reopens every task in
  // progress.
  std::string node;
  int64_t lease_ms = 60000;
};

class Dialer {
 public:
  Dialer(crm::CrmStore* store, Originator* originator, const DialerConfig& cfg,
         PhoneZoneResolver* resolver, const Clock* clock, DialerOptions opts = {});

  // Reopens tasks left in_progress by a crash (their attempt stays counted) and loads the book.
  Status Start();
  // Reloads the open tasks and the do-not-call snapshot from the store (skips calls in flight).
  Status Refresh();
  // Applies finished calls, then dials every task that is due now. Returns calls originated.
  Result<int> Tick();

  // Ticks every `tick` until `stop` is requested (a std::jthread's token). Errors are logged
  // and the loop goes on: a store hiccup must not stop every call.
  void Run(std::stop_token stop, std::chrono::milliseconds tick = std::chrono::milliseconds(20));

  // The calling window the profile has now (saved on the settings page). Thread-safe; the
  // next Tick takes it, forgets the schedules worked out from the old one and re-plans every
  // queued task (a narrower window holds calls back at once, a wider one releases them).
  void SetCallingWindow(const business::CallingWindow& w);

  int in_flight() const {
    return leased() ? static_cast<int>(in_flight_.size()) : admission_.in_flight();
  }
  size_t queued() const { return book_.size(); }
  const DialerStats& stats() const { return stats_; }

 private:
  struct Entry {
    int64_t due_ms;
    int64_t task_id;
    bool operator>(const Entry& o) const {
      return due_ms != o.due_ms ? due_ms > o.due_ms : task_id > o.task_id;
    }
  };
  struct InFlight {
    crm::Task task;
    int trunk;
  };
  struct Finished {
    int64_t task_id;
    CallResult result;
  };

  bool leased() const { return !opts_.node.empty(); }
  // Lease mode: renews this node's leases, and reopens expired ones (then reloads the book).
  Status KeepLeases(int64_t now);
  // Lease mode: a due task taken off the heap to be claimed with others (its book entry stays
  // until it is claimed, dropped or put back).
  struct Candidate {
    Entry entry;
    Decision decision;
    bool web_form = false;
  };
  // Lease mode: checks do-not-call for the task at the heap's top and adds it to `batch`, or
  // closes it, or puts it back for later when the store cannot tell.
  void AddCandidate(const Entry& e, int64_t now, const Decision& d, std::vector<Candidate>* batch);
  // Lease mode: claims up to `max` of `batch` in one step through the store's shared limits,
  // starts their calls and puts the others back. Empties `batch`. False when the limits stop
  // this tick's dialling.
  bool ClaimLeased(std::vector<Candidate>* batch, int max, int64_t now, int* originated);
  // Takes a queued task out of the book.
  crm::Task Unqueue(int64_t id);
  // Hands a claimed task to the originator.
  void StartCall(crm::Task task, int trunk, bool consent_required, const Decision& d, int64_t now);
  Status ApplyResult(const Finished& f);
  // Writes a task this node works on. Lease mode: only if the stored task still has the status
  // `expect` (in_progress: and this node holds it), else kConflict (CrmStore::UpdateTaskIf).
  Status Save(const crm::Task& t, crm::TaskStatus expect);
  Status Close(crm::Task t, crm::TaskStatus status, const std::string& result,
               crm::TaskStatus expect = crm::TaskStatus::kOpen);
  Status FollowUp(const crm::Task& t, const std::string& why);
  Status SetLeadOutcome(int64_t lead_id, crm::Outcome outcome);
  Result<bool> WebFormLead(int64_t lead_id);
  void Schedule(const crm::Task& t, int64_t due_ms);

  crm::CrmStore* store_;
  Originator* originator_;
  DialerConfig cfg_;  // a copy: the calling window may change (SetCallingWindow)
  DncSnapshot dnc_;
  Planner planner_;
  const Clock* clock_;
  DialerOptions opts_;
  Admission admission_;
  DialerStats stats_;
  int64_t last_refresh_ms_ = 0;
  int64_t refresh_cost_ms_ = 0;  // wall time the last Refresh took
  int64_t last_lease_ms_ = 0;    // when KeepLeases last ran

  std::unordered_map<int64_t, crm::Task> tasks_;  // queued tasks by id
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap_;
  std::unordered_map<int64_t, int64_t> book_;  // task id → due_ms of its live heap entry
  std::unordered_map<int64_t, InFlight> in_flight_;

  std::mutex done_mu_;
  std::vector<Finished> done_;
  std::optional<business::CallingWindow> new_window_;  // under done_mu_
};

}  // namespace kira::dialer
