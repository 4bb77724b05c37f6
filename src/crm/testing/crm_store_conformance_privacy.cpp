// Conformance suite, part 3: conversations left open by a crash, forgetting one person
// (152-FZ) and the retention of transcripts and recordings.
#include <algorithm>

#include "crm/testing/crm_store_conformance.h"

namespace kira::crm {
namespace {

constexpr int64_t kT0 = 1764400000000;
constexpr int64_t kMin = 60000;

int64_t Start(CrmStore& st, int64_t lead, int64_t at, const std::string& recording = "",
              const std::string& node = "") {
  Conversation c;
  c.lead_id = lead;
  c.agent = "kira";
  c.channel = "phone";
  c.language = "ru";
  c.started_at = at;
  c.recording_path = recording;
  c.node = node;
  auto id = st.StartConversation(c);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  return id.ok() ? *id : 0;
}

Status End(CrmStore& st, int64_t id, int64_t at, const std::string& recording = "") {
  Conversation c;
  c.id = id;
  c.outcome = Outcome::kInfoOnly;
  c.ended_at = at;
  c.recording_path = recording;
  return st.EndConversation(c);
}

TEST_P(CrmStoreConformance, OpenConversationsAreListedByLastActivity) {
  int64_t lead = NewLead("phone");
  int64_t idle = Start(store(), lead, kT0);     // started, nothing since
  int64_t talking = Start(store(), lead, kT0);  // a turn 20 minutes later
  int64_t ended = Start(store(), lead, kT0);    // ended: never listed
  int64_t fresh = Start(store(), lead, kT0 + 25 * kMin);
  ASSERT_TRUE(store().AppendTurn(talking, "caller", "алло", kT0 + 20 * kMin).ok());
  ASSERT_TRUE(End(store(), ended, kT0 + kMin).ok());

  auto before_10 = store().ListOpenConversations(kT0 + 10 * kMin, 100);
  ASSERT_TRUE(before_10.ok()) << before_10.status().ToString();
  ASSERT_EQ(before_10->size(), 1u);
  EXPECT_EQ((*before_10)[0].id, idle);
  EXPECT_EQ((*before_10)[0].ended_at, 0);

  auto before_30 = store().ListOpenConversations(kT0 + 30 * kMin, 100);
  ASSERT_TRUE(before_30.ok());
  std::vector<int64_t> ids;
  for (const auto& c : *before_30) ids.push_back(c.id);
  EXPECT_EQ(ids, (std::vector<int64_t>{idle, talking, fresh}));
  auto one = store().ListOpenConversations(kT0 + 30 * kMin, 1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 1u);
  EXPECT_FALSE(store().ListOpenConversations(kT0, 0).ok());

  // The closed list has "interrupted": an open conversation can be ended with it.
  Conversation c;
  c.id = idle;
  c.outcome = Outcome::kInterrupted;
  c.ended_at = kT0 + 30 * kMin;
  ASSERT_TRUE(store().EndConversation(c).ok());
  auto left = store().ListOpenConversations(kT0 + 30 * kMin, 100);
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(left->size(), 2u);
}

// Several nodes on one store: a node starting again lists only the calls it held itself, so
// the live calls of the others are not ended as interrupted.
TEST_P(CrmStoreConformance, OpenConversationsAreListedByTheNodeHoldingThem) {
  int64_t lead = NewLead("phone");
  int64_t mine = Start(store(), lead, kT0, "", "node-a");
  int64_t theirs = Start(store(), lead, kT0, "", "node-b");
  int64_t single = Start(store(), lead, kT0);  // a single node's: no name
  auto got = store().GetConversation(mine);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->node, "node-a");
  EXPECT_EQ(store().GetConversation(single)->node, "");

