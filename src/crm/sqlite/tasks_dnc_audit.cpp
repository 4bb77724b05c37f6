// SqliteCrmStore: tasks (callbacks and Vera's calls), the do-not-call list and the audit log.
#include "crm/sqlite/store.h"

namespace kira::crm {

const char kTaskColumns[] =
    "SELECT id, lead_id, kind, agent, phone, timezone, note, not_before, deadline, attempts, "
    "last_attempt_at, last_result, status, created_by, created_at FROM tasks ";

Result<Task> ReadTask(storage::Stmt& s) {
  Task t;
  t.id = s.Int(0);
  t.lead_id = s.Int(1);
  KIRA_ASSIGN_OR_RETURN(t.kind, ParseNamed(kTaskKindTable, s.Text(2), "task kind"));
  t.agent = s.Text(3);
  t.phone = s.Text(4);
  t.timezone = s.Text(5);
  t.note = s.Text(6);
  t.not_before = s.Int(7);
  t.deadline = s.Int(8);
  t.attempts = static_cast<int>(s.Int(9));
  t.last_attempt_at = s.Int(10);
  t.last_result = s.Text(11);
  KIRA_ASSIGN_OR_RETURN(t.status, ParseNamed(kTaskStatusTable, s.Text(12), "task status"));
  t.created_by = s.Text(13);
  t.created_at = s.Int(14);
  return t;
}

Result<int64_t> SqliteCrmStore::CreateTask(const Task& t) {
  std::lock_guard lock(mu_);
  KIRA_RETURN_IF_ERROR(CheckTask(t));
  if (t.lead_id != 0)
    KIRA_RETURN_IF_ERROR(MustExist("leads", "lead", t.lead_id).WithContext("task"));
  KIRA_ASSIGN_OR_RETURN(
      auto q,
      Sql("INSERT INTO tasks(lead_id, kind, agent, phone, timezone, note, not_before, deadline, "
          "attempts, last_attempt_at, last_result, status, created_by, created_at) "
          "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  BindRef(*q, 1, t.lead_id);
  q->Bind(2, Name(t.kind)).Bind(3, t.agent).Bind(4, t.phone).Bind(5, t.timezone).Bind(6, t.note);
  q->Bind(7, t.not_before).Bind(8, t.deadline).Bind(9, t.attempts).Bind(10, t.last_attempt_at);
  q->Bind(11, t.last_result).Bind(12, Name(t.status)).Bind(13, t.created_by);
  q->Bind(14, t.created_at ? t.created_at : Now());
  KIRA_RETURN_IF_ERROR(q->Exec().WithContext("save task"));
  return db_->LastInsertId();
}

Status SqliteCrmStore::UpdateTask(const Task& t) {
  std::lock_guard lock(mu_);
  KIRA_RETURN_IF_ERROR(CheckTask(t));
  if (t.lead_id != 0)
    KIRA_RETURN_IF_ERROR(MustExist("leads", "lead", t.lead_id).WithContext("task"));
  KIRA_ASSIGN_OR_RETURN(
      auto q,
      Sql("UPDATE tasks SET lead_id=?, kind=?, agent=?, phone=?, timezone=?, note=?, not_before=?, "
          "deadline=?, attempts=?, last_attempt_at=?, last_result=?, status=?, created_by=? "
          "WHERE id=?"));
  BindRef(*q, 1, t.lead_id);
  q->Bind(2, Name(t.kind)).Bind(3, t.agent).Bind(4, t.phone).Bind(5, t.timezone).Bind(6, t.note);
  q->Bind(7, t.not_before).Bind(8, t.deadline).Bind(9, t.attempts).Bind(10, t.last_attempt_at);
  q->Bind(11, t.last_result).Bind(12, Name(t.status)).Bind(13, t.created_by).Bind(14, t.id);
  KIRA_RETURN_IF_ERROR(q->Exec().WithContext("update task"));
  if (db_->Changes() == 0) return Status::NotFound("task " + std::to_string(t.id) + " not found");
  return Status::Ok();
}

Status SqliteCrmStore::UpdateTaskIf(const Task& t, TaskStatus expect, const std::string& node) {
  std::lock_guard lock(mu_);
  KIRA_RETURN_IF_ERROR(CheckTask(t));
  if (t.lead_id != 0)
    KIRA_RETURN_IF_ERROR(MustExist("leads", "lead", t.lead_id).WithContext("task"));
  {
    // One conditional UPDATE: the check and the write are one step, whoever else writes.
    KIRA_ASSIGN_OR_RETURN(
        auto q,
        Sql("UPDATE tasks SET lead_id=?, kind=?, agent=?, phone=?, timezone=?, note=?, "
            "not_before=?, deadline=?, attempts=?, last_attempt_at=?, last_result=?, status=?12, "
            "created_by=?, lease_until=CASE WHEN ?12=" +
            SqlName(TaskStatus::kInProgress) +
            " THEN lease_until ELSE 0 END WHERE id=?14 AND status=?15 AND (?15<>" +
            SqlName(TaskStatus::kInProgress) + " OR claimed_by=?16)"));
    BindRef(*q, 1, t.lead_id);
    q->Bind(2, Name(t.kind)).Bind(3, t.agent).Bind(4, t.phone).Bind(5, t.timezone).Bind(6, t.note);
    q->Bind(7, t.not_before).Bind(8, t.deadline).Bind(9, t.attempts).Bind(10, t.last_attempt_at);
    q->Bind(11, t.last_result).Bind(12, Name(t.status)).Bind(13, t.created_by).Bind(14, t.id);
    q->Bind(15, Name(expect)).Bind(16, node);
    KIRA_RETURN_IF_ERROR(q->Exec().WithContext("update task"));
    if (db_->Changes() == 1) return Status::Ok();
  }
  KIRA_ASSIGN_OR_RETURN(auto q, Sql("SELECT status, claimed_by FROM tasks WHERE id=?"));
  q->Bind(1, t.id);
  storage::Row r = q->Step();
  if (r == storage::Row::kError) return q->LastError().WithContext("update task");
  if (r != storage::Row::kRow)
    return Status::NotFound("task " + std::to_string(t.id) + " not found");
  KIRA_ASSIGN_OR_RETURN(TaskStatus now_status,
                        ParseNamed(kTaskStatusTable, q->Text(0), "task status"));
  return TaskWriteConflict(t.id, expect, node, now_status, q->Text(1));
}

Result<Task> SqliteCrmStore::GetTask(int64_t id) {
  std::lock_guard lock(mu_);
  KIRA_ASSIGN_OR_RETURN(auto q, Sql(std::string(kTaskColumns) + "WHERE id=?"));
  q->Bind(1, id);
  storage::Row r = q->Step();
  if (r == storage::Row::kError) return q->LastError();
  if (r == storage::Row::kDone)
    return Status::NotFound("task " + std::to_string(id) + " not found");
  return ReadTask(*q);
}

Result<std::vector<Task>> SqliteCrmStore::ListTasks(std::optional<TaskStatus> status,
                                                    int64_t lead_id) {
  std::lock_guard lock(mu_);
  std::string where;
  if (status) where += "WHERE status=?1 ";
  if (lead_id != 0) where += where.empty() ? "WHERE lead_id=?2 " : "AND lead_id=?2 ";
  KIRA_ASSIGN_OR_RETURN(auto q, Sql(std::string(kTaskColumns) + where + "ORDER BY id"));
  if (status) q->Bind(1, Name(*status));
  if (lead_id != 0) q->Bind(2, lead_id);
  std::vector<Task> out;
  storage::Row r;
  while ((r = q->Step()) == storage::Row::kRow) {
    KIRA_ASSIGN_OR_RETURN(Task t, ReadTask(*q));
    out.push_back(std::move(t));
  }
  if (r == storage::Row::kError) return q->LastError().WithContext("list tasks");
  return out;
}

Result<std::vector<Task>> SqliteCrmStore::ListTaskPage(TaskStatus status, int64_t after_id,
                                                       int limit) {
  KIRA_RETURN_IF_ERROR(CheckTaskPageLimit(limit));
  std::lock_guard lock(mu_);
  KIRA_ASSIGN_OR_RETURN(
      auto q, Sql(std::string(kTaskColumns) + "WHERE status=? AND id>? ORDER BY id LIMIT ?"));
  q->Bind(1, Name(status)).Bind(2, after_id).Bind(3, limit);
  std::vector<Task> out;
  storage::Row r;
  while ((r = q->Step()) == storage::Row::kRow) {
    KIRA_ASSIGN_OR_RETURN(Task t, ReadTask(*q));
    out.push_back(std::move(t));
  }
  if (r == storage::Row::kError) return q->LastError().WithContext("list a page of tasks");
  return out;
}

Result<std::vector<Task>> SqliteCrmStore::ListDueTasks(int64_t now, int limit) {
  KIRA_RETURN_IF_ERROR(CheckDueTaskLimit(limit));
  std::lock_guard lock(mu_);
  KIRA_ASSIGN_OR_RETURN(auto q, Sql(std::string(kTaskColumns) + "WHERE status=? AND not_before<=? "
                                                                "ORDER BY not_before, id LIMIT ?"));
  q->Bind(1, Name(TaskStatus::kOpen)).Bind(2, now).Bind(3, limit);
  std::vector<Task> out;
  storage::Row r;
  while ((r = q->Step()) == storage::Row::kRow) {
    KIRA_ASSIGN_OR_RETURN(Task t, ReadTask(*q));
    out.push_back(std::move(t));
  }
  if (r == storage::Row::kError) return q->LastError().WithContext("list due tasks");
  return out;
}

Result<bool> SqliteCrmStore::ClaimTask(int64_t id, int64_t now) {
  std::lock_guard lock(mu_);
  KIRA_ASSIGN_OR_RETURN(auto q,
                        Sql("UPDATE tasks SET status=?, attempts=attempts+1, last_attempt_at=?, "
                            "claimed_by='', lease_until=0, trunk='' WHERE id=? AND status=?"));
  q->Bind(1, Name(TaskStatus::kInProgress)).Bind(2, now).Bind(3, id);
  q->Bind(4, Name(TaskStatus::kOpen));
  KIRA_RETURN_IF_ERROR(q->Exec().WithContext("claim task"));
  if (db_->Changes() == 1) return true;
  KIRA_RETURN_IF_ERROR(MustExist("tasks", "task", id));
  return false;
}

// ---- do-not-call ----

Status SqliteCrmStore::AddDnc(const DncEntry& e) {
  std::lock_guard lock(mu_);
  KIRA_ASSIGN_OR_RETURN(std::string key, DncKey(e.phone));
  // The first entry wins: its time and reason are when and why the person opted out.
  KIRA_ASSIGN_OR_RETURN(
      auto q, Sql("INSERT INTO dnc(phone_key, phone, reason, source, added_at) VALUES(?,?,?,?,?) "
                  "ON CONFLICT(phone_key) DO NOTHING"));
  q->Bind(1, key).Bind(2, e.phone).Bind(3, e.reason).Bind(4, e.source);
  q->Bind(5, e.added_at ? e.added_at : Now());
  return q->Exec().WithContext("add to do-not-call");
}

Status SqliteCrmStore::RemoveDnc(const std::string& phone) {
  std::lock_guard lock(mu_);
  KIRA_ASSIGN_OR_RETURN(std::string key, DncKey(phone));
  KIRA_ASSIGN_OR_RETURN(auto q, Sql("DELETE FROM dnc WHERE phone_key IN (?, ?, ?)"));
  q->Bind(1, key).Bind(2, DncHashKey(dnc_secret_, key)).Bind(3, LegacyDncHashKey(key));
  KIRA_RETURN_IF_ERROR(q->Exec().WithContext("remove from do-not-call"));
  if (db_->Changes() == 0) return Status::NotFound(phone + " is not on the do-not-call list");
  return Status::Ok();
}

Result<bool> SqliteCrmStore::IsDnc(const std::string& phone) {
  std::lock_guard lock(mu_);
  KIRA_ASSIGN_OR_RETURN(std::string key, DncKey(phone));
  // A forgotten person's entry holds only a hash of the number (Forget, privacy.cpp): keyed
  // with this install's secret, or, if forgotten before there was one, with the fixed key.
  KIRA_ASSIGN_OR_RETURN(auto q, Sql("SELECT 1 FROM dnc WHERE phone_key IN (?, ?, ?)"));
  q->Bind(1, key).Bind(2, DncHashKey(dnc_secret_, key)).Bind(3, LegacyDncHashKey(key));
  storage::Row r = q->Step();
  if (r == storage::Row::kError) return q->LastError();
  return r == storage::Row::kRow;
}

Result<std::vector<DncEntry>> SqliteCrmStore::ListDnc() {
  std::lock_guard lock(mu_);
  KIRA_ASSIGN_OR_RETURN(
      auto q, Sql("SELECT phone, reason, source, added_at FROM dnc ORDER BY added_at, phone_key"));
  std::vector<DncEntry> out;
  storage::Row r;
  while ((r = q->Step()) == storage::Row::kRow) {
    out.push_back(DncEntry{q->Text(0), q->Text(1), q->Text(2), q->Int(3)});
  }
  if (r == storage::Row::kError) return q->LastError().WithContext("list do-not-call");
  return out;
}

Status SqliteCrmStore::ImportDnc(const std::vector<DncEntry>& entries) {
  std::lock_guard lock(mu_);
  std::vector<std::string> keys;
  keys.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    Result<std::string> key = DncKey(entries[i].phone);
    if (!key.ok()) return key.status().WithContext("do-not-call entry " + std::to_string(i + 1));
    keys.push_back(std::move(*key));
  }
  storage::Transaction tx(*db_);
  KIRA_RETURN_IF_ERROR(tx.status().WithContext("import do-not-call"));
  KIRA_ASSIGN_OR_RETURN(
      auto q, Sql("INSERT INTO dnc(phone_key, phone, reason, source, added_at) VALUES(?,?,?,?,?) "
                  "ON CONFLICT(phone_key) DO NOTHING"));
  int64_t now = Now();
  for (size_t i = 0; i < entries.size(); ++i) {
    const DncEntry& e = entries[i];
    q->Bind(1, keys[i]).Bind(2, e.phone).Bind(3, e.reason).Bind(4, e.source);
    q->Bind(5, e.added_at ? e.added_at : now);
    KIRA_RETURN_IF_ERROR(
        q->Exec().WithContext("import do-not-call entry " + std::to_string(i + 1)));
  }
  return tx.Commit().WithContext("import do-not-call");
}

// ---- audit ----

Status SqliteCrmStore::Audit(const AuditEntry& e) {
  std::lock_guard lock(mu_);
  if (e.action.empty()) return Status::Invalid("audit entry has no action");
  KIRA_ASSIGN_OR_RETURN(
      auto q,
      Sql("INSERT INTO audit(at, actor, action, entity, entity_id, detail) VALUES(?,?,?,?,?,?)"));
  q->Bind(1, e.at ? e.at : Now()).Bind(2, e.actor).Bind(3, e.action).Bind(4, e.entity);
  q->Bind(5, e.entity_id).Bind(6, e.detail);
  return q->Exec().WithContext("write audit log");
}

Result<std::vector<AuditEntry>> SqliteCrmStore::ListAudit(const std::string& entity,
                                                          int64_t entity_id) {
  std::lock_guard lock(mu_);
  std::string where;
  if (!entity.empty()) where += "WHERE entity=?1 ";
  if (entity_id != 0) where += where.empty() ? "WHERE entity_id=?2 " : "AND entity_id=?2 ";
  KIRA_ASSIGN_OR_RETURN(
      auto q, Sql("SELECT id, at, actor, action, entity, entity_id, detail FROM audit " + where +
                  "ORDER BY id"));
  if (!entity.empty()) q->Bind(1, entity);
  if (entity_id != 0) q->Bind(2, entity_id);
  std::vector<AuditEntry> out;
  storage::Row r;
  while ((r = q->Step()) == storage::Row::kRow) {
    out.push_back(AuditEntry{q->Int(0), q->Int(1), q->Text(2), q->Text(3), q->Text(4), q->Int(5),
                             q->Text(6)});
  }
  if (r == storage::Row::kError) return q->LastError().WithContext("list audit log");
  return out;
}

}  // namespace kira::crm
