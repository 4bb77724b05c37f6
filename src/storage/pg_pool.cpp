#include "storage/pg_pool.h"

namespace kira::storage::pg {

void Pool::Add(std::unique_ptr<Conn> c) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(c));
  ++open_;
}

Result<std::unique_ptr<Conn>> Pool::Take() {
  {
    std::unique_lock lock(mu_);
    freed_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
    if (!idle_.empty()) {
      auto c = std::move(idle_.front());
      idle_.pop_front();
      return c;
    }
    ++open_;  // a slot for the connection opened below, outside the lock
  }
  auto c = Conn::Open(conninfo_);
  if (!c.ok()) {
    std::lock_guard lock(mu_);
    --open_;
    freed_.notify_one();
  }
  return c;
}

void Pool::Give(std::unique_ptr<Conn> c, const Status& s) {
  std::lock_guard lock(mu_);
  if (s.code() == Status::Code::kUnavailable || !c->healthy()) {
    // The server went away (a restart, a failover): the idle connections are as dead as this
    // one, and each would fail one more call if kept. The next calls connect afresh.
    open_ -= 1 + static_cast<int>(idle_.size());
    idle_.clear();
    c.reset();
  } else {
    idle_.push_back(std::move(c));
  }
  freed_.notify_all();
}

}  // namespace kira::storage::pg
