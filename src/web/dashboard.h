// The dashboard's aggregates over a time range, in the shop's local time: requests per channel
// per day or week, targeted vs non-targeted and the reasons, handled by the agent vs a manager,
// orders and their value, Vera's outcomes, requests by hour of day.
//
// Two loaders fill the same accumulator: BuildDashboard reads through the CrmStore interface
// (any store; pages of leads, so it is linear in leads with a large constant), and
// BuildDashboardSql runs GROUP BY queries straight on the embedded SQLite store's tables
// (leads, orders, tasks) in the same database file — the fast path for `kira serve`. A test
// checks that both give identical answers.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "core/tz.h"
#include "crm/crm_store.h"
#include "storage/sqlite.h"
#include "web/json_model.h"

namespace kira::web {

struct DashboardQuery {
  int64_t from_ms = 0;         // inclusive, UTC
  int64_t to_ms = 0;           // exclusive, UTC
  std::string period = "day";  // "day" | "week"
};

// Through the store interface, taking `store_mu` (if given) around each store call. Returns
// the shape DashboardResponse of docs/openapi.yaml.
Result<Json> BuildDashboard(crm::CrmStore& store, std::mutex* store_mu, const DashboardQuery& q,
                            const TimeZone& tz, const std::string& tz_name);

// The same from SQL aggregates on the SQLite CRM schema in `db`.
Result<Json> BuildDashboardSql(storage::Db& db, const DashboardQuery& q, const TimeZone& tz,
                               const std::string& tz_name);

// True when `db` holds the SQLite CRM store's tables (BuildDashboardSql can be used).
bool HasSqliteCrmTables(storage::Db& db);

}  // namespace kira::web
