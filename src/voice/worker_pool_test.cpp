#include "voice/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "voice/turn_latency.h"

namespace kira::voice {
namespace {

TEST(Strand, RunsJobsInOrderAndNeverConcurrently) {
  WorkerPool pool(4);
  auto strand = pool.MakeStrand();
  std::atomic<int> running{0}, max_running{0};
  std::vector<int> order;
  std::mutex mu;
  for (int i = 0; i < 200; ++i) {
    strand->Post([&, i] {
      const int r = ++running;
      int m = max_running;
      while (r > m && !max_running.compare_exchange_weak(m, r)) {
      }
      {
        std::lock_guard<std::mutex> l(mu);
        order.push_back(i);
      }
      --running;
    });
  }
  for (int i = 0; i < 500 && strand->pending() > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_EQ(strand->pending(), 0u);
  EXPECT_EQ(max_running.load(), 1);
  ASSERT_EQ(order.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(order[i], i);
}

TEST(Strand, DifferentStrandsRunInParallel) {
  WorkerPool pool(2);
  auto a = pool.MakeStrand(), b = pool.MakeStrand();
  std::atomic<int> inside{0}, both{0};
  auto job = [&] {
    ++inside;
    for (int i = 0; i < 200 && inside < 2; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (inside == 2) both = 1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    --inside;
  };
  a->Post(job);
  b->Post(job);
  for (int i = 0; i < 500 && (a->pending() || b->pending()); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_EQ(both.load(), 1);
}

TEST(WorkerPool, DestructorRunsQueuedJobs) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool(1);
    for (int i = 0; i < 50; ++i) pool.Submit([&] { ++ran; });
  }
  EXPECT_EQ(ran.load(), 50);
}

TEST(LatencyLog, NearestRankPercentiles) {
  EXPECT_EQ(LatencyLog::Percentile({}, 50), -1);
  EXPECT_EQ(LatencyLog::Percentile({5}, 95), 5);
  std::vector<int64_t> v;
  for (int i = 100; i >= 1; --i) v.push_back(i);
  EXPECT_EQ(LatencyLog::Percentile(v, 50), 50);
  EXPECT_EQ(LatencyLog::Percentile(v, 95), 95);
  EXPECT_EQ(LatencyLog::Percentile(v, 100), 100);
  LatencyLog log;
  TurnLatency t;
  t.kind = "speech";
  t.total_ms = 700;
  t.endpoint_wait_ms = 600;
  t.asr_ms = 40;
  t.tts_ms = 30;
  log.Add(t);
  t.kind = "dtmf";
  log.Add(t);
  EXPECT_EQ(log.size(), 2u);
  ASSERT_EQ(log.Turns("speech").size(), 1u);
  EXPECT_EQ(log.Turns("speech")[0].own_ms(), 30);
}

}  // namespace
}  // namespace kira::voice
