// Conformance suite, part 2: orders, tasks, do-not-call, audit, persistence and threads.
#include <set>
#include <thread>

#include "crm/testing/crm_store_conformance.h"

namespace kira::crm {
namespace {

constexpr int64_t kT0 = 1764400000000;
constexpr int64_t kYear2020 = 1577836800000;

OrderLine Line(const std::string& sku, double qty, double price, const std::string& unit = "м2") {
  OrderLine l;
  l.sku = sku;
  l.name = "Товар " + sku;
  l.qty = qty;
  l.unit = unit;
  l.price = price;
  return l;
}

// ---- orders ----

TEST_P(CrmStoreConformance, OrderIsWrittenWithItsLines) {
  int64_t lead = NewLead("phone");
  int64_t conv = NewConversation(lead);
  Order o;
  o.lead_id = lead;
  o.conversation_id = conv;
  o.fulfilment = "delivery";
  o.address = "Москва, ул. Ленина, 1";
  o.customer_name = "Анна";
  o.supply = "distributor";
  o.lead_days = 3;
  o.created_at = kT0;
  o.lines = {Line("MT-6060-GR", 12.96, 1890), Line("CE-40-WHITE", 2, 450, "упак")};
  auto id = store().CreateOrder(o);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto got = store().GetOrder(*id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->lead_id, lead);
  EXPECT_EQ(got->conversation_id, conv);
  EXPECT_EQ(crm::Name(got->status), "new");
  EXPECT_EQ(got->fulfilment, "delivery");
  EXPECT_EQ(got->address, o.address);
  EXPECT_EQ(got->customer_name, "Анна");
  EXPECT_EQ(got->supply, "distributor");
  EXPECT_EQ(got->lead_days, 3);
  EXPECT_EQ(got->created_at, kT0);
  EXPECT_NEAR(got->total, 12.96 * 1890 + 2 * 450, 1e-6);  // computed when not given
  ASSERT_EQ(got->lines.size(), 2u);
  EXPECT_EQ(got->lines[0].sku, "MT-6060-GR");
  EXPECT_EQ(got->lines[0].name, "Товар MT-6060-GR");
  EXPECT_DOUBLE_EQ(got->lines[0].qty, 12.96);
  EXPECT_EQ(got->lines[0].unit, "м2");
  EXPECT_DOUBLE_EQ(got->lines[0].price, 1890);
  EXPECT_EQ(got->lines[1].sku, "CE-40-WHITE");
  EXPECT_EQ(got->lines[1].unit, "упак");

  Order pickup;
  pickup.lead_id = lead;
  pickup.fulfilment = "pickup";
  pickup.total = 999;  // a given total is kept (delivery, discounts are the caller's business)
  pickup.lines = {Line("TOOL-1", 1, 100, "шт")};
  auto second = store().CreateOrder(pickup);
  ASSERT_TRUE(second.ok());
  int64_t other_lead = NewLead();
  pickup.lead_id = other_lead;
  ASSERT_TRUE(store().CreateOrder(pickup).ok());

  auto mine = store().ListOrders(lead);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].id, *id);
  EXPECT_EQ((*mine)[0].lines.size(), 2u);
  EXPECT_EQ((*mine)[1].conversation_id, 0);
  EXPECT_DOUBLE_EQ((*mine)[1].total, 999);
  EXPECT_GT((*mine)[1].created_at, kYear2020);
  auto all = store().ListOrders();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);

  ASSERT_TRUE(store().UpdateOrderStatus(*id, crm::OrderStatus::kConfirmed).ok());
  EXPECT_EQ(store().GetOrder(*id)->status, OrderStatus::kConfirmed);
  EXPECT_EQ(store().UpdateOrderStatus(999999, crm::OrderStatus::kCancelled).code(),
            Status::Code::kNotFound);
  auto missing = store().GetOrder(999999);
  EXPECT_EQ(missing.status().message(), "order 999999 not found");
}

