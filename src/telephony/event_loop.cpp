#include "telephony/event_loop.h"

#include <sys/resource.h>

#include <algorithm>
#include <future>
#include <mutex>

#include "telephony/libre_log.h"
#include "telephony/re_include.h"

namespace kira::telephony {

namespace {
std::once_flag g_libre_once;
int g_libre_err = 0;
}  // namespace

EventLoop::~EventLoop() { Stop(nullptr); }

int EventLoop::DescriptorLimit() {
  // Many calls need many sockets: lift the soft descriptor limit to the hard one.
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) getrlimit(RLIMIT_NOFILE, &rl);
  }
  return static_cast<int>(std::min<rlim_t>(rl.rlim_cur, kMaxWatchedFds));
}

Status EventLoop::Start(std::function<Status()> init, int max_fds) {
  if (running_) return Status::Conflict("event loop already running");
  std::call_once(g_libre_once, [] { g_libre_err = libre_init(); });
  if (g_libre_err)
    return Status::Internal("libre_init failed: error " + std::to_string(g_libre_err));

  RouteLibreLogs();
  std::promise<Status> started;
  auto started_future = started.get_future();
  thread_ = std::thread([this, init = std::move(init), max_fds, &started] {
    re_thread_init();
    fd_setsize(max_fds);
    struct mqueue* mq = nullptr;
    int err = mqueue_alloc(&mq, &EventLoop::OnWake, this);
    if (err) {
      started.set_value(Status::Internal("mqueue_alloc failed: error " + std::to_string(err)));
      re_thread_close();
      return;
    }
    Status st = init ? init() : Status::Ok();
    if (!st.ok()) {
      mem_deref(mq);
      started.set_value(st);
      re_thread_close();
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      mq_ = mq;
      accepting_ = true;
    }
    started.set_value(Status::Ok());
    re_main(nullptr);
    {
      std::lock_guard<std::mutex> lock(mu_);
      accepting_ = false;
      mq_ = nullptr;
      queue_.clear();
    }
    mem_deref(mq);
    re_thread_close();
  });
  Status st = started_future.get();
  if (!st.ok()) {
    thread_.join();
    return st;
  }
  running_ = true;
  return Status::Ok();
}

void EventLoop::Stop(std::function<void()> fini) {
  if (!running_) return;
  Post([fini = std::move(fini)] {
    if (fini) fini();
    re_cancel();
  });
  thread_.join();
  running_ = false;
}

void EventLoop::Post(std::function<void()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!accepting_) return;
  const bool was_empty = queue_.empty();
  queue_.push_back(std::move(fn));
  // One wake-up per batch: the loop drains the whole queue when it wakes.
  if (was_empty) mqueue_push(mq_, 0, nullptr);
}

void EventLoop::OnWake(int, void*, void* arg) { static_cast<EventLoop*>(arg)->RunPending(); }

void EventLoop::RunPending() {
  std::deque<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch.swap(queue_);
  }
  for (auto& fn : batch) fn();
}

}  // namespace kira::telephony
