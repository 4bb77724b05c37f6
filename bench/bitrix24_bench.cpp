// The Bitrix24 connector: the webhooks outbox's delivery rate to the Bitrix24 test server
// (web/testing/bitrix24_fake.h) under its limit, end to end: calls queued in a SQLite workspace
// store, sent by the delivery thread over HTTP (contact search, contact, lead, register, finish,
// attachRecord: six requests a call), the fake keeping Bitrix24's leaky bucket (2 drain a
// second; past the bucket, 503 QUERY_LIMIT_EXCEEDED). The rate must sit at the limit, not below.
//
//   bitrix24_bench --benchmark_filter=B24Rate
// Args: {the bucket (X), the connector's max_per_second}; the drain is 2 a second throughout.
// {50, 2} is Bitrix24 as documented; {2, 2} a bucket that refuses any third request inside a
// second; {10, 5} a connector set above the drain on a portal whose counter is nearly full.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "web/bitrix24.h"
#include "web/testing/bitrix24_fake.h"

namespace kira::web {
namespace {

void B24Rate(benchmark::State& state) {
  const double bucket = static_cast<double>(state.range(0));
  const double pace = static_cast<double>(state.range(1));
  const double drain = 2;
  const int calls = 10;  // 60 requests: 30 s at 2 a second
  for (auto _ : state) {
    state.PauseTiming();
    auto dir =
        std::filesystem::temp_directory_path() / ("kira_b24_bench_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    testing::Bitrix24FakeOptions fo;
    fo.bucket = bucket;
    fo.drain_per_second = drain;
    testing::Bitrix24Fake b24(fo);
    if (!b24.Start().ok()) return state.SkipWithError("Bitrix24 fake did not start");
    auto ws = crm::OpenSqliteWorkspaceStore((dir / "kira.db").string());
    if (!ws.ok()) return state.SkipWithError(ws.status().message().c_str());
    WebhookOptions wo;
    wo.tick = std::chrono::milliseconds(20);
    auto hooks = Webhooks::Open(**ws, Clock::System(), wo);
    B24Options bo;
    bo.first_retry = std::chrono::milliseconds(500);
    auto conn = Bitrix24::Open(**ws, **hooks, Clock::System(), std::string(32, 'k'), bo);
    if (!conn.ok()) return state.SkipWithError(conn.status().message().c_str());
    nlohmann::json cfg = {
        {"enabled", true}, {"webhook_url", b24.webhook_url()}, {"max_per_second", pace}};
    if (!(*conn)->SaveConfig(cfg.dump()).ok()) return state.SkipWithError("settings refused");
    for (int i = 0; i < calls; ++i) {
      FinishedCall c;
      c.conversation_id = i + 1;
      c.phone = "+7912" + std::to_string(1000000 + i);
      c.summary = "bench";
      c.outcome = "order_placed";
      c.duration_s = 60;
      c.recording_url =
          "https://kira.example.ru/api/conversations/" + std::to_string(i + 1) + "/recording";
      if (!(*conn)->Queue(c).ok()) return state.SkipWithError("queue failed");
    }
    state.ResumeTiming();

    (*hooks)->StartThread();
    auto t0 = std::chrono::steady_clock::now();
    auto done = [&] {
      auto now = b24.calls();
      return now.size() == static_cast<size_t>(calls) &&
             std::none_of(now.begin(), now.end(),
                          [](const auto& c) { return c.record_url.empty(); });
    };
    while (!done() && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(300))
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    (*hooks)->StopThread();

    state.PauseTiming();
    auto at = b24.accepted_at();
    auto all = b24.calls();
    if (b24.leads().size() != static_cast<size_t>(calls) ||
        all.size() != static_cast<size_t>(calls) ||
        std::any_of(all.begin(), all.end(),
                    [](const auto& c) { return c.registrations != 1 || c.record_url.empty(); }))
      return state.SkipWithError("not every call arrived once");
    // The first `burst` requests may go at once; the sustained rate is the rest over the time
    // from the first to the last.
    const double burst = std::max(1.0, std::floor(pace));
    double span = std::chrono::duration<double>(at.back() - at.front()).count();
    double rate = span > 0 ? (static_cast<double>(at.size()) - burst) / span : 0;
    size_t most = 0;
    for (size_t i = 0, j = 0; i < at.size(); ++i) {
      while (at[i] - at[j] >= std::chrono::seconds(1)) ++j;
      most = std::max(most, i - j + 1);
    }
    state.counters["bucket"] = bucket;
    state.counters["drain_per_s"] = drain;
    state.counters["sender_max_per_s"] = pace;
    state.counters["requests"] = static_cast<double>(at.size());
    state.counters["requests_per_s"] = rate;
    state.counters["of_limit_pct"] = 100.0 * rate / drain;
    state.counters["calls_per_s"] = rate / 6;
    state.counters["most_in_1s"] = static_cast<double>(most);
    state.counters["http_503"] = b24.throttled();
    conn->reset();
    hooks->reset();
    ws->reset();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
  }
}
BENCHMARK(B24Rate)
    ->Args({50, 2})  // Bitrix24 as documented, the connector at its drain rate
    ->Args({2, 2})   // a bucket refusing any third request inside a second
    ->Args({10, 5})  // set above the drain on a nearly full counter: 503s and pauses
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace
}  // namespace kira::web

BENCHMARK_MAIN();
