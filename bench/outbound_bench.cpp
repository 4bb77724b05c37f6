// Outbound rate over real SIP: the live Dialer (planner windows, do-not-call at dial time,
// claims in the SQLite CRM) with PhoneOriginator + PhoneService originating to a sipp UAS trunk
// on loopback (tests/outbound/uas_answer_bye.xml). 2,000 open tasks: 1,700 dialable now, 150 on
// the do-not-call list, 150 where the calling window is closed. Reports originations/s (the
// issue's target: at least 170), the INVITEs sipp received, and the do-not-call /
// out-of-window tasks dialled (must be 0). Args: tasks to dial, the dialer's calls_per_second
// limit. One run per iteration; bounded, stops by itself.
#include <benchmark/benchmark.h>

#include "outbound_rate.h"

namespace {

void BM_OutboundOriginationsOverSip(benchmark::State& state) {
  kira::siptest::RateOptions o;
  o.dialable = static_cast<int>(state.range(0));
  o.calls_per_second = static_cast<double>(state.range(1));  // the dialer's own limit
  o.burst = static_cast<int>(state.range(1) / 50);
  kira::siptest::RateResult r;
  for (auto _ : state) {
    kira::Status st = kira::siptest::RunOutboundRate(o, &r);
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      return;
    }
    state.SetIterationTime(r.originate_seconds);
  }
  state.counters["originations/s"] = r.per_second;
  state.counters["originated"] = static_cast<double>(r.originated);
  state.counters["sipp_invites"] = static_cast<double>(r.sipp_invites);
  state.counters["answered"] = static_cast<double>(r.answered);
  state.counters["not_answered"] = static_cast<double>(r.not_answered);
  state.counters["dnc_dialled"] = static_cast<double>(r.dnc_dialled);
  state.counters["window_dialled"] = static_cast<double>(r.window_dialled);
  state.counters["dnc_cancelled"] = static_cast<double>(r.dnc_cancelled);
}
BENCHMARK(BM_OutboundOriginationsOverSip)
    ->Args({1700, 2000})    // calls_per_second 2000 (burst 40) in dialer.yaml
    ->Args({1700, 100000})  // effectively unlimited: the path's own ceiling
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
