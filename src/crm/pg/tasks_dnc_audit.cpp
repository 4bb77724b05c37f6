// PgCrmStore: tasks (callbacks and Vera's calls), the do-not-call list and the audit log.
#include "crm/pg/store.h"

namespace kira::crm {

const char kPgTaskColumns[] =
    "SELECT id, lead_id, kind, agent, phone, timezone, note, not_before, deadline, attempts, "
    "last_attempt_at, last_result, status, created_by, created_at FROM tasks ";

Result<Task> ReadTask(const pg::Rows& r, int i) {
  Task t;
  t.id = r.Int(i, 0);
  t.lead_id = r.Int(i, 1);
  KIRA_ASSIGN_OR_RETURN(t.kind, ParseNamed(kTaskKindTable, r.Text(i, 2), "task kind"));
  t.agent = r.Text(i, 3);
  t.phone = r.Text(i, 4);
  t.timezone = r.Text(i, 5);
  t.note = r.Text(i, 6);
  t.not_before = r.Int(i, 7);
  t.deadline = r.Int(i, 8);
  t.attempts = static_cast<int>(r.Int(i, 9));
  t.last_attempt_at = r.Int(i, 10);
  t.last_result = r.Text(i, 11);
  KIRA_ASSIGN_OR_RETURN(t.status, ParseNamed(kTaskStatusTable, r.Text(i, 12), "task status"));
  t.created_by = r.Text(i, 13);
  t.created_at = r.Int(i, 14);
  return t;
}

namespace {

// lead_id … created_by as parameters $1…$13, the column order of INSERT and UPDATE.
void AddTaskFields(pg::Params& p, const Task& t) {
  AddRef(p, t.lead_id);
  p.Add(Name(t.kind)).Add(t.agent).Add(t.phone).Add(t.timezone).Add(t.note).Add(t.not_before);
  p.Add(t.deadline).Add(t.attempts).Add(t.last_attempt_at).Add(t.last_result).Add(Name(t.status));
  p.Add(t.created_by);
}

Result<std::vector<Task>> Tasks(const pg::Rows& r) {
  std::vector<Task> out;
  out.reserve(r.size());
  for (int i = 0; i < r.size(); ++i) {
    KIRA_ASSIGN_OR_RETURN(Task t, ReadTask(r, i));
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

Result<int64_t> PgCrmStore::CreateTask(const Task& t) {
  KIRA_RETURN_IF_ERROR(CheckTask(t));
  pg::Params p;
  AddTaskFields(p, t);
  p.Add(t.created_at ? t.created_at : Now());
  return With([&](pg::Conn& db) -> Result<int64_t> {
    if (t.lead_id != 0)
      KIRA_RETURN_IF_ERROR(MustExist(db, "leads", "lead", t.lead_id).WithContext("task"));
    KIRA_ASSIGN_OR_RETURN(
        auto r, db.Query("INSERT INTO tasks(lead_id, kind, agent, phone, timezone, note, "
                         "not_before, deadline, attempts, last_attempt_at, last_result, status, "
                         "created_by, created_at) "
                         "VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING id",
                         p));
    return r.Int(0, 0);
  });
}

Status PgCrmStore::UpdateTask(const Task& t) {
  KIRA_RETURN_IF_ERROR(CheckTask(t));
  pg::Params p;
  AddTaskFields(p, t);
  p.Add(t.id);
  return With([&](pg::Conn& db) -> Status {
    if (t.lead_id != 0)
      KIRA_RETURN_IF_ERROR(MustExist(db, "leads", "lead", t.lead_id).WithContext("task"));
    KIRA_ASSIGN_OR_RETURN(
        auto r, db.Query("UPDATE tasks SET lead_id=$1, kind=$2, agent=$3, phone=$4, timezone=$5, "
                         "note=$6, not_before=$7, deadline=$8, attempts=$9, last_attempt_at=$10, "
                         "last_result=$11, status=$12, created_by=$13 WHERE id=$14",
                         p));
    if (r.affected() == 0) return Status::NotFound("task " + std::to_string(t.id) + " not found");
    return Status::Ok();
  });
}

Status PgCrmStore::UpdateTaskIf(const Task& t, TaskStatus expect, const std::string& node) {
  KIRA_RETURN_IF_ERROR(CheckTask(t));
  pg::Params p;
  AddTaskFields(p, t);
  p.Add(t.id).Add(Name(expect)).Add(node);
  return With([&](pg::Conn& db) -> Status {
    if (t.lead_id != 0)
      KIRA_RETURN_IF_ERROR(MustExist(db, "leads", "lead", t.lead_id).WithContext("task"));
    // One conditional UPDATE: under READ COMMITTED a concurrent claim of the same row is waited
    // for and the condition re-checked on the row it wrote.
    KIRA_ASSIGN_OR_RETURN(
        auto r, db.Query("UPDATE tasks SET lead_id=$1, kind=$2, agent=$3, phone=$4, timezone=$5, "
                         "note=$6, not_before=$7, deadline=$8, attempts=$9, last_attempt_at=$10, "
                         "last_result=$11, status=$12, created_by=$13, lease_until=CASE WHEN $12=" +
                             SqlName(TaskStatus::kInProgress) +
                             " THEN lease_until ELSE 0 END WHERE id=$14 AND status=$15 AND ($15<>" +
                             SqlName(TaskStatus::kInProgress) + " OR claimed_by=$16)",
                         p));
    if (r.affected() == 1) return Status::Ok();
    KIRA_ASSIGN_OR_RETURN(auto now, db.Query("SELECT status, claimed_by FROM tasks WHERE id=$1",
                                             pg::Params().Add(t.id)));
    if (now.size() == 0) return Status::NotFound("task " + std::to_string(t.id) + " not found");
    KIRA_ASSIGN_OR_RETURN(TaskStatus now_status,
                          ParseNamed(kTaskStatusTable, now.Text(0, 0), "task status"));
    return TaskWriteConflict(t.id, expect, node, now_status, now.Text(0, 1));
  });
}

Result<Task> PgCrmStore::GetTask(int64_t id) {
  return With([&](pg::Conn& db) -> Result<Task> {
    KIRA_ASSIGN_OR_RETURN(
        auto r, db.Query(std::string(kPgTaskColumns) + "WHERE id=$1", pg::Params().Add(id)));
    if (r.size() == 0) return Status::NotFound("task " + std::to_string(id) + " not found");
    return ReadTask(r, 0);
  });
}

Result<std::vector<Task>> PgCrmStore::ListTasks(std::optional<TaskStatus> status, int64_t lead_id) {
  std::string where;
  pg::Params p;
  if (status) {
    p.Add(Name(*status));
    where = "WHERE status=$1 ";
  }
  if (lead_id != 0) {
    p.Add(lead_id);
    where += (where.empty() ? "WHERE lead_id=$" : "AND lead_id=$") +
             std::to_string(p.values().size()) + " ";
  }
  return With([&](pg::Conn& db) -> Result<std::vector<Task>> {
    KIRA_ASSIGN_OR_RETURN(auto r, db.Query(std::string(kPgTaskColumns) + where + "ORDER BY id", p));
    return Tasks(r);
  });
}

Result<std::vector<Task>> PgCrmStore::ListTaskPage(TaskStatus status, int64_t after_id, int limit) {
  KIRA_RETURN_IF_ERROR(CheckTaskPageLimit(limit));
  return With([&](pg::Conn& db) -> Result<std::vector<Task>> {
    KIRA_ASSIGN_OR_RETURN(
        auto r,
        db.Query(std::string(kPgTaskColumns) + "WHERE status=$1 AND id>$2 ORDER BY id LIMIT $3",
                 pg::Params().Add(Name(status)).Add(after_id).Add(limit)));
    return Tasks(r);
  });
}

Result<std::vector<Task>> PgCrmStore::ListDueTasks(int64_t now, int limit) {
  KIRA_RETURN_IF_ERROR(CheckDueTaskLimit(limit));
  return With([&](pg::Conn& db) -> Result<std::vector<Task>> {
    KIRA_ASSIGN_OR_RETURN(
        auto r, db.Query(std::string(kPgTaskColumns) + "WHERE status=" +
                             SqlName(TaskStatus::kOpen) +  // the partial index tasks_due's literal
                             " AND not_before<=$1 ORDER BY not_before, id LIMIT $2",
                         pg::Params().Add(now).Add(limit)));
    return Tasks(r);
  });
}

Result<bool> PgCrmStore::ClaimTask(int64_t id, int64_t now) {
  return With([&](pg::Conn& db) -> Result<bool> {
    // Exactly once across nodes: under READ COMMITTED a second UPDATE of the same row waits for
    // the first to commit, then re-checks status='open' on the row it wrote, and matches
    // nothing. RETURNING tells this caller whether it was the one.
    KIRA_ASSIGN_OR_RETURN(auto r,
                          db.Query("UPDATE tasks SET status=$3, attempts=attempts+1, "
                                   "last_attempt_at=$1, claimed_by='', lease_until=0, trunk='' "
                                   "WHERE id=$2 AND status=$4 RETURNING id",
                                   pg::Params()
                                       .Add(now)
                                       .Add(id)
                                       .Add(Name(TaskStatus::kInProgress))
                                       .Add(Name(TaskStatus::kOpen))));
    if (r.size() == 1) return true;
    KIRA_RETURN_IF_ERROR(MustExist(db, "tasks", "task", id));
    return false;
  });
}

// ---- do-not-call ----

namespace {

constexpr char kInsertDnc[] =
    "INSERT INTO dnc(phone_key, phone, reason, source, added_at) VALUES($1,$2,$3,$4,$5) "
    "ON CONFLICT(phone_key) DO NOTHING";

}  // namespace

Status PgCrmStore::AddDnc(const DncEntry& e) {
  KIRA_ASSIGN_OR_RETURN(std::string key, DncKey(e.phone));
  // The first entry wins: its time and reason are when and why the person opted out.
  pg::Params p;
  p.Add(key).Add(e.phone).Add(e.reason).Add(e.source).Add(e.added_at ? e.added_at : Now());
  return With([&](pg::Conn& db) -> Status {
    return db.Query(kInsertDnc, p).status().WithContext("add to do-not-call");
  });
}

Status PgCrmStore::RemoveDnc(const std::string& phone) {
  KIRA_ASSIGN_OR_RETURN(std::string key, DncKey(phone));
  pg::Params p;
  p.Add(key).Add(DncHashKey(dnc_secret_, key)).Add(LegacyDncHashKey(key));
  return With([&](pg::Conn& db) -> Status {
    KIRA_ASSIGN_OR_RETURN(auto r, db.Query("DELETE FROM dnc WHERE phone_key IN ($1, $2, $3)", p));
    if (r.affected() == 0) return Status::NotFound(phone + " is not on the do-not-call list");
    return Status::Ok();
  });
}

Result<bool> PgCrmStore::IsDnc(const std::string& phone) {
  KIRA_ASSIGN_OR_RETURN(std::string key, DncKey(phone));
  // A forgotten person's entry holds only a hash of the number (Forget, privacy.cpp).
  pg::Params p;
  p.Add(key).Add(DncHashKey(dnc_secret_, key)).Add(LegacyDncHashKey(key));
  return With([&](pg::Conn& db) -> Result<bool> {
    KIRA_ASSIGN_OR_RETURN(auto r,
                          db.Query("SELECT 1 FROM dnc WHERE phone_key IN ($1, $2, $3) LIMIT 1", p));
    return r.size() > 0;
  });
}

Result<std::vector<DncEntry>> PgCrmStore::ListDnc() {
  return With([&](pg::Conn& db) -> Result<std::vector<DncEntry>> {
    KIRA_ASSIGN_OR_RETURN(auto r, db.Query("SELECT phone, reason, source, added_at FROM dnc "
                                           "ORDER BY added_at, phone_key COLLATE \"C\""));
    std::vector<DncEntry> out;
    out.reserve(r.size());
    for (int i = 0; i < r.size(); ++i)
      out.push_back(DncEntry{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Int(i, 3)});
    return out;
  });
}

Status PgCrmStore::ImportDnc(const std::vector<DncEntry>& entries) {
  std::vector<std::string> keys;
  keys.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    Result<std::string> key = DncKey(entries[i].phone);
    if (!key.ok()) return key.status().WithContext("do-not-call entry " + std::to_string(i + 1));
    keys.push_back(std::move(*key));
  }
  const int64_t now = Now();
  return With([&](pg::Conn& db) -> Status {
    pg::Transaction tx(db);
    KIRA_RETURN_IF_ERROR(tx.status().WithContext("import do-not-call"));
    for (size_t i = 0; i < entries.size(); ++i) {
      const DncEntry& e = entries[i];
      pg::Params p;
      p.Add(keys[i]).Add(e.phone).Add(e.reason).Add(e.source).Add(e.added_at ? e.added_at : now);
      KIRA_RETURN_IF_ERROR(db.Query(kInsertDnc, p)
                               .status()
                               .WithContext("import do-not-call entry " + std::to_string(i + 1)));
    }
    return tx.Commit().WithContext("import do-not-call");
  });
}

// ---- audit ----

Status PgCrmStore::Audit(const AuditEntry& e) {
  if (e.action.empty()) return Status::Invalid("audit entry has no action");
  pg::Params p;
  p.Add(e.at ? e.at : Now()).Add(e.actor).Add(e.action).Add(e.entity).Add(e.entity_id);
  p.Add(e.detail);
  return With([&](pg::Conn& db) -> Status {
    return db
        .Query(
            "INSERT INTO audit(at, actor, action, entity, entity_id, detail) "
            "VALUES($1,$2,$3,$4,$5,$6)",
            p)
        .status()
        .WithContext("write audit log");
  });
}

Result<std::vector<AuditEntry>> PgCrmStore::ListAudit(const std::string& entity,
                                                      int64_t entity_id) {
  std::string where;
  pg::Params p;
  if (!entity.empty()) {
    p.Add(entity);
    where = "WHERE entity=$1 ";
  }
  if (entity_id != 0) {
    p.Add(entity_id);
    where += (where.empty() ? "WHERE entity_id=$" : "AND entity_id=$") +
             std::to_string(p.values().size()) + " ";
  }
  return With([&](pg::Conn& db) -> Result<std::vector<AuditEntry>> {
    KIRA_ASSIGN_OR_RETURN(
        auto r, db.Query("SELECT id, at, actor, action, entity, entity_id, detail FROM audit " +
                             where + "ORDER BY id",
                         p));
    std::vector<AuditEntry> out;
    out.reserve(r.size());
    for (int i = 0; i < r.size(); ++i) {
      out.push_back(AuditEntry{r.Int(i, 0), r.Int(i, 1), r.Text(i, 2), r.Text(i, 3), r.Text(i, 4),
                               r.Int(i, 5), r.Text(i, 6)});
    }
    return out;
  });
}

}  // namespace kira::crm
