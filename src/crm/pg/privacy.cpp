// PgCrmStore: personal data (152-FZ) — forgetting one person, retention of transcripts and
// recordings — and the open conversations left by a crash (ended as "interrupted"). The same
// contract as the SQLite store's privacy.cpp, written as set-based statements in one
// transaction each.
#include <algorithm>

#include "crm/pg/store.h"
#include "crm/phone.h"

namespace kira::crm {

Result<std::vector<Conversation>> PgCrmStore::ListOpenConversations(int64_t idle_before, int limit,
                                                                    const std::string& node) {
  KIRA_RETURN_IF_ERROR(CheckOpenConversationLimit(limit));
  return With([&](pg::Conn& db) -> Result<std::vector<Conversation>> {
    KIRA_ASSIGN_OR_RETURN(
        auto r, db.Query(std::string(kPgConversationColumns) +
                             "WHERE ended_at = 0 AND GREATEST(started_at, COALESCE((SELECT "
                             "MAX(at) FROM turns WHERE turns.conversation_id = conversations.id), "
                             "0)) < $1 AND ($3 = '' OR node = $3) ORDER BY started_at, id LIMIT $2",
                         pg::Params().Add(idle_before).Add(limit).Add(node)));
    std::vector<Conversation> out;
    out.reserve(r.size());
    for (int i = 0; i < r.size(); ++i) {
      KIRA_ASSIGN_OR_RETURN(Conversation c, ReadConversation(r, i));
      out.push_back(std::move(c));
    }
    return out;
  });
}

namespace {

// Runs a statement; returns how many rows it changed.
Result<int> Changed(pg::Conn& db, const char* sql, const pg::Params& p) {
  KIRA_ASSIGN_OR_RETURN(auto r, db.Query(sql, p));
  return static_cast<int>(r.affected());
}

// The person's leads, conversations and tasks, as subqueries over contact id $1.
#define KIRA_LEADS "(SELECT id FROM leads WHERE contact_id=$1)"
#define KIRA_CONVS "(SELECT id FROM conversations WHERE lead_id IN " KIRA_LEADS ")"

Status ForgetContact(pg::Conn& db, int64_t contact, ForgetResult& res) {
  const pg::Params p = pg::Params().Add(contact);
  {
    KIRA_ASSIGN_OR_RETURN(auto r,
                          db.Query("SELECT recording_path FROM conversations WHERE lead_id "
                                   "IN " KIRA_LEADS " AND recording_path<>'' ORDER BY lead_id, id",
                                   p));
    for (int i = 0; i < r.size(); ++i) res.recordings.push_back(r.Text(i, 0));
  }
  KIRA_ASSIGN_OR_RETURN(res.turns,
                        Changed(db, "DELETE FROM turns WHERE conversation_id IN " KIRA_CONVS, p));
  KIRA_RETURN_IF_ERROR(
      Changed(db, "UPDATE orders SET conversation_id=NULL WHERE conversation_id IN " KIRA_CONVS, p)
          .status());
  KIRA_ASSIGN_OR_RETURN(
      res.orders_scrubbed,
      Changed(db, "UPDATE orders SET customer_name='', address='' WHERE lead_id IN " KIRA_LEADS,
              p));
  // Conversations refer to tasks (Vera's); tasks to leads: conversations go first.
  KIRA_ASSIGN_OR_RETURN(res.conversations,
                        Changed(db, "DELETE FROM conversations WHERE lead_id IN " KIRA_LEADS, p));
  KIRA_RETURN_IF_ERROR(Changed(db,
                               "UPDATE conversations SET task_id=NULL WHERE task_id IN (SELECT id "
                               "FROM tasks WHERE lead_id IN " KIRA_LEADS ")",
                               p)
                           .status());
  KIRA_ASSIGN_OR_RETURN(res.tasks,
                        Changed(db, "DELETE FROM tasks WHERE lead_id IN " KIRA_LEADS, p));
  // A lead an order refers to is kept, emptied; the others go.
  KIRA_ASSIGN_OR_RETURN(res.leads_deleted,
                        Changed(db,
                                "DELETE FROM leads WHERE contact_id=$1 AND NOT EXISTS (SELECT 1 "
                                "FROM orders WHERE orders.lead_id = leads.id)",
                                p));
  KIRA_ASSIGN_OR_RETURN(
      res.leads_emptied,
      Changed(db, "UPDATE leads SET contact_id=NULL, summary='', interest='' WHERE contact_id=$1",
              p));
  return Changed(db, "DELETE FROM contacts WHERE id=$1", p).status();
}

#undef KIRA_CONVS
#undef KIRA_LEADS

// The workspace's outbox rows about the person (crm/workspace_store.h), as in the SQLite store:
// the rows of their leads, and any row whose payload holds one of `numbers`. The outbox is the
// workspace's table in this database, absent until a workspace first opened it; before its
// lead_id column only the numbers are matched. Runs before the leads are deleted.
Result<int> ForgetOutbox(pg::Conn& db, int64_t contact_id,
                         const std::vector<std::string>& numbers) {
  KIRA_ASSIGN_OR_RETURN(auto cols,
                        db.Query("SELECT column_name FROM information_schema.columns WHERE "
                                 "table_schema = current_schema() AND table_name = 'web_outbox'"));
  if (cols.size() == 0) return 0;
  bool lead_column = false;
  for (int i = 0; i < cols.size(); ++i) lead_column = lead_column || cols.Text(i, 0) == "lead_id";
  if (!lead_column)
    return Changed(db,
                   "DELETE FROM web_outbox WHERE strpos(payload, $1) > 0 OR "
                   "strpos(payload, $2) > 0",
                   pg::Params().Add(numbers.at(0)).Add(numbers.at(1)));
  return Changed(db,
                 "DELETE FROM web_outbox WHERE lead_id IN (SELECT id FROM leads WHERE "
                 "contact_id=$1) OR strpos(payload, $2) > 0 OR strpos(payload, $3) > 0",
                 pg::Params().Add(contact_id).Add(numbers.at(0)).Add(numbers.at(1)));
}

}  // namespace

Result<ForgetResult> PgCrmStore::Forget(const std::string& phone) {
  KIRA_ASSIGN_OR_RETURN(const std::string key, DncKey(phone));
  return With([&](pg::Conn& db) -> Result<ForgetResult> {
    ForgetResult res;
    std::string stored;  // the number as the contact has it
    pg::Transaction tx(db);
    KIRA_RETURN_IF_ERROR(tx.status().WithContext("forget"));
    {
      KIRA_ASSIGN_OR_RETURN(auto r, db.Query("SELECT id, phone FROM contacts WHERE phone_key=$1 "
                                             "FOR UPDATE",
                                             pg::Params().Add(key)));
      if (r.size() > 0) {
        res.contact_id = r.Int(0, 0);
        stored = r.Text(0, 1);
      }
    }
    res.found = res.contact_id != 0;
    KIRA_ASSIGN_OR_RETURN(res.outbox_rows,
                          ForgetOutbox(db, res.contact_id, OutboxNumbers(key, stored)));
    if (res.found)
      KIRA_RETURN_IF_ERROR(ForgetContact(db, res.contact_id, res).WithContext("forget"));
    // Tasks created for the number without a lead (a manager's callback typed in by hand): the
    // number is compared normalised, which SQL cannot do.
    {
      KIRA_ASSIGN_OR_RETURN(
          auto r, db.Query("SELECT id, phone FROM tasks WHERE lead_id IS NULL AND phone<>'' "
                           "ORDER BY id FOR UPDATE"));
      for (int i = 0; i < r.size(); ++i) {
        if (NormalizePhone(r.Text(i, 1)) != key) continue;
        const pg::Params t = pg::Params().Add(r.Int(i, 0));
        KIRA_RETURN_IF_ERROR(
            Changed(db, "UPDATE conversations SET task_id=NULL WHERE task_id=$1", t).status());
        KIRA_ASSIGN_OR_RETURN(int n, Changed(db, "DELETE FROM tasks WHERE id=$1", t));
        res.tasks += n;
      }
    }
    // A person who opted out stays opted out: the entry keeps its reason and time, the number
    // becomes a hash.
    KIRA_ASSIGN_OR_RETURN(int hashed,
                          Changed(db,
                                  "UPDATE dnc SET phone_key=$1, phone='', source='' "
                                  "WHERE phone_key=$2",
                                  pg::Params().Add(DncHashKey(dnc_secret_, key)).Add(key)));
    res.dnc_hashed = hashed > 0;
    KIRA_RETURN_IF_ERROR(tx.Commit().WithContext("forget"));
    return res;
  });
}

Result<PurgeResult> PgCrmStore::PurgeExpired(int64_t transcripts_before,
                                             int64_t recordings_before) {
  return With([&](pg::Conn& db) -> Result<PurgeResult> {
    PurgeResult res;
    pg::Transaction tx(db);
    KIRA_RETURN_IF_ERROR(tx.status().WithContext("retention"));
    if (transcripts_before > 0) {
      KIRA_ASSIGN_OR_RETURN(
          auto r, db.Query("WITH d AS (DELETE FROM turns WHERE conversation_id IN (SELECT id FROM "
                           "conversations WHERE ended_at > 0 AND ended_at < $1) "
                           "RETURNING conversation_id) "
                           "SELECT count(*), count(DISTINCT conversation_id) FROM d",
                           pg::Params().Add(transcripts_before)));
      res.turns = static_cast<int>(r.Int(0, 0));
      res.conversations_transcripts = static_cast<int>(r.Int(0, 1));
    }
    if (recordings_before > 0) {
      KIRA_ASSIGN_OR_RETURN(
          auto r, db.Query("WITH old AS (SELECT id, recording_path FROM conversations WHERE "
                           "ended_at > 0 AND ended_at < $1 AND recording_path<>'' FOR UPDATE) "
                           "UPDATE conversations c SET recording_path='' FROM old "
                           "WHERE c.id = old.id RETURNING old.id, old.recording_path",
                           pg::Params().Add(recordings_before)));
      std::vector<std::pair<int64_t, std::string>> cleared;
      for (int i = 0; i < r.size(); ++i) cleared.emplace_back(r.Int(i, 0), r.Text(i, 1));
      std::sort(cleared.begin(), cleared.end());
      for (auto& [id, path] : cleared) res.recordings.push_back(std::move(path));
    }
    KIRA_RETURN_IF_ERROR(tx.Commit().WithContext("retention"));
    return res;
  });
}

}  // namespace kira::crm
