// Issue 12's live workspace on three real `kira serve` nodes sharing one PostgreSQL: a manager
// logged in on each node keeps its queue's event stream (SSE, /api/events) open; one call is
// answered by each node (sipp straight to the node's SIP port); every call's new lead appears in
// the streams of the two other nodes within one second of being written. The lead of each
// call and its conversation carry the node that took it (Conversation::node: host and data
// directory by default). Label cluster. Needs postgresql, sipp (sip-tester), flite, sox.
// A phone call's lead is written when the caller first speaks; the test polls the database to
// know when, and measures each stream from there.
//
// In-process, web_events_pg_test shows the same with the watcher's poll set to a minute (only
// LISTEN/NOTIFY can be that fast); here the nodes run as shipped.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "cluster.h"
#include "core/clock.h"
#include "crm/pg/pg_crm_store.h"
#include "storage/testing/pg_server.h"

namespace kira::clustertest {
namespace {

using namespace std::chrono_literals;
using siptest::ChildProcess;

constexpr int kNodes = 3;
constexpr char kPassword[] = "correct horse battery";

// One node's event stream, read on its own thread: when each number's lead.created arrived.
class EventStream {
 public:
  EventStream(uint16_t port, std::string cookie) : cli_("127.0.0.1", port) {
    cli_.set_read_timeout(120);
    httplib::Headers h{{"Cookie", std::move(cookie)}};
    thread_ = std::thread([this, h] {
      cli_.Get("/api/events", h, [this](const char* data, size_t n) {
        std::lock_guard lock(mu_);
        buf_.append(data, n);
        // Events end with a blank line: "event: NAME\ndata: JSON\n\n".
        for (size_t end; (end = buf_.find("\n\n")) != std::string::npos;) {
          std::string ev = buf_.substr(0, end);
          buf_.erase(0, end + 2);
          if (ev.find("event: lead.created") == std::string::npos) continue;
          const size_t d = ev.find("data: ");
          if (d == std::string::npos) continue;
          auto j = nlohmann::json::parse(ev.substr(d + 6), nullptr, false);
          if (!j.is_object() || !j["contact"].is_object()) continue;
          const std::string phone = j["contact"].value("phone", "");
          if (!seen_.count(phone)) seen_[phone] = ToUnixMillis(Clock::System().Now());
        }
        return !stop_.load();
      });
    });
  }
  ~EventStream() {
    stop_ = true;
    cli_.stop();
    thread_.join();
  }
  // When the lead of `phone` was announced, 0 if not (yet).
  int64_t SeenAt(const std::string& phone) {
    std::lock_guard lock(mu_);
    auto it = seen_.find(phone);
    return it == seen_.end() ? 0 : it->second;
  }

