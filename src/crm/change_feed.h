// ChangeFeed: word that another process (another `kira serve` node) wrote to the CRM, so the
// web workspace pushes a new lead, an ended conversation or an order to its browsers at once
// instead of on its next poll. On PostgreSQL the store NOTIFYs channel kira_crm at each such
// write (payload "lead:<id>", "conversation:<id>", "order:<id>") and the feed LISTENs on its own
// connection; the SQLite store has no feed (its watcher polls the file).
//
//   KIRA_ASSIGN_OR_RETURN(auto feed, crm::OpenPgChangeFeed(conninfo));
//   while (running) if (auto got = feed->Wait(std::chrono::seconds(1)); got.ok() && *got) poke();
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/status.h"

namespace kira::crm {

inline constexpr char kCrmChangeChannel[] = "kira_crm";

class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;
  // Waits up to `timeout` for a change; true when one or more came (they are coalesced: the
  // caller re-reads the store). A lost connection is reopened (and LISTEN renewed) on the next
  // call; changes made while it was down are found by the caller's next read of the store.
  virtual Result<bool> Wait(std::chrono::milliseconds timeout) = 0;
};

// LISTENs on kCrmChangeChannel on a connection of its own.
Result<std::unique_ptr<ChangeFeed>> OpenPgChangeFeed(const std::string& conninfo);

}  // namespace kira::crm