TEST_P(CrmStoreConformance, BadOrdersWriteNothing) {
  int64_t lead = NewLead();
  Order o;
  o.lead_id = lead;
  auto r = store().CreateOrder(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalid);
  EXPECT_EQ(r.status().message(), "order has no lines");

  o.lines = {Line("A", 1, 10), Line("B", 0, 10)};
  r = store().CreateOrder(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("order line 2 (B)"), std::string::npos);
  EXPECT_NE(r.status().message().find("qty"), std::string::npos);

  o.lines = {Line("A", 1, -5)};
  r = store().CreateOrder(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("price"), std::string::npos);

  o.lines = {Line("", 1, 5)};
  EXPECT_EQ(store().CreateOrder(o).status().code(), Status::Code::kInvalid);

  o.lines = {Line("A", 1, 5)};

  o.lead_id = 31337;
  r = store().CreateOrder(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kNotFound);
  EXPECT_NE(r.status().message().find("lead 31337 not found"), std::string::npos);

  o.lead_id = lead;
  o.conversation_id = 4242;
  r = store().CreateOrder(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("conversation 4242 not found"), std::string::npos);

  auto all = store().ListOrders();
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty());
}

// ---- tasks ----

TEST_P(CrmStoreConformance, TasksAreCreatedListedClaimedOnce) {
  int64_t lead = NewLead("phone");
  Task t;
  t.lead_id = lead;
  t.kind = crm::TaskKind::kVeraCall;
  t.agent = "vera";
  t.phone = "+79161234567";
  t.timezone = "Europe/Moscow";
  t.note = "Перезвонить насчёт затирки";
  t.not_before = kT0 + 3600000;
  t.deadline = kT0 + 86400000;
  t.created_by = "manager:olga";
  t.created_at = kT0;
  auto later = store().CreateTask(t);
  ASSERT_TRUE(later.ok()) << later.status().ToString();
  t.not_before = kT0;
  t.note = "раньше";
  auto sooner = store().CreateTask(t);
  ASSERT_TRUE(sooner.ok());
  Task free_task;  // a rule's task without a lead
  free_task.kind = crm::TaskKind::kTextFollowup;
  free_task.phone = "+79990000000";
  free_task.not_before = kT0 + 7200000;
  auto orphan = store().CreateTask(free_task);
  ASSERT_TRUE(orphan.ok()) << orphan.status().ToString();

  auto got = store().GetTask(*later);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->lead_id, lead);
  EXPECT_EQ(crm::Name(got->kind), "vera_call");
  EXPECT_EQ(got->agent, "vera");
  EXPECT_EQ(got->phone, "+79161234567");
  EXPECT_EQ(got->timezone, "Europe/Moscow");
  EXPECT_EQ(got->note, "Перезвонить насчёт затирки");
  EXPECT_EQ(got->not_before, kT0 + 3600000);
  EXPECT_EQ(got->deadline, kT0 + 86400000);
  EXPECT_EQ(crm::Name(got->status), "open");
  EXPECT_EQ(got->attempts, 0);
  EXPECT_EQ(got->created_by, "manager:olga");
  EXPECT_EQ(got->created_at, kT0);
  EXPECT_GT(store().GetTask(*orphan)->created_at, kYear2020);
  EXPECT_EQ(store().GetTask(*orphan)->lead_id, 0);

  // Due tasks: only those whose time has come, earliest first.
  auto due = store().ListDueTasks(kT0 + 3600000, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].id, *sooner);
  EXPECT_EQ((*due)[1].id, *later);
  EXPECT_EQ(store().ListDueTasks(kT0 - 1, 10)->size(), 0u);
  EXPECT_EQ(store().ListDueTasks(kT0, 0).status().code(), Status::Code::kInvalid);

  // Claiming: exactly once, counting the attempt.
  auto first = store().ClaimTask(*sooner, kT0 + 5);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first);
  auto second = store().ClaimTask(*sooner, kT0 + 6);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
  EXPECT_EQ(store().ClaimTask(999999, kT0).status().code(), Status::Code::kNotFound);
  auto claimed = store().GetTask(*sooner);
  EXPECT_EQ(crm::Name(claimed->status), "in_progress");
  EXPECT_EQ(claimed->attempts, 1);
  EXPECT_EQ(claimed->last_attempt_at, kT0 + 5);

  // The dialer records the result and puts it back for a retry.
  Task retry = *claimed;
  retry.status = TaskStatus::kOpen;
  retry.last_result = "busy";
  retry.not_before = kT0 + 600000;
  ASSERT_TRUE(store().UpdateTask(retry).ok());
  auto back = store().GetTask(*sooner);
  EXPECT_EQ(back->last_result, "busy");
  EXPECT_EQ(back->not_before, kT0 + 600000);
  EXPECT_EQ(back->created_at, kT0);

  auto open = store().ListTasks(crm::TaskStatus::kOpen);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->size(), 3u);
  auto of_lead = store().ListTasks(std::nullopt, lead);
  ASSERT_TRUE(of_lead.ok());
  ASSERT_EQ(of_lead->size(), 2u);
  EXPECT_EQ((*of_lead)[0].id, *later);  // by id
  EXPECT_EQ(store().ListTasks(crm::TaskStatus::kDone, lead)->size(), 0u);
  EXPECT_EQ(store().ListTasks()->size(), 3u);

  Task bad = t;
  bad.lead_id = 55555;
  EXPECT_EQ(store().CreateTask(bad).status().code(), Status::Code::kNotFound);
  bad = t;
  bad.id = 55555;
  EXPECT_EQ(store().UpdateTask(bad).code(), Status::Code::kNotFound);
  EXPECT_EQ(store().GetTask(55555).status().message(), "task 55555 not found");
}

