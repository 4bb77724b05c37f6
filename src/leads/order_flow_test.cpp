// The order flow (leads/order_flow.h): every allowed move, the refused ones, and the final
// statuses; then LeadService::SetOrderStatus on a real SQLite store: stored, audited, refused.
#include "leads/order_flow.h"

#include <gtest/gtest.h>

#include "leads/lead_service.h"

namespace kira::leads {
namespace {

crm::Order WithStatus(const std::string& status, const std::string& fulfilment = "") {
  crm::Order o;
  o.status = *crm::ParseOrderStatus(status);
  o.fulfilment = fulfilment;
  return o;
}

TEST(OrderFlow, TheHappyPathsForDeliveryAndPickup) {
  for (auto [fulfilment, hand_over] :
       {std::pair{"delivery", "shipped"}, std::pair{"pickup", "picked_up"}}) {
    crm::Order o = WithStatus("new", fulfilment);
    for (const std::string to : {"confirmed", "paid", hand_over, "done"}) {
      EXPECT_TRUE(CheckOrderTransition(o, to).ok()) << crm::Name(o.status) << " -> " << to;
      o.status = *crm::ParseOrderStatus(to);
    }
    EXPECT_TRUE(NextOrderStatuses(o).empty());
  }
}

TEST(OrderFlow, RefusesSkipsBackwardsAndTheWrongHandOver) {
  auto code = [](const std::string& from, const std::string& to, const std::string& f = "") {
    return CheckOrderTransition(WithStatus(from, f), std::string_view(to)).status().code();
  };
  EXPECT_EQ(code("new", "paid"), Status::Code::kConflict);
  EXPECT_EQ(code("new", "done"), Status::Code::kConflict);
  EXPECT_EQ(code("paid", "confirmed"), Status::Code::kConflict);
  EXPECT_EQ(code("confirmed", "confirmed"), Status::Code::kConflict);
  EXPECT_EQ(code("paid", "picked_up", "delivery"), Status::Code::kConflict);
  EXPECT_EQ(code("paid", "shipped", "pickup"), Status::Code::kConflict);
  EXPECT_EQ(code("shipped", "cancelled"), Status::Code::kConflict);
  EXPECT_EQ(code("done", "cancelled"), Status::Code::kConflict);
  EXPECT_EQ(code("cancelled", "new"), Status::Code::kConflict);
  EXPECT_EQ(code("new", "lost"), Status::Code::kInvalid);
  EXPECT_EQ(code("new", ""), Status::Code::kInvalid);
  // Unknown fulfilment: either hand-over.
  EXPECT_EQ(code("paid", "shipped"), Status::Code::kOk);
  EXPECT_EQ(code("paid", "picked_up"), Status::Code::kOk);
  Status s = CheckOrderTransition(WithStatus("new"), "paid").status();
  EXPECT_EQ(s.message(), "an order that is new cannot become paid (next: confirmed, cancelled)");
  s = CheckOrderTransition(WithStatus("done"), "cancelled").status();
  EXPECT_EQ(s.message(), "the order is done; its status can no longer change");
}

TEST(OrderFlow, CancelledFromEveryOpenStatusBeforeHandOver) {
  for (const char* from : {"new", "confirmed", "paid"})
    EXPECT_TRUE(CheckOrderTransition(WithStatus(from, "delivery"), "cancelled").ok()) << from;
}

TEST(OrderFlow, EveryNextStatusIsAStoreStatus) {
  for (const auto& from : crm::kOrderStatusTable)
    for (const char* f : {"", "pickup", "delivery"})
      for (crm::OrderStatus to : NextOrderStatuses(WithStatus(std::string(from.name), f)))
        EXPECT_TRUE(CheckOrderTransition(WithStatus(std::string(from.name), f), to).ok())
            << from.name << " " << crm::Name(to);
}

class SetOrderStatusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = crm::OpenSqliteCrmStore(":memory:");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    svc_ = std::make_unique<LeadService>(*store_, clock_);
    crm::Lead l;
    l.channel = "phone";
    auto lead = store_->CreateLead(l);
    ASSERT_TRUE(lead.ok());
    crm::Order o;
    o.lead_id = *lead;
    o.fulfilment = "pickup";
    o.customer_name = "Ольга";
    o.lines.push_back({"KG-1", "Керамогранит", 12.5, "m2", 1000});
    o.total = 12500;
    auto id = store_->CreateOrder(o);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    order_ = *id;
  }

  FakeClock clock_{FromUnixMillis(1'800'000'000'000)};
  std::unique_ptr<crm::CrmStore> store_;
  std::unique_ptr<LeadService> svc_;
  int64_t order_ = 0;
};

TEST_F(SetOrderStatusTest, StoresAuditsAndRefuses) {
  auto c = svc_->SetOrderStatus(order_, "confirmed", Actor::User("alice"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->from, crm::OrderStatus::kNew);
  EXPECT_EQ(crm::Name(c->order.status), "confirmed");
  EXPECT_EQ(c->order.customer_name, "Ольга");
  EXPECT_EQ(crm::Name(store_->GetOrder(order_)->status), "confirmed");

  auto bad = svc_->SetOrderStatus(order_, "shipped", Actor::User("alice"));
  EXPECT_EQ(bad.status().code(), Status::Code::kConflict);
  EXPECT_EQ(crm::Name(store_->GetOrder(order_)->status), "confirmed")
      << "a refused move changes nothing";
  EXPECT_EQ(svc_->SetOrderStatus(order_, "sent", Actor::Cli()).status().code(),
            Status::Code::kInvalid);
  EXPECT_EQ(svc_->SetOrderStatus(order_ + 99, "paid", Actor::Cli()).status().code(),
            Status::Code::kNotFound);

  ASSERT_TRUE(svc_->SetOrderStatus(order_, "paid", Actor::Cli()).ok());
  ASSERT_TRUE(svc_->SetOrderStatus(order_, "picked_up", Actor::Cli()).ok());
  ASSERT_TRUE(svc_->SetOrderStatus(order_, "done", Actor::User("bob")).ok());

  auto audit = store_->ListAudit("order", order_);
  ASSERT_TRUE(audit.ok());
  std::vector<std::string> got;
  for (const auto& e : *audit) got.push_back(e.actor + " " + e.action + " " + e.detail);
  EXPECT_EQ(got,
            (std::vector<std::string>{
                "user:alice order.status new -> confirmed", "cli order.status confirmed -> paid",
                "cli order.status paid -> picked_up", "user:bob order.status picked_up -> done"}));
}

}  // namespace
}  // namespace kira::leads
