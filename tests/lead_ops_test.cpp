// One suite for the lead operations through both of their doors: every step runs as an HTTP
// request against a real WebServer and as a `kira leads …` command of the real binary, each on
// its own copy of the same CRM (the same leads, ids and phones). After every step both doors
// must give the same answer — success or the same error class with the same message — and
// leave the same lead, the same tasks and the same audit entries. Both reach the lead service
// (leads/lead_service.h); this test is what keeps them from drifting apart again.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "crm/crm_store.h"
#include "web/testing/test_support.h"

namespace kira {
namespace {

namespace fs = std::filesystem;
using web::Json;

constexpr const char* kPassword = "correct horse battery";

// What a door answered, reduced to what both doors can say.
struct Answer {
  std::string kind;     // "ok", "invalid", "not_found", "conflict", or "other: …"
  std::string message;  // the error message, "" on success
  bool operator==(const Answer&) const = default;
};

std::ostream& operator<<(std::ostream& o, const Answer& a) {
  return o << a.kind << (a.message.empty() ? "" : ": " + a.message);
}

struct Step {
  std::string user;  // the manager acting
  std::string verb;  // take, vera, close, approve
  int64_t lead = 0;
  std::string reason;      // close
  std::string note;        // vera
  std::string not_before;  // vera, ISO 8601
};

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The same fixture in any store: ids 1..4 in this order.
void AddLeads(crm::CrmStore& s) {
  ASSERT_TRUE(web::testing::AddLead(s, "+79161234501", "qualified", "").ok());  // 1
  ASSERT_TRUE(web::testing::AddLead(s, "+79161234502", "qualified", "").ok());  // 2
  ASSERT_TRUE(web::testing::AddLead(s, "+79161234503", "info_only", "").ok());  // 3, on DNC
  crm::DncEntry e;
  e.phone = "+79161234503";
  e.reason = "opt_out";
  ASSERT_TRUE(s.AddDnc(e).ok());
  crm::Lead nophone;  // 4: a web-form lead without a contact
  nophone.channel = "web";
  ASSERT_TRUE(s.CreateLead(nophone).ok());
}

// Vera finished her call on `lead` (the dialer's doing, not a lead operation).
void VeraFinished(crm::CrmStore& s, int64_t lead, const std::string& result) {
  auto tasks = s.ListTasks(std::nullopt, lead);
  ASSERT_TRUE(tasks.ok());
  for (crm::Task t : *tasks) {
    t.status = crm::TaskStatus::kDone;
    t.last_result = result;
    ASSERT_TRUE(s.UpdateTask(t).ok());
  }
}

// What both stores must agree on after each step (times and the actors' clocks aside).
std::string Trace(crm::CrmStore& s, int64_t lead_id) {
  std::ostringstream o;
  auto l = s.GetLead(lead_id);
  if (!l.ok()) return l.status().message();
  o << "lead " << l->id << " " << crm::Name(l->status) << " reason=" << crm::StoredReason(*l)
    << " manager=" << l->assigned_to << "\n";
  for (const auto& t : *s.ListTasks(std::nullopt, lead_id))
    o << "task " << t.id << " " << crm::Name(t.kind) << " " << t.agent << " " << t.phone << " "
      << t.timezone << " '" << t.note << "' nb=" << t.not_before << " " << crm::Name(t.status)
      << " " << t.created_by << "\n";
  for (const auto& a : *s.ListAudit("lead", lead_id))
    o << "audit " << a.actor << " " << a.action << " " << a.entity << " " << a.entity_id << " "
      << a.detail << "\n";
  return o.str();
}

class LeadOps : public ::testing::Test {
 protected:
  void SetUp() override {
    web::testing::EnvOptions opt;
    opt.admin_name = "alice";
    opt.admin_password = kPassword;
    auto env = web::testing::StartEnv(opt);
    ASSERT_TRUE(env.ok()) << env.status().ToString();
    env_ = std::move(*env);
    ASSERT_TRUE(env_->server->auth()->AddUser("bob", "manager", kPassword).ok());
    AddLeads(*env_->store);

    cli_dir_ = env_->dir + "/cli";
    fs::create_directories(cli_dir_ + "/data");
    auto s = CliStore();
    ASSERT_TRUE(s);
    AddLeads(*s);
  }

  std::unique_ptr<crm::CrmStore> CliStore() {
    auto s = crm::OpenSqliteCrmStore(cli_dir_ + "/data/kira.db");
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }

  Answer Http(const Step& st) {
    auto& c = clients_[st.user];
    if (!c) {
      c = std::make_unique<web::testing::Client>(env_->port());
      EXPECT_TRUE(c->Login(st.user, kPassword));
    }
    Json body = Json::object();
    if (!st.reason.empty()) body["reason"] = st.reason;
    if (!st.note.empty()) body["note"] = st.note;
    if (!st.not_before.empty()) body["preferred_time"] = st.not_before;
    auto r = c->Post("/api/leads/" + std::to_string(st.lead) + "/" + st.verb, body);
    if (!r) return {"other: no answer", ""};
    if (r->status == 200 || r->status == 201) return {"ok", ""};
    Json e = Json::parse(r->body, nullptr, false);
    std::string msg = e.is_object() && e["error"].is_string() ? e["error"].get<std::string>() : "";
    switch (r->status) {
      case 400:
        return {"invalid", msg};
      case 404:
        return {"not_found", msg};
      case 409:
        return {"conflict", msg};
      default:
        return {"other: HTTP " + std::to_string(r->status), r->body};
    }
  }