// Keyset pages of the tasks with one status: every such task once, by id, whatever the page
// size, and nothing of another status.
TEST_P(CrmStoreConformance, TaskPagesVisitEveryTaskOfAStatusOnceById) {
  std::vector<int64_t> open;
  for (int i = 0; i < 23; ++i) {
    Task t;
    t.kind = crm::TaskKind::kVeraCall;
    t.agent = "vera";
    t.phone = "+7916" + std::to_string(4000000 + i);
    auto id = store().CreateTask(t);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    if (i % 4 == 1) {
      ASSERT_TRUE(*store().ClaimTask(*id, kT0));
    } else {
      open.push_back(*id);
    }
  }
  for (int page : {1, 5, 17, 10000}) {
    std::vector<int64_t> seen;
    for (int64_t after = 0;;) {
      auto p = store().ListTaskPage(TaskStatus::kOpen, after, page);
      ASSERT_TRUE(p.ok()) << p.status().ToString();
      ASSERT_LE(static_cast<int>(p->size()), page);
      for (const Task& t : *p) {
        EXPECT_EQ(Name(t.status), "open");
        seen.push_back(t.id);
      }
      if (static_cast<int>(p->size()) < page) break;
      after = p->back().id;
    }
    EXPECT_EQ(seen, open) << "page " << page;
  }
  auto busy = store().ListTaskPage(TaskStatus::kInProgress, 0, 100);
  ASSERT_TRUE(busy.ok());
  EXPECT_EQ(busy->size(), 6u);
  EXPECT_TRUE(store().ListTaskPage(TaskStatus::kDone, 0, 100)->empty());
  EXPECT_EQ(store().ListTaskPage(TaskStatus::kOpen, 0, 0).status().code(), Status::Code::kInvalid);
  EXPECT_EQ(store().ListTaskPage(TaskStatus::kOpen, 0, 10001).status().code(),
            Status::Code::kInvalid);
}

// ---- do-not-call ----

