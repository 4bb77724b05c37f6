// Issue 12, inbound: three `kira serve` nodes share one PostgreSQL, Kamailio (the operator's
// deploy/kamailio/kamailio.cfg) in front. sipp calls through Kamailio:
//  - 200 calls are spread over the three nodes, and every call's conversation is in the shared
//    CRM, ended by the caller's BYE;
//  - a node killed with SIGKILL in the middle of calls keeps those calls' leads and every turn
//    spoken so far in the CRM; Kamailio's OPTIONS probes take it out, new calls go to the
//    other two; started again, it ends its cut-off calls as interrupted and takes calls again;
//  - pike: a flood from one address is cut off while other callers still get through.
// Label: cluster. Needs postgresql, kamailio, sipp (sip-tester), flite, sox.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "cluster.h"
#include "crm/pg/pg_crm_store.h"
#include "storage/pg.h"
#include "storage/testing/pg_server.h"

namespace kira::clustertest {
namespace {

using namespace std::chrono_literals;
using siptest::ChildProcess;
using siptest::ReadTextFile;

class ClusterCalls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto s = storage::testing::PgServer::Start();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    pg_ = std::move(*s).release();
  }
  static void TearDownTestSuite() {
    delete pg_;
    pg_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(pg_);
    for (auto [bin, pkg] : {std::pair{"kamailio", "kamailio"},
                            {"kamcmd", "kamailio"},
                            {"sipp", "sip-tester"},
                            {"flite", "flite"},
                            {"sox", "sox"}})
      ASSERT_EQ(siptest::MissingBinary(bin, pkg), "");
    dir_ = siptest::MakeTempDir("kira-cluster");
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ASSERT_TRUE(pg_->CreateDatabase(name).ok());
    cluster_ = std::make_unique<KiraCluster>(dir_, pg_->Uri(name));
  }
  void TearDown() override {
    lb_.reset();
    cluster_.reset();
    if (!HasFailure())
      siptest::RemoveTree(dir_);
    else
      std::fprintf(stderr, "logs kept in %s\n", dir_.c_str());
  }

