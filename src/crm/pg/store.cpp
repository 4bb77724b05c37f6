// PgCrmStore: opening, the connection pool, contacts and leads.
#include "crm/pg/store.h"

namespace kira::crm {

const char kPgContactColumns[] = "SELECT id, phone, name, timezone, created_at FROM contacts ";
const char kPgLeadColumns[] =
    "SELECT id, contact_id, channel, source, status, qualification, outcome, reason, summary, "
    "assigned_to, interest, source_flagged, created_at, updated_at FROM leads ";

Contact ReadContact(const pg::Rows& r, int i) {
  Contact c;
  c.id = r.Int(i, 0);
  c.phone = r.Text(i, 1);
  c.name = r.Text(i, 2);
  c.timezone = r.Text(i, 3);
  c.created_at = r.Int(i, 4);
  return c;
}

Result<Lead> ReadLead(const pg::Rows& r, int i) {
  Lead l;
  l.id = r.Int(i, 0);
  l.contact_id = r.Int(i, 1);  // NULL reads as 0
  l.channel = r.Text(i, 2);
  l.source = r.Text(i, 3);
  KIRA_ASSIGN_OR_RETURN(l.status, ParseNamed(kLeadStatusTable, r.Text(i, 4), "lead status"));
  KIRA_ASSIGN_OR_RETURN(l.qualification,
                        ParseNamed(kQualificationTable, r.Text(i, 5), "lead qualification"));
  KIRA_ASSIGN_OR_RETURN(l.outcome, ParseOptionalNamed(kOutcomeTable, r.Text(i, 6), "lead outcome"));
  KIRA_RETURN_IF_ERROR(SetStoredReason(r.Text(i, 7), &l));
  l.summary = r.Text(i, 8);
  l.assigned_to = r.Text(i, 9);
  l.interest = r.Text(i, 10);
  l.source_flagged = r.Bool(i, 11);
  l.created_at = r.Int(i, 12);
  l.updated_at = r.Int(i, 13);
  return l;
}

Status MustExist(pg::Conn& db, const char* table, const char* what, int64_t id) {
  KIRA_ASSIGN_OR_RETURN(auto r, db.Query(std::string("SELECT 1 FROM ") + table + " WHERE id=$1",
                                         pg::Params().Add(id)));
  if (r.size() == 0)
    return Status::NotFound(std::string(what) + " " + std::to_string(id) + " not found");
  return Status::Ok();
}

Result<std::unique_ptr<CrmStore>> OpenPgCrmStore(const std::string& conninfo,
                                                 const PgCrmOptions& options) {
  if (options.connections < 1 || options.connections > 64) {
    return Status::Invalid("postgresql crm: connections must be 1..64, got " +
                           std::to_string(options.connections));
  }
  if (options.dnc_secret_path.empty()) {
    return Status::Invalid(
        "postgresql crm: no do-not-call key file given (every node needs a copy of the same "
        "dnc.key)");
  }
  KIRA_ASSIGN_OR_RETURN(std::string secret, LoadOrCreateDncSecret(options.dnc_secret_path));
  KIRA_ASSIGN_OR_RETURN(auto db, pg::Conn::Open(conninfo));
  KIRA_RETURN_IF_ERROR(pg::Migrate(*db, "crm", PgCrmMigrations()).WithContext("crm"));
  // Every node must hash forgotten numbers with the same key. The first node records the key's
  // fingerprint (a keyed hash of a fixed text, which tells nothing about the key).
  const std::string fingerprint = DncHashKey(secret, "kira dnc key check");
  KIRA_RETURN_IF_ERROR(db->Query("INSERT INTO crm_settings(key, value) VALUES('dnc_key', $1) "
                                 "ON CONFLICT DO NOTHING",
                                 pg::Params().Add(fingerprint))
                           .status());
  KIRA_ASSIGN_OR_RETURN(auto fp, db->Query("SELECT value FROM crm_settings WHERE key = 'dnc_key'"));
  if (fp.size() == 0 || fp.Text(0, 0) != fingerprint) {
    return Status::Invalid(options.dnc_secret_path +
                           " is not the do-not-call key this database was set up with: copy "
                           "dnc.key from the data directory of the first node (a different key "
                           "would stop forgotten numbers from matching the do-not-call list)");
  }
  auto store = std::make_unique<PgCrmStore>(conninfo, options, std::move(secret));
  store->AddIdle(std::move(db));
  return std::unique_ptr<CrmStore>(std::move(store));
}

// ---- contacts ----

Result<int64_t> PgCrmStore::UpsertContact(const Contact& c) {
  std::string key = ContactKey(c.phone);
  pg::Params p;
  p.Add(c.phone);
  if (key.empty()) {
    p.Null();
  } else {
    p.Add(key);
  }
  p.Add(c.name).Add(c.timezone).Add(c.created_at ? c.created_at : Now());
  return With([&](pg::Conn& db) -> Result<int64_t> {
    KIRA_ASSIGN_OR_RETURN(
        auto r,
        db.Query("INSERT INTO contacts(phone, phone_key, name, timezone, created_at) "
                 "VALUES($1,$2,$3,$4,$5) ON CONFLICT(phone_key) DO UPDATE SET "
                 "name = CASE WHEN contacts.name = '' THEN excluded.name ELSE contacts.name END, "
                 "timezone = CASE WHEN contacts.timezone = '' THEN excluded.timezone "
                 "ELSE contacts.timezone END RETURNING id",
                 p));
    return r.Int(0, 0);
  });
}

Result<Contact> PgCrmStore::GetContact(int64_t id) {
  return With([&](pg::Conn& db) -> Result<Contact> {
    KIRA_ASSIGN_OR_RETURN(
        auto r, db.Query(std::string(kPgContactColumns) + "WHERE id=$1", pg::Params().Add(id)));
    if (r.size() == 0) return Status::NotFound("contact " + std::to_string(id) + " not found");
    return ReadContact(r, 0);
  });
}

Result<std::optional<Contact>> PgCrmStore::FindContactByPhone(const std::string& phone) {
  std::string key = ContactKey(phone);
  if (key.empty()) return std::optional<Contact>();
  return With([&](pg::Conn& db) -> Result<std::optional<Contact>> {
    KIRA_ASSIGN_OR_RETURN(auto r, db.Query(std::string(kPgContactColumns) + "WHERE phone_key=$1",
                                           pg::Params().Add(key)));
    if (r.size() == 0) return std::optional<Contact>();
    return std::optional<Contact>(ReadContact(r, 0));
  });
}

// ---- leads ----

namespace {

// The fields of a lead after contact_id, as parameters, in the column order of INSERT/UPDATE.
void AddLeadFields(pg::Params& p, const Lead& l) {
  AddRef(p, l.contact_id);
  p.Add(l.channel).Add(l.source).Add(Name(l.status)).Add(Name(l.qualification));
  p.Add(OptionalName(l.outcome))
      .Add(StoredReason(l))
      .Add(l.summary)
      .Add(l.assigned_to)
      .Add(l.interest)
      .Add(l.source_flagged);
}

}  // namespace

Result<int64_t> PgCrmStore::CreateLead(const Lead& l) {
  KIRA_RETURN_IF_ERROR(CheckLead(l));
  int64_t created = l.created_at ? l.created_at : Now();
  pg::Params p;
  AddLeadFields(p, l);
  p.Add(created).Add(l.updated_at ? l.updated_at : created);
  return With([&](pg::Conn& db) -> Result<int64_t> {
    if (l.contact_id != 0)
      KIRA_RETURN_IF_ERROR(MustExist(db, "contacts", "contact", l.contact_id).WithContext("lead"));
    KIRA_ASSIGN_OR_RETURN(
        auto r,
        // NOTIFY kira_crm (change_feed.h): every node's workspace shows the lead at once.
        db.Query("WITH ins AS (INSERT INTO leads(contact_id, channel, source, status, "
                 "qualification, outcome, reason, summary, assigned_to, interest, source_flagged, "
                 "created_at, updated_at) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) "
                 "RETURNING id) SELECT id, pg_notify('kira_crm', 'lead:' || id) FROM ins",
                 p));
    return r.Int(0, 0);
  });
}

Status PgCrmStore::UpdateLead(const Lead& l) {
  KIRA_RETURN_IF_ERROR(CheckLead(l));
  pg::Params p;
  AddLeadFields(p, l);
  p.Add(Now()).Add(l.id);
  return With([&](pg::Conn& db) -> Status {
    if (l.contact_id != 0)
      KIRA_RETURN_IF_ERROR(MustExist(db, "contacts", "contact", l.contact_id).WithContext("lead"));
    KIRA_ASSIGN_OR_RETURN(
        auto r, db.Query("UPDATE leads SET contact_id=$1, channel=$2, source=$3, status=$4, "
                         "qualification=$5, outcome=$6, reason=$7, summary=$8, assigned_to=$9, "
                         "interest=$10, source_flagged=$11, updated_at=$12 WHERE id=$13",
                         p));
    if (r.affected() == 0) return Status::NotFound("lead " + std::to_string(l.id) + " not found");
    return Status::Ok();
  });
}

Result<Lead> PgCrmStore::GetLead(int64_t id) {
  return With([&](pg::Conn& db) -> Result<Lead> {
    KIRA_ASSIGN_OR_RETURN(
        auto r, db.Query(std::string(kPgLeadColumns) + "WHERE id=$1", pg::Params().Add(id)));
    if (r.size() == 0) return Status::NotFound("lead " + std::to_string(id) + " not found");
    return ReadLead(r, 0);
  });
}

namespace {

// The WHERE clause of a lead filter and its parameters $1…$n, in order.
struct LeadWhere {
  std::string sql;
  pg::Params params;
  int n = 0;

