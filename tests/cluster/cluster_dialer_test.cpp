// Issue 12, outbound: three `kira serve` nodes run Vera's dialer over one task table in a real
// PostgreSQL, against a sipp UAS as the SIP trunk (tests/cluster/uas_trunk.xml, which logs
// every dialled number and the node that dialled it). Every dialable task is dialled exactly
// once across the nodes (sipp's INVITE count equals the dialable count, no number twice, each
// task's attempt counted once), every node dials a share, and no do-not-call or out-of-window
// task is dialled. The windows are real: the dialable tasks carry a zone where it is early
// afternoon now, the out-of-window ones a zone where it is night.
// KIRA_CLUSTER_TASKS sets the number of tasks (default: the 10,000; 9,000 dialable were
// dialled in 171 s on a loaded machine). Label: cluster. Needs postgresql, sipp (sip-tester),
// flite.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <ctime>
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
namespace fs = std::filesystem;
using siptest::ReadTextFile;

// An Etc/GMT zone where the local hour is about `local_hour` now (Etc/GMT-3 is UTC+3).
std::string ZoneWithLocalHour(int local_hour) {
  const std::time_t now = std::time(nullptr);
  std::tm utc;
  gmtime_r(&now, &utc);
  int offset = local_hour - utc.tm_hour;
  if (offset < -12) offset += 24;
  if (offset > 14) offset -= 24;
  return offset >= 0 ? "Etc/GMT-" + std::to_string(offset) : "Etc/GMT+" + std::to_string(-offset);
}

// "<number> <node sip port>" lines of sipp's *_logs.log files in `dir`.
std::vector<std::pair<std::string, int>> DialledNumbers(const std::string& dir) {
  std::vector<std::pair<std::string, int>> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() < 9 || name.compare(name.size() - 9, 9, "_logs.log") != 0) continue;
    std::ifstream f(e.path());
    for (std::string line; std::getline(f, line);) {
      std::istringstream in(line);
      std::string number;
      int port = 0;
      if (in >> number >> port) out.emplace_back(number, port);
    }
  }
  return out;
}

// The INVITE_Recv column of the last line of sipp's *_counts.csv in `dir`; -1 if none.
int64_t SippInvites(const std::string& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().filename().string().find("_counts.csv") == std::string::npos) continue;
    std::ifstream f(e.path());
    std::string header, line, last;
    std::getline(f, header);
    while (std::getline(f, line))
      if (!line.empty()) last = line;
    std::vector<std::string> h, v;
    std::string c;
    for (std::stringstream hs(header); std::getline(hs, c, ';');) h.push_back(c);
    for (std::stringstream vs(last); std::getline(vs, c, ';');) v.push_back(c);
    for (size_t i = 0; i < h.size() && i < v.size(); ++i)
      if (h[i].find("INVITE_Recv") != std::string::npos) return std::atoll(v[i].c_str());
  }
  return -1;
}

int64_t Count(storage::pg::Conn& db, const std::string& sql) {
  auto r = db.Query(sql);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() && r->size() == 1 ? r->Int(0, 0) : -1;
}