  Answer Cli(const Step& st) {
    std::string args = "leads " + st.verb + " " + std::to_string(st.lead) + " --as " + st.user;
    if (!st.reason.empty()) args += " --reason " + Quote(st.reason);
    if (!st.note.empty()) args += " --note " + Quote(st.note);
    if (!st.not_before.empty()) args += " --not-before " + Quote(st.not_before);
    fs::path out = cli_dir_ + "/out.txt", err = cli_dir_ + "/err.txt";
    std::string cmd = Quote(KIRA_BIN) + " --data " + Quote(cli_dir_ + "/data") + " " + args + " >" +
                      Quote(out.string()) + " 2>" + Quote(err.string());
    int st_code = std::system(cmd.c_str());
    int code = WIFEXITED(st_code) ? WEXITSTATUS(st_code) : -1;
    std::string msg = Slurp(err);
    if (msg.rfind("kira: ", 0) == 0) msg = msg.substr(6);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    switch (code) {
      case 0:
        return {"ok", ""};
      case 1:
        return {"conflict", msg};
      case 2:
        return {"invalid", msg};
      case 3:
        return {"not_found", msg};
      default:
        return {"other: exit " + std::to_string(code), msg};
    }
  }

  // Runs `st` through both doors and checks they agree; returns the (common) answer.
  Answer Both(const Step& st) {
    Answer h = Http(st), c = Cli(st);
    std::string what = st.user + " " + st.verb + " " + std::to_string(st.lead);
    EXPECT_EQ(h, c) << what << " (HTTP vs CLI)";
    auto cs = CliStore();
    EXPECT_EQ(Trace(*env_->store, st.lead), Trace(*cs, st.lead)) << what;
    return h;
  }

  std::unique_ptr<web::testing::Env> env_;
  std::string cli_dir_;
  std::map<std::string, std::unique_ptr<web::testing::Client>> clients_;
};

TEST_F(LeadOps, TakeThenAnotherManagerIsRefused) {
  EXPECT_EQ(Both({"alice", "take", 1}), (Answer{"ok", ""}));
  EXPECT_EQ(Both({"alice", "take", 1}), (Answer{"ok", ""}));
  EXPECT_EQ(Both({"bob", "take", 1}), (Answer{"conflict", "the lead is already taken by alice"}));
  EXPECT_EQ(Both({"bob", "take", 999}).kind, "not_found");
}

TEST_F(LeadOps, VeraCallFromAssignmentToApproval) {
  Step vera{"alice", "vera", 1};
  vera.note = "предложить аналог 'Тиберио'";
  vera.not_before = "2026-12-01T10:00:00+03:00";
  EXPECT_EQ(Both(vera), (Answer{"ok", ""}));
  EXPECT_EQ(Both({"bob", "vera", 1}),
            (Answer{"conflict", "Vera already has an open call for this lead (task 1)"}));
  EXPECT_EQ(Both({"bob", "approve", 1}),
            (Answer{"conflict", "Vera has not finished the call yet"}));
  VeraFinished(*env_->store, 1, "order_placed");
  VeraFinished(*CliStore(), 1, "order_placed");
  EXPECT_EQ(Both({"bob", "approve", 1}), (Answer{"ok", ""}));
  EXPECT_EQ(Both({"alice", "close", 1, "sold"}),
            (Answer{"conflict", "the lead is already closed"}));
  EXPECT_EQ(Both({"alice", "approve", 2}),
            (Answer{"conflict", "Vera has not been sent to this lead"}));
}

TEST_F(LeadOps, CloseChecksReasonAndClosedLeadsRefuseActions) {
  EXPECT_EQ(Both({"alice", "close", 2, "because"}).kind, "invalid");
  EXPECT_EQ(Both({"bob", "close", 2, "spam"}), (Answer{"ok", ""}));
  EXPECT_EQ(Both({"alice", "take", 2}), (Answer{"conflict", "the lead is closed"}));
  EXPECT_EQ(Both({"alice", "vera", 2}), (Answer{"conflict", "the lead is closed"}));
}

TEST_F(LeadOps, VeraRefusesNumbersItMayNotCall) {
  Answer dnc = Both({"alice", "vera", 3});
  EXPECT_EQ(dnc.kind, "conflict");
  EXPECT_NE(dnc.message.find("do-not-call"), std::string::npos) << dnc.message;
  EXPECT_EQ(Both({"alice", "vera", 4}),
            (Answer{"conflict", "the lead has no phone number to call"}));
  Step bad{"alice", "vera", 1};
  bad.note = std::string(2001, 'x');
  EXPECT_EQ(Both(bad).kind, "invalid");
}

}  // namespace
}  // namespace kira
