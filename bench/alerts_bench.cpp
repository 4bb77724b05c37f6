// Manager alerts: the webhooks outbox's delivery rate to the Telegram Bot API test server
// (web/testing/telegram_fake.h) under its rate limit, end to end: alerts queued in a SQLite
// workspace store, sent by the delivery thread over HTTP, the fake enforcing the limit with 429
// retry_after like Telegram. The rate must sit at the limit, not below it.
//
//   alerts_bench --benchmark_filter=TelegramRate
// Args: {the fake's limit per second, the sender's max_per_second}. Equal = a correctly set
// sender (Telegram's own advice); a sender set above the limit shows what 429s cost.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "web/alerts.h"
#include "web/testing/telegram_fake.h"

namespace kira::web {
namespace {

void TelegramRate(benchmark::State& state) {
  const double limit = static_cast<double>(state.range(0));
  const double pace = static_cast<double>(state.range(1));
  const int n = static_cast<int>(limit * 4);  // four seconds of alerts at the limit
  for (auto _ : state) {
    state.PauseTiming();
    auto dir =
        std::filesystem::temp_directory_path() / ("kira_alerts_bench_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    testing::TelegramFakeOptions fo;
    fo.max_per_second = limit;
    fo.retry_after_s = 1;
    testing::TelegramFake tg(fo);
    if (!tg.Start().ok()) return state.SkipWithError("telegram fake did not start");
    auto ws = crm::OpenSqliteWorkspaceStore((dir / "kira.db").string());
    if (!ws.ok()) return state.SkipWithError(ws.status().message().c_str());
    WebhookOptions wo;
    wo.tick = std::chrono::milliseconds(20);
    wo.first_retry = std::chrono::seconds(1);
    auto hooks = Webhooks::Open(**ws, Clock::System(), wo);
    auto alerts = Alerts::Open(**ws, **hooks, Clock::System(), [] { return std::string("UTC"); });
    if (!alerts.ok()) return state.SkipWithError(alerts.status().message().c_str());
    nlohmann::json cfg = {{"telegram",
                           {{"enabled", true},
                            {"bot_token", fo.token},
                            {"chat_id", fo.chat_id},
                            {"api_url", tg.url()},
                            {"max_per_second", pace}}}};
    if (!(*alerts)->SaveConfig(cfg.dump()).ok()) return state.SkipWithError("settings refused");
    for (int i = 0; i < n; ++i)
      if (!(*alerts)->Raise(AlertKind::kNewOrder, {i + 1, i + 1, "bench", "", "1 000 ₽"}).ok())
        return state.SkipWithError("raise failed");
    state.ResumeTiming();

    auto t0 = std::chrono::steady_clock::now();
    (*hooks)->StartThread();
    while (static_cast<int>(tg.messages().size()) < n &&
           std::chrono::steady_clock::now() - t0 < std::chrono::seconds(60))
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    (*hooks)->StopThread();
    auto msgs = tg.messages();

    state.PauseTiming();
    if (static_cast<int>(msgs.size()) != n) return state.SkipWithError("not all alerts arrived");
    // Telegram counts messages per second, so a sender may start with a second's worth at once:
    // the sustained rate is what came after the first `limit` messages over the time from the
    // first message to the last. (4 s of alerts at the limit: 3 s after the first burst.)
    double span = std::chrono::duration<double>(msgs.back().at - msgs.front().at).count();
    double rate = span > 0 ? (n - limit) / span : 0;
    // The most messages the server got in any one second (must not pass the limit).
    size_t most = 0;
    for (size_t i = 0, j = 0; i < msgs.size(); ++i) {
      while (msgs[i].at - msgs[j].at >= std::chrono::seconds(1)) ++j;
      most = std::max(most, i - j + 1);
    }
    state.counters["most_in_1s"] = static_cast<double>(most);
    state.counters["limit_per_s"] = limit;
    state.counters["sender_max_per_s"] = pace;
    state.counters["delivered_per_s"] = rate;
    state.counters["of_limit_pct"] = 100.0 * rate / limit;
    state.counters["alerts"] = n;
    state.counters["http_429"] = tg.throttled();
    alerts->reset();
    hooks->reset();
    ws->reset();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
  }
}
BENCHMARK(TelegramRate)
    ->Args({1, 1})  // Telegram's advice for one chat
    ->Args({20,
            20})  // a group's 20 a minute is slower; 20/s stands for a Bot API server of one's own
    ->Args({30, 30})  // Telegram's overall bot limit
    ->Args({10, 30})  // a sender set above the limit: 429s and retry_after
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace
}  // namespace kira::web

BENCHMARK_MAIN();
