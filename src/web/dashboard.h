// The dashboard's aggregates over a time range, in the shop's local time: requests per channel
// per day or week, targeted vs non-targeted and the reasons, handled by the agent vs a manager,
// orders and their value, Vera's outcomes, requests by hour of day.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "crm/crm_store.h"
#include "web/json_model.h"
#include "web/tz.h"

namespace kira::web {

struct DashboardQuery {
  int64_t from_ms = 0;         // inclusive, UTC
  int64_t to_ms = 0;           // exclusive, UTC
  std::string period = "day";  // "day" | "week"
};

// Reads the leads (in pages), orders and tasks of the range from `store`, taking `store_mu`
// (if given) around each store call, and returns the aggregates (shape: DashboardResponse in
// docs/openapi.yaml).
Result<Json> BuildDashboard(crm::CrmStore& store, std::mutex* store_mu, const DashboardQuery& q,
                            const TimeZone& tz, const std::string& tz_name);

// "YYYY-MM-DD" of a day number (days since 1970-01-01).
std::string DayKey(int64_t days);

}  // namespace kira::web