TEST_P(CrmStoreConformance, DoNotCallMatchesEverySpellingAndIsIdempotent) {
  DncEntry e;
  e.phone = "8 916 123-45-67";
  e.reason = "opt_out";
  e.source = "conversation 1";
  e.added_at = kT0;
  ASSERT_TRUE(store().AddDnc(e).ok());
  for (const char* spelling : {"+7 916 1234567", "79161234567", "9161234567", "8(916)123-45-67"}) {
    auto is = store().IsDnc(spelling);
    ASSERT_TRUE(is.ok()) << spelling;
    EXPECT_TRUE(*is) << spelling;
  }
  EXPECT_FALSE(*store().IsDnc("+7 916 123-45-68"));

  DncEntry again;
  again.phone = "+7 916 123 45 67";
  again.reason = "manual";
  ASSERT_TRUE(store().AddDnc(again).ok());
  auto list = store().ListDnc();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].phone, "8 916 123-45-67");  // the first entry wins
  EXPECT_EQ((*list)[0].reason, "opt_out");
  EXPECT_EQ((*list)[0].source, "conversation 1");
  EXPECT_EQ((*list)[0].added_at, kT0);

  for (const char* bad : {"", "abc", "12ab34", "call me"}) {
    DncEntry b;
    b.phone = bad;
    Status s = store().AddDnc(b);
    EXPECT_EQ(s.code(), Status::Code::kInvalid) << bad;
    EXPECT_EQ(store().IsDnc(bad).status().code(), Status::Code::kInvalid) << bad;
  }

  ASSERT_TRUE(store().RemoveDnc("+79161234567").ok());
  EXPECT_FALSE(*store().IsDnc("8 916 123-45-67"));
  Status gone = store().RemoveDnc("+79161234567");
  EXPECT_EQ(gone.code(), Status::Code::kNotFound);
  EXPECT_NE(gone.message().find("not on the do-not-call list"), std::string::npos);
  EXPECT_TRUE(store().ListDnc()->empty());
}

TEST_P(CrmStoreConformance, DoNotCallImportIsAllOrNothing) {
  auto entry = [](const std::string& phone) {
    DncEntry e;
    e.phone = phone;
    e.reason = "import";
    e.source = "list.csv";
    return e;
  };
  ASSERT_TRUE(store().AddDnc(entry("+79160000001")).ok());
  std::vector<DncEntry> bad = {entry("+79160000002"), entry("+79160000003"), entry("9-16-oops"),
                               entry("+79160000004")};
  Status s = store().ImportDnc(bad);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kInvalid);
  EXPECT_NE(s.message().find("entry 3"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("9-16-oops"), std::string::npos) << s.message();
  EXPECT_EQ(store().ListDnc()->size(), 1u);
  EXPECT_FALSE(*store().IsDnc("+79160000002"));

  std::vector<DncEntry> good = {entry("+79160000002"), entry("8 916 000-00-03"),
                                entry("+7 916 000 00 01"),  // already listed
                                entry("89160000002")};      // duplicate inside the file
  ASSERT_TRUE(store().ImportDnc(good).ok());
  EXPECT_EQ(store().ListDnc()->size(), 3u);
  ASSERT_TRUE(store().ImportDnc(good).ok());  // re-import changes nothing
  EXPECT_EQ(store().ListDnc()->size(), 3u);
  EXPECT_TRUE(*store().IsDnc("+79160000003"));
  EXPECT_TRUE(store().ImportDnc({}).ok());
}

// ---- audit ----

TEST_P(CrmStoreConformance, AuditLogIsChronologicalAndFilterable) {
  int64_t lead = NewLead();
  AuditEntry a;
  a.actor = "kira";
  a.action = "lead.create";
  a.entity = "lead";
  a.entity_id = lead;
  a.at = kT0;
  ASSERT_TRUE(store().Audit(a).ok());
  AuditEntry b;
  b.actor = "user:olga";
  b.action = "recording.read";
  b.entity = "conversation";
  b.entity_id = 5;
  b.detail = "range 0-";
  ASSERT_TRUE(store().Audit(b).ok());
  AuditEntry c = a;
  c.actor = "user:olga";
  c.action = "lead.update";
  c.detail = "status: new -> taken";
  c.at = kT0 + 10;
  ASSERT_TRUE(store().Audit(c).ok());
  AuditEntry other = a;
  other.entity_id = lead + 1;
  ASSERT_TRUE(store().Audit(other).ok());

  auto all = store().ListAudit();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].action, "lead.create");
  EXPECT_EQ((*all)[1].action, "recording.read");
  EXPECT_GT((*all)[1].at, kYear2020);
  EXPECT_LT((*all)[0].id, (*all)[1].id);

  auto of_lead = store().ListAudit("lead", lead);
  ASSERT_TRUE(of_lead.ok());
  ASSERT_EQ(of_lead->size(), 2u);
  EXPECT_EQ((*of_lead)[1].actor, "user:olga");
  EXPECT_EQ((*of_lead)[1].detail, "status: new -> taken");
  EXPECT_EQ((*of_lead)[1].at, kT0 + 10);
  EXPECT_EQ(store().ListAudit("lead")->size(), 3u);
  EXPECT_EQ(store().ListAudit("conversation", 5)->size(), 1u);

  AuditEntry empty;
  EXPECT_EQ(store().Audit(empty).code(), Status::Code::kInvalid);
  EXPECT_EQ(store().ListAudit()->size(), 4u);
}

