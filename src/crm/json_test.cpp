#include "crm/json.h"

#include <gtest/gtest.h>

namespace kira::crm {
namespace {

using nlohmann::json;

template <typename T>
T RoundTrip(const T& v) {
  json j = v;
  auto back = FromJson<T>(json::parse(j.dump()));
  EXPECT_TRUE(back.ok()) << back.status().ToString();
  return back.ok() ? *back : T{};
}

TEST(CrmJson, LeadRoundTripsEveryField) {
  Lead l;
  l.id = 7;
  l.contact_id = 3;
  l.channel = "phone";
  l.source = "inbound";
  l.status = LeadStatus::kTaken;
  l.qualification = Qualification::kNonTargeted;
  l.outcome = Outcome::kNonTargeted;
  l.non_targeted_reason = NonTargetedReason::kDiscontinued;
  l.summary = "Искал снятую коллекцию «Тиберио».";
  l.assigned_to = "olga";
  l.interest = "MT-6060-GR";
  l.source_flagged = true;
  l.created_at = 1764400000000;
  l.updated_at = 1764400005000;
  Lead b = RoundTrip(l);
  EXPECT_EQ(json(b), json(l));
  EXPECT_EQ(b.summary, l.summary);
  EXPECT_TRUE(b.source_flagged);
  EXPECT_EQ(json(l)["created_at"], 1764400000000);
  EXPECT_EQ(json(l)["reason"], "discontinued");  // the names the API has always shown
  EXPECT_EQ(json(l)["qualification"], "non_targeted");

  Lead closed = l;
  closed.status = LeadStatus::kClosed;
  closed.non_targeted_reason.reset();
  closed.close_reason = CloseReason::kVeraResult;
  closed.vera_result = "no_answer";
  EXPECT_EQ(json(closed)["reason"], "vera_no_answer");
  EXPECT_EQ(json(RoundTrip(closed)), json(closed));
  auto bad = FromJson<Lead>(json::parse(R"({"status":"new","reason":"sold"})"));
  EXPECT_FALSE(bad.ok());  // a close reason on a lead that is not closed
}

TEST(CrmJson, ConversationWithTurnsAndOrderWithLinesRoundTrip) {
  Conversation c;
  c.id = 2;
  c.lead_id = 7;
  c.agent = "kira";
  c.channel = "chat";
  c.language = "ru";
  c.started_at = 10;
  c.ended_at = 20;
  c.outcome = Outcome::kOrderPlaced;
  c.summary = "Заказ 12 м².";
  c.recording_path = "rec/2.wav";
  c.transfer_to = "manager";
  c.task_id = 4;
  c.turns.push_back({1, 2, 1, "agent", "Здравствуйте!", 11});
  c.turns.push_back({2, 2, 2, "caller", "Нужна затирка", 12});
  Conversation cb = RoundTrip(c);
  EXPECT_EQ(json(cb), json(c));
  ASSERT_EQ(cb.turns.size(), 2u);
  EXPECT_EQ(cb.turns[1].text, "Нужна затирка");

  Order o;
  o.id = 5;
  o.lead_id = 7;
  o.conversation_id = 2;
  o.status = OrderStatus::kConfirmed;
  o.fulfilment = "delivery";
  o.address = "ул. Ленина, 1";
  o.customer_name = "Анна";
  o.supply = "distributor";
  o.lead_days = 3;
  o.total = 12345.5;
  o.created_at = 30;
  o.lines.push_back({"MT-6060-GR", "Монте Тиберио серый 60x60", 12.96, "м2", 1890.0});
  Order ob = RoundTrip(o);
  EXPECT_EQ(json(ob), json(o));
  ASSERT_EQ(ob.lines.size(), 1u);
  EXPECT_DOUBLE_EQ(ob.lines[0].qty, 12.96);
}

TEST(CrmJson, TaskDncAuditContactFilterRoundTrip) {
  Task t;
  t.id = 1;
  t.lead_id = 2;
  t.kind = crm::TaskKind::kVeraCall;
  t.agent = "vera";
  t.phone = "+79161234567";
  t.timezone = "Europe/Moscow";
  t.note = "перезвонить";
  t.not_before = 100;
  t.deadline = 200;
  t.attempts = 2;
  t.last_attempt_at = 150;
  t.last_result = "busy";
  t.status = TaskStatus::kOpen;
  t.created_by = "manager:olga";
  t.created_at = 90;
  EXPECT_EQ(json(RoundTrip(t)), json(t));

  DncEntry d{"8 916 123-45-67", "opt_out", "conversation 5", 42};
  EXPECT_EQ(json(RoundTrip(d)), json(d));
  AuditEntry a{3, 4, "user:olga", "lead.update", "lead", 7, "status taken"};
  EXPECT_EQ(json(RoundTrip(a)), json(a));
  Contact c{9, "+79161234567", "Анна", "Europe/Moscow", 5};
  EXPECT_EQ(json(RoundTrip(c)), json(c));
  LeadFilter f;
  f.outcome = Outcome::kPrank;
  f.qualification = Qualification::kNonTargeted;
  ASSERT_TRUE(ParseReasonFilter("spam", &f).ok());
  f.before_id = 100;
  f.limit = 20;
  EXPECT_EQ(json(RoundTrip(f)), json(f));
}

TEST(CrmJson, PartialRecordKeepsDefaults) {
  auto l = FromJson<Lead>(json::parse(R"({"channel":"web","summary":null})"));
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->channel, "web");
  EXPECT_EQ(crm::Name(l->status), "new");
  EXPECT_EQ(l->summary, "");
  auto f = FromJson<LeadFilter>(json::object());
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->limit, 50);
}

TEST(CrmJson, WrongTypesNameTheField) {
  auto l = FromJson<Lead>(json::parse(R"({"status": 3})"));
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.status().code(), Status::Code::kInvalid);
  EXPECT_EQ(l.status().message(), "lead.status: expected a string, got number");

  auto o = FromJson<Order>(json::parse(R"({"lines":[{"sku":"A","qty":"two"}]})"));
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message(), "order.lines[0]: order_line.qty: expected a number, got string");

  auto t = FromJson<Task>(json::parse(R"({"attempts": 1.5})"));
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("task.attempts"), std::string::npos);

  auto n = FromJson<Contact>(json::parse("[1,2]"));
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().message(), "contact: expected an object, got array");

  auto big = FromJson<Task>(json::parse(R"({"attempts": 99999999999})"));
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("out of range"), std::string::npos);
}

}  // namespace
}  // namespace kira::crm