  auto own = store().ListOpenConversations(kT0 + kMin, 100, "node-a");
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  ASSERT_EQ(own->size(), 1u);
  EXPECT_EQ((*own)[0].id, mine);
  EXPECT_EQ((*own)[0].node, "node-a");
  auto any = store().ListOpenConversations(kT0 + kMin, 100, "");
  ASSERT_TRUE(any.ok());
  std::vector<int64_t> ids;
  for (const auto& c : *any) ids.push_back(c.id);
  EXPECT_EQ(ids, (std::vector<int64_t>{mine, theirs, single})) << "every node's";
  EXPECT_TRUE(store().ListOpenConversations(kT0 + kMin, 100, "node-c")->empty());
}

TEST_P(CrmStoreConformance, ForgetErasesOnePersonAndNobodyElse) {
  // Anna: a lead with an order (and its conversation), a second lead with a callback task,
  // an opt-out. Boris: the same shape, untouched.
  struct Person {
    int64_t contact = 0, lead_order = 0, lead_task = 0, conv = 0, order = 0, task = 0;
  };
  auto make = [&](const std::string& phone, const std::string& name) {
    Person p;
    p.contact = NewContact(phone, name);
    p.lead_order = NewLead("phone", p.contact);
    p.lead_task = NewLead("phone", p.contact);
    Lead l = *store().GetLead(p.lead_order);
    l.summary = name + " заказала плитку";
    l.interest = "MT-6060-GR";
    EXPECT_TRUE(store().UpdateLead(l).ok());
    p.conv = Start(store(), p.lead_order, kT0, "recordings/" + name + ".wav");
    EXPECT_TRUE(store().AppendTurn(p.conv, "caller", "Меня зовут " + name, kT0 + 1).ok());
    EXPECT_TRUE(End(store(), p.conv, kT0 + kMin, "recordings/" + name + ".wav").ok());
    Start(store(), p.lead_task, kT0 + 2 * kMin);
    Order o;
    o.lead_id = p.lead_order;
    o.conversation_id = p.conv;
    o.customer_name = name;
    o.address = "Москва, ул. Ленина, 1";
    o.fulfilment = "delivery";
    o.lines = {OrderLine{"MT-6060-GR", "Монте", 10, "м2", 1890}};
    auto oid = store().CreateOrder(o);
    EXPECT_TRUE(oid.ok()) << oid.status().ToString();
    p.order = oid.ok() ? *oid : 0;
    Task t;
    t.lead_id = p.lead_task;
    t.phone = phone;
    t.note = "перезвонить " + name;
    auto tid = store().CreateTask(t);
    EXPECT_TRUE(tid.ok()) << tid.status().ToString();
    p.task = tid.ok() ? *tid : 0;
    EXPECT_TRUE(store().AddDnc(DncEntry{phone, "opt_out", "conversation", kT0}).ok());
    return p;
  };
  Person anna = make("+79161234567", "Анна");
  Person boris = make("+79167654321", "Борис");
  Task loose;  // a callback typed in for Anna's number with no lead
  loose.phone = "+7 916 123-45-67";
  ASSERT_TRUE(store().CreateTask(loose).ok());

  auto r = store().Forget("8 (916) 123-45-67");  // any spelling of the number
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->found);
  EXPECT_EQ(r->contact_id, anna.contact);
  EXPECT_EQ(r->leads_deleted, 1);
  EXPECT_EQ(r->leads_emptied, 1);
  EXPECT_EQ(r->conversations, 2);
  EXPECT_EQ(r->turns, 1);
  EXPECT_EQ(r->orders_scrubbed, 1);
  EXPECT_EQ(r->tasks, 2);
  EXPECT_TRUE(r->dnc_hashed);
  EXPECT_EQ(r->recordings, std::vector<std::string>{"recordings/Анна.wav"});

