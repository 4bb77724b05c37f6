#include "web/dashboard.h"

#include <map>

namespace kira::web {
namespace {

constexpr int64_t kDayMs = 86400000;
constexpr int64_t kHourMs = 3600000;

template <typename F>
auto Locked(std::mutex* mu, F f) {
  if (!mu) return f();
  std::lock_guard<std::mutex> lock(*mu);
  return f();
}

// Everything the dashboard shows, filled by either loader.
class Acc {
 public:
  Acc(const DashboardQuery& q, const TimeZone& tz) : q_(q), tz_(tz), weekly_(q.period == "week") {}

  Status Init() {
    if (q_.to_ms <= q_.from_ms) return Status::Invalid("'to' must be after 'from'");
    if (q_.period != "day" && q_.period != "week")
      return Status::Invalid("period must be 'day' or 'week'");
    int64_t first = BucketOf(q_.from_ms), last = BucketOf(q_.to_ms - 1);
    if ((last - first) / (weekly_ ? 7 : 1) > 400)
      return Status::Invalid("the range is too long for the chosen period (at most 400 buckets)");
    for (int64_t d = first; d <= last; d += weekly_ ? 7 : 1) buckets_[d];
    return Status::Ok();
  }

  int64_t LocalDay(int64_t utc_ms) const { return FloorDiv(tz_.ToLocalMs(utc_ms), kDayMs); }
  int LocalHour(int64_t utc_ms) const {
    return static_cast<int>(((FloorDiv(tz_.ToLocalMs(utc_ms), kHourMs) % 24) + 24) % 24);
  }
  int64_t BucketOfDay(int64_t day) const {
    return weekly_ ? day - ((day + 3) % 7 + 7) % 7 : day;  // Monday; 1970-01-01 was a Thursday
  }
  int64_t BucketOf(int64_t utc_ms) const { return BucketOfDay(LocalDay(utc_ms)); }

  void LeadTime(int64_t day, int hour, const std::string& channel, int64_t n) {
    buckets_[BucketOfDay(day)].channels[channel] += n;
    channels_[channel] += n;
    by_hour_[hour] += n;
    if (channel == "phone") calls_by_hour_[hour] += n;
  }
  void LeadKind(const std::string& qualification, const std::string& outcome,
                const std::string& reason, bool by_manager, int64_t n) {
    leads_ += n;
    qual_[qualification.empty() ? "unknown" : qualification] += n;
    if (qualification == "non_targeted" || outcome == "non_targeted")
      reasons_[reason.empty() ? "other" : reason] += n;
    if (!outcome.empty()) outcomes_[outcome] += n;
    (by_manager ? manager_ : agent_) += n;
  }
  void Orders(int64_t day, int64_t n, double value) {
    orders_ += n;
    orders_value_ += value;
    Bucket& b = buckets_[BucketOfDay(day)];
    b.orders += n;
    b.value += value;
  }
  void VeraTask(const std::string& status, const std::string& last_result, int64_t n) {
    bool finished = status == "done" || status == "failed" || status == "cancelled";
    vera_[finished ? (last_result.empty() ? status : last_result) : "pending"] += n;
  }

  Json ToJson(const std::string& tz_name) const {
    Json series = Json::array();
    for (const auto& [day, b] : buckets_) {
      int64_t total = 0;
      for (const auto& [_, c] : b.channels) total += c;
      series.push_back({{"period", DayKey(day)},
                        {"channels", b.channels},
                        {"total", total},
                        {"orders", b.orders},
                        {"orders_value", b.value}});
    }
    Json hours = Json::array(), calls = Json::array();
    for (int h = 0; h < 24; ++h) {
      hours.push_back(by_hour_[h]);
      calls.push_back(calls_by_hour_[h]);
    }
    auto count = [&](const char* k) {
      auto it = qual_.find(k);
      return it == qual_.end() ? int64_t{0} : it->second;
    };
    return Json{{"from", q_.from_ms},
                {"to", q_.to_ms},
                {"period", q_.period},
                {"timezone", tz_name},
                {"totals",
                 {{"leads", leads_},
                  {"targeted", count("targeted")},
                  {"non_targeted", count("non_targeted")},
                  {"unknown", count("unknown")},
                  {"orders", orders_},
                  {"orders_value", orders_value_}}},
                {"series", series},
                {"channels", channels_},
                {"reasons", reasons_},
                {"outcomes", outcomes_},
                {"handled", {{"agent", agent_}, {"manager", manager_}}},
                {"vera", vera_},
                {"by_hour", hours},
                {"calls_by_hour", calls}};
  }

