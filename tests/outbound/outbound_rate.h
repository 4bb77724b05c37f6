// The outbound rate run shared by the load test and bench/outbound_bench.cpp: a real SQLite CRM
// filled with Vera's open tasks (most dialable now, some on the do-not-call list, some in a zone
// where the calling window is closed), the real Dialer ticking over PhoneOriginator +
// PhoneService, and a sipp UAS on loopback as the SIP trunk (tests/outbound/uas_answer_bye.xml)
// that answers every INVITE and hangs up. Measures originations per second from the first
// INVITE to the last, and checks afterwards that no do-not-call or out-of-window task was
// dialled. Bounded in calls and time; stops by itself.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace kira::siptest {

struct RateOptions {
  int dialable = 1700;             // Moscow numbers, due now
  int dnc = 150;                   // on the do-not-call list
  int out_of_window = 150;         // Kamchatka numbers: 21:00 there, the window is closed
  double calls_per_second = 2000;  // the dialer's limits, set above the target
  int burst = 20;
  int max_concurrent = 2000;
  int sipp_pause_ms = 200;  // how long the trunk keeps each call before its BYE
  int time_limit_s = 90;    // the whole run, SIP included
};

struct RateResult {
  int64_t originated = 0;        // Dialer stats: calls handed to the originator
  int64_t answered = 0;          // SIP 200s for Kira's INVITEs
  int64_t completed = 0;         // results applied by the dialer
  int64_t not_answered = 0;      // busy / no answer / failed results (a retry was scheduled)
  int64_t sipp_invites = 0;      // INVITEs the sipp trunk received (its counts file)
  double originate_seconds = 0;  // first Tick to the last origination
  double per_second = 0;         // originated / originate_seconds
  int64_t dnc_dialled = 0;       // do-not-call tasks that were claimed (must be 0)
  int64_t window_dialled = 0;    // out-of-window tasks that were claimed (must be 0)
  int64_t dnc_cancelled = 0;     // do-not-call tasks closed "cancelled: dnc"
  std::string detail;            // sipp's log tail when something went wrong
};

// Runs once; Status explains a setup failure (missing sipp, store, ports).
Status RunOutboundRate(const RateOptions& o, RateResult* out);

}  // namespace kira::siptest
