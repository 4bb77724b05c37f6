// EventLoop: a thread running libre's main loop with its own loop state (re_thread_init), so
// several endpoints can live in one process (tests). Every libre object must be created, used
// and destroyed on this thread; other threads hand work over with Post().
#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "core/status.h"

struct mqueue;

namespace kira::telephony {

class EventLoop {
 public:
  EventLoop() = default;
  ~EventLoop();  // Stop()s
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // libre watches descriptor numbers below the `max_fds` given to Start(): a number at or above
  // it fails with EMFILE. Raises the soft RLIMIT_NOFILE to the hard limit and returns the
  // usable count (at most kMaxWatchedFds).
  static constexpr int kMaxWatchedFds = 65536;
  static int DescriptorLimit();

  // Starts the thread and runs `init` on it before the loop; a failed init stops the thread
  // and is returned. `max_fds` sizes libre's descriptor table (see DescriptorLimit()).
  Status Start(std::function<Status()> init, int max_fds);
  // Runs `fini` on the loop thread, then ends the loop and joins. Idempotent.
  void Stop(std::function<void()> fini);

  // Runs `fn` on the loop thread (FIFO). Safe from any thread; dropped once stopped.
  void Post(std::function<void()> fn);
  bool InLoopThread() const { return std::this_thread::get_id() == thread_.get_id(); }
  bool running() const { return running_; }

 private:
  static void OnWake(int id, void* data, void* arg);
  void RunPending();
  std::thread thread_;
  std::mutex mu_;  // guards mq_, queue_, accepting_
  struct mqueue* mq_ = nullptr;
  std::deque<std::function<void()>> queue_;
  bool accepting_ = false;
  bool running_ = false;
};

}  // namespace kira::telephony
