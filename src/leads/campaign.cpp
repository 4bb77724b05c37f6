#include "leads/campaign.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "catalog/csv_reader.h"
#include "core/text.h"
#include "core/tz.h"
#include "crm/phone.h"

namespace kira::leads {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const std::vector<std::string> kColumns = {"phone", "name", "note", "consent", "time"};
const catalog::ColumnAliases& Aliases() {
  static const catalog::ColumnAliases a = [] {
    catalog::ColumnAliases m;
    auto add = [&](const char* col, std::initializer_list<const char*> names) {
      for (const char* n : names) m[text::Normalize(n)] = col;
    };
    add("phone", {"телефон", "номер", "номер телефона", "тел", "phone number", "number", "msisdn"});
    add("name", {"имя", "фио", "клиент", "контакт", "customer", "contact", "full name"});
    add("note", {"комментарий", "примечание", "заметка", "что сказать", "comment", "notes"});
    add("consent", {"согласие", "источник согласия", "согласие на звонок", "consent source",
                    "opt in", "opt-in"});
    add("time", {"время", "когда звонить", "удобное время", "дата звонка", "preferred time",
                 "call time", "when"});
    return m;
  }();
  return a;
}

// "2026-12-01 10:00", "2026-12-01T10:00", "01.12.2026 10:00", "01.12.2026" in `zone`.
bool ParseTime(const std::string& raw, const std::string& zone, int64_t* out) {
  std::string s = text::Trim(raw);
  if (s.empty()) {
    *out = 0;
    return true;
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  char sep = 0;
  int n = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &n) == 6 &&
      (sep == ' ' || sep == 'T') && static_cast<size_t>(n) == s.size()) {
  } else if (std::sscanf(s.c_str(), "%2d.%2d.%4d %2d:%2d%n", &d, &mo, &y, &h, &mi, &n) == 5 &&
             static_cast<size_t>(n) == s.size()) {
  } else if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 &&
             static_cast<size_t>(n) == s.size()) {
    h = mi = 0;
  } else if (std::sscanf(s.c_str(), "%2d.%2d.%4d%n", &d, &mo, &y, &n) == 3 &&
             static_cast<size_t>(n) == s.size()) {
    h = mi = 0;
  } else {
    return false;
  }
  if (y < 2000 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || h < 0 ||
      mi < 0)
    return false;
  *out = ToUnixMillis(FromCivil(zone.empty() ? "UTC" : zone, y, mo, d, h, mi));
  return true;
}

Json ToJson(const Campaign& c) {
  Json refused = Json::array();
  for (const auto& r : c.refused) refused.push_back({{"line", r.line}, {"reason", r.reason}});
  return {{"id", c.id},
          {"name", c.name},
          {"advertising", c.advertising},
          {"file", c.file},
          {"created_by", c.created_by},
          {"created_at", c.created_at},
          {"lead_ids", c.lead_ids},
          {"task_ids", c.task_ids},
          {"refused", refused}};
}

Campaign FromJson(const Json& j) {
  Campaign c;
  c.id = j.value("id", int64_t{0});
  c.name = j.value("name", "");
  c.advertising = j.value("advertising", true);
  c.file = j.value("file", "");
  c.created_by = j.value("created_by", "");
  c.created_at = j.value("created_at", int64_t{0});
  c.lead_ids = j.value("lead_ids", std::vector<int64_t>{});
  c.task_ids = j.value("task_ids", std::vector<int64_t>{});
  if (j.contains("refused") && j["refused"].is_array())
    for (const auto& r : j["refused"])
      c.refused.push_back({r.value("line", size_t{0}), r.value("reason", ""), ""});
  return c;
}

struct Row {
  size_t line = 0;
  std::string phone, name, note, consent;
  int64_t not_before = 0;
};

}  // namespace

