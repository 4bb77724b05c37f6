// SqliteCrmStore: opening, the statement cache, contacts and leads.
#include "crm/sqlite/store.h"

#include "crm/sqlite/schema.h"

namespace kira::crm {

const char kContactColumns[] = "SELECT id, phone, name, timezone, created_at FROM contacts ";
const char kLeadColumns[] =
    "SELECT id, contact_id, channel, source, status, qualification, outcome, reason, summary, "
    "assigned_to, interest, source_flagged, created_at, updated_at FROM leads ";

Contact ReadContact(storage::Stmt& s) {
  Contact c;
  c.id = s.Int(0);
  c.phone = s.Text(1);
  c.name = s.Text(2);
  c.timezone = s.Text(3);
  c.created_at = s.Int(4);
  return c;
}

Result<Lead> ReadLead(storage::Stmt& s) {
  Lead l;
  l.id = s.Int(0);
  l.contact_id = s.Int(1);  // NULL reads as 0
  l.channel = s.Text(2);
  l.source = s.Text(3);
  KIRA_ASSIGN_OR_RETURN(l.status, ParseNamed(kLeadStatusTable, s.Text(4), "lead status"));
  KIRA_ASSIGN_OR_RETURN(l.qualification,
                        ParseNamed(kQualificationTable, s.Text(5), "lead qualification"));
  KIRA_ASSIGN_OR_RETURN(l.outcome, ParseOptionalNamed(kOutcomeTable, s.Text(6), "lead outcome"));
  KIRA_RETURN_IF_ERROR(SetStoredReason(s.Text(7), &l));
  l.summary = s.Text(8);
  l.assigned_to = s.Text(9);
  l.interest = s.Text(10);
  l.source_flagged = s.Int(11) != 0;
  l.created_at = s.Int(12);
  l.updated_at = s.Int(13);
  return l;
}

Result<std::unique_ptr<CrmStore>> OpenSqliteCrmStore(const std::string& path) {
  return OpenSqliteCrmStore(path, SqliteCrmOptions{});
}

Result<std::unique_ptr<CrmStore>> OpenSqliteCrmStore(const std::string& path,
                                                     const SqliteCrmOptions& options) {
  KIRA_ASSIGN_OR_RETURN(auto db, storage::Db::Open(path));
  KIRA_RETURN_IF_ERROR(
      db->Exec(options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"));
  if (options.max_page_count > 0) {
    KIRA_RETURN_IF_ERROR(
        db->Exec("PRAGMA max_page_count=" + std::to_string(options.max_page_count)));
  }
  KIRA_RETURN_IF_ERROR(storage::Migrate(*db, "crm", CrmMigrations()).WithContext("crm " + path));
  // Generated at the first start, beside the database, and reused afterwards.
  std::string secret;
  if (const std::string key_file = DncSecretPath(path); key_file.empty()) {
    secret = RandomDncSecret();
  } else {
    KIRA_ASSIGN_OR_RETURN(secret, LoadOrCreateDncSecret(key_file));
  }
  return std::unique_ptr<CrmStore>(new SqliteCrmStore(std::move(db), options, std::move(secret)));
}

SqliteCrmStore::~SqliteCrmStore() {
  cache_.clear();  // finalize statements before the connection closes
}

Result<CachedStmt> SqliteCrmStore::Sql(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    KIRA_ASSIGN_OR_RETURN(auto st, db_->Prepare(sql));
    it = cache_.emplace(std::string(sql), std::move(st)).first;
  }
  return CachedStmt(it->second.get());
}

Status SqliteCrmStore::MustExist(const char* table, const char* what, int64_t id) {
  KIRA_ASSIGN_OR_RETURN(auto q, Sql(std::string("SELECT 1 FROM ") + table + " WHERE id=?"));
  q->Bind(1, id);
  storage::Row r = q->Step();
  if (r == storage::Row::kError) return q->LastError();
  if (r == storage::Row::kDone) {
    return Status::NotFound(std::string(what) + " " + std::to_string(id) + " not found");
  }
  return Status::Ok();
}

// ---- contacts ----

Result<int64_t> SqliteCrmStore::UpsertContact(const Contact& c) {
  std::lock_guard lock(mu_);
  std::string key = ContactKey(c.phone);
  KIRA_ASSIGN_OR_RETURN(
      auto q,
      Sql("INSERT INTO contacts(phone, phone_key, name, timezone, created_at) VALUES(?,?,?,?,?) "
          "ON CONFLICT(phone_key) DO UPDATE SET "
          "name = CASE WHEN name = '' THEN excluded.name ELSE name END, "
          "timezone = CASE WHEN timezone = '' THEN excluded.timezone ELSE timezone END "
          "RETURNING id"));
  q->Bind(1, c.phone);
  if (key.empty()) {
    q->BindNull(2);
  } else {
    q->Bind(2, key);
  }
  q->Bind(3, c.name).Bind(4, c.timezone).Bind(5, c.created_at ? c.created_at : Now());
  if (q->Step() != storage::Row::kRow) return q->LastError().WithContext("save contact");
  int64_t id = q->Int(0);
  if (q->Step() == storage::Row::kError) return q->LastError().WithContext("save contact");
  return id;
}

Result<Contact> SqliteCrmStore::GetContact(int64_t id) {
  std::lock_guard lock(mu_);
  KIRA_ASSIGN_OR_RETURN(auto q, Sql(std::string(kContactColumns) + "WHERE id=?"));
  q->Bind(1, id);
  storage::Row r = q->Step();
  if (r == storage::Row::kError) return q->LastError();
  if (r == storage::Row::kDone)
    return Status::NotFound("contact " + std::to_string(id) + " not found");
  return ReadContact(*q);
}

Result<std::optional<Contact>> SqliteCrmStore::FindContactByPhone(const std::string& phone) {
  std::lock_guard lock(mu_);
  std::string key = ContactKey(phone);
  if (key.empty()) return std::optional<Contact>();
  KIRA_ASSIGN_OR_RETURN(auto q, Sql(std::string(kContactColumns) + "WHERE phone_key=?"));
  q->Bind(1, key);
  storage::Row r = q->Step();
  if (r == storage::Row::kError) return q->LastError();
  if (r == storage::Row::kDone) return std::optional<Contact>();
  return std::optional<Contact>(ReadContact(*q));
}

// ---- leads ----

Result<int64_t> SqliteCrmStore::CreateLead(const Lead& l) {
  std::lock_guard lock(mu_);
  KIRA_RETURN_IF_ERROR(CheckLead(l));
  if (l.contact_id != 0) {
    KIRA_RETURN_IF_ERROR(MustExist("contacts", "contact", l.contact_id).WithContext("lead"));
  }
  KIRA_ASSIGN_OR_RETURN(
      auto q,
      Sql("INSERT INTO leads(contact_id, channel, source, status, qualification, outcome, reason, "
          "summary, assigned_to, interest, source_flagged, created_at, updated_at) "
          "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  int64_t created = l.created_at ? l.created_at : Now();
  BindRef(*q, 1, l.contact_id);
  q->Bind(2, l.channel).Bind(3, l.source).Bind(4, Name(l.status)).Bind(5, Name(l.qualification));
  q->Bind(6, OptionalName(l.outcome)).Bind(7, StoredReason(l)).Bind(8, l.summary);
  q->Bind(9, l.assigned_to);
  q->Bind(10, l.interest).Bind(11, l.source_flagged ? 1 : 0).Bind(12, created);
  q->Bind(13, l.updated_at ? l.updated_at : created);
  KIRA_RETURN_IF_ERROR(q->Exec().WithContext("save lead"));
  return db_->LastInsertId();
}

Status SqliteCrmStore::UpdateLead(const Lead& l) {
  std::lock_guard lock(mu_);
  KIRA_RETURN_IF_ERROR(CheckLead(l));
  if (l.contact_id != 0) {
    KIRA_RETURN_IF_ERROR(MustExist("contacts", "contact", l.contact_id).WithContext("lead"));
  }
  KIRA_ASSIGN_OR_RETURN(
      auto q, Sql("UPDATE leads SET contact_id=?, channel=?, source=?, status=?, qualification=?, "
                  "outcome=?, reason=?, summary=?, assigned_to=?, interest=?, source_flagged=?, "
                  "updated_at=? WHERE id=?"));
  BindRef(*q, 1, l.contact_id);
  q->Bind(2, l.channel).Bind(3, l.source).Bind(4, Name(l.status)).Bind(5, Name(l.qualification));
  q->Bind(6, OptionalName(l.outcome)).Bind(7, StoredReason(l)).Bind(8, l.summary);
  q->Bind(9, l.assigned_to);
  q->Bind(10, l.interest).Bind(11, l.source_flagged ? 1 : 0).Bind(12, Now()).Bind(13, l.id);
  KIRA_RETURN_IF_ERROR(q->Exec().WithContext("update lead"));
  if (db_->Changes() == 0) return Status::NotFound("lead " + std::to_string(l.id) + " not found");
  return Status::Ok();
}

Result<Lead> SqliteCrmStore::GetLead(int64_t id) {
  std::lock_guard lock(mu_);
  KIRA_ASSIGN_OR_RETURN(auto q, Sql(std::string(kLeadColumns) + "WHERE id=?"));
  q->Bind(1, id);
  storage::Row r = q->Step();
  if (r == storage::Row::kError) return q->LastError();
  if (r == storage::Row::kDone)
    return Status::NotFound("lead " + std::to_string(id) + " not found");
  return ReadLead(*q);
}

namespace {

// The WHERE clause of a lead filter and its parameters, in order.
struct LeadWhere {
  struct Arg {
    bool is_text;
    int64_t number;
    std::string text;
  };
  std::string sql;
  std::vector<Arg> args;

  void Where(const std::string& cond) {
    sql += sql.empty() ? "WHERE " : " AND ";
    sql += cond;
  }
  void Add(const std::string& cond, const std::string& v) {
    Where(cond);
    args.push_back({true, 0, v});
  }
  void Add(const std::string& cond, int64_t v) {
    Where(cond);
    args.push_back({false, v, {}});
  }
  void Bind(storage::Stmt& s) const {
    int i = 1;
    for (const Arg& a : args) {
      if (a.is_text) {
        s.Bind(i++, a.text);
      } else {
        s.Bind(i++, a.number);
      }
    }
  }
};

// Builds the filter's WHERE clause. `anchor` is the (created_at, id) of the before_id lead
// when paging. When polling for new leads (after_id), the other columns are written `+col` so
// SQLite walks the short id range instead of a filter index.
LeadWhere BuildWhere(const LeadFilter& f, const std::pair<int64_t, int64_t>* anchor) {
  LeadWhere w;
  bool poll = anchor && f.after_id != 0;
  auto col = [poll](const char* c) { return std::string(poll ? "+" : "") + c; };
  if (f.outcome) w.Add(col("outcome") + "=?", std::string(Name(*f.outcome)));
  if (auto reason = ReasonFilterName(f); !reason.empty())
    w.Add(col("reason") + "=?", std::string(reason));
  if (!f.channel.empty()) w.Add(col("channel") + "=?", f.channel);
  if (f.status) w.Add(col("status") + "=?", std::string(Name(*f.status)));
  if (f.qualification) w.Add("qualification=?", std::string(Name(*f.qualification)));
  if (!f.assigned_to.empty()) w.Add("assigned_to=?", f.assigned_to);
  if (f.contact_id != 0) w.Add(col("contact_id") + "=?", f.contact_id);
  if (f.from != 0) w.Add(col("created_at") + ">=?", f.from);
  if (f.to != 0) w.Add(col("created_at") + "<?", f.to);
  if (anchor && f.before_id != 0) {
    w.Where("(created_at, id) < (?, ?)");
    w.args.push_back({false, anchor->first, {}});
    w.args.push_back({false, anchor->second, {}});
  }
  if (anchor && f.after_id != 0) w.Add("id>?", f.after_id);
  return w;
}

}  // namespace

Result<std::vector<Lead>> SqliteCrmStore::ListLeads(const LeadFilter& f) {
  KIRA_RETURN_IF_ERROR(CheckLeadPage(f.limit));
  std::lock_guard lock(mu_);
  std::pair<int64_t, int64_t> anchor{0, 0};
  if (f.before_id != 0) {
    KIRA_ASSIGN_OR_RETURN(auto a, Sql("SELECT created_at FROM leads WHERE id=?"));
    a->Bind(1, f.before_id);
    storage::Row r = a->Step();
    if (r == storage::Row::kError) return a->LastError();
    if (r == storage::Row::kDone) {
      return Status::NotFound("lead " + std::to_string(f.before_id) +
                              " not found (the page's before_id)");
    }
    anchor = {a->Int(0), f.before_id};
  }
  LeadWhere w = BuildWhere(f, &anchor);
  w.args.push_back({false, f.limit, {}});
  const char* order = f.after_id != 0 ? " ORDER BY +created_at DESC, id DESC LIMIT ?"
                                      : " ORDER BY created_at DESC, id DESC LIMIT ?";
  KIRA_ASSIGN_OR_RETURN(auto q, Sql(std::string(kLeadColumns) + w.sql + order));
  w.Bind(*q);
  std::vector<Lead> out;
  storage::Row r;
  while ((r = q->Step()) == storage::Row::kRow) {
    KIRA_ASSIGN_OR_RETURN(Lead l, ReadLead(*q));
    out.push_back(std::move(l));
  }
  if (r == storage::Row::kError) return q->LastError().WithContext("list leads");
  return out;
}

Result<int64_t> SqliteCrmStore::CountLeads(const LeadFilter& f) {
  std::lock_guard lock(mu_);
  LeadWhere w = BuildWhere(f, nullptr);
  KIRA_ASSIGN_OR_RETURN(auto q, Sql("SELECT count(*) FROM leads " + w.sql));
  w.Bind(*q);
  if (q->Step() != storage::Row::kRow) return q->LastError().WithContext("count leads");
  return q->Int(0);
}

Result<int64_t> SqliteCrmStore::CountLeadsUpTo(const LeadFilter& f, int64_t cap) {
  if (cap < 1) return Status::Invalid("lead count cap must be at least 1");
  std::lock_guard lock(mu_);
  LeadWhere w = BuildWhere(f, nullptr);
  w.args.push_back({false, cap, {}});
  KIRA_ASSIGN_OR_RETURN(auto q,
                        Sql("SELECT count(*) FROM (SELECT 1 FROM leads " + w.sql + " LIMIT ?)"));
  w.Bind(*q);
  if (q->Step() != storage::Row::kRow) return q->LastError().WithContext("count leads");
  return q->Int(0);
}

}  // namespace kira::crm