// ---- persistence and threads ----

TEST_P(CrmStoreConformance, EverythingSurvivesReopening) {
  if (!GetParam().persistent) GTEST_SKIP() << "store is not persistent";
  int64_t contact = NewContact("+79161234567", "Анна");
  int64_t lead = NewLead("phone", contact, kT0);
  int64_t conv = NewConversation(lead);
  ASSERT_TRUE(store().AppendTurn(conv, "agent", "Здравствуйте!", kT0).ok());
  Order o;
  o.lead_id = lead;
  o.lines = {Line("A", 2, 10)};
  auto order = store().CreateOrder(o);
  ASSERT_TRUE(order.ok());
  Task t;
  t.lead_id = lead;
  t.kind = crm::TaskKind::kCallback;
  auto task = store().CreateTask(t);
  ASSERT_TRUE(task.ok());
  DncEntry d;
  d.phone = "+79160000009";
  ASSERT_TRUE(store().AddDnc(d).ok());
  AuditEntry a;
  a.action = "lead.create";
  ASSERT_TRUE(store().Audit(a).ok());

  Reopen();
  ASSERT_TRUE(store_);
  EXPECT_EQ(store().GetContact(contact)->name, "Анна");
  EXPECT_EQ(store().GetLead(lead)->created_at, kT0);
  EXPECT_EQ(store().GetConversation(conv)->turns.size(), 1u);
  EXPECT_EQ(store().GetOrder(*order)->lines.size(), 1u);
  EXPECT_EQ(store().GetTask(*task)->kind, TaskKind::kCallback);
  EXPECT_TRUE(*store().IsDnc("89160000009"));
  EXPECT_EQ(store().ListAudit()->size(), 1u);
  // Ids keep growing after a reopen.
  EXPECT_GT(NewLead(), lead);
}

TEST_P(CrmStoreConformance, ThreadsShareTheStore) {
  int64_t lead = NewLead("phone");
  int64_t conv = NewConversation(lead);
  constexpr int kN = 100;
  std::vector<int64_t> leads_a, leads_b;
  auto make_leads = [&](std::vector<int64_t>* out) {
    for (int i = 0; i < kN; ++i) {
      Lead l;
      l.channel = "web";
      auto id = store().CreateLead(l);
      ASSERT_TRUE(id.ok()) << id.status().ToString();
      out->push_back(*id);
      ASSERT_TRUE(store().AppendTurn(conv, "caller", std::to_string(i), 0).ok());
    }
  };
  std::thread a(make_leads, &leads_a);
  std::thread b(make_leads, &leads_b);
  std::thread reader([&] {
    for (int i = 0; i < kN; ++i) {
      LeadFilter f;
      f.channel = "web";
      ASSERT_TRUE(store().ListLeads(f).ok());
      ASSERT_TRUE(store().GetConversation(conv).ok());
    }
  });
  a.join();
  b.join();
  reader.join();
  std::set<int64_t> ids(leads_a.begin(), leads_a.end());
  ids.insert(leads_b.begin(), leads_b.end());
  EXPECT_EQ(ids.size(), 2u * kN);
  LeadFilter f;
  f.channel = "web";
  EXPECT_EQ(*store().CountLeads(f), 2 * kN);
  auto c = store().GetConversation(conv);
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->turns.size(), 2u * kN);
  for (size_t i = 0; i < c->turns.size(); ++i) EXPECT_EQ(c->turns[i].seq, static_cast<int>(i + 1));
}

}  // namespace
}  // namespace kira::crm
