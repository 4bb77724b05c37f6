#include "dialer/plan_writer.h"

#include <cstdio>

#include "core/clock.h"

namespace kira::dialer {

void AppendJsonString(const std::string& s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out->append(buf);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

const std::string& PlanWriter::ZonesJson(ZoneSetId id) {
  auto it = zone_json_.find(id);
  if (it != zone_json_.end()) return it->second;
  std::string s = "[";
  if (id != kNoZoneSet) {
    bool first = true;
    for (ZoneId z : db_.Members(id)) {
      if (!first) s.push_back(',');
      first = false;
      AppendJsonString(db_.Name(z), &s);
    }
  }
  s.push_back(']');
  return zone_json_.emplace(id, std::move(s)).first->second;
}

const std::string& PlanWriter::ZoneNames(ZoneSetId id) {
  auto it = zone_names_.find(id);
  if (it != zone_names_.end()) return it->second;
  return zone_names_.emplace(id, id == kNoZoneSet ? "-" : db_.SetNames(id)).first->second;
}

void PlanWriter::Append(const PlanEntry& e, std::string* out) {
  const Decision& d = e.decision;
  const crm::Task& t = *e.task;
  ++counts_[static_cast<int>(d.verdict)];
  std::string next = d.next_allowed_ms ? FormatIsoUtc(FromUnixMillis(d.next_allowed_ms)) : "";
  if (!json_) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "task %-6lld %-5s %-15s next %-20s ",
                  static_cast<long long>(t.id), std::string(VerdictName(d.verdict)).c_str(),
                  std::string(ReasonName(d.reason)).c_str(), next.empty() ? "-" : next.c_str());
    out->append(buf);
    out->append(t.phone);
    if (d.consent_required) out->append("  consent");
    out->append("  ");
    out->append(ZoneNames(d.zones));
    out->push_back('\n');
    return;
  }
  out->append("{\"task_id\":" + std::to_string(t.id) + ",\"lead_id\":" + std::to_string(t.lead_id));
  out->append(",\"phone\":");
  AppendJsonString(t.phone, out);
  out->append(",\"decision\":\"");
  out->append(VerdictName(d.verdict));
  out->append("\",\"reason\":\"");
  out->append(ReasonName(d.reason));
  out->append("\",\"next_allowed\":");
  out->append(next.empty() ? "null" : "\"" + next + "\"");
  out->append(",\"zones\":");
  out->append(ZonesJson(d.zones));
  out->append(",\"zone_source\":");
  if (d.zones == kNoZoneSet) {
    out->append("null");
  } else {
    out->push_back('"');
    out->append(ZoneSourceName(d.zone_source));
    out->push_back('"');
  }
  out->append(d.consent_required ? ",\"consent_required\":true" : ",\"consent_required\":false");
  out->append(",\"attempts\":" + std::to_string(t.attempts));
  out->append(",\"trunk\":");
  if (e.trunk >= 0) {
    const TrunkConfig& tr = cfg_.trunks[static_cast<size_t>(e.trunk)];
    AppendJsonString(tr.name, out);
    const std::string& cid = tr.caller_id.empty() ? cfg_.caller_id : tr.caller_id;
    out->append(",\"caller_id\":");
    if (cid.empty()) {
      out->append("null");  // none configured: the trunk's own
    } else {
      AppendJsonString(cid, out);
    }
  } else {
    out->append("null,\"caller_id\":null");
  }
  out->append("}\n");
}

std::string PlanWriter::Summary(int64_t at_ms) const {
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "plan at %s: %lld open task(s): %lld dial, %lld wait, %lld close\n",
                FormatIsoUtc(FromUnixMillis(at_ms)).c_str(),
                static_cast<long long>(counts_[0] + counts_[1] + counts_[2]),
                static_cast<long long>(counts_[0]), static_cast<long long>(counts_[1]),
                static_cast<long long>(counts_[2]));
  return buf;
}

}  // namespace kira::dialer
