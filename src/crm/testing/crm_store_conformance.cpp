// Conformance suite, part 1: the fixture, contacts, leads (pages, filters) and conversations.
// Part 2 (orders, tasks, do-not-call, audit, persistence, threads) is in
// crm_store_conformance_records.cpp.
#include "crm/testing/crm_store_conformance.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <set>

namespace kira::crm {

namespace fs = std::filesystem;

int64_t CrmStoreConformance::NewContact(const std::string& phone, const std::string& name) {
  Contact c;
  c.phone = phone;
  c.name = name;
  auto id = store_->UpsertContact(c);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  return id.ok() ? *id : 0;
}

int64_t CrmStoreConformance::NewLead(const std::string& channel, int64_t contact_id,
                                     int64_t created_at) {
  Lead l;
  l.channel = channel;
  l.contact_id = contact_id;
  l.created_at = created_at;
  auto id = store_->CreateLead(l);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  return id.ok() ? *id : 0;
}

int64_t CrmStoreConformance::NewConversation(int64_t lead_id, const std::string& agent) {
  Conversation c;
  c.lead_id = lead_id;
  c.agent = agent;
  c.channel = "chat";
  c.language = "ru";
  auto id = store_->StartConversation(c);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  return id.ok() ? *id : 0;
}

namespace {

constexpr int64_t kT0 = 1764400000000;  // 2025-11-29, a fixed "now" for records given a time
constexpr int64_t kYear2020 = 1577836800000;

std::vector<int64_t> Ids(const std::vector<Lead>& leads) {
  std::vector<int64_t> ids;
  for (const Lead& l : leads) ids.push_back(l.id);
  return ids;
}

// ---- contacts ----

TEST_P(CrmStoreConformance, ContactUpsertIsIdempotentPerNormalisedPhone) {
  int64_t a = NewContact("8 916 123-45-67");
  Contact again;
  again.phone = "+7 916 1234567";
  again.name = "Анна";
  again.timezone = "Europe/Moscow";
  auto b = store().UpsertContact(again);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(*b, a);
  again.name = "Борис";  // a known name is not overwritten
  again.timezone = "Asia/Omsk";
  auto c = store().UpsertContact(again);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, a);

  auto got = store().GetContact(a);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->phone, "8 916 123-45-67");  // kept as first given
  EXPECT_EQ(got->name, "Анна");
  EXPECT_EQ(got->timezone, "Europe/Moscow");
  EXPECT_GT(got->created_at, kYear2020);

  auto found = store().FindContactByPhone("79161234567");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, a);
  auto none = store().FindContactByPhone("+7 900 000-00-00");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  int64_t other = NewContact("+44 20 7946 0958");
  EXPECT_NE(other, a);
}

TEST_P(CrmStoreConformance, ContactsWithoutPhoneAreDistinctAndUnknownIdIsNotFound) {
  int64_t a = NewContact("", "Аноним");
  int64_t b = NewContact("", "Аноним");
  EXPECT_NE(a, b);
  // A channel address that is not a number is its own key.
  int64_t s1 = NewContact("sip:bob@shop.example");
  int64_t s2 = NewContact("sip:bob@shop.example");
  EXPECT_EQ(s1, s2);
  auto missing = store().GetContact(b + 1000);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(missing.status().message(), "contact " + std::to_string(b + 1000) + " not found");
}

// ---- leads ----

