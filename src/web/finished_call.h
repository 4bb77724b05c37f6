// What a finished conversation brings to the shop's CRM (amoCRM, Bitrix24): the store watcher
// builds it once when a conversation ends (web/watcher.cpp) and each connector that is on queues
// it in the outbox as JSON, so a row read back after a restart is the same call.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace kira::web {

struct FinishedCall {
  int64_t conversation_id = 0;
  int64_t lead_id = 0;  // the workspace's lead (the outbox row is about it: forgetting deletes it)
  std::string phone;    // the caller's number (E.164 or as stored)
  std::string name;     // the contact's name when known
  std::string summary;
  std::string outcome;
  std::string order;  // what was ordered, in words ("" = no order)
  int64_t total = 0;  // the order's total in whole currency units (the lead's price)
  std::string recording_url;
  int duration_s = 0;
  bool inbound = true;
  int64_t started_at_ms = 0;  // Unix ms; 0 = unknown
};

nlohmann::json FinishedCallJson(const FinishedCall& c);
// False when `j` is not a call (a row of another shape). started_at_ms and lead_id may be absent
// (rows queued before they existed).
bool FinishedCallFromJson(const nlohmann::json& j, FinishedCall* c);

}  // namespace kira::web
