#include "dialer/plan_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "dialer/testing/test_util.h"

namespace kira::dialer {
namespace {

using testing::Ms;

TEST(PlanWriterTest, JsonLinesCarryTheDecisionWhyAndWhen) {
  DialerConfig cfg;
  cfg.caller_id = "+74950000000";
  cfg.max_concurrent = 1;
  ZoneDb db;
  PhoneZoneResolver resolver(&db);
  DncSnapshot dnc({{"+74957654321", "opt_out", "", 0}});
  Planner planner(cfg, &resolver, &dnc);
  std::vector<crm::Task> tasks(5);
  const char* phones[] = {"+74951234567", "+79161234567", "+74957654321", "+74951111111", "1"};
  for (size_t i = 0; i < tasks.size(); ++i) {
    tasks[i].id = static_cast<int64_t>(i + 1);
    tasks[i].lead_id = static_cast<int64_t>(i + 10);
    tasks[i].agent = "vera";
    tasks[i].phone = phones[i];
  }
  auto plan =
      Plan(planner, tasks, Ms("2026-12-01T06:00:00Z"), 0, [](int64_t lead) { return lead == 10; });
  ASSERT_EQ(plan.size(), 5u);
  PlanWriter w(db, cfg, /*json=*/true);
  std::string out;
  for (const auto& e : plan) w.Append(e, &out);
  std::istringstream lines(out);
  std::vector<nlohmann::json> j;
  for (std::string line; std::getline(lines, line);) j.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(j.size(), 5u);

  EXPECT_EQ(j[0]["task_id"], 1);
  EXPECT_EQ(j[0]["lead_id"], 10);
  EXPECT_EQ(j[0]["phone"], "+74951234567");
  EXPECT_EQ(j[0]["decision"], "dial");
  EXPECT_EQ(j[0]["reason"], "due");
  EXPECT_EQ(j[0]["next_allowed"], "2026-12-01T06:00:00Z");
  EXPECT_EQ(j[0]["zones"], nlohmann::json::array({"Europe/Moscow"}));
  EXPECT_EQ(j[0]["zone_source"], "area_code");
  EXPECT_EQ(j[0]["consent_required"], true);
  EXPECT_EQ(j[0]["trunk"], "default");
  EXPECT_EQ(j[0]["caller_id"], "+74950000000");

  EXPECT_EQ(j[1]["decision"], "wait");  // a mobile: Kaliningrad opens at 07:00Z
  EXPECT_EQ(j[1]["reason"], "window");
  EXPECT_EQ(j[1]["next_allowed"], "2026-12-01T07:00:00Z");
  EXPECT_EQ(j[1]["zone_source"], "country");
  EXPECT_GE(j[1]["zones"].size(), 20u);
  EXPECT_TRUE(j[1]["trunk"].is_null());

  EXPECT_EQ(j[2]["decision"], "close");
  EXPECT_EQ(j[2]["reason"], "dnc");
  EXPECT_TRUE(j[2]["next_allowed"].is_null());

  EXPECT_EQ(j[3]["decision"], "wait");  // the only line is taken by task 1
  EXPECT_EQ(j[3]["reason"], "concurrency");
  EXPECT_EQ(j[3]["consent_required"], false);

  EXPECT_EQ(j[4]["reason"], "bad_number");
  EXPECT_TRUE(j[4]["zones"].empty());
  EXPECT_TRUE(j[4]["zone_source"].is_null());
  EXPECT_EQ(w.Summary(Ms("2026-12-01T06:00:00Z")),
            "plan at 2026-12-01T06:00:00Z: 5 open task(s): 1 dial, 2 wait, 2 close\n");
}

TEST(PlanWriterTest, TextLinesAndEscaping) {
  std::string s;
  AppendJsonString("a\"b\\c\n", &s);
  EXPECT_EQ(s, "\"a\\\"b\\\\c\\u000a\"");
  DialerConfig cfg;
  ZoneDb db;
  PhoneZoneResolver resolver(&db);
  DncSnapshot dnc;
  Planner planner(cfg, &resolver, &dnc);
  std::vector<crm::Task> tasks(1);
  tasks[0].id = 3;
  tasks[0].agent = "vera";
  tasks[0].phone = "+74951234567";
  auto plan = Plan(planner, tasks, Ms("2026-12-01T05:00:00Z"), 0, [](int64_t) { return true; });
  PlanWriter w(db, cfg, /*json=*/false);
  std::string out;
  w.Append(plan.at(0), &out);
  EXPECT_NE(out.find("task 3"), std::string::npos) << out;
  EXPECT_NE(out.find("wait"), std::string::npos) << out;
  EXPECT_NE(out.find("window"), std::string::npos) << out;
  EXPECT_NE(out.find("2026-12-01T06:00:00Z"), std::string::npos) << out;
  EXPECT_NE(out.find("consent"), std::string::npos) << out;
  EXPECT_NE(out.find("Europe/Moscow"), std::string::npos) << out;
}

}  // namespace
}  // namespace kira::dialer