TEST_P(CrmStoreConformance, LeadRoundTripsAndUpdateBumpsUpdatedAt) {
  int64_t contact = NewContact("+79161234567", "Анна");
  Lead l;
  l.contact_id = contact;
  l.channel = "phone";
  l.source = "inbound";
  l.qualification = Qualification::kTargeted;
  l.outcome = Outcome::kOrderPlaced;
  l.summary = "Заказала 12 м² «Монте Тиберио»; it's 'quoted' \"text\"; DROP TABLE leads;--";
  l.interest = "MT-6060-GR";
  l.created_at = kT0;
  auto id = store().CreateLead(l);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto got = store().GetLead(*id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->contact_id, contact);
  EXPECT_EQ(got->channel, "phone");
  EXPECT_EQ(got->source, "inbound");
  EXPECT_EQ(crm::Name(got->status), "new");
  EXPECT_EQ(got->qualification, Qualification::kTargeted);
  EXPECT_EQ(got->outcome, Outcome::kOrderPlaced);
  EXPECT_EQ(got->summary, l.summary);
  EXPECT_EQ(got->interest, "MT-6060-GR");
  EXPECT_FALSE(got->source_flagged);
  EXPECT_EQ(got->created_at, kT0);
  EXPECT_EQ(got->updated_at, kT0);

  Lead upd = *got;
  upd.status = LeadStatus::kTaken;
  upd.assigned_to = "olga";
  upd.source_flagged = true;
  upd.created_at = 1;  // ignored: created_at never changes
  ASSERT_TRUE(store().UpdateLead(upd).ok());
  auto after = store().GetLead(*id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(crm::Name(after->status), "taken");
  EXPECT_EQ(after->assigned_to, "olga");
  EXPECT_TRUE(after->source_flagged);
  EXPECT_EQ(after->created_at, kT0);
  EXPECT_GT(after->updated_at, kT0);

  int64_t now_lead = NewLead();
  auto stamped = store().GetLead(now_lead);
  ASSERT_TRUE(stamped.ok());
  EXPECT_GT(stamped->created_at, kYear2020);
  EXPECT_EQ(stamped->contact_id, 0);
}

TEST_P(CrmStoreConformance, LeadBadInputIsRejectedWithClearErrors) {
  Lead l;
  l.channel = "chat";
  l.contact_id = 999999;
  auto r = store().CreateLead(l);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kNotFound);
  EXPECT_NE(r.status().message().find("contact 999999 not found"), std::string::npos);

  l.contact_id = 0;
  l.close_reason = CloseReason::kSold;  // but not closed
  r = store().CreateLead(l);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalid);
  EXPECT_EQ(r.status().message(), "a lead that is not closed has no close reason");
  l.status = LeadStatus::kClosed;
  l.close_reason = CloseReason::kVeraResult;  // without the result
  r = store().CreateLead(l);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalid);

  Lead ghost;
  ghost.id = 424242;
  Status s = store().UpdateLead(ghost);
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
  EXPECT_EQ(s.message(), "lead 424242 not found");
  EXPECT_EQ(store().GetLead(424242).status().code(), Status::Code::kNotFound);

  LeadFilter f;
  auto count = store().CountLeads(f);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 0);
}

// The lead's two reason vocabularies share the stores' one `reason` column: each comes back
// as the field it was written in, "other" (a name in both) included, and the queue's reason
// filter finds the stored name.
TEST_P(CrmStoreConformance, LeadReasonsComeBackInTheirOwnVocabulary) {
  struct Case {
    LeadStatus status;
    std::optional<NonTargetedReason> nt;
    std::optional<CloseReason> close;
    std::string vera;
    std::string stored;
  };
  const Case cases[] = {
      {LeadStatus::kNew, NonTargetedReason::kOther, {}, "", "other"},
      {LeadStatus::kClosed, {}, CloseReason::kOther, "", "other"},
      {LeadStatus::kClosed, {}, CloseReason::kSpam, "", "spam"},
      {LeadStatus::kClosed, {}, CloseReason::kVeraResult, "opt_out", "vera_opt_out"},
      {LeadStatus::kClosed, NonTargetedReason::kUnclear, {}, "", "unclear"},
      {LeadStatus::kTaken, {}, {}, "", ""},
  };
  for (const Case& c : cases) {
    Lead l;
    l.status = c.status;
    l.outcome = c.nt ? std::optional(Outcome::kNonTargeted) : std::nullopt;
    l.non_targeted_reason = c.nt;
    l.close_reason = c.close;
    l.vera_result = c.vera;
    EXPECT_EQ(StoredReason(l), c.stored);
    auto id = store().CreateLead(l);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    auto got = store().GetLead(*id);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->non_targeted_reason, c.nt) << c.stored;
    EXPECT_EQ(got->close_reason, c.close) << c.stored;
    EXPECT_EQ(got->vera_result, c.vera) << c.stored;
  }
  // Closing replaces the non-targeted reason: the column holds one.
  Lead nt;
  nt.outcome = Outcome::kNonTargeted;
  nt.non_targeted_reason = NonTargetedReason::kNotSold;
  auto id = store().CreateLead(nt);
  ASSERT_TRUE(id.ok());
  nt = *store().GetLead(*id);
  nt.status = LeadStatus::kClosed;
  nt.close_reason = CloseReason::kNotTargeted;
  ASSERT_TRUE(store().UpdateLead(nt).ok());
  auto closed = store().GetLead(*id);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->close_reason, CloseReason::kNotTargeted);
  EXPECT_EQ(closed->non_targeted_reason, std::nullopt);
  EXPECT_EQ(closed->outcome, Outcome::kNonTargeted);

  LeadFilter f;
  ASSERT_TRUE(ParseReasonFilter("other", &f).ok());
  EXPECT_EQ(*store().CountLeads(f), 2);
  ASSERT_TRUE(ParseReasonFilter("spam", &f).ok());
  EXPECT_EQ(*store().CountLeads(f), 1);
  EXPECT_EQ(ParseReasonFilter("vera_opt_out", &f).code(), Status::Code::kInvalid);
  EXPECT_EQ(ParseReasonFilter("too_expensive", &f).code(), Status::Code::kInvalid);
}