Result<CampaignResult> CampaignService::Create(const std::string& content, const std::string& file,
                                               const CampaignOptions& opt, const Actor& by) {
  if (opt.name.empty() || opt.name.size() > 200)
    return Status::Invalid("name: give the campaign a name of at most 200 bytes");
  if (!opt.timezone.empty()) KIRA_RETURN_IF_ERROR(FindZone(opt.timezone).status());
  catalog::ImportLimits limits;
  limits.max_file_bytes = opt.max_bytes;
  limits.max_rows = kMaxCampaignRows;
  limits.max_fields = 16;
  limits.max_field_bytes = kMaxNoteBytes;
  KIRA_ASSIGN_OR_RETURN(catalog::TextEncoding enc, catalog::ParseTextEncoding(opt.encoding));
  std::vector<std::string> warnings;
  KIRA_ASSIGN_OR_RETURN(std::string utf8,
                        catalog::DecodeCsvText(content, enc, file, limits, &warnings));
  KIRA_ASSIGN_OR_RETURN(catalog::CsvTable table, catalog::ReadCsv(utf8, file, limits));
  KIRA_ASSIGN_OR_RETURN(
      catalog::CsvColumns cols,
      catalog::MapColumns(table, file, kColumns, {"phone"}, &warnings, Aliases()));
  auto get = [&](const catalog::CsvRecord& r, size_t k) {
    int i = cols.index[k];
    return i >= 0 && static_cast<size_t>(i) < r.fields.size() ? text::Trim(r.fields[i])
                                                              : std::string();
  };

  CampaignResult out;
  out.rows = table.rows.size();
  std::vector<Row> good;
  std::map<std::string, size_t> seen;  // E.164 → first line
  for (const auto& r : table.rows) {
    Row row;
    row.line = r.line;
    std::string raw = get(r, 0);
    row.name = get(r, 1);
    row.note = get(r, 2);
    row.consent = get(r, 3);
    auto refuse = [&](const char* reason, std::string value) {
      out.refused.push_back({r.line, reason, std::move(value)});
    };
    auto e164 = crm::ToE164(raw);
    if (!e164.ok()) {
      refuse("bad_phone", raw);
      continue;
    }
    row.phone = *e164;
    if (auto [it, fresh] = seen.emplace(row.phone, r.line); !fresh) {
      refuse("duplicate", raw);
      continue;
    }
    bool dnc = false;
    {
      std::unique_lock<std::mutex> lock =
          mu_ ? std::unique_lock<std::mutex>(*mu_) : std::unique_lock<std::mutex>();
      KIRA_ASSIGN_OR_RETURN(dnc, store_.IsDnc(row.phone));
    }
    if (dnc) {
      refuse("dnc", raw);
      continue;
    }
    if (opt.advertising && row.consent.empty()) {
      refuse("no_consent", raw);
      continue;
    }
    if (!ParseTime(get(r, 4), opt.timezone, &row.not_before)) {
      refuse("bad_time", get(r, 4));
      continue;
    }
    if (row.note.size() > kMaxNoteBytes) {
      refuse("note_too_long", "");
      continue;
    }
    good.push_back(std::move(row));
  }
  if (!out.refused.empty() && !opt.skip_refused) return out;  // nothing written
  if (good.empty()) return Status::Invalid(file + ": no rows to call");

  std::lock_guard<std::mutex> files(files_mu_);
  KIRA_ASSIGN_OR_RETURN(auto existing, List());
  Campaign c;
  c.id = existing.empty() ? 1 : existing.front().id + 1;
  c.name = opt.name;
  c.advertising = opt.advertising;
  c.file = file.substr(0, 200);
  c.created_by = by.created_by;
  c.created_at = ToUnixMillis(clock_.Now());
  for (const auto& r : out.refused) c.refused.push_back({r.line, r.reason, ""});
  // The rows were checked above; a failure now is the store's (disk, a number put on the DNC
  // list meanwhile). Then what was created is cancelled and closed, so nobody is called.
  auto undo = [&](const Status& why) -> Status {
    for (int64_t t : c.task_ids) {
      std::unique_lock<std::mutex> lock =
          mu_ ? std::unique_lock<std::mutex>(*mu_) : std::unique_lock<std::mutex>();
      if (auto task = store_.GetTask(t); task.ok()) {
        task->status = crm::TaskStatus::kCancelled;
        (void)store_.UpdateTask(*task);  // best effort: the error below is what is reported
      }
    }
    for (int64_t l : c.lead_ids)
      (void)leads_.Close(l, std::string(crm::Name(crm::CloseReason::kDuplicate)),
                         by);  // best effort
    return why.WithContext("campaign not created (what was created is cancelled)");
  };
  for (const auto& row : good) {
    int64_t lead_id = 0;
    {
      std::unique_lock<std::mutex> lock =
          mu_ ? std::unique_lock<std::mutex>(*mu_) : std::unique_lock<std::mutex>();
      crm::Contact contact;
      contact.phone = row.phone;
      contact.name = row.name;
      auto cid = store_.UpsertContact(contact);
      if (!cid.ok()) return undo(cid.status());
      crm::Lead lead;
      lead.contact_id = *cid;
      lead.channel = "phone";
      lead.source = "campaign";
      lead.summary = row.note;
      lead.created_at = c.created_at;
      auto lid = store_.CreateLead(lead);
      if (!lid.ok()) return undo(lid.status());
      lead_id = *lid;
    }
    c.lead_ids.push_back(lead_id);
    CallRequest req;
    req.note = row.note;
    req.not_before = row.not_before;
    auto v = leads_.SendToVera(lead_id, req, by);
    if (!v.ok()) return undo(v.status().WithContext("line " + std::to_string(row.line)));
    c.task_ids.push_back(v->task.id);
  }
  if (Status s = Save(c); !s.ok()) return undo(s);
  {
    std::unique_lock<std::mutex> lock =
        mu_ ? std::unique_lock<std::mutex>(*mu_) : std::unique_lock<std::mutex>();
    crm::AuditEntry a;
    a.at = c.created_at;
    a.actor = by.audit;
    a.action = "campaign.create";
    a.entity = "campaign";
    a.entity_id = c.id;
    a.detail = std::to_string(c.task_ids.size()) + " calls, " + std::to_string(c.refused.size()) +
               " refused" + (opt.advertising ? ", advertising" : "");
    (void)store_.Audit(a);  // the campaign exists; a lost audit line is logged by the store
  }
  out.created = true;
  out.campaign = std::move(c);
  return out;
}

