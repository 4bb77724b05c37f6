// The dashboard's aggregates over a time range, in the shop's local time: requests per channel
// per day or week, targeted vs non-targeted and the reasons, handled by the agent vs a manager,
// orders and their value, Vera's outcomes, requests by hour of day.
//
// The counts come from CrmStore::Tally (crm_store.h: quarter-hour slots, aggregated by the
// store — SQL in SQLite); this file puts the slots into the shop's local days, weeks and hours.
// The web layer never reads the CRM's tables.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "core/tz.h"
#include "crm/crm_store.h"
#include "web/json_model.h"

namespace kira::web {

struct DashboardQuery {
  int64_t from_ms = 0;         // inclusive, UTC
  int64_t to_ms = 0;           // exclusive, UTC
  std::string period = "day";  // "day" | "week"
};

// From store.Tally, taking `store_mu` (if given) around the call. Returns the shape
// DashboardResponse of docs/openapi.yaml.
Result<Json> BuildDashboard(crm::CrmStore& store, std::mutex* store_mu, const DashboardQuery& q,
                            const TimeZone& tz, const std::string& tz_name);

}  // namespace kira::web
