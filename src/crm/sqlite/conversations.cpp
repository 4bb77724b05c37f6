// SqliteCrmStore: conversations, their turns, and orders with their lines.
#include <variant>

#include "crm/sqlite/store.h"

namespace kira::crm {

const char kConversationColumns[] =
    "SELECT id, lead_id, agent, channel, language, started_at, ended_at, outcome, reason, "
    "summary, recording_path, transfer_to, task_id, node FROM conversations ";
const char kOrderColumns[] =
    "SELECT id, lead_id, conversation_id, status, fulfilment, address, customer_name, supply, "
    "lead_days, total, created_at FROM orders ";

Result<Conversation> ReadConversation(storage::Stmt& s) {
  Conversation c;
  c.id = s.Int(0);
  c.lead_id = s.Int(1);
  c.agent = s.Text(2);
  c.channel = s.Text(3);
  c.language = s.Text(4);
  c.started_at = s.Int(5);
  c.ended_at = s.Int(6);
  KIRA_ASSIGN_OR_RETURN(c.outcome,
                        ParseOptionalNamed(kOutcomeTable, s.Text(7), "conversation outcome"));
  KIRA_ASSIGN_OR_RETURN(
      c.reason, ParseOptionalNamed(kNonTargetedReasonTable, s.Text(8), "conversation reason"));
  c.summary = s.Text(9);
  c.recording_path = s.Text(10);
  c.transfer_to = s.Text(11);
  c.task_id = s.Int(12);
  c.node = s.Text(13);
  return c;
}

Result<Order> ReadOrder(storage::Stmt& s) {
  Order o;
  o.id = s.Int(0);
  o.lead_id = s.Int(1);
  o.conversation_id = s.Int(2);
  KIRA_ASSIGN_OR_RETURN(o.status, ParseNamed(kOrderStatusTable, s.Text(3), "order status"));
  o.fulfilment = s.Text(4);
  o.address = s.Text(5);
  o.customer_name = s.Text(6);
  o.supply = s.Text(7);
  o.lead_days = static_cast<int>(s.Int(8));
  o.total = s.Double(9);
  o.created_at = s.Int(10);
  return o;
}

Result<int64_t> SqliteCrmStore::StartConversation(const Conversation& c) {
  std::lock_guard lock(mu_);
  KIRA_RETURN_IF_ERROR(CheckConversationOutcome(c, false));
  KIRA_RETURN_IF_ERROR(MustExist("leads", "lead", c.lead_id).WithContext("conversation"));
  if (c.task_id != 0) {
    KIRA_RETURN_IF_ERROR(MustExist("tasks", "task", c.task_id).WithContext("conversation"));
  }
  KIRA_ASSIGN_OR_RETURN(
      auto q,
      Sql("INSERT INTO conversations(lead_id, agent, channel, language, started_at, ended_at, "
          "outcome, reason, summary, recording_path, transfer_to, task_id, node) "
          "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  q->Bind(1, c.lead_id).Bind(2, c.agent).Bind(3, c.channel).Bind(4, c.language);
  q->Bind(5, c.started_at ? c.started_at : Now()).Bind(6, c.ended_at);
  q->Bind(7, OptionalName(c.outcome))
      .Bind(8, OptionalName(c.reason))
      .Bind(9, c.summary)
      .Bind(10, c.recording_path)
      .Bind(11, c.transfer_to);
  BindRef(*q, 12, c.task_id);
  q->Bind(13, c.node.empty() ? node_ : c.node);
  KIRA_RETURN_IF_ERROR(q->Exec().WithContext("save conversation"));
  return db_->LastInsertId();
}

Result<int64_t> SqliteCrmStore::AppendTurn(int64_t conversation_id, const std::string& speaker,
                                           const std::string& text, int64_t at) {
  std::lock_guard lock(mu_);
  if (speaker.empty()) return Status::Invalid("turn speaker is empty");
  KIRA_RETURN_IF_ERROR(MustExist("conversations", "conversation", conversation_id));
  // One statement, so the next seq is computed and written atomically.
  KIRA_ASSIGN_OR_RETURN(
      auto q,
      Sql("INSERT INTO turns(conversation_id, seq, speaker, text, at) "
          "SELECT ?1, COALESCE(MAX(seq), 0) + 1, ?2, ?3, ?4 FROM turns WHERE conversation_id=?1"));
  q->Bind(1, conversation_id).Bind(2, speaker).Bind(3, text).Bind(4, at ? at : Now());
  KIRA_RETURN_IF_ERROR(q->Exec().WithContext("save turn"));
  return db_->LastInsertId();
}

Status SqliteCrmStore::EndConversation(const Conversation& c) {
  std::lock_guard lock(mu_);
  KIRA_RETURN_IF_ERROR(CheckConversationOutcome(c, true));
  KIRA_ASSIGN_OR_RETURN(
      auto q,
      Sql("UPDATE conversations SET outcome=?, reason=?, summary=?, ended_at=?, recording_path=?, "
          "transfer_to=? WHERE id=?"));
  q->Bind(1, OptionalName(c.outcome)).Bind(2, OptionalName(c.reason)).Bind(3, c.summary);
  q->Bind(4, c.ended_at ? c.ended_at : Now()).Bind(5, c.recording_path).Bind(6, c.transfer_to);
  q->Bind(7, c.id);
  KIRA_RETURN_IF_ERROR(q->Exec().WithContext("end conversation"));
  if (db_->Changes() == 0) {
    return Status::NotFound("conversation " + std::to_string(c.id) + " not found");
  }
  return Status::Ok();
}

Status SqliteCrmStore::LoadTurns(Conversation* c) {
  KIRA_ASSIGN_OR_RETURN(
      auto q,
      Sql("SELECT id, seq, speaker, text, at FROM turns WHERE conversation_id=? ORDER BY seq"));
  q->Bind(1, c->id);
  storage::Row r;
  while ((r = q->Step()) == storage::Row::kRow) {
    Turn t;
    t.id = q->Int(0);
    t.conversation_id = c->id;
    t.seq = static_cast<int>(q->Int(1));
    t.speaker = q->Text(2);
    t.text = q->Text(3);
    t.at = q->Int(4);
    c->turns.push_back(std::move(t));
  }
  return r == storage::Row::kError ? q->LastError() : Status::Ok();
}

Result<Conversation> SqliteCrmStore::GetConversation(int64_t id) {
  std::lock_guard lock(mu_);
  Conversation c;
  {
    KIRA_ASSIGN_OR_RETURN(auto q, Sql(std::string(kConversationColumns) + "WHERE id=?"));
    q->Bind(1, id);
    storage::Row r = q->Step();
    if (r == storage::Row::kError) return q->LastError();
    if (r == storage::Row::kDone) {
      return Status::NotFound("conversation " + std::to_string(id) + " not found");
    }
    KIRA_ASSIGN_OR_RETURN(c, ReadConversation(*q));
  }
  KIRA_RETURN_IF_ERROR(LoadTurns(&c));
  return c;
}

Result<std::vector<Conversation>> SqliteCrmStore::ListConversations(int64_t lead_id) {
  std::lock_guard lock(mu_);
  std::vector<Conversation> out;
  {
    KIRA_ASSIGN_OR_RETURN(auto q,
                          Sql(std::string(kConversationColumns) + "WHERE lead_id=? ORDER BY id"));
    q->Bind(1, lead_id);
    storage::Row r;
    while ((r = q->Step()) == storage::Row::kRow) {
      KIRA_ASSIGN_OR_RETURN(Conversation c, ReadConversation(*q));
      out.push_back(std::move(c));
    }
    if (r == storage::Row::kError) return q->LastError();
  }
  for (Conversation& c : out) KIRA_RETURN_IF_ERROR(LoadTurns(&c));
  return out;
}

// ---- orders ----

Result<int64_t> SqliteCrmStore::CreateOrder(const Order& o) {
  std::lock_guard lock(mu_);
  KIRA_RETURN_IF_ERROR(CheckOrder(o));
  storage::Transaction tx(*db_);
  KIRA_RETURN_IF_ERROR(tx.status().WithContext("save order"));
  KIRA_RETURN_IF_ERROR(MustExist("leads", "lead", o.lead_id).WithContext("order"));
  if (o.conversation_id != 0) {
    KIRA_RETURN_IF_ERROR(
        MustExist("conversations", "conversation", o.conversation_id).WithContext("order"));
  }
  double total = o.total;
  if (total == 0) {
    for (const OrderLine& l : o.lines) total += l.qty * l.price;
  }
  int64_t id = 0;
  {
    KIRA_ASSIGN_OR_RETURN(
        auto q,
        Sql("INSERT INTO orders(lead_id, conversation_id, status, fulfilment, address, "
            "customer_name, supply, lead_days, total, created_at) VALUES(?,?,?,?,?,?,?,?,?,?)"));
    q->Bind(1, o.lead_id);
    BindRef(*q, 2, o.conversation_id);
    q->Bind(3, Name(o.status)).Bind(4, o.fulfilment).Bind(5, o.address).Bind(6, o.customer_name);
    q->Bind(7, o.supply).Bind(8, o.lead_days).Bind(9, total);
    q->Bind(10, o.created_at ? o.created_at : Now());
    KIRA_RETURN_IF_ERROR(q->Exec().WithContext("save order"));
    id = db_->LastInsertId();
  }
  KIRA_ASSIGN_OR_RETURN(
      auto line, Sql("INSERT INTO order_lines(order_id, line_no, sku, name, qty, unit, price) "
                     "VALUES(?,?,?,?,?,?,?)"));
  for (size_t i = 0; i < o.lines.size(); ++i) {
    const OrderLine& l = o.lines[i];
    line->Bind(1, id).Bind(2, static_cast<int64_t>(i + 1)).Bind(3, l.sku).Bind(4, l.name);
    line->Bind(5, l.qty).Bind(6, l.unit).Bind(7, l.price);
    KIRA_RETURN_IF_ERROR(line->Exec().WithContext("save order line " + std::to_string(i + 1)));
  }
  KIRA_RETURN_IF_ERROR(tx.Commit().WithContext("save order"));
  return id;
}

Status SqliteCrmStore::LoadLines(Order* o) {
  KIRA_ASSIGN_OR_RETURN(
      auto q,
      Sql("SELECT sku, name, qty, unit, price FROM order_lines WHERE order_id=? ORDER BY line_no"));
  q->Bind(1, o->id);
  storage::Row r;
  while ((r = q->Step()) == storage::Row::kRow) {
    OrderLine l;
    l.sku = q->Text(0);
    l.name = q->Text(1);
    l.qty = q->Double(2);
    l.unit = q->Text(3);
    l.price = q->Double(4);
    o->lines.push_back(std::move(l));
  }
  return r == storage::Row::kError ? q->LastError() : Status::Ok();
}

Result<Order> SqliteCrmStore::GetOrder(int64_t id) {
  std::lock_guard lock(mu_);
  Order o;
  {
    KIRA_ASSIGN_OR_RETURN(auto q, Sql(std::string(kOrderColumns) + "WHERE id=?"));
    q->Bind(1, id);
    storage::Row r = q->Step();
    if (r == storage::Row::kError) return q->LastError();
    if (r == storage::Row::kDone)
      return Status::NotFound("order " + std::to_string(id) + " not found");
    KIRA_ASSIGN_OR_RETURN(o, ReadOrder(*q));
  }
  KIRA_RETURN_IF_ERROR(LoadLines(&o));
  return o;
}

Result<std::vector<Order>> SqliteCrmStore::ListOrders(int64_t lead_id) {
  std::lock_guard lock(mu_);
  std::vector<Order> out;
  {
    KIRA_ASSIGN_OR_RETURN(auto q,
                          Sql(lead_id ? std::string(kOrderColumns) + "WHERE lead_id=? ORDER BY id"
                                      : std::string(kOrderColumns) + "ORDER BY id"));
    if (lead_id) q->Bind(1, lead_id);
    storage::Row r;
    while ((r = q->Step()) == storage::Row::kRow) {
      KIRA_ASSIGN_OR_RETURN(Order o, ReadOrder(*q));
      out.push_back(std::move(o));
    }
    if (r == storage::Row::kError) return q->LastError();
  }
  for (Order& o : out) KIRA_RETURN_IF_ERROR(LoadLines(&o));
  return out;
}

Status SqliteCrmStore::UpdateOrderStatus(int64_t id, OrderStatus status) {
  std::lock_guard lock(mu_);
  KIRA_ASSIGN_OR_RETURN(auto q, Sql("UPDATE orders SET status=? WHERE id=?"));
  q->Bind(1, Name(status)).Bind(2, id);
  KIRA_RETURN_IF_ERROR(q->Exec().WithContext("update order"));
  if (db_->Changes() == 0) return Status::NotFound("order " + std::to_string(id) + " not found");
  return Status::Ok();
}

// The orders list, one page at a time, filtered and counted in SQL.
namespace {

// The WHERE clause of an order filter (before_id and limit aside) and its values in order.
struct OrderWhere {
  std::string sql;
  std::vector<std::variant<int64_t, std::string>> args;
  void Add(const std::string& cond, std::variant<int64_t, std::string> v) {
    sql += (sql.empty() ? "WHERE " : " AND ") + cond;
    args.push_back(std::move(v));
  }
  void Bind(storage::Stmt& q) const {
    int i = 1;
    for (const auto& a : args) {
      if (const auto* n = std::get_if<int64_t>(&a))
        q.Bind(i++, *n);
      else
        q.Bind(i++, std::get<std::string>(a));
    }
  }
};

OrderWhere BuildOrderWhere(const OrderFilter& f) {
  OrderWhere w;
  if (f.status) w.Add("status=?", std::string(Name(*f.status)));
  if (f.lead_id) w.Add("lead_id=?", f.lead_id);
  if (f.from) w.Add("created_at>=?", f.from);
  if (f.to) w.Add("created_at<?", f.to);
  return w;
}

}  // namespace

Result<OrderPage> SqliteCrmStore::ListOrderPage(const OrderFilter& f) {
  KIRA_RETURN_IF_ERROR(CheckOrderPage(f.limit));
  std::lock_guard lock(mu_);
  OrderPage page;
  OrderWhere w = BuildOrderWhere(f);
  {
    KIRA_ASSIGN_OR_RETURN(auto q, Sql("SELECT count(*) FROM orders " + w.sql));
    w.Bind(*q);
    if (q->Step() != storage::Row::kRow) return q->LastError().WithContext("count orders");
    page.total = q->Int(0);
  }
  if (f.before_id) w.Add("id<?", f.before_id);
  w.args.emplace_back(static_cast<int64_t>(f.limit));
  {
    KIRA_ASSIGN_OR_RETURN(auto q,
                          Sql(std::string(kOrderColumns) + w.sql + " ORDER BY id DESC LIMIT ?"));
    w.Bind(*q);
    storage::Row r;
    while ((r = q->Step()) == storage::Row::kRow) {
      KIRA_ASSIGN_OR_RETURN(Order o, ReadOrder(*q));
      page.orders.push_back(std::move(o));
    }
    if (r == storage::Row::kError) return q->LastError().WithContext("list orders");
  }
  for (Order& o : page.orders) KIRA_RETURN_IF_ERROR(LoadLines(&o));
  return page;
}

}  // namespace kira::crm