Status CampaignService::Save(const Campaign& c) {
  fs::path dir = fs::path(dir_) / "campaigns";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Io("cannot create " + dir.string() + ": " + ec.message());
  fs::path to = dir / (std::to_string(c.id) + ".json");
  fs::path tmp = dir / (std::to_string(c.id) + ".json.tmp");
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << ToJson(c).dump();
    if (!f) return Status::Io("cannot write " + tmp.string());
  }
  fs::rename(tmp, to, ec);  // atomic: a reader sees the old file or the whole new one
  if (ec) return Status::Io("cannot write " + to.string() + ": " + ec.message());
  return Status::Ok();
}

Result<Campaign> CampaignService::Load(int64_t id) {
  fs::path p = fs::path(dir_) / "campaigns" / (std::to_string(id) + ".json");
  std::ifstream f(p, std::ios::binary);
  if (!f) return Status::NotFound("no campaign " + std::to_string(id));
  std::stringstream ss;
  ss << f.rdbuf();
  Json j = Json::parse(ss.str(), nullptr, false);
  if (!j.is_object()) return Status::Internal(p.string() + " is not a campaign file");
  return FromJson(j);
}

Result<std::vector<Campaign>> CampaignService::List() {
  std::vector<Campaign> out;
  fs::path dir = fs::path(dir_) / "campaigns";
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() != ".json") continue;
    int64_t id = 0;
    try {
      id = std::stoll(e.path().stem().string());
    } catch (...) {
      continue;
    }
    auto c = Load(id);
    if (c.ok()) out.push_back(std::move(*c));
  }
  std::sort(out.begin(), out.end(),
            [](const Campaign& a, const Campaign& b) { return a.id > b.id; });
  return out;
}

Result<CampaignProgress> CampaignService::Progress(int64_t id) {
  CampaignProgress p;
  KIRA_ASSIGN_OR_RETURN(p.campaign, Load(id));
  std::map<std::string, size_t> results;
  std::unique_lock<std::mutex> lock =
      mu_ ? std::unique_lock<std::mutex>(*mu_) : std::unique_lock<std::mutex>();
  for (int64_t t : p.campaign.task_ids) {
    auto task = store_.GetTask(t);
    if (!task.ok()) continue;  // erased (a person forgotten under 152-FZ)
    ++p.total;
    switch (task->status) {
      case crm::TaskStatus::kOpen:
        ++p.open;
        break;
      case crm::TaskStatus::kInProgress:
        ++p.in_progress;
        break;
      case crm::TaskStatus::kDone:
        ++p.done;
        break;
      case crm::TaskStatus::kFailed:
        ++p.failed;
        break;
      case crm::TaskStatus::kCancelled:
        ++p.cancelled;
        break;
    }
    if (!task->last_result.empty()) ++results[task->last_result];
  }
  p.results.assign(results.begin(), results.end());
  return p;
}

}  // namespace kira::leads
