// The PostgreSQL ChangeFeed: LISTEN kira_crm on a connection of its own.
#include "crm/change_feed.h"

#include "storage/pg.h"

namespace kira::crm {
namespace {

namespace pg = storage::pg;

class PgChangeFeed final : public ChangeFeed {
 public:
  explicit PgChangeFeed(std::unique_ptr<pg::Conn> c) : conn_(std::move(c)) {}

  Result<bool> Wait(std::chrono::milliseconds timeout) override {
    if (!conn_->healthy()) {
      KIRA_RETURN_IF_ERROR(conn_->Reconnect());
      KIRA_RETURN_IF_ERROR(conn_->Listen(kCrmChangeChannel));
    }
    KIRA_ASSIGN_OR_RETURN(auto n, conn_->WaitNotification(static_cast<int>(timeout.count())));
    if (!n) return false;
    // Drain what else is queued: the caller reads the store once for all of them.
    for (;;) {
      KIRA_ASSIGN_OR_RETURN(auto more, conn_->WaitNotification(0));
      if (!more) break;
    }
    return true;
  }

 private:
  std::unique_ptr<pg::Conn> conn_;
};

}  // namespace

Result<std::unique_ptr<ChangeFeed>> OpenPgChangeFeed(const std::string& conninfo) {
  KIRA_ASSIGN_OR_RETURN(auto c, pg::Conn::Open(conninfo));
  KIRA_RETURN_IF_ERROR(c->Listen(kCrmChangeChannel));
  return std::unique_ptr<ChangeFeed>(new PgChangeFeed(std::move(c)));
}

}  // namespace kira::crm
