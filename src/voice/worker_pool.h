// WorkerPool and Strand: where the slow parts of a call run (ASR, dialog turns, TTS), off the
// SIP/RTP thread. A Strand runs its jobs one after another, never two at once, on whichever
// pool thread is free — so a call's DialogSession and AsrStream need no locks, while different
// calls proceed in parallel.
//
//   voice::WorkerPool pool(2);
//   auto strand = pool.MakeStrand();
//   strand->Post([] { /* ASR Finish, dialog turn, TTS */ });
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace kira::voice {

class WorkerPool;

class Strand : public std::enable_shared_from_this<Strand> {
 public:
  explicit Strand(WorkerPool* pool) : pool_(pool) {}
  void Post(std::function<void()> job);
  // Jobs queued or running.
  size_t pending() const;

 private:
  void Drain();
  WorkerPool* pool_;
  mutable std::mutex mu_;
  std::deque<std::function<void()>> jobs_;
  bool running_ = false;
  size_t in_flight_ = 0;
};

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();  // runs what is queued, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Submit(std::function<void()> job);
  std::shared_ptr<Strand> MakeStrand() { return std::make_shared<Strand>(this); }
  int threads() const { return static_cast<int>(threads_.size()); }

 private:
  void Run();
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace kira::voice
