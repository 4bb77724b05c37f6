// The CRM schema on PostgreSQL, as versioned migrations (storage::pg::Migrate component "crm").
// Tables and columns are the SQLite store's (crm/sqlite/schema.cpp) with PostgreSQL types: ids
// BIGSERIAL, times BIGINT Unix milliseconds like model.h, money and quantities DOUBLE
// PRECISION. Never edit a released step: add a new one.
#include "crm/pg/store.h"

namespace kira::crm {

const std::vector<pg::Migration>& PgCrmMigrations() {
  static const std::vector<pg::Migration> steps = {
      {1, R"sql(
CREATE TABLE contacts (
  id BIGSERIAL PRIMARY KEY,
  phone TEXT NOT NULL DEFAULT '',
  phone_key TEXT UNIQUE,            -- ContactKey(phone); NULL when there is no number
  name TEXT NOT NULL DEFAULT '',
  timezone TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE TABLE leads (
  id BIGSERIAL PRIMARY KEY,
  contact_id BIGINT REFERENCES contacts(id),
  channel TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'new',
  qualification TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  summary TEXT NOT NULL DEFAULT '',
  assigned_to TEXT NOT NULL DEFAULT '',
  interest TEXT NOT NULL DEFAULT '',
  source_flagged BOOLEAN NOT NULL DEFAULT FALSE,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
-- The review queue is ordered by (created_at, id) newest first: each filter's index ends with
-- both, so a page under one filter is an index range scan with no sort.
CREATE INDEX leads_created ON leads(created_at, id);
CREATE INDEX leads_status_created ON leads(status, created_at, id);
CREATE INDEX leads_outcome_created ON leads(outcome, created_at, id);
CREATE INDEX leads_reason_created ON leads(reason, created_at, id);
CREATE INDEX leads_channel_created ON leads(channel, created_at, id);
CREATE INDEX leads_contact_created ON leads(contact_id, created_at, id);
CREATE TABLE tasks (
  id BIGSERIAL PRIMARY KEY,
  lead_id BIGINT REFERENCES leads(id),
  kind TEXT NOT NULL,
  agent TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  timezone TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  not_before BIGINT NOT NULL DEFAULT 0,
  deadline BIGINT NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_attempt_at BIGINT NOT NULL DEFAULT 0,
  last_result TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'open',
  created_by TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
-- The dialer's due list reads only open tasks: a partial index stays small however many
-- tasks are done.
CREATE INDEX tasks_due ON tasks(not_before, id) WHERE status = 'open';
CREATE INDEX tasks_status ON tasks(status, id);
CREATE INDEX tasks_lead ON tasks(lead_id, id);
CREATE INDEX tasks_created ON tasks(created_at) WHERE kind = 'vera_call';
CREATE TABLE conversations (
  id BIGSERIAL PRIMARY KEY,
  lead_id BIGINT NOT NULL REFERENCES leads(id),
  agent TEXT NOT NULL DEFAULT '',
  channel TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL DEFAULT '',
  started_at BIGINT NOT NULL,
  ended_at BIGINT NOT NULL DEFAULT 0,
  outcome TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  summary TEXT NOT NULL DEFAULT '',
  recording_path TEXT NOT NULL DEFAULT '',
  transfer_to TEXT NOT NULL DEFAULT '',
  task_id BIGINT REFERENCES tasks(id),
  last_seq INTEGER NOT NULL DEFAULT 0  -- the seq of its last turn: AppendTurn numbers turns
);
CREATE INDEX conversations_lead ON conversations(lead_id, id);
CREATE INDEX conversations_started ON conversations(started_at);
CREATE INDEX conversations_ended ON conversations(ended_at);
CREATE INDEX conversations_task ON conversations(task_id);
CREATE TABLE turns (
  id BIGSERIAL PRIMARY KEY,
  conversation_id BIGINT NOT NULL REFERENCES conversations(id),
  seq INTEGER NOT NULL,
  speaker TEXT NOT NULL,
  text TEXT NOT NULL,
  at BIGINT NOT NULL,
  UNIQUE (conversation_id, seq)
);
CREATE TABLE orders (
  id BIGSERIAL PRIMARY KEY,
  lead_id BIGINT NOT NULL REFERENCES leads(id),
  conversation_id BIGINT REFERENCES conversations(id),
  status TEXT NOT NULL DEFAULT 'new',
  fulfilment TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  customer_name TEXT NOT NULL DEFAULT '',
  supply TEXT NOT NULL DEFAULT '',
  lead_days INTEGER NOT NULL DEFAULT 0,
  total DOUBLE PRECISION NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX orders_lead ON orders(lead_id, id);
CREATE INDEX orders_conversation ON orders(conversation_id);
CREATE INDEX orders_created ON orders(created_at);
CREATE TABLE order_lines (
  order_id BIGINT NOT NULL REFERENCES orders(id),
  line_no INTEGER NOT NULL,
  sku TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  qty DOUBLE PRECISION NOT NULL,
  unit TEXT NOT NULL DEFAULT '',
  price DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (order_id, line_no)
);
CREATE TABLE dnc (
  phone_key TEXT PRIMARY KEY,       -- DncKey(phone), or DncHashKey once forgotten
  phone TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  added_at BIGINT NOT NULL
);
CREATE TABLE audit (
  id BIGSERIAL PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  entity TEXT NOT NULL DEFAULT '',
  entity_id BIGINT NOT NULL DEFAULT 0,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_entity ON audit(entity, entity_id, id);
)sql"},
      // Facts about the database itself: the fingerprint of the do-not-call key the first node
      // used, so a node holding a different dnc.key is refused instead of silently failing to
      // match forgotten numbers.
      {2, R"sql(
CREATE TABLE crm_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql"},
      // Task leases and the shared calls-per-second bucket (dial_leases.h): the node holding a
      // task in progress, until when, and on which trunk, so every node counts every call.
      {3, R"sql(
ALTER TABLE tasks ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN trunk TEXT NOT NULL DEFAULT '';
CREATE INDEX tasks_leases ON tasks(lease_until) WHERE status = 'in_progress';
CREATE TABLE dial_buckets (
  name TEXT PRIMARY KEY,
  tokens DOUBLE PRECISION NOT NULL,
  last_ms BIGINT NOT NULL
);
)sql"},
      // The node holding each conversation (Conversation::node): a node starting again ends its
      // own cut-off calls, not the live calls of the others.
      {4, R"sql(
ALTER TABLE conversations ADD COLUMN node TEXT NOT NULL DEFAULT '';
)sql"},
      // The orders list's status tabs (CrmStore::ListOrderPage): newest first under one status
      // is an index range scan, and its count reads the index alone.
      {5, R"sql(
CREATE INDEX orders_status_id ON orders(status, id);
)sql"},
      // The dashboard's lead counts kept as leads are written (PgCrmStore::Tally): one row per
      // 15-minute slot (kTallySlotMs) and kind of lead, added to and taken from by statement
      // triggers in the writing transaction, so a 30-day dashboard reads the month's slots
      // instead of every lead of the month (754 ms over 1,000,000 leads). Rows are added in key
      // order, so two writers lock the rows they share in the same order. by_manager is
      // LeadKindCount's: assigned to someone, or taken / given to Vera.
      {6, R"sql(
CREATE TABLE lead_tally (
  slot BIGINT NOT NULL,
  channel TEXT NOT NULL,
  qualification TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason TEXT NOT NULL,
  by_manager BOOLEAN NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (slot, channel, qualification, outcome, reason, by_manager)
);
CREATE FUNCTION crm_lead_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO lead_tally AS t
      SELECT created_at - ((created_at % 900000) + 900000) % 900000, channel, qualification,
             outcome, reason, (assigned_to <> '' OR status IN ('taken', 'vera_assigned')),
             count(*)
      FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (slot, channel, qualification, outcome, reason, by_manager)
      DO UPDATE SET n = t.n + EXCLUDED.n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO lead_tally AS t
      SELECT created_at - ((created_at % 900000) + 900000) % 900000, channel, qualification,
             outcome, reason, (assigned_to <> '' OR status IN ('taken', 'vera_assigned')),
             -count(*)
      FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (slot, channel, qualification, outcome, reason, by_manager)
      DO UPDATE SET n = t.n + EXCLUDED.n;
  ELSE
    -- An update moves a lead from its old kind to its new one; most updates (a summary, an
    -- interest) change no kind and write nothing here.
    INSERT INTO lead_tally AS t
      SELECT slot, channel, qualification, outcome, reason, by_manager, sum(d)
      FROM (SELECT created_at - ((created_at % 900000) + 900000) % 900000 AS slot, channel,
                   qualification, outcome, reason,
                   (assigned_to <> '' OR status IN ('taken', 'vera_assigned')) AS by_manager,
                   1 AS d
            FROM new_rows
            UNION ALL
            SELECT created_at - ((created_at % 900000) + 900000) % 900000, channel,
                   qualification, outcome, reason,
                   (assigned_to <> '' OR status IN ('taken', 'vera_assigned')), -1
            FROM old_rows) c
      GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (slot, channel, qualification, outcome, reason, by_manager)
      DO UPDATE SET n = t.n + EXCLUDED.n;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER leads_tally_insert AFTER INSERT ON leads REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION crm_lead_tally();
CREATE TRIGGER leads_tally_update AFTER UPDATE ON leads
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION crm_lead_tally();
CREATE TRIGGER leads_tally_delete AFTER DELETE ON leads REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION crm_lead_tally();
INSERT INTO lead_tally
  SELECT created_at - ((created_at % 900000) + 900000) % 900000, channel, qualification,
         outcome, reason, (assigned_to <> '' OR status IN ('taken', 'vera_assigned')), count(*)
  FROM leads GROUP BY 1, 2, 3, 4, 5, 6;
)sql"},
      // The queue filtered by outcome and reason together (a non-targeted reason is stored
      // with the outcome non_targeted): its page and its count (CountLeadsUpTo) are one index
      // range. With only the two one-column indexes PostgreSQL counted through a BitmapAnd of
      // 25,000 and 125,000 entries and 10,000 heap pages: 59-66 ms over 1,000,000 leads.
      {7, R"sql(
CREATE INDEX leads_outcome_reason_created ON leads(outcome, reason, created_at, id);
)sql"},
  };
  return steps;
}

}  // namespace kira::crm
