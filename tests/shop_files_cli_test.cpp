// The shop's files edited from the workspace, against the real `kira serve` (issue 13):
//   - without --business the server runs the built-in demo profile: the settings page shows it
//     read-only, naming --business, and an edit is refused, the demo folder left byte for
//     byte as it was (the bug: the settings page used to rewrite the repository's demo);
//   - with --business the shop's own copy is edited, and a new `kira chat` answers with it.
// The demo folder used is a copy (KIRA_DEMO_DIR), so a regression cannot damage the repository.
// Label: e2e.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include "web/testing/test_support.h"

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using kira::web::Json;

std::string Sh(const std::string& cmd, int* status = nullptr) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int st = pclose(p);
  if (status) *status = st;
  return out;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

// Every file under `dir` (relative path → bytes).
std::map<std::string, std::string> Snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = ReadFile(e.path());
  return out;
}

// `kira serve` (web only, port 0) in its own process, stopped with SIGTERM.
struct Serve {
  pid_t pid = -1;
  int port = 0;
  bool Start(const std::vector<std::string>& argv, const std::string& log) {
    // A log left by an earlier server would show its port before the child truncates the file.
    std::error_code ec;
    fs::remove(log, ec);
    pid = fork();
    if (pid == 0) {
      FILE* out = std::freopen(log.c_str(), "w", stdout);
      (void)out;
      dup2(1, 2);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    const std::string needle = "web workspace on http://127.0.0.1:";
    for (auto end = std::chrono::steady_clock::now() + 120s; std::chrono::steady_clock::now() < end;
         std::this_thread::sleep_for(100ms)) {
      std::string text = ReadFile(log);
      if (size_t at = text.find(needle); at != std::string::npos) {
        port = std::atoi(text.c_str() + at + needle.size());
        return port > 0;
      }
      int st = 0;
      if (waitpid(pid, &st, WNOHANG) == pid) {
        pid = -1;
        return false;
      }
    }
    return false;
  }
  ~Serve() {
    if (pid > 0) {
      kill(pid, SIGTERM);
      int st = 0;
      waitpid(pid, &st, 0);
    }
  }
};

class ShopFilesCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kira-shop-files-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // The built-in demo, as a copy: what `kira` takes for its demo folder in this test.
    fs::copy(KIRA_DEMO_DIR, dir_ / "demo", fs::copy_options::recursive);
    ::setenv("KIRA_DEMO_DIR", (dir_ / "demo").c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("KIRA_DEMO_DIR");
    if (!HasFailure()) fs::remove_all(dir_);
  }
  std::string Kira(const std::string& args) const {
    return std::string("'") + KIRA_BIN + "' --data '" + (dir_ / "data").string() + "' " + args;
  }
  // An admin user, then `kira serve` with `business` ("" = none); returns a signed-in client.
  std::unique_ptr<kira::web::testing::Client> StartServe(Serve* serve,
                                                         const std::string& business) {
    int st = 0;
    std::string out = Sh("echo 'correct horse battery' | " +
                             Kira("users add admin --role admin --password-stdin") + " 2>&1",
                         &st);
    EXPECT_TRUE(st == 0 || out.find("exists") != std::string::npos) << out;
    std::vector<std::string> argv = {KIRA_BIN, "--data", (dir_ / "data").string()};
    if (!business.empty()) argv.insert(argv.end(), {"--business", business});
    argv.insert(argv.end(), {"serve", "--no-phone", "--no-dialer", "--web", "127.0.0.1:0"});
    const std::string log = (dir_ / "serve.log").string();
    if (!serve->Start(argv, log)) {
      ADD_FAILURE() << "kira serve did not start: " << ReadFile(log);
      return nullptr;
    }
    auto c = std::make_unique<kira::web::testing::Client>(serve->port);
    if (!c->Login("admin", "correct horse battery")) {
      ADD_FAILURE() << "cannot sign in";
      return nullptr;
    }
    return c;
  }
  fs::path dir_;
};

TEST_F(ShopFilesCli, TheBuiltInDemoProfileIsShownReadOnlyAndNeverWritten) {
  const auto before = Snapshot(dir_ / "demo");
  auto serve = std::make_unique<Serve>();
  auto admin = StartServe(serve.get(), "");
  ASSERT_TRUE(admin);

  auto get = admin->Get("/api/settings/profile");
  ASSERT_TRUE(get);
  ASSERT_EQ(get->status, 200) << get->body;
  Json page = Json::parse(get->body);
  EXPECT_EQ(page["editable"], false);
  const std::string reason = page["read_only_reason"].get<std::string>();
  EXPECT_NE(reason.find("--business"), std::string::npos) << reason;
  EXPECT_NE(reason.find((dir_ / "demo").string()), std::string::npos) << reason;

  auto post = admin->Post("/api/settings/profile", {{"profile", {{"hours", "круглосуточно"}}}});
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 409) << post->body;
  EXPECT_NE(post->body.find("--business"), std::string::npos) << post->body;
  EXPECT_EQ(Snapshot(dir_ / "demo"), before) << "the built-in demo folder was written";

  // A --business inside the built-in folder is the same built-in profile: refused too.
  serve = std::make_unique<Serve>();  // the first one stopped
  admin = StartServe(serve.get(), (dir_ / "demo" / "profile.yaml").string());
  ASSERT_TRUE(admin);
  post = admin->Post("/api/settings/profile", {{"profile", {{"hours", "круглосуточно"}}}});
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 409) << post->body;
  EXPECT_EQ(Snapshot(dir_ / "demo"), before) << "the built-in demo folder was written";
}

TEST_F(ShopFilesCli, TheShopsOwnProfileIsEditedAndANewChatAnswersWithIt) {
  fs::copy(dir_ / "demo", dir_ / "shop", fs::copy_options::recursive);
  const auto demo = Snapshot(dir_ / "demo");
  const std::string profile = (dir_ / "shop" / "profile.yaml").string();
  Serve serve;
  auto admin = StartServe(&serve, profile);
  ASSERT_TRUE(admin);
  auto get = admin->Get("/api/settings/profile");
  ASSERT_TRUE(get);
  EXPECT_EQ(Json::parse(get->body)["editable"], true) << get->body;
  auto post = admin->Post("/api/settings/profile",
                          {{"profile", {{"hours", "с 7:00 до 23:00 без выходных"}}}});
  ASSERT_TRUE(post);
  ASSERT_EQ(post->status, 200) << post->body;
  EXPECT_NE(ReadFile(profile).find("с 7:00 до 23:00 без выходных"), std::string::npos);
  EXPECT_EQ(Snapshot(dir_ / "demo"), demo);

  const std::string chat = Sh("printf 'до скольки вы работаете?\\n' | " +
                              Kira("--business '" + profile + "' chat") + " 2>&1");
  EXPECT_NE(chat.find("с 7:00 до 23:00 без выходных"), std::string::npos) << chat;
}

}  // namespace