  std::string Next() { return "$" + std::to_string(++n); }
  void Where(const std::string& cond) {
    sql += sql.empty() ? "WHERE " : " AND ";
    sql += cond;
  }
  template <typename T>
  void Add(const std::string& col_op, const T& v) {
    Where(col_op + Next());
    params.Add(v);
  }
};

// `anchor` is the created_at of the before_id lead when paging.
LeadWhere BuildWhere(const LeadFilter& f, const int64_t* anchor) {
  LeadWhere w;
  if (f.outcome) w.Add("outcome=", Name(*f.outcome));
  if (auto reason = ReasonFilterName(f); !reason.empty()) w.Add("reason=", reason);
  if (!f.channel.empty()) w.Add("channel=", f.channel);
  if (f.status) w.Add("status=", Name(*f.status));
  if (f.qualification) w.Add("qualification=", Name(*f.qualification));
  if (!f.assigned_to.empty()) w.Add("assigned_to=", f.assigned_to);
  if (f.contact_id != 0) w.Add("contact_id=", f.contact_id);
  if (f.from != 0) w.Add("created_at>=", f.from);
  if (f.to != 0) w.Add("created_at<", f.to);
  if (anchor && f.before_id != 0) {
    std::string a = w.Next(), b = w.Next();
    w.Where("(created_at, id) < (" + a + ", " + b + ")");
    w.params.Add(*anchor).Add(f.before_id);
  }
  if (anchor && f.after_id != 0) w.Add("id>", f.after_id);
  return w;
}

}  // namespace

Result<std::vector<Lead>> PgCrmStore::ListLeads(const LeadFilter& f) {
  KIRA_RETURN_IF_ERROR(CheckLeadPage(f.limit));
  return With([&](pg::Conn& db) -> Result<std::vector<Lead>> {
    int64_t anchor = 0;
    if (f.before_id != 0) {
      KIRA_ASSIGN_OR_RETURN(auto a, db.Query("SELECT created_at FROM leads WHERE id=$1",
                                             pg::Params().Add(f.before_id)));
      if (a.size() == 0) {
        return Status::NotFound("lead " + std::to_string(f.before_id) +
                                " not found (the page's before_id)");
      }
      anchor = a.Int(0, 0);
    }
    LeadWhere w = BuildWhere(f, &anchor);
    std::string limit = w.Next();
    w.params.Add(f.limit);
    KIRA_ASSIGN_OR_RETURN(auto r, db.Query(std::string(kPgLeadColumns) + w.sql +
                                               " ORDER BY created_at DESC, id DESC LIMIT " + limit,
                                           w.params));
    std::vector<Lead> out;
    out.reserve(r.size());
    for (int i = 0; i < r.size(); ++i) {
      KIRA_ASSIGN_OR_RETURN(Lead l, ReadLead(r, i));
      out.push_back(std::move(l));
    }
    return out;
  });
}

Result<int64_t> PgCrmStore::CountLeads(const LeadFilter& f) {
  LeadWhere w = BuildWhere(f, nullptr);
  return With([&](pg::Conn& db) -> Result<int64_t> {
    KIRA_ASSIGN_OR_RETURN(auto r, db.Query("SELECT count(*) FROM leads " + w.sql, w.params));
    return r.Int(0, 0);
  });
}

Result<int64_t> PgCrmStore::CountLeadsUpTo(const LeadFilter& f, int64_t cap) {
  if (cap < 1) return Status::Invalid("lead count cap must be at least 1");
  LeadWhere w = BuildWhere(f, nullptr);
  std::string limit = w.Next();
  w.params.Add(cap);
  return With([&](pg::Conn& db) -> Result<int64_t> {
    KIRA_ASSIGN_OR_RETURN(auto r, db.Query("SELECT count(*) FROM (SELECT 1 FROM leads " + w.sql +
                                               " LIMIT " + limit + ") s",
                                           w.params));
    return r.Int(0, 0);
  });
}

}  // namespace kira::crm
