#include "dialer/window.h"

#include <algorithm>

namespace kira::dialer {

namespace {
constexpr int64_t kDay = 86400;

int64_t FloorDay(int64_t t) { return t / kDay - (t % kDay < 0 ? 1 : 0); }

// Intersection of two sorted, disjoint interval lists.
std::vector<std::pair<int64_t, int64_t>> Intersect(
    const std::vector<std::pair<int64_t, int64_t>>& a,
    const std::vector<std::pair<int64_t, int64_t>>& b) {
  std::vector<std::pair<int64_t, int64_t>> out;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    int64_t s = std::max(a[i].first, b[j].first), e = std::min(a[i].second, b[j].second);
    if (s < e) out.emplace_back(s, e);
    (a[i].second < b[j].second ? i : j)++;
  }
  return out;
}
}  // namespace

WindowSchedule::WindowSchedule(const ZoneDb& db, std::vector<ZoneId> zones,
                               business::CallingWindow window, int horizon_days,
                               int max_search_days)
    : db_(db),
      zones_(std::move(zones)),
      window_(window),
      horizon_days_(std::max(1, horizon_days)),
      max_search_days_(max_search_days) {}

std::vector<std::pair<int64_t, int64_t>> WindowSchedule::ZoneIntervals(const TimeZone& tz,
                                                                       int64_t first_day,
                                                                       int64_t last_day) const {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (int64_t d = first_day; d <= last_day; ++d) {
    int wd = WeekdayFromDays(d);
    const business::DayWindow& w = (wd == 0 || wd == 6) ? window_.weekends : window_.weekdays;
    if (w.end_min <= w.start_min) continue;  // closed that day
    int64_t s = tz.LocalToUtc(d * kDay + int64_t{w.start_min} * 60);
    int64_t e = tz.LocalToUtc(d * kDay + int64_t{w.end_min} * 60);
    if (s >= e) continue;
    if (!out.empty() && s <= out.back().second) {
      out.back().second = std::max(out.back().second, e);  // a 24-hour window joins days
    } else {
      out.emplace_back(s, e);
    }
  }
  return out;
}

void WindowSchedule::Build(int64_t t) {
  // The covered range only grows (tasks' times scatter around "now"), up to ~400 days.
  int64_t from = t, to = t + int64_t{horizon_days_} * kDay;
  if (built_to_ > built_from_ &&
      std::max(to, built_to_) - std::min(from, built_from_) < 400 * kDay) {
    from = std::min(from, built_from_);
    to = std::max(to, built_to_);
  }
  // Local days reach at most ±1 day (UTC−12…UTC+14) from UTC days; two days of margin each side.
  int64_t first = FloorDay(from) - 2, last = FloorDay(to) + 2;
  open_.clear();
  bool firstZone = true;
  for (ZoneId z : zones_) {
    auto iv = ZoneIntervals(db_.Get(z), first, last);
    open_ = firstZone ? std::move(iv) : Intersect(open_, iv);
    firstZone = false;
  }
  built_from_ = from;
  built_to_ = to;
}

int64_t WindowSchedule::NextOpen(int64_t t) {
  if (zones_.empty()) return kNever;
  int64_t searched = 0;
  while (searched <= int64_t{max_search_days_} * kDay) {
    if (t < built_from_ || t >= built_to_) Build(t);
    auto it = std::upper_bound(open_.begin(), open_.end(), t,
                               [](int64_t v, const auto& iv) { return v < iv.second; });
    if (it != open_.end() && it->first < built_to_) return std::max(it->first, t);
    searched += built_to_ - t;
    t = built_to_;
  }
  return kNever;
}

int64_t WindowSchedule::CloseAfter(int64_t t) {
  if (NextOpen(t) != t) return t;
  auto it = std::upper_bound(open_.begin(), open_.end(), t,
                             [](int64_t v, const auto& iv) { return v < iv.second; });
  return it == open_.end() ? t : it->second;
}

}  // namespace kira::dialer