TEST_P(CrmStoreConformance, KeysetPagesVisitEveryLeadOnceNewestFirst) {
  // Creation times out of id order and with ties (an import of old leads): the order is
  // created_at descending, then id descending.
  struct Made {
    int64_t id, at;
  };
  std::vector<Made> made;
  for (int i = 0; i < 53; ++i) {
    int64_t at = kT0 + (i * 37 % 53) / 2 * 1000;  // a permutation, pairs share a time
    made.push_back({NewLead("chat", 0, at), at});
  }
  std::vector<Made> want = made;
  std::sort(want.begin(), want.end(),
            [](const Made& a, const Made& b) { return a.at != b.at ? a.at > b.at : a.id > b.id; });
  LeadFilter f;
  f.limit = 10;
  std::vector<int64_t> seen;
  int pages = 0;
  while (true) {
    auto page = store().ListLeads(f);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    if (page->empty()) break;
    ASSERT_LE(page->size(), 10u);
    for (const Lead& l : *page) seen.push_back(l.id);
    f.before_id = page->back().id;
    ASSERT_LT(++pages, 10);
  }
  EXPECT_EQ(pages, 6);
  std::vector<int64_t> want_ids;
  for (const Made& m : want) want_ids.push_back(m.id);
  EXPECT_EQ(seen, want_ids);

  // A lead arriving between two page reads does not shift the next page.
  LeadFilter first;
  first.limit = 5;
  auto p1 = store().ListLeads(first);
  ASSERT_TRUE(p1.ok());
  int64_t newest = NewLead("chat", 0, kT0 + 999999);
  LeadFilter next = first;
  next.before_id = p1->back().id;
  EXPECT_EQ(Ids(*store().ListLeads(next)),
            std::vector<int64_t>(want_ids.begin() + 5, want_ids.begin() + 10));

  // What is new since the last poll: by id, in the usual order (made[51] is newer than
  // made[52]).
  LeadFilter since;
  since.after_id = made[50].id;
  ASSERT_GT(made[51].at, made[52].at);
  EXPECT_EQ(Ids(*store().ListLeads(since)),
            (std::vector<int64_t>{newest, made[51].id, made[52].id}));
  since.channel = "chat";
  EXPECT_EQ(store().ListLeads(since)->size(), 3u);
  since.channel = "web";
  EXPECT_TRUE(store().ListLeads(since)->empty());

  LeadFilter ghost;
  ghost.before_id = 987654;
  auto missing = store().ListLeads(ghost);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("lead 987654 not found"), std::string::npos);

  for (int bad : {0, -1, kMaxLeadPage + 1}) {
    LeadFilter b;
    b.limit = bad;
    auto r = store().ListLeads(b);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Status::Code::kInvalid);
    EXPECT_NE(r.status().message().find(std::to_string(bad)), std::string::npos);
  }
}