  void StartAll(int nodes, const NodeOptions& o) {
    Status s = cluster_->Start(nodes, o);
    ASSERT_TRUE(s.ok()) << s.ToString();
    lb_ = std::make_unique<Kamailio>();
    // Probes every second, so a dead node is out within a couple of seconds.
    s = lb_->Start(dir_ + "/lb", cluster_->SipPorts(), {"PING_INTERVAL_S=1"});
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // A reader on the shared CRM, as any node would open it.
  std::unique_ptr<crm::CrmStore> Store() {
    crm::PgCrmOptions o;
    o.dnc_secret_path = cluster_->nodes()[0].data + "/dnc.key";
    o.connections = 2;
    auto s = crm::OpenPgCrmStore(cluster_->url(), o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  // sipp's callers file: `count` Moscow numbers from +7495 300 0000 + first.
  std::vector<std::string> Numbers(const std::string& run, int first, int count) {
    std::vector<std::string> v;
    std::ofstream f(dir_ + "/" + run + "/numbers.csv");
    f << "SEQUENTIAL\n";
    for (int i = 0; i < count; ++i) {
      v.push_back("+749530" + std::to_string(10000 + first + i));
      f << v.back() << ";\n";
    }
    return v;
  }

  // sipp in `dir_/run` calling Kamailio: `count` calls at `rate` per second.
  Status StartSipp(const std::string& run, const std::string& mic_text, double mic_lead_s,
                   double mic_tail_s, int pause_ms, int first, int count, int rate,
                   std::vector<std::string>* numbers, ChildProcess* sipp) {
    const std::string d = dir_ + "/" + run;
    std::filesystem::create_directories(d);
    std::string mic;
    KIRA_RETURN_IF_ERROR(MakeUlawMic(d, mic_text, mic_lead_s, mic_tail_s, &mic));
    KIRA_RETURN_IF_ERROR(WriteUacScenario(d, mic, pause_ms));
    *numbers = Numbers(run, first, count);
    const std::string cmd =
        "cd '" + d + "' && exec sipp 127.0.0.1:" + std::to_string(lb_->port()) +
        " -sf uac.xml -inf numbers.csv -s kira -i 127.0.0.1 -p " +
        std::to_string(siptest::FreePort()) + " -mp " + std::to_string(46000 + 1000 * first / 100) +
        " -r " + std::to_string(rate) + " -l " + std::to_string(count) + " -m " +
        std::to_string(count) + " -timeout 180s -nostdin -trace_logs -trace_err -trace_stat";
    return sipp->Start({"sh", "-c", cmd}, d + "/sipp.log");
  }

  // Number → SIP port of the node Kamailio finally sent its INVITE to (failovers included).
  std::map<std::string, uint16_t> Dispatched() {
    std::map<std::string, uint16_t> by_number;
    std::map<std::string, std::string> number_of_call;
    std::istringstream log(ReadTextFile(lb_->log()));
    const std::string to = "sip:127.0.0.1:";
    for (std::string line; std::getline(log, line);) {
      size_t inv = line.find("INVITE "), from = line.find(" from "), arrow = line.find(" -> ");
      size_t retry = line.find("retrying on ");
      if (inv != std::string::npos && from != std::string::npos && arrow != std::string::npos) {
        std::string ci = line.substr(inv + 7, from - inv - 7);
        std::string number = line.substr(from + 6, arrow - from - 6);
        number_of_call[ci] = number;
        size_t p = line.find(to, arrow);
        if (p != std::string::npos) by_number[number] = std::atoi(line.c_str() + p + to.size());
      } else if (retry != std::string::npos) {
        size_t f = line.find("node failed for "), c = line.find(", retrying");
        if (f == std::string::npos || c == std::string::npos) continue;
        std::string ci = line.substr(f + 16, c - f - 16);
        size_t p = line.find(to, retry);
        if (number_of_call.count(ci) && p != std::string::npos)
          by_number[number_of_call[ci]] = std::atoi(line.c_str() + p + to.size());
      }
    }
    return by_number;
  }

  // The conversations of the lead(s) of the caller `number`, with their turns.
  std::vector<crm::Conversation> ConversationsOf(crm::CrmStore& store, const std::string& number) {
    std::vector<crm::Conversation> out;
    auto contact = store.FindContactByPhone(number);
    if (!contact.ok() || !contact->has_value()) return out;
    crm::LeadFilter f;
    f.contact_id = (*contact)->id;
    auto leads = store.ListLeads(f);
    if (!leads.ok()) return out;
    for (const auto& l : *leads) {
      auto convs = store.ListConversations(l.id);
      if (!convs.ok()) continue;
      for (const auto& c : *convs) {
        auto full = store.GetConversation(c.id);
        if (full.ok()) out.push_back(*full);
      }
    }
    return out;
  }

  // What the shared CRM holds per caller number: read in one query, as an operator would.
  struct CallRecord {
    int conversations = 0;
    bool all_ended = false;
    int caller_turns = 0;
    std::string agent;
  };
  std::map<std::string, CallRecord> CallRecords() {
    std::map<std::string, CallRecord> out;
    auto db = storage::pg::Conn::Open(cluster_->url());
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    if (!db.ok()) return out;
    auto rows = (*db)->Query(
        "SELECT c.phone, count(DISTINCT v.id), bool_and(v.ended_at > 0), "
        "count(t.id) FILTER (WHERE t.speaker = 'caller' AND t.text <> ''), min(v.agent) "
        "FROM contacts c JOIN leads l ON l.contact_id = c.id "
        "JOIN conversations v ON v.lead_id = l.id "
        "LEFT JOIN turns t ON t.conversation_id = v.id GROUP BY c.phone");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    if (!rows.ok()) return out;
    for (int i = 0; i < rows->size(); ++i)
      out[rows->Text(i, 0)] = {static_cast<int>(rows->Int(i, 1)), rows->Bool(i, 2),
                               static_cast<int>(rows->Int(i, 3)), rows->Text(i, 4)};
    return out;
  }

  static storage::testing::PgServer* pg_;
  std::string dir_;
  std::unique_ptr<KiraCluster> cluster_;
  std::unique_ptr<Kamailio> lb_;
};
storage::testing::PgServer* ClusterCalls::pg_ = nullptr;

TEST_F(ClusterCalls, TwoHundredCallsThroughKamailioAreSpreadOverThreeNodes) {
  ASSERT_NO_FATAL_FAILURE(StartAll(3, NodeOptions{}));
  constexpr int kCalls = 200;
  const auto t0 = std::chrono::steady_clock::now();
  ChildProcess sipp;
  std::vector<std::string> numbers;
  // Each caller listens to the greeting, asks one question (a phone call becomes a lead once
  // the caller speaks) and hangs up after the agent's answer. 2 new calls a second: recognising
  // callers (pocketsphinx with the shop's grammar, on each node's two workers) is what bounds
  // the rate on a shared two-core machine; faster, greetings of new calls wait behind the
  // recognition of others, and callers who hang up meanwhile leave no turn.
  ASSERT_TRUE(StartSipp("calls", "do you have porcelain tile", 5.0, 1.0, 10000, 0, kCalls, 2,
                        &numbers, &sipp)
                  .ok());
  int status = -1;
  ASSERT_TRUE(sipp.Wait(240s, &status)) << ReadTextFile(dir_ + "/calls/sipp.log");
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "sipp had failed calls:\n"
      << ReadTextFile(dir_ + "/calls/sipp.log").substr(0, 3000);

  // Which node answered each call: the RTP port in its SDP answer (node-side evidence), and
  // where Kamailio sent it.
  const auto answered = AnsweredCalls(dir_ + "/calls");
  EXPECT_EQ(static_cast<int>(answered.size()), kCalls);
  std::vector<int> per_node(3, 0);
  std::set<std::string> seen;
  const auto dispatched = Dispatched();
  for (const auto& [number, port] : answered) {
    const int node = cluster_->NodeOfRtpPort(port);
    ASSERT_GE(node, 0) << number << " was answered from RTP port " << port;
    ++per_node[node];
    seen.insert(number);
    auto d = dispatched.find(number);
    ASSERT_NE(d, dispatched.end()) << number << " is not in Kamailio's log";
    EXPECT_EQ(d->second, cluster_->nodes()[node].sip_port) << number;
  }
  EXPECT_EQ(static_cast<int>(seen.size()), kCalls);
  std::printf("[cluster] %d calls through Kamailio in %.1f s: node0 %d, node1 %d, node2 %d\n",
              kCalls, secs, per_node[0], per_node[1], per_node[2]);
  for (int n = 0; n < 3; ++n)  // round robin: a third each, give or take a failover
    EXPECT_GE(per_node[n], kCalls / 3 - 5) << "node " << n << " got too few calls";

  // Every call is one conversation in the shared CRM, started by its node when the caller
  // spoke, with the caller's words, and ended by the BYE.
  std::map<std::string, CallRecord> rec;
  for (int attempt = 0; attempt < 60; ++attempt) {
    rec = CallRecords();
    int done = 0;
    for (const auto& number : numbers)
      done += rec.count(number) && rec[number].conversations == 1 && rec[number].all_ended &&
              rec[number].caller_turns > 0;
    if (done == kCalls) break;
    std::this_thread::sleep_for(500ms);
  }
  std::vector<int> missing(3, 0);
  for (const auto& [number, port] : answered) {
    auto r = rec.find(number);
    const bool ok = r != rec.end() && r->second.conversations == 1 && r->second.all_ended &&
                    r->second.caller_turns > 0 && r->second.agent == "kira";
    if (!ok) ++missing[cluster_->NodeOfRtpPort(port)];
    EXPECT_TRUE(ok) << number << " (node " << cluster_->NodeOfRtpPort(port) << "): "
                    << (r == rec.end()
                            ? std::string("no lead")
                            : std::to_string(r->second.conversations) + " conversation(s), ended " +
                                  std::to_string(r->second.all_ended) + ", " +
                                  std::to_string(r->second.caller_turns) + " caller turn(s)");
  }
  std::printf("[cluster] calls without a complete conversation: node0 %d, node1 %d, node2 %d\n",
              missing[0], missing[1], missing[2]);
}

TEST_F(ClusterCalls, NodeKilledMidCallKeepsItsTurnsAndNewCallsGoToTheOthers) {
  ASSERT_NO_FATAL_FAILURE(StartAll(3, NodeOptions{}));  // pocketsphinx hears the callers
  // Six callers, two per node, each asks a question and then listens for half a minute.
  ChildProcess sipp;
  std::vector<std::string> numbers;
  ASSERT_TRUE(StartSipp("long", "do you have the grey sixty by sixty porcelain tile in stock", 5.0,
                        40.0, 30000, 0, 6, 3, &numbers, &sipp)
                  .ok());
  auto store = Store();
  ASSERT_TRUE(store);
  const int victim = 1;
  const uint16_t victim_port = cluster_->nodes()[victim].sip_port;
  // Until every call of the victim has the caller's words and the agent's answer committed.
  std::vector<std::string> victim_numbers;
  std::map<std::string, crm::Conversation> before;
  for (int i = 0; i < 300; ++i) {
    std::this_thread::sleep_for(200ms);
    auto d = Dispatched();
    if (d.size() < numbers.size()) continue;
    victim_numbers.clear();
    before.clear();
    for (const auto& [number, port] : d)
      if (port == victim_port) victim_numbers.push_back(number);
    for (const auto& number : victim_numbers) {
      auto convs = ConversationsOf(*store, number);
      if (convs.size() != 1) break;
      const auto& t = convs[0].turns;
      bool answered = false;
      for (size_t k = 0; k + 1 < t.size(); ++k)
        answered |= t[k].speaker == "caller" && !t[k].text.empty() && t[k + 1].speaker != "caller";
      if (!answered) break;
      before[number] = convs[0];
    }
    if (!victim_numbers.empty() && before.size() == victim_numbers.size()) break;
  }
  ASSERT_EQ(victim_numbers.size(), 2u) << ReadTextFile(lb_->log());
  ASSERT_EQ(before.size(), victim_numbers.size())
      << "the victim's calls never got to an answered question\n"
      << ReadTextFile(cluster_->nodes()[victim].log);

  ASSERT_TRUE(cluster_->nodes()[victim].Kill9());
  std::printf("[cluster] node %d killed with SIGKILL in the middle of %zu calls\n", victim,
              victim_numbers.size());

  // Everything those calls said is in PostgreSQL: the lead, the conversation (still open:
  // nobody ended it), every turn with its text, in order.
  auto after_store = Store();
  ASSERT_TRUE(after_store);
  for (const auto& number : victim_numbers) {
    auto convs = ConversationsOf(*after_store, number);
    ASSERT_EQ(convs.size(), 1u) << number;
    const crm::Conversation& was = before[number];
    const crm::Conversation& is = convs[0];
    EXPECT_EQ(is.ended_at, 0) << number;
    EXPECT_TRUE(after_store->GetLead(is.lead_id).ok()) << number;
    ASSERT_GE(is.turns.size(), was.turns.size()) << number;
    for (size_t k = 0; k < was.turns.size(); ++k) {
      EXPECT_EQ(is.turns[k].speaker, was.turns[k].speaker) << number << " turn " << k;
      EXPECT_EQ(is.turns[k].text, was.turns[k].text) << number << " turn " << k;
    }
    std::printf("[cluster] %s: %zu turns kept, the caller said '%s'\n", number.c_str(),
                is.turns.size(), is.turns.size() > 1 ? is.turns[1].text.c_str() : "");
  }

  // Kamailio's probes take the dead node out; new calls all go to the other two.
  ASSERT_TRUE(lb_->WaitInactive(victim_port, 10s)) << lb_->DispatcherList();
  ChildProcess more;
  std::vector<std::string> more_numbers;
  ASSERT_TRUE(StartSipp("after", "do you have porcelain tile", 5.0, 1.0, 10000, 100, 12, 2,
                        &more_numbers, &more)
                  .ok());
  int status = -1;
  ASSERT_TRUE(more.Wait(60s, &status));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << ReadTextFile(dir_ + "/after/sipp.log").substr(0, 3000);
  const auto answered = AnsweredCalls(dir_ + "/after");
  EXPECT_EQ(answered.size(), more_numbers.size());
  for (const auto& [number, port] : answered) {
    const int node = cluster_->NodeOfRtpPort(port);
    EXPECT_TRUE(node == 0 || node == 2) << number << " went to node " << node;
  }
  const auto dispatched = Dispatched();
  for (const auto& number : more_numbers) {
    auto d = dispatched.find(number);
    ASSERT_NE(d, dispatched.end()) << number;
    EXPECT_NE(d->second, victim_port) << number << " was sent to the dead node";
    auto convs = ConversationsOf(*after_store, number);
    EXPECT_EQ(convs.size(), 1u) << number;
  }

  // The long calls on the two survivors end normally with the callers' BYE.
  ASSERT_TRUE(sipp.Wait(90s, &status));
  for (const auto& number : numbers) {
    if (before.count(number)) continue;
    auto convs = ConversationsOf(*after_store, number);
    ASSERT_EQ(convs.size(), 1u) << number;
    EXPECT_GT(convs[0].ended_at, 0) << number << " on a surviving node never ended";
  }

  // The node comes back: it ends its cut-off calls as interrupted (their turns kept), answers
  // Kamailio's probes again and takes calls.
  ASSERT_TRUE(cluster_->StartNode(victim).ok());
  ASSERT_TRUE(siptest::WaitForText(cluster_->nodes()[victim].log, "cut off by the last stop", 60s))
      << ReadTextFile(cluster_->nodes()[victim].log);
  for (const auto& number : victim_numbers) {
    auto convs = ConversationsOf(*after_store, number);
    ASSERT_EQ(convs.size(), 1u);
    EXPECT_EQ(convs[0].outcome, crm::Outcome::kInterrupted) << number;
    EXPECT_EQ(convs[0].turns.size(), before[number].turns.size() + 0) << number;
  }
}

// A UDP socket bound to `from` (a loopback address) on a free port; -1 on failure.
int BoundUdp(const std::string& from) {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  ::inet_pton(AF_INET, from.c_str(), &a.sin_addr);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  return fd;
}

// Sends `count` OPTIONS to Kamailio from `fd` in quick batches of ten (each batch's replies
// are read before the next is sent, so no socket buffer overflows) and counts the 200s.
int OptionsAnswered(int fd, const std::string& from, uint16_t port, int count) {
  sockaddr_in self{};
  socklen_t len = sizeof self;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&self), &len);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  const std::string local = from + ":" + std::to_string(ntohs(self.sin_port));
  int ok = 0;
  char buf[4096];
  auto drain = [&](int wanted, int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    for (int got = 0; got<wanted&& ::poll(&p, 1, timeout_ms)> 0; ++got) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n > 12 && std::string(buf, 12) == "SIP/2.0 200 ") ++ok;
    }
  };
  for (int i = 0; i < count; ++i) {
    std::string m = "OPTIONS sip:127.0.0.1:" + std::to_string(port) +
                    " SIP/2.0\r\nVia: SIP/2.0/UDP " + local + ";branch=z9hG4bK-flood" +
                    std::to_string(i) + "-" + std::to_string(fd) + "\r\nFrom: <sip:flood@" + from +
                    ">;tag=f" + std::to_string(i) +
                    "\r\nTo: <sip:127.0.0.1:" + std::to_string(port) + ">\r\nCall-ID: flood-" +
                    std::to_string(i) + "-" + local +
                    "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    ::sendto(fd, m.data(), m.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    if (i % 10 == 9) drain(10, 20);
  }
  drain(count, 500);
  return ok;
}

