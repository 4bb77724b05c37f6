// WorkspaceStore conformance: users, sessions, webhooks and their outbox, the watcher's memory,
// persistence and concurrent callers.
#include "crm/testing/workspace_store_conformance.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace kira::crm {

User WorkspaceStoreConformance::NewUser(const std::string& name, const std::string& role) {
  auto u = store_->AddUser({0, name, role, 1000}, "hash-of-" + name);
  EXPECT_TRUE(u.ok()) << u.status().ToString();
  return u.ok() ? *u : User{};
}

Webhook WorkspaceStoreConformance::NewWebhook(const std::vector<std::string>& events, bool active) {
  auto w =
      store_->AddWebhook({0, "http://127.0.0.1:9/hook", "0123456789abcdef", events, active, 1000});
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  return w.ok() ? *w : Webhook{};
}

namespace {

SessionRecord Session(const std::string& hash, const User& u, int64_t created, int64_t expires) {
  return {hash, "csrf-" + hash, created, expires, u};
}

}  // namespace

TEST_P(WorkspaceStoreConformance, UsersAreUniqueByNameAndListedByName) {
  User olga = NewUser("olga", "admin");
  User boris = NewUser("boris");
  EXPECT_GT(olga.id, 0);
  EXPECT_NE(olga.id, boris.id);
  EXPECT_EQ(olga.role, "admin");
  EXPECT_EQ(olga.created_at, 1000);

  auto dup = store().AddUser({0, "olga", "manager", 2000}, "other");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), Status::Code::kConflict);
  EXPECT_NE(dup.status().message().find("olga"), std::string::npos) << dup.status().message();

  auto all = store().ListUsers();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "boris");
  EXPECT_EQ((*all)[1].name, "olga");
  EXPECT_EQ((*all)[1].id, olga.id);

  auto found = store().FindUser("olga");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, olga.id);
  auto missing = store().FindUser("nobody");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("nobody"), std::string::npos);
}

TEST_P(WorkspaceStoreConformance, CredentialsCarryTheHashAndUnknownNamesAreNotErrors) {
  User olga = NewUser("olga");
  auto c = store().FindCredentials("olga");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ((*c)->user.id, olga.id);
  EXPECT_EQ((*c)->password_hash, "hash-of-olga");
  auto none = store().FindCredentials("nobody");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->has_value());
}

TEST_P(WorkspaceStoreConformance, NewPasswordReplacesTheHashAndEndsOnlyThatUsersSessions) {
  User olga = NewUser("olga");
  User boris = NewUser("boris");
  ASSERT_TRUE(store().CreateSession(Session("o1", olga, 1000, 9000)).ok());
  ASSERT_TRUE(store().CreateSession(Session("b1", boris, 1000, 9000)).ok());

  ASSERT_TRUE(store().SetPasswordHash("olga", "new-hash").ok());
  EXPECT_EQ((*store().FindCredentials("olga"))->password_hash, "new-hash");
  EXPECT_FALSE(store().FindSession("o1")->has_value());
  EXPECT_TRUE(store().FindSession("b1")->has_value());

  Status missing = store().SetPasswordHash("nobody", "x");
  EXPECT_EQ(missing.code(), Status::Code::kNotFound);
}

TEST_P(WorkspaceStoreConformance, SessionsAreFoundByHashWithTheirUserAndDeleted) {
  User olga = NewUser("olga", "admin");
  ASSERT_TRUE(store().CreateSession(Session("h1", olga, 1000, 5000)).ok());
  auto s = store().FindSession("h1");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_TRUE(s->has_value());
  EXPECT_EQ((*s)->csrf, "csrf-h1");
  EXPECT_EQ((*s)->created_at, 1000);
  EXPECT_EQ((*s)->expires_at, 5000);
  EXPECT_EQ((*s)->user.id, olga.id);
  EXPECT_EQ((*s)->user.name, "olga");
  EXPECT_EQ((*s)->user.role, "admin");

  EXPECT_FALSE(store().FindSession("unknown")->has_value());
  ASSERT_TRUE(store().DeleteSession("h1").ok());
  EXPECT_FALSE(store().FindSession("h1")->has_value());
  EXPECT_TRUE(store().DeleteSession("h1").ok()) << "deleting twice is not an error";
}