TEST_P(CrmStoreConformance, LeadFiltersAndCountsAgree) {
  int64_t anna = NewContact("+79161234567");
  struct Spec {
    const char* channel;
    LeadStatus status;
    std::optional<Outcome> outcome;
    std::optional<NonTargetedReason> reason;
    Qualification qualification;
    const char* assigned;
    int64_t contact;
    int64_t at;
  };
  using O = Outcome;
  using R = NonTargetedReason;
  using Q = Qualification;
  std::vector<Spec> specs = {
      {"phone", LeadStatus::kNew, O::kNonTargeted, R::kDiscontinued, Q::kNonTargeted, "", anna,
       kT0},
      {"chat", LeadStatus::kNew, O::kOrderPlaced, {}, Q::kTargeted, "", 0, kT0 + 1000},
      {"phone", LeadStatus::kTaken, O::kQualified, {}, Q::kTargeted, "olga", anna, kT0 + 2000},
      {"web", LeadStatus::kClosed, O::kNonTargeted, R::kSmallQuantity, Q::kNonTargeted, "olga", 0,
       kT0 + 3000},
      {"phone", LeadStatus::kNew, O::kPrank, {}, Q::kUnknown, "", 0, kT0 + 4000},
      {"phone", LeadStatus::kVeraAssigned, O::kNonTargeted, R::kDiscontinued, Q::kNonTargeted, "",
       0, kT0 + 5000},
  };
  std::vector<int64_t> ids;
  for (const Spec& s : specs) {
    Lead l;
    l.channel = s.channel;
    l.status = s.status;
    l.outcome = s.outcome;
    l.non_targeted_reason = s.reason;
    l.qualification = s.qualification;
    l.assigned_to = s.assigned;
    l.contact_id = s.contact;
    l.created_at = s.at;
    auto id = store().CreateLead(l);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    ids.push_back(*id);
  }
  auto check = [&](LeadFilter f, std::vector<int> want_idx) {
    std::vector<int64_t> want;
    for (auto it = want_idx.rbegin(); it != want_idx.rend(); ++it) want.push_back(ids[*it]);
    auto got = store().ListLeads(f);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(Ids(*got), want);
    auto n = store().CountLeads(f);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, static_cast<int64_t>(want.size()));
    for (int64_t cap : {1, 2, 3, 100}) {  // counted no further than the cap
      auto capped = store().CountLeadsUpTo(f, cap);
      ASSERT_TRUE(capped.ok()) << capped.status().ToString();
      EXPECT_EQ(*capped, std::min<int64_t>(cap, static_cast<int64_t>(want.size()))) << cap;
    }
  };
  LeadFilter f;
  check(f, {0, 1, 2, 3, 4, 5});
  f.outcome = Outcome::kNonTargeted;
  check(f, {0, 3, 5});
  f.non_targeted_reason = NonTargetedReason::kDiscontinued;
  check(f, {0, 5});
  f.channel = "web";
  check(f, {});
  f = {};
  f.channel = "phone";
  check(f, {0, 2, 4, 5});
  f.status = LeadStatus::kNew;
  check(f, {0, 4});
  f = {};
  f.qualification = Qualification::kTargeted;
  check(f, {1, 2});
  f = {};
  f.assigned_to = "olga";
  check(f, {2, 3});
  f = {};
  f.contact_id = anna;
  check(f, {0, 2});
  f = {};
  f.from = kT0 + 1000;
  f.to = kT0 + 4000;  // half-open
  check(f, {1, 2, 3});
  f.channel = "phone";
  check(f, {2});
  // Counting ignores the page position; listing honours it.
  f = {};
  f.before_id = ids[3];
  auto n = store().CountLeads(f);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 6);
  EXPECT_EQ(*store().CountLeadsUpTo(f, 5), 5);
  EXPECT_EQ(store().CountLeadsUpTo(f, 0).status().code(), Status::Code::kInvalid);
  EXPECT_EQ(Ids(*store().ListLeads(f)), (std::vector<int64_t>{ids[2], ids[1], ids[0]}));
}

// ---- conversations ----

