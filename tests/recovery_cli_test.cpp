// Issue 10, F11 and personal data, against the real `kira` binary in its own processes:
//   - a `kira chat` killed with SIGKILL mid-conversation loses no turn already said, and the
//     next `kira serve` ends its conversation as "interrupted" (lead kept, with that outcome);
//   - `kira backup` while `kira serve` runs, `kira forget` erases the person (audited), and
//     `kira restore` brings the backup back.
// Label: e2e.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "crm/sqlite/sqlite_crm_store.h"
#include "storage/sqlite.h"

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

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

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

// A child process with a pipe to its stdin and its output in a file.
struct Child {
  pid_t pid = -1;
  int in = -1;
  bool Start(const std::vector<std::string>& argv, const std::string& out_path) {
    int fds[2];
    if (pipe(fds) != 0) return false;
    pid = fork();
    if (pid == 0) {
      dup2(fds[0], 0);
      int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(out, 1);
      dup2(out, 2);
      close(fds[1]);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    close(fds[0]);
    in = fds[1];
    return pid > 0;
  }
  void Send(const std::string& line) {
    std::string l = line + "\n";
    ASSERT_EQ(write(in, l.data(), l.size()), ssize_t(l.size()));
  }
  int Signal(int sig) {
    if (pid <= 0) return -1;
    kill(pid, sig);
    int status = 0;
    waitpid(pid, &status, 0);
    pid = -1;
    if (in >= 0) close(in);
    in = -1;
    return status;
  }
  ~Child() {
    if (pid > 0) Signal(SIGKILL);
  }
};

bool WaitFor(const std::string& path, const std::string& needle, std::chrono::seconds limit) {
  for (auto end = std::chrono::steady_clock::now() + limit; std::chrono::steady_clock::now() < end;
       std::this_thread::sleep_for(100ms))
    if (ReadFile(path).find(needle) != std::string::npos) return true;
  return false;
}

class RecoveryCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("kira-recovery-" + std::to_string(::getpid()))).string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  std::vector<std::string> Kira(std::vector<std::string> args) {
    args.insert(args.begin(), {KIRA_BIN, "--data", dir_ + "/data"});
    return args;
  }
  std::string KiraSh(const std::string& args, int* status = nullptr) {
    return Sh(std::string(KIRA_BIN) + " --data " + dir_ + "/data " + args + " 2>&1", status);
  }
  // `kira serve` on the web side only (port 0), until it prints that the workspace is up.
  void StartServe(Child* serve, const std::string& log) {
    ASSERT_TRUE(
        serve->Start(Kira({"serve", "--no-phone", "--no-dialer", "--web", "127.0.0.1:0"}), log));
    ASSERT_TRUE(WaitFor(log, "web workspace on", 120s)) << ReadFile(log);
  }
  std::unique_ptr<kira::crm::CrmStore> Store() {
    auto s = kira::crm::OpenSqliteCrmStore(dir_ + "/data/kira.db");
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }
  std::string dir_;
};

TEST_F(RecoveryCli, ChatKilledMidConversationIsEndedInterruptedByTheNextServe) {
  const std::string said = "монте тиберио серый матовый шестьдесят на шестьдесят";
  Child chat;
  const std::string out = dir_ + "/chat.out";
  ASSERT_TRUE(chat.Start(Kira({"chat", "--json", "--caller", "+79161234567"}), out));
  ASSERT_TRUE(WaitFor(out, "\"listen\"", 120s)) << ReadFile(out);
  chat.Send(said);
  // The agent's answer to it: a second listen line.
  for (int i = 0; i < 600; ++i) {
    std::string o = ReadFile(out);
    size_t first = o.find("\"listen\"");
    if (first != std::string::npos && o.find("\"listen\"", first + 1) != std::string::npos) break;
    std::this_thread::sleep_for(100ms);
  }
  const int st = chat.Signal(SIGKILL);
  ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) << ReadFile(out);

  int64_t lead = 0, conv = 0;
  {
    auto store = Store();
    ASSERT_TRUE(store);
    auto leads = store->ListLeads(kira::crm::LeadFilter{});
    ASSERT_TRUE(leads.ok());
    ASSERT_EQ(leads->size(), 1u) << "the spoken lead is lost";
    lead = (*leads)[0].id;
    EXPECT_EQ((*leads)[0].outcome, std::nullopt);
    auto convs = store->ListConversations(lead);
    ASSERT_TRUE(convs.ok());
    ASSERT_EQ(convs->size(), 1u);
    conv = (*convs)[0].id;
    EXPECT_EQ((*convs)[0].ended_at, 0);  // killed: nobody ended it
  }

  Child serve;
  const std::string log = dir_ + "/serve.log";
  StartServe(&serve, log);
  EXPECT_NE(ReadFile(log).find("1 conversation(s) cut off by the last stop"), std::string::npos)
      << ReadFile(log);
  serve.Signal(SIGTERM);

  auto store = Store();
  ASSERT_TRUE(store);
  auto c = store->GetConversation(conv);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->outcome, kira::crm::Outcome::kInterrupted);
  EXPECT_GT(c->ended_at, c->started_at);
  EXPECT_NE(c->summary.find("прервался"), std::string::npos) << c->summary;  // scenario (ru)
  bool heard = false;
  for (const auto& t : c->turns) heard |= t.speaker == "caller" && t.text == said;
  EXPECT_TRUE(heard) << "the caller's turn said before the kill is lost";
  auto l = store->GetLead(lead);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->outcome, kira::crm::Outcome::kInterrupted);
  auto leads = KiraSh("leads --json");
  EXPECT_NE(leads.find("\"interrupted\""), std::string::npos) << leads;
}

