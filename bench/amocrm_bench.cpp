// The amoCRM connector: the webhooks outbox's delivery rate to the amoCRM test server
// (web/testing/amocrm_fake.h) under its rate limit, end to end: calls queued in a SQLite
// workspace store, sent by the delivery thread over HTTP (a contact search, a lead with its
// contact, two notes: three requests a call; the token call first), the fake enforcing amoCRM's
// limit with 429. The rate must sit at the limit, not below it.
//
//   amocrm_bench --benchmark_filter=AmoRate
// Args: {the fake's limit per second, the connector's max_per_second}. {7, 7} is amoCRM as
// documented; {5, 7} shows what a server slower than the setting costs (429s and pauses).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "web/amocrm.h"
#include "web/testing/amocrm_fake.h"

namespace kira::web {
namespace {

void AmoRate(benchmark::State& state) {
  const double limit = static_cast<double>(state.range(0));
  const double pace = static_cast<double>(state.range(1));
  // 63 API requests: nine full seconds at 7 a second, so the sustained rate below is not cut
  // short by a partial last second.
  const int calls = 21;
  for (auto _ : state) {
    state.PauseTiming();
    auto dir =
        std::filesystem::temp_directory_path() / ("kira_amocrm_bench_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    testing::AmoFakeOptions fo;
    fo.max_per_second = limit;
    testing::AmoFake amo(fo);
    if (!amo.Start().ok()) return state.SkipWithError("amoCRM fake did not start");
    auto ws = crm::OpenSqliteWorkspaceStore((dir / "kira.db").string());
    if (!ws.ok()) return state.SkipWithError(ws.status().message().c_str());
    WebhookOptions wo;
    wo.tick = std::chrono::milliseconds(20);
    auto hooks = Webhooks::Open(**ws, Clock::System(), wo);
    AmoOptions ao;
    ao.first_retry = std::chrono::milliseconds(500);
    auto amocrm = AmoCrm::Open(**ws, **hooks, Clock::System(), std::string(32, 'k'), ao);
    if (!amocrm.ok()) return state.SkipWithError(amocrm.status().message().c_str());
    nlohmann::json cfg = {{"enabled", true},
                          {"base_url", amo.url()},
                          {"client_id", fo.client_id},
                          {"client_secret", fo.client_secret},
                          {"redirect_uri", fo.redirect_uri},
                          {"auth_code", fo.auth_code},
                          {"max_per_second", pace}};
    if (!(*amocrm)->SaveConfig(cfg.dump()).ok()) return state.SkipWithError("settings refused");
    auto queue = [&](int first, int n) {
      for (int i = first; i < first + n; ++i) {
        FinishedCall c;
        c.conversation_id = i + 1;
        c.phone = "+7912" + std::to_string(1000000 + i);
        c.summary = "bench";
        c.outcome = "order_placed";
        if (!(*amocrm)->Queue(c).ok()) return false;
      }
      return true;
    };
    auto wait_notes = [&](size_t notes) {
      auto t0 = std::chrono::steady_clock::now();
      while (amo.notes().size() < notes &&
             std::chrono::steady_clock::now() - t0 < std::chrono::seconds(120))
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    };
    // One call first, so the code is exchanged for tokens and the limit's second is over: what
    // is measured is the steady state.
    (*hooks)->StartThread();
    if (!queue(0, 1)) return state.SkipWithError("queue failed");
    wait_notes(2);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    const size_t skip = amo.accepted_at().size();
    if (!queue(1, calls)) return state.SkipWithError("queue failed");
    state.ResumeTiming();

    wait_notes(2 * (calls + 1));
    (*hooks)->StopThread();

    state.PauseTiming();
    auto at = amo.accepted_at();
    at.erase(at.begin(), at.begin() + static_cast<std::ptrdiff_t>(skip));
    if (amo.leads().size() != static_cast<size_t>(calls + 1) ||
        amo.notes().size() != static_cast<size_t>(2 * (calls + 1)))
      return state.SkipWithError("not every call arrived once");
    // amoCRM counts requests per second, so the first second's worth may come at once: the
    // sustained rate is what came after the first `limit` requests over the time from the first
    // to the last.
    double span = std::chrono::duration<double>(at.back() - at.front()).count();
    double rate = span > 0 ? (static_cast<double>(at.size()) - limit) / span : 0;
    size_t most = 0;
    for (size_t i = 0, j = 0; i < at.size(); ++i) {
      while (at[i] - at[j] >= std::chrono::seconds(1)) ++j;
      most = std::max(most, i - j + 1);
    }
    state.counters["limit_per_s"] = limit;
    state.counters["sender_max_per_s"] = pace;
    state.counters["requests"] = static_cast<double>(at.size());
    state.counters["requests_per_s"] = rate;
    state.counters["of_limit_pct"] = 100.0 * rate / limit;
    state.counters["calls_per_s"] = rate / 3;
    state.counters["most_in_1s"] = static_cast<double>(most);
    state.counters["http_429"] = amo.throttled();
    amocrm->reset();
    hooks->reset();
    ws->reset();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
  }
}
BENCHMARK(AmoRate)
    ->Args({7, 7})  // amoCRM's documented limit, the connector set to it
    ->Args({7, 5})  // a connector set below it
    ->Args({5, 7})  // a server slower than the setting: 429s and pauses
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace
}  // namespace kira::web

BENCHMARK_MAIN();
