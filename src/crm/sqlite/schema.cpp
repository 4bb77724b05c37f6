// The CRM schema, as versioned migrations. Never edit a released step: add a new one.
#include "crm/sqlite/schema.h"

namespace kira::crm {

const std::vector<storage::Migration>& CrmMigrations() {
  static const std::vector<storage::Migration> steps = {
      {1, R"sql(
CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  phone TEXT NOT NULL DEFAULT '',
  phone_key TEXT UNIQUE,            -- NormalizePhone(phone); NULL when there is no number
  name TEXT NOT NULL DEFAULT '',
  timezone TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE TABLE leads (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER REFERENCES contacts(id),
  channel TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'new',
  qualification TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  summary TEXT NOT NULL DEFAULT '',
  assigned_to TEXT NOT NULL DEFAULT '',
  interest TEXT NOT NULL DEFAULT '',
  source_flagged INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- The review queue lists newest first (id DESC) under one filter at a time.
CREATE INDEX leads_created ON leads(created_at, id);
CREATE INDEX leads_status ON leads(status, id);
CREATE INDEX leads_outcome ON leads(outcome, id);
CREATE INDEX leads_reason ON leads(reason, id);
CREATE INDEX leads_channel ON leads(channel, id);
CREATE INDEX leads_contact ON leads(contact_id, id);
CREATE TABLE tasks (
  id INTEGER PRIMARY KEY,
  lead_id INTEGER REFERENCES leads(id),
  kind TEXT NOT NULL,
  agent TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  timezone TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  not_before INTEGER NOT NULL DEFAULT 0,
  deadline INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_result TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'open',
  created_by TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE INDEX tasks_status ON tasks(status, not_before, id);
CREATE INDEX tasks_lead ON tasks(lead_id, id);
CREATE TABLE conversations (
  id INTEGER PRIMARY KEY,
  lead_id INTEGER NOT NULL REFERENCES leads(id),
  agent TEXT NOT NULL DEFAULT '',
  channel TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL DEFAULT '',
  started_at INTEGER NOT NULL,
  ended_at INTEGER NOT NULL DEFAULT 0,
  outcome TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  summary TEXT NOT NULL DEFAULT '',
  recording_path TEXT NOT NULL DEFAULT '',
  transfer_to TEXT NOT NULL DEFAULT '',
  task_id INTEGER REFERENCES tasks(id)
);
CREATE INDEX conversations_lead ON conversations(lead_id, id);
CREATE INDEX conversations_started ON conversations(started_at);
CREATE TABLE turns (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id),
  seq INTEGER NOT NULL,
  speaker TEXT NOT NULL,
  text TEXT NOT NULL,
  at INTEGER NOT NULL,
  UNIQUE (conversation_id, seq)
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  lead_id INTEGER NOT NULL REFERENCES leads(id),
  conversation_id INTEGER REFERENCES conversations(id),
  status TEXT NOT NULL DEFAULT 'new',
  fulfilment TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  customer_name TEXT NOT NULL DEFAULT '',
  supply TEXT NOT NULL DEFAULT '',
  lead_days INTEGER NOT NULL DEFAULT 0,
  total REAL NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX orders_lead ON orders(lead_id, id);
CREATE INDEX orders_created ON orders(created_at);
CREATE TABLE order_lines (
  order_id INTEGER NOT NULL REFERENCES orders(id),
  line_no INTEGER NOT NULL,
  sku TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  qty REAL NOT NULL,
  unit TEXT NOT NULL DEFAULT '',
  price REAL NOT NULL,
  PRIMARY KEY (order_id, line_no)
) WITHOUT ROWID;
CREATE TABLE dnc (
  phone_key TEXT PRIMARY KEY,       -- NormalizePhone(phone)
  phone TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  added_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  entity TEXT NOT NULL DEFAULT '',
  entity_id INTEGER NOT NULL DEFAULT 0,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_entity ON audit(entity, entity_id, id);
)sql"},
      // The review queue is ordered by (created_at, id) newest first: each filter's index
      // ends with both, so a page under one filter is an index range scan with no sort.
      {2, R"sql(
DROP INDEX leads_status;
DROP INDEX leads_outcome;
DROP INDEX leads_reason;
DROP INDEX leads_channel;
DROP INDEX leads_contact;
CREATE INDEX leads_status_created ON leads(status, created_at, id);
CREATE INDEX leads_outcome_created ON leads(outcome, created_at, id);
CREATE INDEX leads_reason_created ON leads(reason, created_at, id);
CREATE INDEX leads_channel_created ON leads(channel, created_at, id);
CREATE INDEX leads_contact_created ON leads(contact_id, created_at, id);
)sql"},
      // Task leases and the shared calls-per-second bucket (dial_leases.h): the node holding a
      // task in progress, until when, and on which trunk, so every node counts every call.
      {3, R"sql(
ALTER TABLE tasks ADD claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD lease_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD trunk TEXT NOT NULL DEFAULT '';
CREATE INDEX tasks_leases ON tasks(lease_until) WHERE status = 'in_progress';
CREATE TABLE dial_buckets (
  name TEXT PRIMARY KEY,
  tokens REAL NOT NULL,
  last_ms INTEGER NOT NULL
);
)sql"},
      // The node holding each conversation (Conversation::node): a node starting again ends its
      // own cut-off calls, not the live calls of the others.
      {4, R"sql(
ALTER TABLE conversations ADD node TEXT NOT NULL DEFAULT '';
)sql"},
      // The orders list's status tabs (CrmStore::ListOrderPage): newest first under one status
      // is an index range scan, and its count reads the index alone.
      {5, R"sql(
CREATE INDEX orders_status_id ON orders(status, id);
)sql"},
  };
  return steps;
}

}  // namespace kira::crm