 private:
  struct Bucket {
    std::map<std::string, int64_t> channels;
    int64_t orders = 0;
    double value = 0;
  };
  DashboardQuery q_;
  const TimeZone& tz_;
  bool weekly_;
  std::map<int64_t, Bucket> buckets_;
  std::map<std::string, int64_t> channels_, reasons_, outcomes_, qual_, vera_;
  int64_t by_hour_[24] = {0}, calls_by_hour_[24] = {0};
  int64_t leads_ = 0, agent_ = 0, manager_ = 0, orders_ = 0;
  double orders_value_ = 0;
};

bool ByManager(const std::string& assigned_to, const std::string& status) {
  return !assigned_to.empty() || status == "taken" || status == "vera_assigned";
}

}  // namespace

Result<Json> BuildDashboard(crm::CrmStore& store, std::mutex* store_mu, const DashboardQuery& q,
                            const TimeZone& tz, const std::string& tz_name) {
  Acc acc(q, tz);
  KIRA_RETURN_IF_ERROR(acc.Init());
  crm::LeadFilter f;
  f.from = q.from_ms;
  f.to = q.to_ms;
  f.limit = 1000;  // the store's largest page
  for (;;) {
    auto page = Locked(store_mu, [&] { return store.ListLeads(f); });
    if (!page.ok()) return page.status();
    for (const auto& l : *page) {
      if (l.created_at < q.from_ms || l.created_at >= q.to_ms) continue;
      acc.LeadTime(acc.LocalDay(l.created_at), acc.LocalHour(l.created_at), l.channel, 1);
      acc.LeadKind(l.qualification, l.outcome, l.reason, ByManager(l.assigned_to, l.status), 1);
    }
    if (static_cast<int>(page->size()) < f.limit) break;
    f.before_id = page->back().id;
  }
  auto orders = Locked(store_mu, [&] { return store.ListOrders(0); });
  if (!orders.ok()) return orders.status();
  for (const auto& o : *orders)
    if (o.created_at >= q.from_ms && o.created_at < q.to_ms && o.status != "cancelled")
      acc.Orders(acc.LocalDay(o.created_at), 1, o.total);
  auto tasks = Locked(store_mu, [&] { return store.ListTasks("", 0); });
  if (!tasks.ok()) return tasks.status();
  for (const auto& t : *tasks)
    if (t.kind == "vera_call" && t.created_at >= q.from_ms && t.created_at < q.to_ms)
      acc.VeraTask(t.status, t.last_result, 1);
  return acc.ToJson(tz_name);
}

bool HasSqliteCrmTables(storage::Db& db) {
  auto st = db.Prepare(
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
      "name IN ('leads', 'orders', 'tasks')");
  return st.ok() && (*st)->Step() == storage::Row::kRow && (*st)->Int(0) == 3;
}

Result<Json> BuildDashboardSql(storage::Db& db, const DashboardQuery& q, const TimeZone& tz,
                               const std::string& tz_name) {
  Acc acc(q, tz);
  KIRA_RETURN_IF_ERROR(acc.Init());
  // One pass over the range's leads, aggregated here: cheaper than GROUP BY on computed local
  // days (a temporary sort of every row) and exact across daylight-saving changes.
  KIRA_ASSIGN_OR_RETURN(auto leads,
                        db.Prepare("SELECT created_at, channel, qualification, outcome, reason, "
                                   "assigned_to != '' OR status IN ('taken', 'vera_assigned') "
                                   "FROM leads WHERE created_at >= ? AND created_at < ?"));
  leads->Bind(1, q.from_ms).Bind(2, q.to_ms);
  storage::Row r;
  while ((r = leads->Step()) == storage::Row::kRow) {
    int64_t at = leads->Int(0);
    acc.LeadTime(acc.LocalDay(at), acc.LocalHour(at), leads->Text(1), 1);
    acc.LeadKind(leads->Text(2), leads->Text(3), leads->Text(4), leads->Int(5) != 0, 1);
  }
  if (r == storage::Row::kError) return leads->LastError();
  KIRA_ASSIGN_OR_RETURN(auto orders,
                        db.Prepare("SELECT created_at, total FROM orders WHERE created_at >= ? "
                                   "AND created_at < ? AND status != 'cancelled'"));
  orders->Bind(1, q.from_ms).Bind(2, q.to_ms);
  while ((r = orders->Step()) == storage::Row::kRow)
    acc.Orders(acc.LocalDay(orders->Int(0)), 1, orders->Double(1));
  if (r == storage::Row::kError) return orders->LastError();
  KIRA_ASSIGN_OR_RETURN(
      auto vera, db.Prepare("SELECT status, last_result, count(*) FROM tasks WHERE kind = "
                            "'vera_call' AND created_at >= ? AND created_at < ? GROUP BY 1, 2"));
  vera->Bind(1, q.from_ms).Bind(2, q.to_ms);
  while ((r = vera->Step()) == storage::Row::kRow)
    acc.VeraTask(vera->Text(0), vera->Text(1), vera->Int(2));
  if (r == storage::Row::kError) return vera->LastError();
  return acc.ToJson(tz_name);
}

}  // namespace kira::web
