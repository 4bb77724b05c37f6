// CampaignService against a real SQLite store and a temporary data dir: rows become Vera's
// tasks through LeadService; do-not-call, consent, malformed numbers, duplicates and bad times
// are refused with their lines; all-or-nothing unless skipping was chosen; progress from tasks.
#include "leads/campaign.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "core/tz.h"

namespace kira::leads {
namespace {

class CampaignTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "kira-campaign-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto s = crm::OpenSqliteCrmStore(":memory:");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    leads_ = std::make_unique<LeadService>(*store_, clock_);
    svc_ = std::make_unique<CampaignService>(*leads_, *store_, dir_, clock_);
    crm::DncEntry d;
    d.phone = "+79160000003";
    d.reason = "opt_out";
    ASSERT_TRUE(store_->AddDnc(d).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  CampaignOptions Opt(bool skip = false) {
    CampaignOptions o;
    o.name = "Распродажа";
    o.timezone = "Europe/Moscow";
    o.skip_refused = skip;
    return o;
  }
  size_t OpenVeraTasks() {
    auto t = store_->ListTasks(crm::TaskStatus::kOpen);
    EXPECT_TRUE(t.ok());
    return t.ok() ? t->size() : 0;
  }

  std::string dir_;
  FakeClock clock_{FromUnixMillis(1'800'000'000'000)};
  std::unique_ptr<crm::CrmStore> store_;
  std::unique_ptr<LeadService> leads_;
  std::unique_ptr<CampaignService> svc_;
};

const char kList[] =
    "Телефон;Имя;Комментарий;Согласие;Когда звонить\n"
    "8 916 000-00-01;Ирина;Предложить затирку;форма на сайте 01.10;01.12.2030 10:00\n"
    "+7 916 000 00 02;Олег;;карта покупателя;\n"
    "+7 916 000 00 03;Пётр;;карта покупателя;\n"  // on the do-not-call list
    "+7 916 000 00 04;Анна;;;\n"                  // no consent
    "12345;Вася;;форма;\n"                        // not a number
    "8 916 000-00-01;Ирина;;форма;\n"             // the same number again
    "+7 916 000 00 05;Гоша;;форма;завтра\n";      // not a time

TEST_F(CampaignTest, RefusedRowsAreNamedAndNothingIsCreated) {
  auto r = svc_->Create(kList, "list.csv", Opt(), Actor::User("olga"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->created);
  EXPECT_EQ(r->rows, 7u);
  std::vector<std::pair<size_t, std::string>> got;
  for (const auto& x : r->refused) got.push_back({x.line, x.reason});
  EXPECT_EQ(
      got,
      (std::vector<std::pair<size_t, std::string>>{
          {4, "dnc"}, {5, "no_consent"}, {6, "bad_phone"}, {7, "duplicate"}, {8, "bad_time"}}));
  EXPECT_EQ(r->refused[2].value, "12345");
  EXPECT_EQ(OpenVeraTasks(), 0u);
  auto list = svc_->List();
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
}

TEST_F(CampaignTest, SkippingRefusedRowsCreatesVeraTasksForTheRest) {
  auto r = svc_->Create(kList, "list.csv", Opt(true), Actor::User("olga"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->created);
  EXPECT_EQ(r->campaign.id, 1);
  ASSERT_EQ(r->campaign.task_ids.size(), 2u);
  auto t = store_->GetTask(r->campaign.task_ids[0]);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->agent, "vera");
  EXPECT_EQ(t->phone, "+79160000001");
  EXPECT_EQ(t->note, "Предложить затирку");
  EXPECT_EQ(t->created_by, "manager:olga");
  // 01.12.2030 10:00 in Moscow (UTC+3) = 07:00 UTC.
  EXPECT_EQ(t->not_before, ToUnixMillis(FromCivil("UTC", 2030, 12, 1, 7, 0)));
  auto lead = store_->GetLead(t->lead_id);
  ASSERT_TRUE(lead.ok());
  EXPECT_EQ(lead->source, "campaign");
  EXPECT_EQ(crm::Name(lead->status), "vera_assigned");
  auto contact = store_->GetContact(lead->contact_id);
  EXPECT_EQ(contact->name, "Ирина");

  // Progress: one call finished, one open.
  t->status = crm::TaskStatus::kDone;
  t->last_result = "order_placed";
  ASSERT_TRUE(store_->UpdateTask(*t).ok());
  auto p = svc_->Progress(1);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->total, 2u);
  EXPECT_EQ(p->done, 1u);
  EXPECT_EQ(p->open, 1u);
  ASSERT_EQ(p->results.size(), 1u);
  EXPECT_EQ(p->results[0].first, "order_placed");
  EXPECT_EQ(p->campaign.refused.size(), 5u);
  EXPECT_TRUE(p->campaign.refused[0].value.empty()) << "no numbers on disk";

  auto second =
      svc_->Create("phone,consent\n+79160000009,web\n", "b.csv", Opt(), Actor::User("olga"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->campaign.id, 2);
  auto list = svc_->List();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ(list->front().id, 2);
}

TEST_F(CampaignTest, ServiceCallsNeedNoConsentAndFilesAreBounded) {
  CampaignOptions o = Opt();
  o.advertising = false;
  auto r = svc_->Create("phone\n+79160000007\n", "s.csv", o, Actor::User("olga"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->created);

  std::string many = "phone,consent\n";
  for (size_t i = 0; i <= kMaxCampaignRows; ++i)
    many += "+7916" + std::to_string(1000000 + i) + ",web\n";
  auto big = svc_->Create(many, "big.csv", Opt(), Actor::User("olga"));
  EXPECT_EQ(big.status().code(), Status::Code::kInvalid);
  EXPECT_NE(big.status().message().find("max_rows"), std::string::npos);
  CampaignOptions tiny = Opt();
  tiny.max_bytes = 10;
  EXPECT_FALSE(svc_->Create("phone\n+79160000008\n", "t.csv", tiny, Actor::Cli()).ok());
  EXPECT_EQ(svc_->Create("name\nx\n", "n.csv", Opt(), Actor::Cli()).status().code(),
            Status::Code::kInvalid);  // no phone column
  CampaignOptions unnamed = Opt();
  unnamed.name = "";
  EXPECT_FALSE(svc_->Create("phone\n+79160000008\n", "t.csv", unnamed, Actor::Cli()).ok());
}

}  // namespace
}  // namespace kira::leads