TEST_P(WorkspaceStoreConformance, ANewSessionSweepsTheExpiredOnes) {
  User olga = NewUser("olga");
  ASSERT_TRUE(store().CreateSession(Session("old", olga, 1000, 2000)).ok());
  ASSERT_TRUE(store().CreateSession(Session("live", olga, 1000, 9000)).ok());
  // An expired session is still returned until swept: the caller decides what expired means.
  EXPECT_TRUE(store().FindSession("old")->has_value());
  ASSERT_TRUE(store().CreateSession(Session("new", olga, 2000, 9000)).ok());
  EXPECT_FALSE(store().FindSession("old")->has_value()) << "expires_at <= now is swept";
  EXPECT_TRUE(store().FindSession("live")->has_value());
  EXPECT_TRUE(store().FindSession("new")->has_value());
}

TEST_P(WorkspaceStoreConformance, WebhooksAreListedByIdAndRemovedWithTheirOutbox) {
  Webhook a = NewWebhook({"lead.created", "order.created"});
  Webhook b = NewWebhook({"conversation.ended"}, /*active=*/false);
  auto all = store().ListWebhooks();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, a.id);
  EXPECT_EQ((*all)[0].events, (std::vector<std::string>{"lead.created", "order.created"}));
  EXPECT_EQ((*all)[0].secret, "0123456789abcdef");
  EXPECT_TRUE((*all)[0].active);
  EXPECT_EQ((*all)[1].id, b.id);
  EXPECT_FALSE((*all)[1].active);

  ASSERT_EQ(*store().EnqueueDelivery("lead.created", "{}", 1000), 1);
  ASSERT_TRUE(store().RemoveWebhook(a.id).ok());
  EXPECT_EQ(store().ListWebhooks()->size(), 1u);
  EXPECT_TRUE(store().ListDeliveries(10)->empty()) << "a removed webhook's rows go with it";
  EXPECT_EQ(store().RemoveWebhook(a.id).code(), Status::Code::kNotFound);
}

TEST_P(WorkspaceStoreConformance, EnqueueWritesOneRowPerActiveSubscriber) {
  Webhook leads = NewWebhook({"lead.created"});
  Webhook both = NewWebhook({"lead.created", "order.created"});
  NewWebhook({"lead.created"}, /*active=*/false);
  auto n = store().EnqueueDelivery("lead.created", R"({"id":1})", 5000);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(*store().EnqueueDelivery("order.created", R"({"id":2})", 6000), 1);
  EXPECT_EQ(*store().EnqueueDelivery("conversation.ended", "{}", 7000), 0);

  auto rows = store().ListDeliveries(10);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 3u);
  const WebhookDelivery& newest = (*rows)[0];
  EXPECT_EQ(newest.event, "order.created");
  EXPECT_EQ(newest.webhook_id, both.id);
  EXPECT_EQ(newest.payload, R"({"id":2})");
  EXPECT_EQ(newest.status, "pending");
  EXPECT_EQ(newest.attempts, 0);
  EXPECT_EQ(newest.next_attempt_at, 6000);
  EXPECT_EQ(newest.created_at, 6000);
  EXPECT_EQ(newest.delivered_at, 0);
  std::vector<int64_t> hooks = {(*rows)[1].webhook_id, (*rows)[2].webhook_id};
  std::sort(hooks.begin(), hooks.end());
  EXPECT_EQ(hooks, (std::vector<int64_t>{leads.id, both.id}));
  EXPECT_EQ(store().ListDeliveries(1)->size(), 1u);
}

