// The understanding on the held-out corpus (eval/, docs/eval.md): runs `kira eval eval/` clean
// and with the noisy replay, reports the time of each run and, as counters, the numbers the
// issue's bars are set on (intent macro-F1, conversation success, wrong-product rate,
// unsupported facts); then prints the full report per shop, language and agent.
//
//   ./build/bench/eval_bench                 # the committed corpus
//   KIRA_EVAL_SEED=2 ./build/bench/eval_bench
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "eval/harness.h"

namespace kira {
namespace {

std::string g_table;

void Report(benchmark::State& state, const eval::GroupScores& s) {
  auto m = s.utterances.IntentMacroF1();
  state.counters["utterances"] = s.utterances.utterances;
  state.counters["intent_macro_f1"] = m ? *m : 0;
  state.counters["conversations"] = s.conversations;
  state.counters["success_pct"] = s.conversations ? 100.0 * s.succeeded / s.conversations : 0;
  state.counters["wrong_product_pct"] =
      s.conversations ? 100.0 * s.wrong_product_conversations / s.conversations : 0;
  state.counters["unsupported_facts"] = s.unsupported_facts;
}

void BM_EvalCorpus(benchmark::State& state) {
  bool noisy = state.range(0) != 0;
  eval::EvalOptions o;
  o.noise = noisy;
  if (const char* seed = std::getenv("KIRA_EVAL_SEED")) o.seed = std::strtoull(seed, nullptr, 10);
  std::optional<eval::EvalReport> report;
  for (auto _ : state) {
    auto r = eval::RunEval({std::string(KIRA_SOURCE_DIR) + "/eval"}, o);
    if (!r.ok()) {
      state.SkipWithError(r.status().message().c_str());
      return;
    }
    report = std::move(r).value();
  }
  Report(state, noisy ? *report->total.noisy : report->total.clean);
  if (noisy) g_table = eval::FormatReport(*report, false);
}
// One run each: the corpus is the workload, and the clean run is also inside the noisy one.
BENCHMARK(BM_EvalCorpus)->Arg(0)->Arg(1)->ArgName("noisy")->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace
}  // namespace kira

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (!kira::g_table.empty()) std::printf("\n%s", kira::g_table.c_str());
  return 0;
}
