// LeadService against a real SQLite store (in memory) on a fake clock: each operation's checks,
// its state change and its one audit entry.
#include "leads/lead_service.h"

#include <gtest/gtest.h>

namespace kira::leads {
namespace {

class LeadServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = crm::OpenSqliteCrmStore(":memory:");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    svc_ = std::make_unique<LeadService>(*store_, clock_);
  }

  int64_t AddLead(const std::string& phone = "8 916 123-45-67") {
    crm::Contact c;
    c.phone = phone;
    c.timezone = "Europe/Moscow";
    auto cid = store_->UpsertContact(c);
    EXPECT_TRUE(cid.ok());
    crm::Lead l;
    l.contact_id = *cid;
    l.channel = "phone";
    l.created_at = 1000;
    auto id = store_->CreateLead(l);
    EXPECT_TRUE(id.ok());
    return *id;
  }

  std::vector<std::string> Actions(int64_t lead_id) {
    std::vector<std::string> out;
    auto a = store_->ListAudit("lead", lead_id);
    EXPECT_TRUE(a.ok());
    for (const auto& e : *a) out.push_back(e.actor + " " + e.action + " " + e.detail);
    return out;
  }

  FakeClock clock_{FromUnixMillis(1'800'000'000'000)};
  std::unique_ptr<crm::CrmStore> store_;
  std::unique_ptr<LeadService> svc_;
};

TEST_F(LeadServiceTest, TakeAssignsAndRefusesAnotherManager) {
  int64_t id = AddLead();
  auto l = svc_->Take(id, Actor::User("alice"));
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_EQ(crm::Name(l->status), "taken");
  EXPECT_EQ(l->assigned_to, "alice");
  EXPECT_TRUE(svc_->Take(id, Actor::User("alice")).ok());  // again by the same: fine
  auto other = svc_->Take(id, Actor::User("bob"));
  EXPECT_EQ(other.status().code(), Status::Code::kConflict);
  EXPECT_EQ(other.status().message(), "the lead is already taken by alice");
  EXPECT_EQ(svc_->Take(id, Actor::Cli()).status().code(), Status::Code::kInvalid);
  EXPECT_EQ(svc_->Take(9999, Actor::User("bob")).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(Actions(id), (std::vector<std::string>{"user:alice lead.take assigned to alice",
                                                   "user:alice lead.take assigned to alice"}));
}

TEST_F(LeadServiceTest, SendToVeraStoresE164AndRefusesDuplicatesClosedAndDnc) {
  int64_t id = AddLead();
  CallRequest r;
  r.note = "предложить аналог";
  auto v = svc_->SendToVera(id, r, Actor::User("alice"));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->task.phone, "+79161234567");
  EXPECT_EQ(crm::Name(v->task.kind), "vera_call");
  EXPECT_EQ(v->task.agent, "vera");
  EXPECT_EQ(v->task.timezone, "Europe/Moscow");
  EXPECT_EQ(v->task.created_by, "manager:alice");
  EXPECT_EQ(crm::Name(v->lead.status), "vera_assigned");
  EXPECT_EQ(v->lead.assigned_to, "alice");
  auto again = svc_->SendToVera(id, {}, Actor::User("alice"));
  EXPECT_EQ(again.status().code(), Status::Code::kConflict);
  EXPECT_EQ(again.status().message(), "Vera already has an open call for this lead (task " +
                                          std::to_string(v->task.id) + ")");

  int64_t listed = AddLead("+7 916 000-00-01");
  ASSERT_TRUE(svc_->AddDnc("+79160000001", "opt_out", Actor::Cli()).ok());
  auto dnc = svc_->SendToVera(listed, {}, Actor::Cli());
  EXPECT_EQ(dnc.status().code(), Status::Code::kConflict);
  EXPECT_NE(dnc.status().message().find("do-not-call"), std::string::npos);

  int64_t closed = AddLead("+7 916 000-00-02");
  ASSERT_TRUE(svc_->Close(closed, "spam", Actor::Cli()).ok());
  EXPECT_EQ(svc_->SendToVera(closed, {}, Actor::Cli()).status().message(), "the lead is closed");

  CallRequest bad;
  bad.timezone = "Mars/Olympus";
  EXPECT_EQ(svc_->SendToVera(AddLead("+7 916 000-00-03"), bad, Actor::Cli()).status().code(),
            Status::Code::kNotFound);
  bad = {};
  bad.note = std::string(kMaxNoteBytes + 1, 'x');
  EXPECT_EQ(svc_->SendToVera(id, bad, Actor::Cli()).status().code(), Status::Code::kInvalid);
}