TEST_P(WorkspaceStoreConformance, DueDeliveriesFollowTheirSchedule) {
  Webhook w = NewWebhook({"lead.created"});
  ASSERT_EQ(*store().EnqueueDelivery("lead.created", "{\"n\":1}", 1000), 1);
  ASSERT_EQ(*store().EnqueueDelivery("lead.created", "{\"n\":2}", 2000), 1);
  EXPECT_TRUE(store().ListDueDeliveries(999, 50)->empty());
  auto due = store().ListDueDeliveries(2000, 50);
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].payload, "{\"n\":1}") << "the longest due first";
  EXPECT_EQ((*due)[0].url, w.url);
  EXPECT_EQ((*due)[0].secret, w.secret);
  EXPECT_EQ((*due)[0].event, "lead.created");
  EXPECT_EQ((*due)[0].attempts, 0);
  EXPECT_EQ(store().ListDueDeliveries(2000, 1)->size(), 1u);

  int64_t first = (*due)[0].id, second = (*due)[1].id;
  ASSERT_TRUE(store().MarkAttemptFailed(first, 1, 8000, "receiver answered HTTP 500", false).ok());
  ASSERT_TRUE(store().MarkDelivered(second, 1, 2500).ok());
  due = store().ListDueDeliveries(7999, 50);
  EXPECT_TRUE(due->empty()) << "a failed attempt waits for its retry; a delivered row is done";
  due = store().ListDueDeliveries(8000, 50);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, first);
  EXPECT_EQ((*due)[0].attempts, 1);

  ASSERT_TRUE(store().MarkAttemptFailed(first, 2, 9000, "connection failed", true).ok());
  EXPECT_TRUE(store().ListDueDeliveries(1'000'000, 50)->empty()) << "given up";
  auto rows = store().ListDeliveries(10);
  ASSERT_EQ(rows->size(), 2u);
  for (const auto& r : *rows) {
    if (r.id == first) {
      EXPECT_EQ(r.status, "failed");
      EXPECT_EQ(r.attempts, 2);
      EXPECT_EQ(r.last_error, "connection failed");
    } else {
      EXPECT_EQ(r.status, "delivered");
      EXPECT_EQ(r.delivered_at, 2500);
      EXPECT_EQ(r.last_error, "");
    }
  }
}

TEST_P(WorkspaceStoreConformance, ClaimedDeliveriesGoToOneSenderUntilSettledOrTheLeaseEnds) {
  NewWebhook({"lead.created"});
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(
        *store().EnqueueDelivery("lead.created", "{\"n\":" + std::to_string(i) + "}", 1000 + i), 1);
  }
  auto first = store().ClaimDueDeliveries(2000, 2, 5000);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].payload, "{\"n\":0}") << "the oldest first";
  EXPECT_EQ((*first)[1].payload, "{\"n\":1}");
  auto second = store().ClaimDueDeliveries(2000, 10, 5000);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 1u) << "a claimed row is not handed out twice";
  EXPECT_EQ((*second)[0].payload, "{\"n\":2}");
  EXPECT_TRUE(store().ClaimDueDeliveries(4999, 10, 9000)->empty());
  EXPECT_TRUE(store().ListDueDeliveries(4999, 10)->empty());
  ASSERT_TRUE(store().MarkDelivered((*first)[0].id, 1, 3000).ok());
  ASSERT_TRUE(store().MarkAttemptFailed((*first)[1].id, 1, 7000, "HTTP 503", false).ok());
  // The third row's sender died: its lease ends at 5000 and the row is due again.
  auto again = store().ClaimDueDeliveries(5000, 10, 9000);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].id, (*second)[0].id);
  auto retry = store().ClaimDueDeliveries(7000, 10, 9000);
  ASSERT_EQ(retry->size(), 1u);
  EXPECT_EQ((*retry)[0].id, (*first)[1].id);
  EXPECT_EQ((*retry)[0].attempts, 1);
}