 private:
  httplib::Client cli_;
  std::mutex mu_;
  std::string buf_;
  std::map<std::string, int64_t> seen_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// The session cookie of `name` logged in on the node at `port`, "" on failure.
std::string Login(uint16_t port) {
  httplib::Client cli("127.0.0.1", port);
  nlohmann::json body = {{"name", "admin"}, {"password", kPassword}};
  auto r = cli.Post("/api/login", body.dump(), "application/json");
  if (!r || r->status != 200) return "";
  const std::string sc = r->get_header_value("Set-Cookie");
  return sc.substr(0, sc.find(';'));
}

TEST(ClusterEvents, ALeadTakenOnOneNodeReachesTheOtherNodesStreamsWithinASecond) {
  for (auto [bin, pkg] : {std::pair{"sipp", "sip-tester"}, {"flite", "flite"}, {"sox", "sox"}})
    ASSERT_EQ(siptest::MissingBinary(bin, pkg), "");
  auto pg = storage::testing::PgServer::Start();
  ASSERT_TRUE(pg.ok()) << pg.status().ToString();
  ASSERT_TRUE((*pg)->CreateDatabase("events").ok());
  const std::string dir = siptest::MakeTempDir("kira-cluster-events");
  KiraCluster cluster(dir, (*pg)->Uri("events"));
  NodeOptions no;
  no.max_calls = 4;
  Status s = cluster.Start(kNodes, no);
  ASSERT_TRUE(s.ok()) << s.ToString();
  // One manager account, added once, in the shared database.
  ASSERT_EQ(RunIn(dir,
                  "printf '%s\\n' '" + std::string(kPassword) + "' | " + std::string(KIRA_BIN) +
                      " --data '" + cluster.nodes()[0].data + "' --db '" + cluster.url() +
                      "' users add admin --role admin --password-stdin",
                  dir + "/users.log"),
            0)
      << siptest::ReadTextFile(dir + "/users.log");
  std::vector<std::unique_ptr<EventStream>> streams;
  for (int i = 0; i < kNodes; ++i) {
    const std::string cookie = Login(cluster.nodes()[i].web_port);
    ASSERT_FALSE(cookie.empty()) << "login on node " << i;
    streams.push_back(std::make_unique<EventStream>(cluster.nodes()[i].web_port, cookie));
  }
  std::this_thread::sleep_for(1s);  // every stream is open

  crm::PgCrmOptions o;
  o.dnc_secret_path = cluster.nodes()[0].data + "/dnc.key";
  o.connections = 1;
  auto store = crm::OpenPgCrmStore(cluster.url(), o);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  // The lead of `number` as the database has it, once it is there (nullopt before).
  auto lead_of = [&](const std::string& number) -> std::optional<crm::Lead> {
    auto contact = (*store)->FindContactByPhone(number);
    if (!contact.ok() || !contact->has_value()) return std::nullopt;
    crm::LeadFilter f;
    f.contact_id = (*contact)->id;
    auto leads = (*store)->ListLeads(f);
    if (!leads.ok() || leads->empty()) return std::nullopt;
    return leads->front();
  };

  // One call to each node, one after the other. A phone call's lead is written when the caller
  // first speaks; this test's own poll of the database (every 20 ms) says when that was.
  std::string mic;
  ASSERT_TRUE(MakeUlawMic(dir, "do you have porcelain tile", 2.0, 1.0, &mic).ok());
  ASSERT_TRUE(WriteUacScenario(dir, mic, 7000).ok());
  for (int i = 0; i < kNodes; ++i) {
    const std::string number = "+74953020" + std::to_string(100 + i);
    const std::string run = dir + "/call" + std::to_string(i);
    std::filesystem::create_directories(run);
    std::filesystem::copy_file(dir + "/uac.xml", run + "/uac.xml");
    std::ofstream(run + "/numbers.csv") << "SEQUENTIAL\n" << number << ";\n";
    ChildProcess sipp;
    ASSERT_TRUE(sipp.Start({"sh", "-c",
                            "cd '" + run + "' && exec sipp 127.0.0.1:" +
                                std::to_string(cluster.nodes()[i].sip_port) +
                                " -sf uac.xml -inf numbers.csv -s kira -i 127.0.0.1 -p " +
                                std::to_string(siptest::FreePort()) + " -mp " +
                                std::to_string(47000 + 100 * i) +
                                " -m 1 -l 1 -timeout 60s -nostdin -trace_logs -trace_err"},
                           run + "/sipp.log")
                    .ok());
    int64_t in_db = 0;
    std::optional<crm::Lead> lead;
    for (int k = 0; k < 1500 && !lead; ++k) {  // 30 s at most
      lead = lead_of(number);
      if (lead) in_db = ToUnixMillis(Clock::System().Now());
      if (!lead) std::this_thread::sleep_for(20ms);
    }
    int st = -1;
    EXPECT_TRUE(sipp.Wait(60s, &st));
    ASSERT_TRUE(lead) << number << ": no lead written by node " << i << "\n"
                      << siptest::ReadTextFile(cluster.nodes()[i].log);
    for (int j = 0; j < kNodes; ++j) {
      if (j == i) continue;
      int64_t seen = 0;
      for (int k = 0; k < 50 && !(seen = streams[j]->SeenAt(number)); ++k)
        std::this_thread::sleep_for(100ms);
      ASSERT_NE(seen, 0) << "node " << j << "'s stream never showed the lead of " << number
                         << ", taken by node " << i;
      EXPECT_LT(seen - in_db, 1000)
          << "node " << j << " showed node " << i << "'s lead after " << seen - in_db << " ms";
      std::printf("lead taken on node %d shown on node %d %lld ms after it was in the database\n",
                  i, j, static_cast<long long>(seen - in_db));
    }
    auto convs = (*store)->ListConversations(lead->id);
    ASSERT_TRUE(convs.ok());
    ASSERT_EQ(convs->size(), 1u) << number;
    const std::string& node = convs->front().node;
    EXPECT_NE(node.find("/node" + std::to_string(i) + "/data"), std::string::npos)
        << number << " was taken by node " << i << ", its conversation names '" << node << "'";
  }
  streams.clear();
  if (!::testing::Test::HasFailure()) siptest::RemoveTree(dir);
}

}  // namespace
}  // namespace kira::clustertest