TEST(ClusterDialer, EveryDialableTaskIsDialledExactlyOnceByThreeNodes) {
  for (auto [bin, pkg] : {std::pair{"sipp", "sip-tester"}, {"flite", "flite"}})
    ASSERT_EQ(siptest::MissingBinary(bin, pkg), "");
  int total = 10000;  // the size: 268 s with the nodes' start on a loaded two-core machine
  if (const char* env = std::getenv("KIRA_CLUSTER_TASKS")) total = std::atoi(env);
  ASSERT_GE(total, 100);
  const int dnc = total / 20, window = total / 20, dialable = total - dnc - window;

  auto pg = storage::testing::PgServer::Start();
  ASSERT_TRUE(pg.ok()) << pg.status().ToString();
  ASSERT_TRUE((*pg)->CreateDatabase("dialer").ok());
  const std::string dir = siptest::MakeTempDir("kira-cluster-dialer");

  // The trunk: answers every INVITE, hangs up half a second later.
  const std::string trunk_dir = dir + "/trunk";
  fs::create_directories(trunk_dir);
  {
    std::string s = ReadTextFile(std::string(KIRA_SOURCE_DIR) + "/tests/cluster/uas_trunk.xml");
    ASSERT_NE(s.find("PAUSE_MS\"/>"), std::string::npos);
    s.replace(s.find("PAUSE_MS\"/>"), 8, "500");
    std::ofstream(trunk_dir + "/uas.xml") << s;
  }
  const uint16_t trunk_port = siptest::FreePort();
  siptest::ChildProcess sipp;
  ASSERT_TRUE(
      sipp.Start({"sh", "-c",
                  "cd '" + trunk_dir + "' && exec sipp -sf uas.xml -i 127.0.0.1 -p " +
                      std::to_string(trunk_port) + " -mp " + std::to_string(siptest::FreePort()) +
                      " -nostdin -trace_counts -fd 1 -trace_logs -trace_err -l 100000"},
                 trunk_dir + "/sipp.log")
          .ok());

  // Three dialing nodes, each allowed a third of what the trunk takes (per-node limits).
  NodeOptions o;
  o.asr = false;
  o.dialer = true;
  o.trunk = "sip:127.0.0.1:" + std::to_string(trunk_port);
  o.dialer_yaml =
      "caller_id: \"+74950000000\"\n"
      "max_concurrent: 200\n"
      "calls_per_second: 60\n"
      "burst: 10\n"
      "trunks:\n"
      "  - {name: trunk, max_concurrent: 200}\n";
  KiraCluster cluster(dir, (*pg)->Uri("dialer"));
  Status started = cluster.Start(3, o);
  ASSERT_TRUE(started.ok()) << started.ToString();

  // The tasks, written after every dialer runs: a dialer that starts reopens every task left
  // in_progress, another node's live calls included (no lease yet; see deploy/README.md), so
  // the nodes start first, as the guide says, and pick the tasks up at their next refresh.
  const std::string day = ZoneWithLocalHour(13), night = ZoneWithLocalHour(1);
  std::set<std::string> dialable_numbers, refused_numbers;
  {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> writers;
    std::vector<Status> results(4, Status::Ok());
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([&, w] {
        crm::PgCrmOptions po;
        po.dnc_secret_path = cluster.nodes()[0].data + "/dnc.key";
        po.connections = 1;
        auto store = crm::OpenPgCrmStore(cluster.url(), po);
        if (!store.ok()) return void(results[w] = store.status());
        for (int i = w; i < total; i += 4) {
          // 0 .. dialable-1: due now; then do-not-call; then a zone where it is night.
          const bool is_dnc = i >= dialable && i < dialable + dnc, is_night = i >= dialable + dnc;
          const std::string phone = "+7495" + std::to_string(2000000 + i);
          crm::Lead l;
          l.channel = "phone";
          l.source = "inbound";
          l.interest = "SG622600R";
          auto lead = (*store)->CreateLead(l);
          if (!lead.ok()) return void(results[w] = lead.status());
          if (is_dnc) {
            Status s = (*store)->AddDnc({phone, "opt_out", "cluster test", 0});
            if (!s.ok()) return void(results[w] = s);
          }
          crm::Task t;
          t.lead_id = *lead;
          t.kind = crm::TaskKind::kVeraCall;
          t.agent = "vera";
          t.phone = phone;
          t.timezone = is_night ? night : day;
          t.created_by = "rule";
          auto id = (*store)->CreateTask(t);
          if (!id.ok()) return void(results[w] = id.status());
        }
      });
    }
    for (auto& t : writers) t.join();
    for (const auto& r : results) ASSERT_TRUE(r.ok()) << r.ToString();
    for (int i = 0; i < total; ++i)
      (i < dialable ? dialable_numbers : refused_numbers)
          .insert("+7495" + std::to_string(2000000 + i));
    std::printf(
        "[cluster] %d tasks written in %.1f s (%d dialable in %s, %d do-not-call, %d "
        "in %s where the window is closed)\n",
        total, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
        dialable, day.c_str(), dnc, window, night.c_str());
  }

  // Until every dialable task has been tried and no call is in progress.
  auto db = storage::pg::Conn::Open((*pg)->Conninfo("dialer"));
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  const auto t0 = std::chrono::steady_clock::now();
  const auto limit = t0 + std::chrono::seconds(120 + dialable / 20);
  int64_t tried = 0, in_progress = 0;
  while (std::chrono::steady_clock::now() < limit) {
    tried = Count(**db, "SELECT count(*) FROM tasks WHERE attempts > 0");
    in_progress = Count(**db, "SELECT count(*) FROM tasks WHERE status = 'in_progress'");
    if (tried >= dialable && in_progress == 0) break;
    std::this_thread::sleep_for(1s);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::this_thread::sleep_for(3s);  // a duplicate would show up now
  for (auto& n : cluster.nodes()) n.proc.Stop(10s);
  ::kill(sipp.pid(), SIGUSR1);  // sipp's graceful stop writes the final counts
  if (!sipp.Wait(10s)) sipp.Stop();

  const int64_t invites = SippInvites(trunk_dir);
  const auto dialled = DialledNumbers(trunk_dir);
  std::map<std::string, int> times;
  std::map<int, int> per_node;
  for (const auto& [number, port] : dialled) {
    ++times[number];
    ++per_node[port];
  }
  std::printf(
      "[cluster] %lld of %d dialable tasks tried in %.1f s (%.0f calls/s over three "
      "nodes); sipp saw %lld INVITEs",
      static_cast<long long>(tried), dialable, secs, tried / std::max(secs, 0.001),
      static_cast<long long>(invites));
  for (const auto& n : cluster.nodes())
    std::printf("; node%d %d", n.index, per_node.count(n.sip_port) ? per_node[n.sip_port] : 0);
  std::printf("\n");

  EXPECT_EQ(invites, dialable) << ReadTextFile(trunk_dir + "/sipp.log").substr(0, 2000);
  EXPECT_EQ(static_cast<int>(dialled.size()), dialable);
  EXPECT_EQ(static_cast<int>(times.size()), dialable);
  int twice = 0, refused_dialled = 0, unknown = 0;
  for (const auto& [number, n] : times) {
    twice += n > 1;
    refused_dialled += refused_numbers.count(number) > 0;
    unknown += dialable_numbers.count(number) == 0 && refused_numbers.count(number) == 0;
  }
  EXPECT_EQ(twice, 0) << "numbers dialled more than once";
  EXPECT_EQ(refused_dialled, 0) << "do-not-call or out-of-window numbers were dialled";
  EXPECT_EQ(unknown, 0) << "numbers the test never wrote";
  for (const auto& n : cluster.nodes())
    EXPECT_GT(per_node[n.sip_port], dialable / 10) << "node " << n.index << " hardly dialled";
  // The store agrees: one attempt per dialable task, none for the others.
  EXPECT_EQ(Count(**db, "SELECT count(*) FROM tasks WHERE attempts = 1"), dialable);
  EXPECT_EQ(Count(**db, "SELECT count(*) FROM tasks WHERE attempts > 1"), 0);
  const std::string first_dnc = "'+7495" + std::to_string(2000000 + dialable) + "'";
  const std::string first_night = "'+7495" + std::to_string(2000000 + dialable + dnc) + "'";
  EXPECT_EQ(Count(**db, "SELECT count(*) FROM tasks WHERE phone >= " + first_dnc +
                            " AND (attempts > 0 OR last_attempt_at > 0)"),
            0);
  // Do-not-call tasks are closed at the moment of dialling; night ones wait for their window.
  EXPECT_EQ(Count(**db, "SELECT count(*) FROM tasks WHERE phone >= " + first_dnc + " AND phone < " +
                            first_night + " AND status = 'cancelled'"),
            dnc);
  EXPECT_EQ(Count(**db, "SELECT count(*) FROM tasks WHERE phone >= " + first_night +
                            " AND status = 'open'"),
            window);
  if (!::testing::Test::HasFailure())
    siptest::RemoveTree(dir);
  else
    std::fprintf(stderr, "logs kept in %s\n", dir.c_str());
}

}  // namespace
}  // namespace kira::clustertest