TEST_P(CrmStoreConformance, ConversationKeepsTurnsInOrderAndEnds) {
  int64_t lead = NewLead("phone");
  Conversation c;
  c.lead_id = lead;
  c.agent = "kira";
  c.channel = "phone";
  c.language = "ru";
  c.started_at = kT0;
  auto id = store().StartConversation(c);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto t1 = store().AppendTurn(*id, "agent", "Здравствуйте! Магазин плитки.", kT0 + 10);
  auto t2 = store().AppendTurn(*id, "caller", "Есть «Монте Тиберио» 60 на 60?", kT0 + 20);
  auto t3 = store().AppendTurn(*id, "agent", "", 0);  // empty text and "now" are allowed
  ASSERT_TRUE(t1.ok() && t2.ok() && t3.ok()) << t1.status().ToString();
  EXPECT_LT(*t1, *t2);
  EXPECT_LT(*t2, *t3);

  auto open = store().GetConversation(*id);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->ended_at, 0);
  EXPECT_EQ(open->outcome, std::nullopt);

  Conversation end;
  end.id = *id;
  end.outcome = Outcome::kNonTargeted;
  end.reason = NonTargetedReason::kDiscontinued;
  end.summary = "Искал снятую коллекцию; предложены аналоги.";
  end.ended_at = kT0 + 60000;
  end.recording_path = "recordings/1.wav";
  end.transfer_to = "";
  ASSERT_TRUE(store().EndConversation(end).ok());

  auto got = store().GetConversation(*id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->lead_id, lead);
  EXPECT_EQ(got->agent, "kira");
  EXPECT_EQ(got->channel, "phone");
  EXPECT_EQ(got->language, "ru");
  EXPECT_EQ(got->started_at, kT0);
  EXPECT_EQ(got->ended_at, kT0 + 60000);
  EXPECT_EQ(got->outcome, Outcome::kNonTargeted);
  EXPECT_EQ(got->reason, NonTargetedReason::kDiscontinued);
  EXPECT_EQ(got->summary, end.summary);
  EXPECT_EQ(got->recording_path, "recordings/1.wav");
  ASSERT_EQ(got->turns.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(got->turns[i].seq, i + 1);
    EXPECT_EQ(got->turns[i].conversation_id, *id);
  }
  EXPECT_EQ(got->turns[0].id, *t1);
  EXPECT_EQ(got->turns[1].speaker, "caller");
  EXPECT_EQ(got->turns[1].text, "Есть «Монте Тиберио» 60 на 60?");
  EXPECT_EQ(got->turns[1].at, kT0 + 20);
  EXPECT_GT(got->turns[2].at, kYear2020);

  // A second conversation (Vera's callback) on the same lead; the list is oldest first.
  int64_t second = NewConversation(lead, "vera");
  ASSERT_TRUE(store().AppendTurn(second, "agent", "Добрый день!", 0).ok());
  NewConversation(NewLead(), "kira");  // another lead's conversation is not listed
  auto list = store().ListConversations(lead);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, *id);
  EXPECT_EQ((*list)[0].turns.size(), 3u);
  EXPECT_EQ((*list)[1].agent, "vera");
  EXPECT_EQ((*list)[1].turns.size(), 1u);
  EXPECT_EQ((*list)[1].turns[0].seq, 1);  // seq counts per conversation
}

TEST_P(CrmStoreConformance, ConversationBadInputIsRejected) {
  Conversation c;
  c.lead_id = 777777;
  auto r = store().StartConversation(c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kNotFound);
  EXPECT_NE(r.status().message().find("lead 777777 not found"), std::string::npos);

  c.lead_id = NewLead();
  c.task_id = 888888;
  r = store().StartConversation(c);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("task 888888 not found"), std::string::npos);

  auto turn = store().AppendTurn(999999, "caller", "алло", 0);
  ASSERT_FALSE(turn.ok());
  EXPECT_EQ(turn.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(turn.status().message(), "conversation 999999 not found");

  int64_t conv = NewConversation(c.lead_id);
  EXPECT_EQ(store().AppendTurn(conv, "", "x", 0).status().code(), Status::Code::kInvalid);

  Conversation end;
  end.id = conv;
  EXPECT_EQ(store().EndConversation(end).code(), Status::Code::kInvalid);  // no outcome
  end.outcome = Outcome::kNonTargeted;                                     // without its reason
  Status s = store().EndConversation(end);
  EXPECT_EQ(s.code(), Status::Code::kInvalid);
  EXPECT_NE(s.message().find("needs a reason"), std::string::npos);
  end.id = 999999;
  end.outcome = Outcome::kInfoOnly;
  EXPECT_EQ(store().EndConversation(end).code(), Status::Code::kNotFound);

  auto still = store().GetConversation(conv);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->ended_at, 0);
  EXPECT_TRUE(still->turns.empty());
  EXPECT_EQ(store().GetConversation(999999).status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace kira::crm
