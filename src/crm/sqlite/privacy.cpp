// SqliteCrmStore: personal data (152-FZ) — forgetting one person, retention of transcripts and
// recordings — and the open conversations left by a crash (ended as "interrupted").
#include <algorithm>

#include "core/log.h"
#include "crm/phone.h"
#include "crm/record_checks.h"
#include "crm/sqlite/store.h"

namespace kira::crm {

Result<std::vector<Conversation>> SqliteCrmStore::ListOpenConversations(int64_t idle_before,
                                                                        int limit,
                                                                        const std::string& node) {
  KIRA_RETURN_IF_ERROR(CheckOpenConversationLimit(limit));
  std::lock_guard lock(mu_);
  KIRA_ASSIGN_OR_RETURN(
      auto q, Sql(std::string(kConversationColumns) +
                  "WHERE ended_at = 0 AND MAX(started_at, COALESCE((SELECT MAX(at) FROM turns "
                  "WHERE turns.conversation_id = conversations.id), 0)) < ?1 "
                  "AND (?3 = '' OR node = ?3) ORDER BY started_at, id LIMIT ?2"));
  q->Bind(1, idle_before).Bind(2, limit).Bind(3, node);
  std::vector<Conversation> out;
  storage::Row r;
  while ((r = q->Step()) == storage::Row::kRow) {
    KIRA_ASSIGN_OR_RETURN(Conversation c, ReadConversation(*q));
    out.push_back(std::move(c));
  }
  if (r == storage::Row::kError) return q->LastError().WithContext("list open conversations");
  return out;
}

namespace {

// Runs a statement binding one id; adds the number of changed rows to *count.
Status ExecId(storage::Db& db, const char* sql, int64_t id, int* count = nullptr) {
  KIRA_ASSIGN_OR_RETURN(auto q, db.Prepare(sql));
  q->Bind(1, id);
  KIRA_RETURN_IF_ERROR(q->Exec());
  if (count) *count += db.Changes();
  return Status::Ok();
}

Result<std::vector<int64_t>> Ids(storage::Db& db, const char* sql, int64_t id) {
  KIRA_ASSIGN_OR_RETURN(auto q, db.Prepare(sql));
  q->Bind(1, id);
  std::vector<int64_t> out;
  storage::Row r;
  while ((r = q->Step()) == storage::Row::kRow) out.push_back(q->Int(0));
  if (r == storage::Row::kError) return q->LastError();
  return out;
}

// The workspace's outbox rows about the person (crm/workspace_store.h): the rows of their
// leads, and any row whose payload holds one of `numbers` (JSON strings, quotes included). The
// outbox is the workspace's table in this file, absent until a workspace first opened it; before
// its lead_id column (a workspace not yet migrated) only the numbers are matched. Runs before the
// leads are deleted.
Result<int> ForgetOutbox(storage::Db& db, int64_t contact_id,
                         const std::vector<std::string>& numbers) {
  bool table = false, lead_column = false;
  {
    KIRA_ASSIGN_OR_RETURN(auto q, db.Prepare("SELECT name FROM pragma_table_info('web_outbox')"));
    storage::Row r;
    while ((r = q->Step()) == storage::Row::kRow) {
      table = true;
      lead_column = lead_column || q->Text(0) == "lead_id";
    }
    if (r == storage::Row::kError) return q->LastError();
  }
  if (!table) return 0;
  std::string sql = "DELETE FROM web_outbox WHERE ";
  if (lead_column) sql += "lead_id IN (SELECT id FROM leads WHERE contact_id=?1) OR ";
  sql += "instr(payload, ?2) > 0 OR instr(payload, ?3) > 0";
  KIRA_ASSIGN_OR_RETURN(auto q, db.Prepare(sql));
  if (lead_column) q->Bind(1, contact_id);
  q->Bind(2, numbers.at(0)).Bind(3, numbers.at(1));
  KIRA_RETURN_IF_ERROR(q->Exec());
  return db.Changes();
}

}  // namespace

Result<ForgetResult> SqliteCrmStore::Forget(const std::string& phone) {
  const std::string key = NormalizePhone(phone);
  if (key.empty()) return Status::Invalid("'" + log::Redact(phone) + "' is not a phone number");
  std::lock_guard lock(mu_);
  storage::Db& db = *db_;
  ForgetResult res;
  std::string stored;  // the number as the contact has it
  storage::Transaction tx(db);
  KIRA_RETURN_IF_ERROR(tx.status().WithContext("forget"));
  {
    KIRA_ASSIGN_OR_RETURN(auto q, db.Prepare("SELECT id, phone FROM contacts WHERE phone_key=?"));
    q->Bind(1, key);
    storage::Row r = q->Step();
    if (r == storage::Row::kError) return q->LastError().WithContext("forget");
    if (r == storage::Row::kRow) {
      res.contact_id = q->Int(0);
      stored = q->Text(1);
    }
  }
  res.found = res.contact_id != 0;
  KIRA_ASSIGN_OR_RETURN(res.outbox_rows,
                        ForgetOutbox(db, res.contact_id, OutboxNumbers(key, stored)));
  if (res.found) {
    KIRA_ASSIGN_OR_RETURN(std::vector<int64_t> leads,
                          Ids(db, "SELECT id FROM leads WHERE contact_id=?", res.contact_id));
    for (int64_t lead : leads) {
      KIRA_ASSIGN_OR_RETURN(std::vector<int64_t> convs,
                            Ids(db, "SELECT id FROM conversations WHERE lead_id=?", lead));
      for (int64_t c : convs) {
        KIRA_ASSIGN_OR_RETURN(auto q,
                              db.Prepare("SELECT recording_path FROM conversations WHERE id=?"));
        q->Bind(1, c);
        if (q->Step() == storage::Row::kRow && !q->Text(0).empty())
          res.recordings.push_back(q->Text(0));
        q.reset();
        KIRA_RETURN_IF_ERROR(
            ExecId(db, "DELETE FROM turns WHERE conversation_id=?", c, &res.turns));
        KIRA_RETURN_IF_ERROR(
            ExecId(db, "UPDATE orders SET conversation_id=NULL WHERE conversation_id=?", c));
      }
      KIRA_RETURN_IF_ERROR(ExecId(db,
                                  "UPDATE orders SET customer_name='', address='' "
                                  "WHERE lead_id=?",
                                  lead, &res.orders_scrubbed));
      // Conversations refer to tasks (Vera's); tasks to leads: conversations go first.
      KIRA_RETURN_IF_ERROR(
          ExecId(db, "DELETE FROM conversations WHERE lead_id=?", lead, &res.conversations));
      KIRA_RETURN_IF_ERROR(ExecId(db,
                                  "UPDATE conversations SET task_id=NULL WHERE task_id IN "
                                  "(SELECT id FROM tasks WHERE lead_id=?)",
                                  lead));
      KIRA_RETURN_IF_ERROR(ExecId(db, "DELETE FROM tasks WHERE lead_id=?", lead, &res.tasks));
      KIRA_ASSIGN_OR_RETURN(std::vector<int64_t> orders,
                            Ids(db, "SELECT id FROM orders WHERE lead_id=?", lead));
      if (orders.empty()) {
        KIRA_RETURN_IF_ERROR(ExecId(db, "DELETE FROM leads WHERE id=?", lead, &res.leads_deleted));
      } else {
        KIRA_RETURN_IF_ERROR(ExecId(db,
                                    "UPDATE leads SET contact_id=NULL, summary='', "
                                    "interest='' WHERE id=?",
                                    lead, &res.leads_emptied));
      }
    }
    KIRA_RETURN_IF_ERROR(ExecId(db, "DELETE FROM contacts WHERE id=?", res.contact_id));
  }
  // Tasks created for the number without a lead (a manager's callback typed in by hand).
  {
    KIRA_ASSIGN_OR_RETURN(auto q, db.Prepare("SELECT id, phone FROM tasks WHERE lead_id IS NULL "
                                             "AND phone<>''"));
    std::vector<int64_t> tasks;
    storage::Row r;
    while ((r = q->Step()) == storage::Row::kRow)
      if (NormalizePhone(q->Text(1)) == key) tasks.push_back(q->Int(0));
    if (r == storage::Row::kError) return q->LastError().WithContext("forget");
    q.reset();
    for (int64_t t : tasks) {
      KIRA_RETURN_IF_ERROR(ExecId(db, "UPDATE conversations SET task_id=NULL WHERE task_id=?", t));
      KIRA_RETURN_IF_ERROR(ExecId(db, "DELETE FROM tasks WHERE id=?", t, &res.tasks));
    }
  }
  // A person who opted out stays opted out: the entry keeps its reason and time, the number
  // becomes a hash.
  {
    KIRA_ASSIGN_OR_RETURN(auto q, db.Prepare("UPDATE dnc SET phone_key=?, phone='', source='' "
                                             "WHERE phone_key=?"));
    q->Bind(1, DncHashKey(dnc_secret_, key)).Bind(2, key);
    KIRA_RETURN_IF_ERROR(q->Exec().WithContext("forget: do-not-call"));
    res.dnc_hashed = db.Changes() > 0;
  }
  KIRA_RETURN_IF_ERROR(tx.Commit().WithContext("forget"));
  return res;
}

Result<PurgeResult> SqliteCrmStore::PurgeExpired(int64_t transcripts_before,
                                                 int64_t recordings_before) {
  std::lock_guard lock(mu_);
  storage::Db& db = *db_;
  PurgeResult res;
  storage::Transaction tx(db);
  KIRA_RETURN_IF_ERROR(tx.status().WithContext("retention"));
  if (transcripts_before > 0) {
    KIRA_ASSIGN_OR_RETURN(
        std::vector<int64_t> convs,
        Ids(db,
            "SELECT DISTINCT conversation_id FROM turns WHERE conversation_id IN (SELECT id "
            "FROM conversations WHERE ended_at > 0 AND ended_at < ?)",
            transcripts_before));
    for (int64_t c : convs)
      KIRA_RETURN_IF_ERROR(ExecId(db, "DELETE FROM turns WHERE conversation_id=?", c, &res.turns));
    res.conversations_transcripts = static_cast<int>(convs.size());
  }
  if (recordings_before > 0) {
    KIRA_ASSIGN_OR_RETURN(auto q,
                          db.Prepare("SELECT id, recording_path FROM conversations WHERE "
                                     "ended_at > 0 AND ended_at < ? AND recording_path<>''"));
    q->Bind(1, recordings_before);
    std::vector<int64_t> ids;
    storage::Row r;
    while ((r = q->Step()) == storage::Row::kRow) {
      ids.push_back(q->Int(0));
      res.recordings.push_back(q->Text(1));
    }
    if (r == storage::Row::kError) return q->LastError().WithContext("retention");
    q.reset();
    for (int64_t id : ids)
      KIRA_RETURN_IF_ERROR(ExecId(db, "UPDATE conversations SET recording_path='' WHERE id=?", id));
  }
  KIRA_RETURN_IF_ERROR(tx.Commit().WithContext("retention"));
  return res;
}

}  // namespace kira::crm