  auto contact = store().FindContactByPhone("+79161234567");
  ASSERT_TRUE(contact.ok());
  EXPECT_FALSE(contact->has_value());
  EXPECT_EQ(store().GetLead(anna.lead_task).status().code(), Status::Code::kNotFound);
  auto kept = store().GetLead(anna.lead_order);  // the order refers to it: kept, emptied
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->contact_id, 0);
  EXPECT_EQ(kept->summary, "");
  EXPECT_EQ(kept->interest, "");
  auto convs = store().ListConversations(anna.lead_order);
  ASSERT_TRUE(convs.ok());
  EXPECT_TRUE(convs->empty());
  EXPECT_EQ(store().GetConversation(anna.conv).status().code(), Status::Code::kNotFound);
  auto order = store().GetOrder(anna.order);
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(order->customer_name, "");
  EXPECT_EQ(order->address, "");
  EXPECT_EQ(order->conversation_id, 0);
  ASSERT_EQ(order->lines.size(), 1u);  // what was sold stays
  EXPECT_NEAR(order->total, 18900, 1e-6);
  EXPECT_EQ(store().GetTask(anna.task).status().code(), Status::Code::kNotFound);
  auto tasks = store().ListTasks();
  ASSERT_TRUE(tasks.ok());
  EXPECT_EQ(tasks->size(), 1u);  // Boris's only

  // Still opted out, under a hash: no field of the list holds the number.
  EXPECT_TRUE(*store().IsDnc("+79161234567"));
  auto dnc = store().ListDnc();
  ASSERT_TRUE(dnc.ok());
  ASSERT_EQ(dnc->size(), 2u);
  for (const auto& e : *dnc) {
    EXPECT_EQ(e.phone.find("1234567"), std::string::npos) << e.phone;
    EXPECT_EQ(e.source.find("1234567"), std::string::npos) << e.source;
    EXPECT_EQ(e.reason, "opt_out");
  }

  // Boris is untouched.
  auto b = store().GetConversation(boris.conv);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->turns.size(), 1u);
  EXPECT_EQ(store().GetOrder(boris.order)->customer_name, "Борис");
  EXPECT_EQ(store().GetLead(boris.lead_order)->contact_id, boris.contact);
  EXPECT_TRUE(store().GetTask(boris.task).ok());
  EXPECT_TRUE(*store().IsDnc("+79167654321"));

  // Again: nothing left to find, still opted out. A non-number is refused.
  auto again = store().Forget("+79161234567");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->found);
  EXPECT_FALSE(again->dnc_hashed);
  EXPECT_TRUE(*store().IsDnc("+79161234567"));
  auto bad = store().Forget("не номер");
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalid);
  // The hashed entry can still be removed by the number.
  EXPECT_TRUE(store().RemoveDnc("+79161234567").ok());
  EXPECT_FALSE(*store().IsDnc("+79161234567"));
}

TEST_P(CrmStoreConformance, RetentionPurgesOldTranscriptsAndRecordings) {
  int64_t lead = NewLead("phone");
  int64_t old_conv = Start(store(), lead, kT0);
  int64_t mid_conv = Start(store(), lead, kT0 + 10 * kMin);
  int64_t open_conv = Start(store(), lead, kT0, "recordings/open.wav");
  for (int64_t c : {old_conv, mid_conv, open_conv})
    ASSERT_TRUE(store().AppendTurn(c, "caller", "алло", kT0 + 1).ok());
  ASSERT_TRUE(End(store(), old_conv, kT0 + kMin, "recordings/old.wav").ok());
  ASSERT_TRUE(End(store(), mid_conv, kT0 + 11 * kMin, "recordings/mid.wav").ok());

  // Recordings older than minute 20, transcripts older than minute 5.
  auto r = store().PurgeExpired(kT0 + 5 * kMin, kT0 + 20 * kMin);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->conversations_transcripts, 1);
  EXPECT_EQ(r->turns, 1);
  std::vector<std::string> recs = r->recordings;
  std::sort(recs.begin(), recs.end());
  EXPECT_EQ(recs, (std::vector<std::string>{"recordings/mid.wav", "recordings/old.wav"}));

  auto old_c = store().GetConversation(old_conv);
  ASSERT_TRUE(old_c.ok());
  EXPECT_TRUE(old_c->turns.empty());
  EXPECT_EQ(old_c->recording_path, "");
  EXPECT_EQ(old_c->outcome, Outcome::kInfoOnly);  // the record of the call stays
  auto mid_c = store().GetConversation(mid_conv);
  EXPECT_EQ(mid_c->turns.size(), 1u);
  EXPECT_EQ(mid_c->recording_path, "");
  auto open_c = store().GetConversation(open_conv);  // a call in progress is never purged
  EXPECT_EQ(open_c->turns.size(), 1u);
  EXPECT_EQ(open_c->recording_path, "recordings/open.wav");

  auto none = store().PurgeExpired(0, 0);  // 0 = keep forever
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->turns, 0);
  EXPECT_TRUE(none->recordings.empty());
  EXPECT_EQ(store().GetConversation(mid_conv)->turns.size(), 1u);
}

}  // namespace
}  // namespace kira::crm