TEST_F(RecoveryCli, BackupWhileServingForgetThenRestore) {
  int status = -1;
  std::string chat =
      KiraSh("chat --json --caller +79161234567 <<'EOF'\nстоп, больше не звоните\nEOF", &status);
  ASSERT_EQ(status, 0) << chat;
  ASSERT_NE(chat.find("opt_out"), std::string::npos) << chat;
  KiraSh("chat --json --caller +79167654321 <<'EOF'\nмонте тиберио есть?\nEOF");

  Child serve;
  StartServe(&serve, dir_ + "/serve.log");
  const std::string backup = dir_ + "/backup.db";
  std::string out = KiraSh("backup " + backup, &status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_NE(out.find("integrity ok"), std::string::npos) << out;
  out = KiraSh("backup " + backup, &status);  // never overwrites
  EXPECT_NE(status, 0);
  EXPECT_NE(out.find("exists"), std::string::npos) << out;

  out = KiraSh("forget '8 (916) 123-45-67' --json", &status);
  ASSERT_EQ(status, 0) << out;
  auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["found"], true);
  EXPECT_EQ(j["leads_deleted"], 1);
  EXPECT_GE(j["turns"].get<int>(), 2);
  EXPECT_EQ(j["dnc_hashed"], true);
  serve.Signal(SIGTERM);
  {
    auto store = Store();
    ASSERT_TRUE(store);
    EXPECT_EQ(*store->CountLeads(kira::crm::LeadFilter{}), 1);  // the other caller's
    EXPECT_TRUE(*store->IsDnc("+79161234567"));
    auto dnc = KiraSh("dnc --json");
    EXPECT_EQ(dnc.find("1234567"), std::string::npos) << dnc;
    auto audit = store->ListAudit("contact", 0);
    ASSERT_TRUE(audit.ok());
    ASSERT_FALSE(audit->empty());
    EXPECT_EQ(audit->back().action, "person.forget");
    EXPECT_EQ(audit->back().actor, "cli");
    EXPECT_EQ(audit->back().detail.find("1234567"), std::string::npos) << audit->back().detail;
  }
  EXPECT_NE(KiraSh("forget 'не номер'", &status).find("not a phone number"), std::string::npos);
  EXPECT_NE(status, 0);

  out = KiraSh("restore " + backup, &status);
  ASSERT_EQ(status, 0) << out;
  auto store = Store();
  ASSERT_TRUE(store);
  EXPECT_EQ(*store->CountLeads(kira::crm::LeadFilter{}), 2);
  auto contact = store->FindContactByPhone("+79161234567");
  ASSERT_TRUE(contact.ok());
  EXPECT_TRUE(contact->has_value());
  std::ofstream(dir_ + "/junk.db") << "not a database at all, just text";
  out = KiraSh("restore " + dir_ + "/junk.db", &status);
  EXPECT_NE(status, 0);
  EXPECT_NE(out.find("not a database"), std::string::npos) << out;
  EXPECT_EQ(*store->CountLeads(kira::crm::LeadFilter{}), 2);
}