TEST_F(LeadServiceTest, CloseChecksTheReasonAndOnlyOnce) {
  int64_t id = AddLead();
  EXPECT_EQ(svc_->Close(id, "because", Actor::Cli()).status().code(), Status::Code::kInvalid);
  auto l = svc_->Close(id, "duplicate", Actor::User("bob"));
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(crm::Name(l->status), "closed");
  EXPECT_EQ(l->close_reason, crm::CloseReason::kDuplicate);
  EXPECT_EQ(crm::StoredReason(*l), "duplicate");
  EXPECT_EQ(l->assigned_to, "bob");
  EXPECT_EQ(svc_->Close(id, "other", Actor::Cli()).status().message(),
            "the lead is already closed");
  EXPECT_EQ(Actions(id), std::vector<std::string>{"user:bob lead.close reason duplicate"});
}

TEST_F(LeadServiceTest, ApproveNeedsAFinishedVeraCall) {
  int64_t id = AddLead();
  EXPECT_EQ(svc_->Approve(id, Actor::Cli()).status().message(),
            "Vera has not been sent to this lead");
  auto v = svc_->SendToVera(id, {}, Actor::User("alice"));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(svc_->Approve(id, Actor::Cli()).status().message(),
            "Vera has not finished the call yet");
  crm::Task t = v->task;
  t.status = crm::TaskStatus::kDone;
  t.last_result = "order_placed";
  ASSERT_TRUE(store_->UpdateTask(t).ok());
  auto l = svc_->Approve(id, Actor::User("alice"));
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_EQ(crm::Name(l->status), "closed");
  EXPECT_EQ(l->close_reason, crm::CloseReason::kVeraResult);
  EXPECT_EQ(l->vera_result, "order_placed");
  EXPECT_EQ(crm::StoredReason(*l), "vera_order_placed");
  EXPECT_EQ(Actions(id).back(), "user:alice lead.vera_approve task " + std::to_string(v->task.id));
}

TEST_F(LeadServiceTest, CallbackTaskIsAuditedOnTheTask) {
  int64_t id = AddLead();
  CallRequest r;
  r.not_before = 2000;
  r.deadline = 1000;
  EXPECT_EQ(svc_->AssignCallback(id, r, Actor::Cli()).status().code(), Status::Code::kInvalid);
  r.deadline = 0;
  auto t = svc_->AssignCallback(id, r, Actor::Cli());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(crm::Name(t->kind), "callback");
  EXPECT_EQ(t->agent, "");
  auto a = store_->ListAudit("task", t->id);
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 1u);
  EXPECT_EQ((*a)[0].detail, "lead " + std::to_string(id) + ", agent manager");
  auto lead = store_->GetLead(id);
  EXPECT_EQ(crm::Name(lead->status), "new");  // a manager's callback leaves the lead's status alone
}

TEST_F(LeadServiceTest, DncImportIsAllOrNothing) {
  auto bad = svc_->ImportDnc("+79161234567\nnot a number\n", "list.txt", "", Actor::Cli());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalid);
  EXPECT_NE(bad.status().message().find("nothing imported"), std::string::npos);
  EXPECT_TRUE(store_->ListDnc()->empty());
  ASSERT_TRUE(svc_->AddDnc("8 916 123 45 67", "", Actor::Cli()).ok());
  auto r = svc_->ImportDnc("+79161234567\n+79160000009\n", "list.txt", "", Actor::Cli());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->numbers, 2u);
  EXPECT_EQ(r->added, 1u);
  auto audit = store_->ListAudit("dnc");
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ((*audit)[1].detail, "list.txt: 2 numbers, 1 new");
}

}  // namespace
}  // namespace kira::leads
