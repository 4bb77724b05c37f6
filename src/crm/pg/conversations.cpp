// PgCrmStore: conversations, their turns, and orders with their lines.
#include <map>

#include "crm/pg/store.h"

namespace kira::crm {

const char kPgConversationColumns[] =
    "SELECT id, lead_id, agent, channel, language, started_at, ended_at, outcome, reason, "
    "summary, recording_path, transfer_to, task_id, node FROM conversations ";
const char kPgOrderColumns[] =
    "SELECT id, lead_id, conversation_id, status, fulfilment, address, customer_name, supply, "
    "lead_days, total, created_at FROM orders ";

Result<Conversation> ReadConversation(const pg::Rows& r, int i) {
  Conversation c;
  c.id = r.Int(i, 0);
  c.lead_id = r.Int(i, 1);
  c.agent = r.Text(i, 2);
  c.channel = r.Text(i, 3);
  c.language = r.Text(i, 4);
  c.started_at = r.Int(i, 5);
  c.ended_at = r.Int(i, 6);
  KIRA_ASSIGN_OR_RETURN(c.outcome,
                        ParseOptionalNamed(kOutcomeTable, r.Text(i, 7), "conversation outcome"));
  KIRA_ASSIGN_OR_RETURN(
      c.reason, ParseOptionalNamed(kNonTargetedReasonTable, r.Text(i, 8), "conversation reason"));
  c.summary = r.Text(i, 9);
  c.recording_path = r.Text(i, 10);
  c.transfer_to = r.Text(i, 11);
  c.task_id = r.Int(i, 12);
  c.node = r.Text(i, 13);
  return c;
}

Result<Order> ReadOrder(const pg::Rows& r, int i) {
  Order o;
  o.id = r.Int(i, 0);
  o.lead_id = r.Int(i, 1);
  o.conversation_id = r.Int(i, 2);
  KIRA_ASSIGN_OR_RETURN(o.status, ParseNamed(kOrderStatusTable, r.Text(i, 3), "order status"));
  o.fulfilment = r.Text(i, 4);
  o.address = r.Text(i, 5);
  o.customer_name = r.Text(i, 6);
  o.supply = r.Text(i, 7);
  o.lead_days = static_cast<int>(r.Int(i, 8));
  o.total = r.Double(i, 9);
  o.created_at = r.Int(i, 10);
  return o;
}

namespace {

// The turns of the conversations a query selects (columns: conversation_id, id, seq, speaker,
// text, at; ordered by seq), appended to each conversation in `convs` by id.
Status LoadTurns(pg::Conn& db, const std::string& sql, const pg::Params& p,
                 std::vector<Conversation*> convs) {
  KIRA_ASSIGN_OR_RETURN(auto r, db.Query(sql, p));
  std::map<int64_t, Conversation*> by_id;
  for (Conversation* c : convs) by_id[c->id] = c;
  for (int i = 0; i < r.size(); ++i) {
    auto it = by_id.find(r.Int(i, 0));
    if (it == by_id.end()) continue;  // a conversation started after the first query
    Turn t;
    t.conversation_id = r.Int(i, 0);
    t.id = r.Int(i, 1);
    t.seq = static_cast<int>(r.Int(i, 2));
    t.speaker = r.Text(i, 3);
    t.text = r.Text(i, 4);
    t.at = r.Int(i, 5);
    it->second->turns.push_back(std::move(t));
  }
  return Status::Ok();
}

constexpr char kTurnColumns[] = "SELECT conversation_id, id, seq, speaker, text, at FROM turns ";

Status LoadLines(pg::Conn& db, const std::string& sql, const pg::Params& p,
                 std::vector<Order>& orders) {
  KIRA_ASSIGN_OR_RETURN(auto r, db.Query(sql, p));
  std::map<int64_t, Order*> by_id;
  for (Order& o : orders) by_id[o.id] = &o;
  for (int i = 0; i < r.size(); ++i) {
    auto it = by_id.find(r.Int(i, 0));
    if (it == by_id.end()) continue;
    OrderLine l;
    l.sku = r.Text(i, 1);
    l.name = r.Text(i, 2);
    l.qty = r.Double(i, 3);
    l.unit = r.Text(i, 4);
    l.price = r.Double(i, 5);
    it->second->lines.push_back(std::move(l));
  }
  return Status::Ok();
}

constexpr char kLineColumns[] = "SELECT order_id, sku, name, qty, unit, price FROM order_lines ";

}  // namespace

Result<int64_t> PgCrmStore::StartConversation(const Conversation& c) {
  KIRA_RETURN_IF_ERROR(CheckConversationOutcome(c, false));
  pg::Params p;
  p.Add(c.lead_id).Add(c.agent).Add(c.channel).Add(c.language);
  p.Add(c.started_at ? c.started_at : Now()).Add(c.ended_at);
  p.Add(OptionalName(c.outcome)).Add(OptionalName(c.reason));
  p.Add(c.summary).Add(c.recording_path).Add(c.transfer_to);
  AddRef(p, c.task_id);
  p.Add(c.node.empty() ? node_ : c.node);
  return With([&](pg::Conn& db) -> Result<int64_t> {
    KIRA_RETURN_IF_ERROR(MustExist(db, "leads", "lead", c.lead_id).WithContext("conversation"));
    if (c.task_id != 0)
      KIRA_RETURN_IF_ERROR(MustExist(db, "tasks", "task", c.task_id).WithContext("conversation"));
    KIRA_ASSIGN_OR_RETURN(
        auto r, db.Query("INSERT INTO conversations(lead_id, agent, channel, language, "
                         "started_at, ended_at, outcome, reason, summary, recording_path, "
                         "transfer_to, task_id, node) "
                         "VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING id",
                         p));
    return r.Int(0, 0);
  });
}

Result<int64_t> PgCrmStore::AppendTurn(int64_t conversation_id, const std::string& speaker,
                                       const std::string& text, int64_t at) {
  if (speaker.empty()) return Status::Invalid("turn speaker is empty");
  pg::Params p;
  p.Add(conversation_id).Add(speaker).Add(text).Add(at ? at : Now());
  return With([&](pg::Conn& db) -> Result<int64_t> {
    // One statement: the conversation's row lock orders concurrent appends, and its counter
    // gives each turn the next seq (a MAX(seq) read would race under READ COMMITTED).
    KIRA_ASSIGN_OR_RETURN(
        auto r, db.Query("WITH c AS (UPDATE conversations SET last_seq = last_seq + 1 WHERE id=$1 "
                         "RETURNING id, last_seq) "
                         "INSERT INTO turns(conversation_id, seq, speaker, text, at) "
                         "SELECT id, last_seq, $2, $3, $4 FROM c RETURNING id",
                         p));
    if (r.size() == 0)
      return Status::NotFound("conversation " + std::to_string(conversation_id) + " not found");
    return r.Int(0, 0);
  });
}

Status PgCrmStore::EndConversation(const Conversation& c) {
  KIRA_RETURN_IF_ERROR(CheckConversationOutcome(c, true));
  pg::Params p;
  p.Add(OptionalName(c.outcome)).Add(OptionalName(c.reason)).Add(c.summary);
  p.Add(c.ended_at ? c.ended_at : Now());
  p.Add(c.recording_path).Add(c.transfer_to).Add(c.id);
  return With([&](pg::Conn& db) -> Status {
    KIRA_ASSIGN_OR_RETURN(auto r,
                          db.Query("UPDATE conversations SET outcome=$1, reason=$2, summary=$3, "
                                   "ended_at=$4, recording_path=$5, transfer_to=$6 WHERE id=$7",
                                   p));
    if (r.affected() == 0)
      return Status::NotFound("conversation " + std::to_string(c.id) + " not found");
    KIRA_RETURN_IF_ERROR(db.Query("SELECT pg_notify('kira_crm', $1)",
                                  pg::Params().Add("conversation:" + std::to_string(c.id)))
                             .status());
    return Status::Ok();
  });
}

Result<Conversation> PgCrmStore::GetConversation(int64_t id) {
  return With([&](pg::Conn& db) -> Result<Conversation> {
    KIRA_ASSIGN_OR_RETURN(auto r, db.Query(std::string(kPgConversationColumns) + "WHERE id=$1",
                                           pg::Params().Add(id)));
    if (r.size() == 0) return Status::NotFound("conversation " + std::to_string(id) + " not found");
    KIRA_ASSIGN_OR_RETURN(Conversation c, ReadConversation(r, 0));
    KIRA_RETURN_IF_ERROR(
        LoadTurns(db, std::string(kTurnColumns) + "WHERE conversation_id=$1 ORDER BY seq",
                  pg::Params().Add(id), {&c}));
    return c;
  });
}

Result<std::vector<Conversation>> PgCrmStore::ListConversations(int64_t lead_id) {
  return With([&](pg::Conn& db) -> Result<std::vector<Conversation>> {
    KIRA_ASSIGN_OR_RETURN(
        auto r, db.Query(std::string(kPgConversationColumns) + "WHERE lead_id=$1 ORDER BY id",
                         pg::Params().Add(lead_id)));
    std::vector<Conversation> out;
    out.reserve(r.size());
    for (int i = 0; i < r.size(); ++i) {
      KIRA_ASSIGN_OR_RETURN(Conversation c, ReadConversation(r, i));
      out.push_back(std::move(c));
    }
    std::vector<Conversation*> ptrs;
    for (Conversation& c : out) ptrs.push_back(&c);
    KIRA_RETURN_IF_ERROR(LoadTurns(db,
                                   std::string(kTurnColumns) +
                                       "WHERE conversation_id IN (SELECT id FROM conversations "
                                       "WHERE lead_id=$1) ORDER BY conversation_id, seq",
                                   pg::Params().Add(lead_id), ptrs));
    return out;
  });
}

// ---- orders ----

Result<int64_t> PgCrmStore::CreateOrder(const Order& o) {
  KIRA_RETURN_IF_ERROR(CheckOrder(o));
  double total = o.total;
  if (total == 0) {
    for (const OrderLine& l : o.lines) total += l.qty * l.price;
  }
  pg::Params p;
  p.Add(o.lead_id);
  AddRef(p, o.conversation_id);
  p.Add(Name(o.status)).Add(o.fulfilment).Add(o.address).Add(o.customer_name).Add(o.supply);
  p.Add(o.lead_days).Add(total).Add(o.created_at ? o.created_at : Now());
  return With([&](pg::Conn& db) -> Result<int64_t> {
    pg::Transaction tx(db);
    KIRA_RETURN_IF_ERROR(tx.status().WithContext("save order"));
    KIRA_RETURN_IF_ERROR(MustExist(db, "leads", "lead", o.lead_id).WithContext("order"));
    if (o.conversation_id != 0) {
      KIRA_RETURN_IF_ERROR(
          MustExist(db, "conversations", "conversation", o.conversation_id).WithContext("order"));
    }
    KIRA_ASSIGN_OR_RETURN(
        auto r, db.Query("INSERT INTO orders(lead_id, conversation_id, status, fulfilment, "
                         "address, customer_name, supply, lead_days, total, created_at) "
                         "VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id",
                         p));
    const int64_t id = r.Int(0, 0);
    for (size_t i = 0; i < o.lines.size(); ++i) {
      const OrderLine& l = o.lines[i];
      pg::Params lp;
      lp.Add(id).Add(static_cast<int64_t>(i + 1)).Add(l.sku).Add(l.name).Add(l.qty).Add(l.unit);
      lp.Add(l.price);
      KIRA_RETURN_IF_ERROR(db.Query("INSERT INTO order_lines(order_id, line_no, sku, name, qty, "
                                    "unit, price) VALUES($1,$2,$3,$4,$5,$6,$7)",
                                    lp)
                               .status()
                               .WithContext("save order line " + std::to_string(i + 1)));
    }
    KIRA_RETURN_IF_ERROR(db.Query("SELECT pg_notify('kira_crm', $1)",
                                  pg::Params().Add("order:" + std::to_string(id)))
                             .status());  // sent at commit
    KIRA_RETURN_IF_ERROR(tx.Commit().WithContext("save order"));
    return id;
  });
}

Result<Order> PgCrmStore::GetOrder(int64_t id) {
  return With([&](pg::Conn& db) -> Result<Order> {
    KIRA_ASSIGN_OR_RETURN(
        auto r, db.Query(std::string(kPgOrderColumns) + "WHERE id=$1", pg::Params().Add(id)));
    if (r.size() == 0) return Status::NotFound("order " + std::to_string(id) + " not found");
    KIRA_ASSIGN_OR_RETURN(Order first, ReadOrder(r, 0));
    std::vector<Order> one{std::move(first)};
    KIRA_RETURN_IF_ERROR(LoadLines(db,
                                   std::string(kLineColumns) + "WHERE order_id=$1 ORDER BY line_no",
                                   pg::Params().Add(id), one));
    return std::move(one[0]);
  });
}

Result<std::vector<Order>> PgCrmStore::ListOrders(int64_t lead_id) {
  return With([&](pg::Conn& db) -> Result<std::vector<Order>> {
    pg::Params p;
    if (lead_id) p.Add(lead_id);
    KIRA_ASSIGN_OR_RETURN(auto r,
                          db.Query(std::string(kPgOrderColumns) +
                                       (lead_id ? "WHERE lead_id=$1 ORDER BY id" : "ORDER BY id"),
                                   p));
    std::vector<Order> out;
    out.reserve(r.size());
    for (int i = 0; i < r.size(); ++i) {
      KIRA_ASSIGN_OR_RETURN(Order o, ReadOrder(r, i));
      out.push_back(std::move(o));
    }
    KIRA_RETURN_IF_ERROR(
        LoadLines(db,
                  std::string(kLineColumns) +
                      (lead_id ? "WHERE order_id IN (SELECT id FROM orders WHERE lead_id=$1) "
                                 "ORDER BY order_id, line_no"
                               : "ORDER BY order_id, line_no"),
                  p, out));
    return out;
  });
}

Status PgCrmStore::UpdateOrderStatus(int64_t id, OrderStatus status) {
  return With([&](pg::Conn& db) -> Status {
    KIRA_ASSIGN_OR_RETURN(auto r, db.Query("UPDATE orders SET status=$1 WHERE id=$2",
                                           pg::Params().Add(Name(status)).Add(id)));
    if (r.affected() == 0) return Status::NotFound("order " + std::to_string(id) + " not found");
    return Status::Ok();
  });
}

// The orders list, one page at a time, filtered and counted in SQL: the count under the filter,
// then the page by id descending (orders_status_id for a status tab, the primary key otherwise).
Result<OrderPage> PgCrmStore::ListOrderPage(const OrderFilter& f) {
  KIRA_RETURN_IF_ERROR(CheckOrderPage(f.limit));
  std::string where;
  pg::Params p;
  int n = 0;
  auto add = [&](const std::string& col_op, const auto& v) {
    where += (where.empty() ? "WHERE " : " AND ") + col_op + "$" + std::to_string(++n);
    p.Add(v);
  };
  if (f.status) add("status=", std::string(Name(*f.status)));
  if (f.lead_id) add("lead_id=", f.lead_id);
  if (f.from) add("created_at>=", f.from);
  if (f.to) add("created_at<", f.to);
  return With([&](pg::Conn& db) -> Result<OrderPage> {
    OrderPage page;
    KIRA_ASSIGN_OR_RETURN(auto c, db.Query("SELECT count(*) FROM orders " + where, p));
    page.total = c.Int(0, 0);
    std::string w = where;
    pg::Params q = p;
    int m = n;
    if (f.before_id) {
      w += (w.empty() ? "WHERE " : " AND ") + std::string("id<$") + std::to_string(++m);
      q.Add(f.before_id);
    }
    q.Add(f.limit);
    KIRA_ASSIGN_OR_RETURN(auto r, db.Query(std::string(kPgOrderColumns) + w +
                                               " ORDER BY id DESC LIMIT $" + std::to_string(m + 1),
                                           q));
    page.orders.reserve(r.size());
    std::string ids;
    for (int i = 0; i < r.size(); ++i) {
      KIRA_ASSIGN_OR_RETURN(Order o, ReadOrder(r, i));
      ids += (ids.empty() ? "" : ",") + std::to_string(o.id);
      page.orders.push_back(std::move(o));
    }
    if (!page.orders.empty())
      KIRA_RETURN_IF_ERROR(LoadLines(db,
                                     std::string(kLineColumns) +
                                         "WHERE order_id = ANY($1::bigint[]) "
                                         "ORDER BY order_id, line_no",
                                     pg::Params().Add("{" + ids + "}"), page.orders));
    return page;
  });
}

}  // namespace kira::crm