TEST_F(ClusterCalls, PikeCutsOffAFloodFromOneAddressOnly) {
  lb_ = std::make_unique<Kamailio>();
  // The config's own limit (PIKE_DENSITY 60 per 2 s); 127.0.0.3 plays the trusted carrier.
  Status s = lb_->Start(dir_ + "/lb", {}, {"TRUSTED_NET=\"127.0.0.3/32\""});
  ASSERT_TRUE(s.ok()) << s.ToString();
  int flood = BoundUdp("127.0.0.2"), other = BoundUdp("127.0.0.1"), carrier = BoundUdp("127.0.0.3");
  ASSERT_GE(flood, 0);
  ASSERT_GE(other, 0);
  ASSERT_GE(carrier, 0);
  const int flooded = OptionsAnswered(flood, "127.0.0.2", lb_->port(), 400);
  const int polite = OptionsAnswered(other, "127.0.0.1", lb_->port(), 5);
  const int trusted = OptionsAnswered(carrier, "127.0.0.3", lb_->port(), 400);
  std::printf(
      "[cluster] pike: flood answered %d of 400, another caller %d of 5, the trusted "
      "carrier %d of 400\n",
      flooded, polite, trusted);
  EXPECT_GT(flooded, 0);
  EXPECT_LT(flooded, 200) << "pike let the flood through";
  EXPECT_EQ(polite, 5) << "a caller at another address was blocked too";
  EXPECT_EQ(trusted, 400) << "the trusted network is not exempt";
  EXPECT_NE(ReadTextFile(lb_->log()).find("pike: flood from 127.0.0.2"), std::string::npos);
  ::close(flood);
  ::close(other);
  ::close(carrier);
}

}  // namespace
}  // namespace kira::clustertest
