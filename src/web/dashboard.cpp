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
  void LeadKind(const crm::LeadKindCount& c) {
    const int64_t n = c.n;
    leads_ += n;
    qual_[c.qualification] += n;
    if (c.qualification == crm::Qualification::kNonTargeted ||
        c.outcome == crm::Outcome::kNonTargeted)
      reasons_[c.reason.empty() ? std::string(crm::Name(crm::NonTargetedReason::kOther))
                                : c.reason] += n;
    if (c.outcome) outcomes_[std::string(crm::Name(*c.outcome))] += n;
    (c.by_manager ? manager_ : agent_) += n;
  }
  void Orders(int64_t day, int64_t n, double value) {
    orders_ += n;
    orders_value_ += value;
    Bucket& b = buckets_[BucketOfDay(day)];
    b.orders += n;
    b.value += value;
  }
  void VeraTask(crm::TaskStatus status, const std::string& last_result, int64_t n) {
    bool finished = crm::Row(status).finished;
    std::string name(crm::Name(status));
    vera_[finished ? (last_result.empty() ? name : last_result) : "pending"] += n;
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
    auto count = [&](crm::Qualification q) {
      auto it = qual_.find(q);
      return it == qual_.end() ? int64_t{0} : it->second;
    };
    return Json{{"from", q_.from_ms},
                {"to", q_.to_ms},
                {"period", q_.period},
                {"timezone", tz_name},
                {"totals",
                 {{"leads", leads_},
                  {"targeted", count(crm::Qualification::kTargeted)},
                  {"non_targeted", count(crm::Qualification::kNonTargeted)},
                  {"unknown", count(crm::Qualification::kUnknown)},
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
  std::map<std::string, int64_t> channels_, reasons_, outcomes_, vera_;
  std::map<crm::Qualification, int64_t> qual_;
  int64_t by_hour_[24] = {0}, calls_by_hour_[24] = {0};
  int64_t leads_ = 0, agent_ = 0, manager_ = 0, orders_ = 0;
  double orders_value_ = 0;
};

}  // namespace

Result<Json> BuildDashboard(crm::CrmStore& store, std::mutex* store_mu, const DashboardQuery& q,
                            const TimeZone& tz, const std::string& tz_name) {
  Acc acc(q, tz);
  KIRA_RETURN_IF_ERROR(acc.Init());
  auto t = Locked(store_mu, [&] { return store.Tally(q.from_ms, q.to_ms); });
  if (!t.ok()) return t.status();
  // A slot lies within one local hour: offsets and their changes fall on quarter hours.
  for (const auto& c : t->lead_slots)
    acc.LeadTime(acc.LocalDay(c.slot), acc.LocalHour(c.slot), c.channel, c.n);
  for (const auto& c : t->lead_kinds) acc.LeadKind(c);
  for (const auto& c : t->order_slots) acc.Orders(acc.LocalDay(c.slot), c.n, c.value);
  for (const auto& c : t->vera_tasks) acc.VeraTask(c.status, c.last_result, c.n);
  return acc.ToJson(tz_name);
}

}  // namespace kira::web
