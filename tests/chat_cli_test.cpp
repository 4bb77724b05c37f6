// The `kira chat` command line is a contract other tools use: run the real binary on a fresh
// data dir with the demo shop and read its JSON lines; then check what `kira leads`, `kira
// orders` and `kira tasks` report, and run Vera's callback for an assigned task.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

struct Proc {
  int status = -1;
  std::string out;
};

Proc Sh(const std::string& cmd) {
  Proc r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  r.status = pclose(p);
  return r;
}

std::vector<nlohmann::json> Lines(const std::string& out) {
  std::vector<nlohmann::json> v;
  size_t i = 0;
  while (i < out.size()) {
    size_t j = out.find('\n', i);
    if (j == std::string::npos) j = out.size();
    std::string line = out.substr(i, j - i);
    if (!line.empty()) v.push_back(nlohmann::json::parse(line));
    i = j + 1;
  }
  return v;
}

class ChatCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        (std::filesystem::temp_directory_path() / ("kira-chat-cli-" + std::to_string(::getpid())))
            .string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Kira(const std::string& args) {
    return std::string(KIRA_BIN) + " --data " + dir_ + "/data " + args;
  }
  Proc Chat(const std::string& args, const std::vector<std::string>& lines) {
    std::string in = dir_ + "/in.txt";
    std::ofstream f(in);
    for (const auto& l : lines) f << l << "\n";
    f.close();
    return Sh(Kira("chat --json " + args) + " < " + in);
  }
  std::string dir_;
};

TEST_F(ChatCli, JsonLinesOrderAndCrmCommands) {
  Proc r = Chat("--caller +79161234567", {"монте тиберио серый матовый шестьдесят на шестьдесят",
                                          "двадцать метров", "да", "Иван", "самовывоз", "да"});
  ASSERT_EQ(r.status, 0) << r.out;
  auto lines = Lines(r.out);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines.front()["type"], "agent");  // the agent speaks first
  int listens = 0;
  for (const auto& l : lines) listens += l["type"] == "listen";
  EXPECT_GE(listens, 6);
  const auto& end = lines.back();
  ASSERT_EQ(end["type"], "end") << r.out;
  EXPECT_EQ(end["outcome"], "order_placed");
  EXPECT_TRUE(end["order_id"].is_number());
  EXPECT_TRUE(end["lead_id"].is_number());
  EXPECT_FALSE(end["summary"].get<std::string>().empty());

  Proc leads = Sh(Kira("leads --json"));
  ASSERT_EQ(leads.status, 0);
  auto lj = nlohmann::json::parse(leads.out);
  ASSERT_EQ(lj.size(), 1u);
  EXPECT_EQ(lj[0]["outcome"], "order_placed");
  Proc orders = Sh(Kira("orders --json"));
  ASSERT_EQ(orders.status, 0);
  auto oj = nlohmann::json::parse(orders.out);
  ASSERT_EQ(oj.size(), 1u);
  ASSERT_EQ(oj[0]["lines"].size(), 1u);
  EXPECT_EQ(oj[0]["lines"][0]["sku"], "SG622600R");
  EXPECT_DOUBLE_EQ(oj[0]["lines"][0]["qty"].get<double>(), 20.16);

  // The manager sends Vera; her callback runs as a text conversation for that task.
  int64_t lead_id = end["lead_id"].get<int64_t>();
  Proc assign = Sh(Kira("tasks assign --lead " + std::to_string(lead_id) +
                        " --agent vera --note 'offer grout'"));
  ASSERT_EQ(assign.status, 0) << assign.out;
  std::string task_id = assign.out.substr(0, assign.out.find_first_not_of("0123456789"));
  ASSERT_FALSE(task_id.empty()) << assign.out;
  Proc vera = Chat("--task " + task_id, {"да, удобно", "нет, спасибо, уже всё купил"});
  ASSERT_EQ(vera.status, 0) << vera.out;
  auto vl = Lines(vera.out);
  ASSERT_FALSE(vl.empty());
  EXPECT_EQ(vl.back()["type"], "end");
  EXPECT_EQ(vl.back()["outcome"], "refused") << vera.out;
  EXPECT_EQ(vl.back()["lead_id"].get<int64_t>(), lead_id);
}

TEST_F(ChatCli, EofIsAHangUpAndBadInputIsAClearError) {
  Proc r = Chat("", {});
  ASSERT_EQ(r.status, 0);
  auto lines = Lines(r.out);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back()["type"], "end");
  Proc bad = Sh(Kira("chat --agent nobody 2>&1"));
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.out.find("unknown agent"), std::string::npos) << bad.out;
  Proc badprof = Sh(Kira("--business /nonexistent.yaml chat 2>&1"));
  EXPECT_NE(badprof.status, 0);
  EXPECT_NE(badprof.out.find("/nonexistent.yaml"), std::string::npos) << badprof.out;
}

TEST_F(ChatCli, EnglishDemoShop) {
  Proc r = Chat("--lang en", {"do you sell laminate", "bye"});
  ASSERT_EQ(r.status, 0) << r.out;
  auto lines = Lines(r.out);
  EXPECT_EQ(lines.back()["outcome"], "non_targeted");
  EXPECT_EQ(lines.back()["reason"], "not_sold");
}

}  // namespace