// Retention from the config file: the profile's privacy: section, applied by `kira serve` at
// start (and daily). A conversation that ended three days ago loses its transcript under
// keep_transcripts_days: 1; one from today keeps it; both calls' records stay.
TEST_F(RecoveryCli, RetentionFromTheProfileIsAppliedByServe) {
  int status = -1;
  for (const char* caller : {"+79161234567", "+79167654321"}) {
    std::string chat =
        KiraSh(std::string("chat --json --caller ") + caller + " <<'EOF'\nмонте тиберио есть?\nEOF",
               &status);
    ASSERT_EQ(status, 0) << chat;
  }
  int64_t old_conv = 0, new_conv = 0;
  {
    auto store = Store();
    ASSERT_TRUE(store);
    for (const char* caller : {"+79161234567", "+79167654321"}) {
      auto contact = store->FindContactByPhone(caller);
      ASSERT_TRUE(contact.ok() && contact->has_value());
      auto leads = store->ListLeads(kira::crm::LeadFilter{});
      ASSERT_TRUE(leads.ok());
      for (const auto& l : *leads) {
        if (l.contact_id != (*contact)->id) continue;
        auto convs = store->ListConversations(l.id);
        ASSERT_TRUE(convs.ok() && convs->size() == 1u);
        ASSERT_GT((*convs)[0].ended_at, 0);
        ASSERT_FALSE((*convs)[0].turns.empty());
        (old_conv == 0 ? old_conv : new_conv) = (*convs)[0].id;
      }
    }
  }
  ASSERT_NE(old_conv, 0);
  ASSERT_NE(new_conv, 0);
  {
    auto db = kira::storage::Db::Open(dir_ + "/data/kira.db");
    ASSERT_TRUE(db.ok());
    auto q = (*db)->Prepare(
        "UPDATE conversations SET started_at = started_at - 3 * 86400000, ended_at = ended_at - 3 "
        "* 86400000 WHERE id = ?");
    ASSERT_TRUE(q.ok());
    (*q)->Bind(1, old_conv);
    ASSERT_TRUE((*q)->Exec().ok());
  }

  // The demo profile with a privacy: section, in the demo folder's place (its catalog and
  // scenarios are found beside it).
  std::ifstream demo(std::string(KIRA_DEMO_DIR) + "/profile.yaml");
  const std::string profile = std::string(std::istreambuf_iterator<char>(demo), {}) +
                              "\nprivacy:\n  keep_transcripts_days: 1\n";
  fs::create_directories(dir_ + "/shop");
  for (const auto& e : fs::directory_iterator(KIRA_DEMO_DIR))
    if (e.path().filename() != "profile.yaml")
      fs::create_symlink(e.path(), dir_ + "/shop/" + e.path().filename().string());
  std::ofstream(dir_ + "/shop/profile.yaml") << profile;

  Child serve;
  const std::string log = dir_ + "/serve.log";
  ASSERT_TRUE(serve.Start(
      {KIRA_BIN, "--data", dir_ + "/data", "--business", dir_ + "/shop/profile.yaml", "--log-level",
       "info", "serve", "--no-phone", "--no-dialer", "--web", "127.0.0.1:0"},
      log));
  ASSERT_TRUE(WaitFor(log, "retention: transcripts of 1 conversation(s)", 120s)) << ReadFile(log);
  serve.Signal(SIGTERM);

  auto store = Store();
  ASSERT_TRUE(store);
  auto old_c = store->GetConversation(old_conv);
  ASSERT_TRUE(old_c.ok());
  EXPECT_TRUE(old_c->turns.empty()) << "a transcript older than keep_transcripts_days is kept";
  EXPECT_FALSE(old_c->summary.empty());  // the call's record stays
  auto new_c = store->GetConversation(new_conv);
  ASSERT_TRUE(new_c.ok());
  EXPECT_FALSE(new_c->turns.empty()) << "today's transcript was erased";
  EXPECT_EQ(*store->CountLeads(kira::crm::LeadFilter{}), 2);

  // A profile key with a typo stops serve, naming the key.
  std::ofstream(dir_ + "/shop/profile.yaml", std::ios::trunc) << std::string(profile).replace(
      profile.find("keep_transcripts_days"), 21, "keep_transcript_days");
  const std::string out = Sh(std::string(KIRA_BIN) + " --data " + dir_ + "/data --business " +
                                 dir_ + "/shop/profile.yaml serve --no-phone --no-dialer 2>&1",
                             &status);
  EXPECT_NE(status, 0);
  EXPECT_NE(out.find("privacy.keep_transcript_days: unknown key"), std::string::npos) << out;
}

}  // namespace
