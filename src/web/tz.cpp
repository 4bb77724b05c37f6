#include "web/tz.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace kira::web {
namespace {

int64_t Be(const unsigned char* p, int n) {
  int64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  if (n == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return v;
}

}  // namespace

Result<TimeZone> TimeZone::Load(const std::string& name) {
  if (name.empty() || name == "UTC" || name == "Etc/UTC") return Utc();
  if (name.find("..") != std::string::npos)
    return Status::Invalid("time zone '" + name + "' is not a valid IANA name");
  const char* dir = std::getenv("TZDIR");
  std::string path = std::string(dir ? dir : "/usr/share/zoneinfo") + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("time zone '" + name + "' not found in " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  auto u = reinterpret_cast<const unsigned char*>(s.data());
  auto bad = [&] { return Status::Invalid(path + " is not a TZif file"); };
  if (s.size() < 44 || s.compare(0, 4, "TZif") != 0) return bad();
  auto counts = [&](size_t at, int64_t c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = Be(u + at + 20 + 4 * i, 4);
  };
  // counts: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  int64_t c[6];
  counts(0, c);
  size_t pos = 44;
  int tsize = 4;
  if (s[4] >= '2') {
    // Skip the v1 block; use the 64-bit one.
    pos += c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (s.size() < pos + 44) return bad();
    counts(pos, c);
    pos += 44;
    tsize = 8;
  }
  size_t need = c[3] * tsize + c[3] + c[4] * 6;
  if (s.size() < pos + need || c[4] == 0) return bad();
  TimeZone tz;
  std::vector<int64_t> times(c[3]);
  for (int64_t i = 0; i < c[3]; ++i) times[i] = Be(u + pos + i * tsize, tsize);
  const unsigned char* idx = u + pos + c[3] * tsize;
  const unsigned char* types = idx + c[3];
  auto type_off = [&](int t) { return static_cast<int32_t>(Be(types + t * 6, 4)); };
  tz.initial_ = type_off(0);
  for (int64_t i = 0; i < c[3]; ++i) {
    if (idx[i] >= c[4]) return bad();
    tz.times_.push_back(times[i]);
    tz.offsets_.push_back(type_off(idx[i]));
  }
  return tz;
}

int64_t TimeZone::OffsetSeconds(int64_t t) const {
  auto it = std::upper_bound(times_.begin(), times_.end(), t);
  if (it == times_.begin()) return initial_;
  return offsets_[it - times_.begin() - 1];
}

std::vector<int64_t> TimeZone::TransitionsBetween(int64_t from_s, int64_t to_s) const {
  std::vector<int64_t> out;
  for (size_t i = 0; i < times_.size(); ++i) {
    int32_t before = i == 0 ? initial_ : offsets_[i - 1];
    if (times_[i] > from_s && times_[i] < to_s && offsets_[i] != before) out.push_back(times_[i]);
  }
  return out;
}

}  // namespace kira::web