TEST_P(WorkspaceStoreConformance, LoginAttemptsAreCountedPerKeyWithinTheWindow) {
  const int64_t kWindow = 60000;
  std::vector<LoginLimit> keys = {{"ua:olga|10.0.0.1", 2}, {"a:10.0.0.1", 3}};
  auto first = store().ReserveLoginAttempt(keys, 1000, kWindow);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(first->granted);
  EXPECT_EQ(first->ids.size(), 2u);
  auto second = store().ReserveLoginAttempt(keys, 1001, kWindow);
  ASSERT_TRUE(second->granted);
  // Two logins still being checked fill the budget of 2: a third waits.
  auto third = store().ReserveLoginAttempt(keys, 1002, kWindow);
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE(third->granted);
  EXPECT_TRUE(third->ids.empty());
  // One succeeds (forgotten), one fails (counted at 2000).
  ASSERT_TRUE(store().SettleLoginAttempt(first->ids, false, 1500).ok());
  ASSERT_TRUE(store().SettleLoginAttempt(second->ids, true, 2000).ok());
  auto fourth = store().ReserveLoginAttempt(keys, 2500, kWindow);
  ASSERT_TRUE(fourth->granted);
  ASSERT_TRUE(store().SettleLoginAttempt(fourth->ids, true, 3000).ok());
  auto refused = store().ReserveLoginAttempt(keys, 3500, kWindow);
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(refused->granted);
  EXPECT_EQ(refused->retry_at, 2000 + kWindow) << "when the oldest failure leaves the window";
  // Another name from the same address still has the address's budget (3: two used).
  auto other =
      store().ReserveLoginAttempt({{"ua:ivan|10.0.0.1", 2}, {"a:10.0.0.1", 3}}, 3600, kWindow);
  ASSERT_TRUE(other->granted);
  ASSERT_TRUE(store().SettleLoginAttempt(other->ids, true, 3600).ok());
  EXPECT_FALSE(store().ReserveLoginAttempt({{"a:10.0.0.1", 3}}, 3700, kWindow)->granted);
  // The window passes.
  EXPECT_TRUE(store().ReserveLoginAttempt(keys, 3600 + kWindow + 1, kWindow)->granted);
  // A reservation never settled stops counting after kLoginReservationTtlMs.
  std::vector<LoginLimit> one = {{"u:lost", 1}};
  ASSERT_TRUE(store().ReserveLoginAttempt(one, 10'000'000, kWindow)->granted);
  EXPECT_FALSE(store().ReserveLoginAttempt(one, 10'000'001, kWindow)->granted);
  EXPECT_TRUE(
      store().ReserveLoginAttempt(one, 10'000'000 + kLoginReservationTtlMs + 1, kWindow)->granted);
}

TEST_P(WorkspaceStoreConformance, EachEmissionIsFirstExactlyOnce) {
  EXPECT_TRUE(*store().FirstEmission("lead.created", 7));
  EXPECT_FALSE(*store().FirstEmission("lead.created", 7));
  EXPECT_TRUE(*store().FirstEmission("order.created", 7)) << "per event";
  EXPECT_TRUE(*store().FirstEmission("lead.created", 8)) << "per entity";
}

TEST_P(WorkspaceStoreConformance, StateIsSetReplacedAndReadBack) {
  auto none = store().GetState("last_lead_id");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(store().SetState("last_lead_id", "41").ok());
  ASSERT_TRUE(store().SetState("last_lead_id", "42").ok());
  EXPECT_EQ(store().GetState("last_lead_id")->value_or(""), "42");
}

TEST_P(WorkspaceStoreConformance, EverythingSurvivesReopening) {
  if (!GetParam().persistent) GTEST_SKIP() << "not persistent";
  User olga = NewUser("olga", "admin");
  ASSERT_TRUE(store().CreateSession(Session("h1", olga, 1000, 9000)).ok());
  Webhook w = NewWebhook({"lead.created"});
  ASSERT_EQ(*store().EnqueueDelivery("lead.created", "{}", 1000), 1);
  ASSERT_TRUE(*store().FirstEmission("lead.created", 1));
  ASSERT_TRUE(store().SetState("last_lead_id", "1").ok());
  Reopen();
  EXPECT_EQ(store().FindUser("olga")->id, olga.id);
  EXPECT_TRUE(store().FindSession("h1")->has_value());
  ASSERT_EQ(store().ListWebhooks()->size(), 1u);
  EXPECT_EQ(store().ListWebhooks()->front().id, w.id);
  EXPECT_EQ(store().ListDueDeliveries(1000, 10)->size(), 1u);
  EXPECT_FALSE(*store().FirstEmission("lead.created", 1));
  EXPECT_EQ(store().GetState("last_lead_id")->value_or(""), "1");
}

TEST_P(WorkspaceStoreConformance, ParallelCallersSeeOneFirstEmissionAndEveryRow) {
  NewWebhook({"lead.created"});
  constexpr int kThreads = 8, kEach = 20;
  std::atomic<int> firsts{0}, errors{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        auto f = store().FirstEmission("lead.created", i);
        if (!f.ok()) ++errors;
        if (f.ok() && *f) ++firsts;
        if (!store().EnqueueDelivery("lead.created", "{}", 1000).ok()) ++errors;
      }
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(firsts.load(), kEach);
  EXPECT_EQ(store().ListDeliveries(1000)->size(), static_cast<size_t>(kThreads * kEach));
}

}  // namespace kira::crm
