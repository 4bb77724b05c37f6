#include "web/dashboard.h"

#include <map>
#include <optional>

namespace kira::web {
namespace {

constexpr int64_t kDayMs = 86400000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

template <typename F>
auto Locked(std::mutex* mu, F f) {
  if (!mu) return f();
  std::lock_guard<std::mutex> lock(*mu);
  return f();
}

}  // namespace

std::string DayKey(int64_t z) {
  // Howard Hinnant's civil_from_days.
  z += 719468;
  int64_t era = FloorDiv(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(y),
                static_cast<long long>(m) % 100, static_cast<long long>(d) % 100);
  return buf;
}

Result<Json> BuildDashboard(crm::CrmStore& store, std::mutex* store_mu, const DashboardQuery& q,
                            const TimeZone& tz, const std::string& tz_name) {
  if (q.to_ms <= q.from_ms) return Status::Invalid("'to' must be after 'from'");
  if (q.period != "day" && q.period != "week")
    return Status::Invalid("period must be 'day' or 'week'");
  bool weekly = q.period == "week";
  auto bucket_of = [&](int64_t utc_ms) {
    int64_t day = FloorDiv(tz.ToLocalMs(utc_ms), kDayMs);
    if (weekly) day -= ((day + 3) % 7 + 7) % 7;  // back to Monday (1970-01-01 was a Thursday)
    return day;
  };
  int64_t first = bucket_of(q.from_ms), last = bucket_of(q.to_ms - 1);
  if ((last - first) / (weekly ? 7 : 1) > 400)
    return Status::Invalid("the range is too long for the chosen period (at most 400 buckets)");

  struct Bucket {
    std::map<std::string, int64_t> channels;
    int64_t orders = 0;
    double value = 0;
  };
  std::map<int64_t, Bucket> buckets;
  for (int64_t d = first; d <= last; d += weekly ? 7 : 1) buckets[d];
  std::map<std::string, int64_t> channels, reasons, outcomes, qual, vera;
  int64_t by_hour[24] = {0}, calls_by_hour[24] = {0};
  int64_t leads = 0, agent = 0, manager = 0, orders = 0;
  double orders_value = 0;

  crm::LeadFilter f;
  f.from = q.from_ms;
  f.to = q.to_ms;
  f.limit = 1000;  // the store's largest page
  for (;;) {
    auto page = Locked(store_mu, [&] { return store.ListLeads(f); });
    if (!page.ok()) return page.status();
    for (const auto& l : *page) {
      if (l.created_at < q.from_ms || l.created_at >= q.to_ms) continue;
      ++leads;
      buckets[bucket_of(l.created_at)].channels[l.channel]++;
      channels[l.channel]++;
      qual[l.qualification.empty() ? "unknown" : l.qualification]++;
      if (l.qualification == "non_targeted" || l.outcome == "non_targeted")
        reasons[l.reason.empty() ? "other" : l.reason]++;
      if (!l.outcome.empty()) outcomes[l.outcome]++;
      bool by_manager =
          !l.assigned_to.empty() || l.status == "taken" || l.status == "vera_assigned";
      (by_manager ? manager : agent)++;
      int64_t hour = FloorDiv(tz.ToLocalMs(l.created_at), 3600000) % 24;
      hour = (hour + 24) % 24;
      by_hour[hour]++;
      if (l.channel == "phone") calls_by_hour[hour]++;
    }
    if (static_cast<int>(page->size()) < f.limit) break;
    f.before_id = page->back().id;
  }

  auto all_orders = Locked(store_mu, [&] { return store.ListOrders(0); });
  if (!all_orders.ok()) return all_orders.status();
  for (const auto& o : *all_orders) {
    if (o.created_at < q.from_ms || o.created_at >= q.to_ms || o.status == "cancelled") continue;
    ++orders;
    orders_value += o.total;
    Bucket& b = buckets[bucket_of(o.created_at)];
    b.orders++;
    b.value += o.total;
  }
  auto tasks = Locked(store_mu, [&] { return store.ListTasks("", 0); });
  if (!tasks.ok()) return tasks.status();
  for (const auto& t : *tasks) {
    if (t.kind != "vera_call" || t.created_at < q.from_ms || t.created_at >= q.to_ms) continue;
    bool finished = t.status == "done" || t.status == "failed" || t.status == "cancelled";
    vera[finished ? (t.last_result.empty() ? t.status : t.last_result) : "pending"]++;
  }

  Json series = Json::array();
  for (const auto& [day, b] : buckets)
    series.push_back({{"period", DayKey(day)},
                      {"channels", b.channels},
                      {"total",
                       [&] {
                         int64_t n = 0;
                         for (const auto& [_, c] : b.channels) n += c;
                         return n;
                       }()},
                      {"orders", b.orders},
                      {"orders_value", b.value}});
  Json hours = Json::array(), calls = Json::array();
  for (int h = 0; h < 24; ++h) {
    hours.push_back(by_hour[h]);
    calls.push_back(calls_by_hour[h]);
  }
  return Json{{"from", q.from_ms},
              {"to", q.to_ms},
              {"period", q.period},
              {"timezone", tz_name},
              {"totals",
               {{"leads", leads},
                {"targeted", qual["targeted"]},
                {"non_targeted", qual["non_targeted"]},
                {"unknown", qual["unknown"]},
                {"orders", orders},
                {"orders_value", orders_value}}},
              {"series", series},
              {"channels", channels},
              {"reasons", reasons},
              {"outcomes", outcomes},
              {"handled", {{"agent", agent}, {"manager", manager}}},
              {"vera", vera},
              {"by_hour", hours},
              {"calls_by_hour", calls}};
}

}  // namespace kira::web
