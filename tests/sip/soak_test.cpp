// Soak (issue 10): the real `kira serve` (the binary: web workspace + SIP) under every kind of
// load at once for KIRA_SOAK_SECONDS (default 300: "30 minutes compressed to 5"):
//   - sipp places silent calls (INVITE, 1 s of silence, BYE), 2 a second, at most 8 at once;
//   - `kira chat` processes, one after another, on the same data dir (a second writer);
//   - 4 signed-in web users reading the queue, lead pages and the dashboard;
//   - a catalog upload through the web every 15 s;
//   - 20 slowloris connections (one header line every 5 s, reconnecting when dropped);
//   - garbage SIP: random UDP datagrams (~200 a second) and TCP junk connections.
// Sampled: /api/health every second (2 s deadline) and, every 5 s, the server's RSS and open
// descriptors. Fails on a missed health check, on RSS growth from the first to the last third
// of the run beyond 10% + 8 MB (medians), on failed calls above 1%, on descriptors not back near
// the start 15 s after the load stops, on web errors above 1%, and on a silent call that left a
// lead (F11). Label: soak. Needs sipp (sip-tester), sox.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "crm/sqlite/sqlite_crm_store.h"
#include "peer_util.h"
#include "web/testing/test_support.h"

namespace kira::siptest {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Latencies in ms; percentiles for the report.
struct Latencies {
  std::mutex mu;
  std::vector<double> ms;
  int errors = 0;
  void Add(double v) {
    std::lock_guard l(mu);
    ms.push_back(v);
  }
  void Error() {
    std::lock_guard l(mu);
    ++errors;
  }
  double Pct(double p) {
    std::lock_guard l(mu);
    if (ms.empty()) return 0;
    std::vector<double> s = ms;
    std::sort(s.begin(), s.end());
    return s[std::min(s.size() - 1, static_cast<size_t>(p * s.size()))];
  }
  size_t count() {
    std::lock_guard l(mu);
    return ms.size();
  }
};

double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

class Soak : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto [bin, pkg] : {std::pair{"sipp", "sip-tester"}, {"sox", "sox"}})
      ASSERT_EQ(MissingBinary(bin, pkg), "");
    dir_ = MakeTempDir("kira-soak");
    ASSERT_FALSE(dir_.empty());
    const char* s = std::getenv("KIRA_SOAK_SECONDS");
    seconds_ = s ? std::max(30, std::atoi(s)) : 300;
  }
  void TearDown() override {
    if (kira_.running()) kira_.Stop();
    if (!HasFailure())
      RemoveTree(dir_);
    else
      std::fprintf(stderr, "kept %s for inspection\n", dir_.c_str());
  }
  std::string Kira(const std::string& args) {
    return std::string(KIRA_BIN) + " --data " + dir_ + "/data " + args;
  }

  std::string dir_;
  int seconds_ = 300;
  ChildProcess kira_;
};

TEST_F(Soak, MixedLoadKeepsMemoryDescriptorsAndHealth) {
  // The data dir: an admin for the web users, then `kira serve` with web and SIP.
  ASSERT_EQ(std::system(("echo 'soak password 1' | " +
                         Kira("users add soak --role admin --password-stdin") + " >/dev/null")
                            .c_str()),
            0);
  const uint16_t web_port = FreePort(), sip_port = FreePort();
  std::ofstream(dir_ + "/phone.yaml") << "phone:\n  acl: [127.0.0.1/32]\n";
  ASSERT_TRUE(
      kira_
          .Start({KIRA_BIN, "--data", dir_ + "/data", "serve", "--no-dialer", "--web",
                  "127.0.0.1:" + std::to_string(web_port), "--sip",
                  "127.0.0.1:" + std::to_string(sip_port), "--phone-config", dir_ + "/phone.yaml"},
                 dir_ + "/kira.log")
          .ok());
  ASSERT_TRUE(WaitForText(dir_ + "/kira.log", "answering SIP calls", 120s))
      << ReadTextFile(dir_ + "/kira.log");
  std::this_thread::sleep_for(1s);
  const pid_t pid = kira_.pid();
  const int fds_start = CountFds(pid);
  const int64_t rss_start = RssKb(pid);
  std::printf("[soak] kira serve up: RSS %lld KB, %d descriptors; load for %d s\n",
              static_cast<long long>(rss_start), fds_start, seconds_);

  std::atomic<bool> stop{false};
  std::vector<std::thread> load;
  Latencies health, web;
  std::atomic<int> chats{0}, chat_failures{0}, imports{0}, import_failures{0}, garbage{0},
      slow_reconnects{0};

  // Calls: one sipp process for the whole run.
  std::string error;
  ASSERT_NE(MakeSippCallScenario(dir_, 1000, &error), "") << error;
  ChildProcess sipp;
  ASSERT_TRUE(sipp.Start({"sipp",     "127.0.0.1:" + std::to_string(sip_port),
                          "-sf",      dir_ + "/uac.xml",
                          "-s",       "kira",
                          "-i",       "127.0.0.1",
                          "-p",       std::to_string(FreePort()),
                          "-mp",      std::to_string(FreePort() & ~1u),
                          "-r",       "2",
                          "-l",       "8",
                          "-m",       std::to_string(seconds_ * 2),
                          "-nostdin", "-trace_stat",
                          "-stf",     dir_ + "/sipp-stat.csv",
                          "-fd",      "5"},
                         dir_ + "/sipp.log")
                  .ok());

  // Chats: a second process writing to the same database, one conversation after another.
  load.emplace_back([&] {
    for (int i = 0; !stop; ++i) {
      char caller[32];
      std::snprintf(caller, sizeof caller, "+7916555%04d", i % 10000);
      const std::string cmd = "printf 'монте тиберио серый есть?\\nсколько стоит?\\n' | " +
                              Kira(std::string("chat --json --caller ") + caller) +
                              " >/dev/null 2>&1";
      (std::system(cmd.c_str()) == 0 ? chats : chat_failures)++;
    }
  });
  // Web users.
  for (int u = 0; u < 4; ++u) {
    load.emplace_back([&, u] {
      web::testing::Client c(web_port);
      if (!c.Login("soak", "soak password 1")) {
        web.Error();
        return;
      }
      std::mt19937 rng(u);
      while (!stop) {
        const char* paths[] = {"/api/leads?limit=20", "/api/dashboard?period=day",
                               "/api/catalog/search?q=%D0%BC%D0%BE%D0%BD%D1%82%D0%B5"};
        std::string path = paths[rng() % 3];
        auto t0 = Clock::now();
        auto r = c.Get(path);
        if (!r || r->status != 200) {
          web.Error();
        } else {
          web.Add(MsSince(t0));
          if (path.rfind("/api/leads?", 0) == 0) {
            auto j = nlohmann::json::parse(r->body, nullptr, false);
            if (j.is_object() && j["leads"].is_array() && !j["leads"].empty()) {
              t0 = Clock::now();
              auto one = c.Get("/api/leads/" + std::to_string(j["leads"][0]["id"].get<int64_t>()));
              if (one && (one->status == 200 || one->status == 404))
                web.Add(MsSince(t0));
              else
                web.Error();
            }
          }
        }
        std::this_thread::sleep_for(200ms);
      }
    });
  }
  // Imports through the web.
  load.emplace_back([&] {
    web::testing::Client c(web_port);
    if (!c.Login("soak", "soak password 1")) return (void)import_failures++;
    const std::string csv = ReadTextFile(std::string(KIRA_DEMO_DIR) + "/catalog.csv");
    while (!stop) {
      auto r = c.PostRaw("/api/catalog/import?kind=catalog&name=catalog.csv", csv, "text/csv");
      (r && r->status == 200 ? imports : import_failures)++;
      for (int i = 0; i < 150 && !stop; ++i) std::this_thread::sleep_for(100ms);
    }
  });
  // Slowloris.
  load.emplace_back([&] {
    std::vector<int> conns(20, -1);
    while (!stop) {
      for (int& fd : conns) {
        if (fd < 0) {
          fd = ConnectTcp(web_port);
          if (fd < 0) continue;
          ++slow_reconnects;
          const char head[] = "GET /api/health HTTP/1.1\r\nHost: x\r\n";
          if (send(fd, head, sizeof head - 1, MSG_NOSIGNAL) < 0) {
            close(fd);
            fd = -1;
          }
        } else if (send(fd, "X-a: b\r\n", 8, MSG_NOSIGNAL) < 0) {
          close(fd);
          fd = -1;
        }
      }
      for (int i = 0; i < 50 && !stop; ++i) std::this_thread::sleep_for(100ms);
    }
    for (int fd : conns)
      if (fd >= 0) close(fd);
  });
  // Garbage SIP: UDP datagrams and TCP junk.
  load.emplace_back([&] {
    int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(sip_port);
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    std::mt19937 rng(7);
    std::string buf;
    for (int tick = 0; !stop; ++tick) {
      for (int i = 0; i < 20; ++i) {
        buf.resize(20 + rng() % 1300);
        for (char& ch : buf) ch = static_cast<char>(rng());
        if (i % 4 == 0) buf.replace(0, std::min<size_t>(buf.size(), 8), "INVITE s");
        sendto(udp, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
        ++garbage;
      }
      if (tick % 10 == 0) {
        int fd = ConnectTcp(sip_port);
        if (fd >= 0) {
          send(fd, buf.data(), buf.size(), MSG_NOSIGNAL);
          close(fd);
        }
      }
      std::this_thread::sleep_for(100ms);
    }
    close(udp);
  });

  // The sampler: health every second, RSS and descriptors every 5 s.
  struct Sample {
    int t;
    int64_t rss;
    int fds;
  };
  std::vector<Sample> samples;
  int missed = 0;
  httplib::Client hc("127.0.0.1", web_port);
  hc.set_connection_timeout(2);
  hc.set_read_timeout(2);
  const auto start = Clock::now();
  for (int t = 0; t < seconds_; ++t) {
    const auto t0 = Clock::now();
    auto r = hc.Get("/api/health");
    if (r && r->status == 200) {
      health.Add(MsSince(t0));
    } else {
      ++missed;
      std::printf("[soak] t=%d s: health check missed (%s)\n", t,
                  r ? std::to_string(r->status).c_str() : httplib::to_string(r.error()).c_str());
    }
    if (t % 5 == 0) {
      samples.push_back({t, RssKb(pid), CountFds(pid)});
      std::printf("[soak] t=%3d s  RSS %6lld KB  fds %4d  health %.1f ms\n", t,
                  static_cast<long long>(samples.back().rss), samples.back().fds, MsSince(t0));
      std::fflush(stdout);
    }
    if (!kira_.running() || kill(pid, 0) != 0) break;
    std::this_thread::sleep_until(start + std::chrono::seconds(t + 1));
  }
  stop = true;
  for (auto& th : load) th.join();
  int sipp_status = -1;
  if (!sipp.Wait(20s, &sipp_status)) sipp.Stop();
  std::this_thread::sleep_for(15s);  // timeouts close what the load left open
  const int fds_end = CountFds(pid);
  const int64_t rss_end = RssKb(pid);

  // RSS: the median of the first third (after the first 10 s: start-up, first import) against
  // the median of the last third; medians, so one import's transient peak does not decide.
  std::vector<int64_t> early, late;
  for (const Sample& s : samples) {
    if (s.t >= 10 && s.t < seconds_ / 3) early.push_back(s.rss);
    if (s.t >= seconds_ * 2 / 3) late.push_back(s.rss);
  }
  auto median = [](std::vector<int64_t> v) -> int64_t {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  const int64_t first = median(early), last = median(late);
  int64_t peak = 0;
  for (const Sample& s : samples) peak = std::max(peak, s.rss);
  // sipp's own count of calls: the last line of its statistics file.
  long long calls_ok = -1, calls_failed = -1;
  {
    std::ifstream f(dir_ + "/sipp-stat.csv");
    std::string header, line, last_line;
    std::getline(f, header);
    while (std::getline(f, line))
      if (!line.empty()) last_line = line;
    auto column = [&](const std::string& name) -> long long {
      size_t col = 0, pos = 0;
      for (size_t i = 0; i < header.size(); i = pos + 1) {
        pos = header.find(';', i);
        if (pos == std::string::npos) pos = header.size();
        if (header.compare(i, pos - i, name) == 0) break;
        ++col;
      }
      size_t i = 0;
      for (size_t c = 0; c < col && i != std::string::npos; ++c) {
        i = last_line.find(';', i);
        if (i != std::string::npos) ++i;
      }
      return i == std::string::npos ? -1 : std::atoll(last_line.c_str() + i);
    };
    calls_ok = column("SuccessfulCall(C)");
    calls_failed = column("FailedCall(C)");
  }
  std::printf(
      "[soak] %d s: %lld calls completed by sipp, %lld failed; %d chats (%d failed), %d imports "
      "(%d failed), "
      "%d garbage SIP datagrams, %d slowloris connects\n"
      "[soak] health: %zu answered, %d missed, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n"
      "[soak] web users: %zu requests, %d errors, p50 %.1f ms, p99 %.1f ms\n"
      "[soak] RSS: start %lld KB, median of the first third %lld KB, of the last third %lld KB, "
      "peak %lld KB, after the load %lld KB; descriptors: start %d, after the load %d\n",
      seconds_, calls_ok, calls_failed, chats.load(), chat_failures.load(), imports.load(),
      import_failures.load(), garbage.load(), slow_reconnects.load(), health.count(), missed,
      health.Pct(0.5), health.Pct(0.99), health.Pct(1.0), web.count(), web.errors, web.Pct(0.5),
      web.Pct(0.99), static_cast<long long>(rss_start), static_cast<long long>(first),
      static_cast<long long>(last), static_cast<long long>(peak), static_cast<long long>(rss_end),
      fds_start, fds_end);

  ASSERT_TRUE(kira_.running() && kill(pid, 0) == 0) << "kira serve died:\n"
                                                    << ReadTextFile(dir_ + "/kira.log");
  EXPECT_EQ(missed, 0) << "health checks missed";
  EXPECT_GT(calls_ok, seconds_ / 2) << "sipp completed too few calls";
  EXPECT_LE(calls_failed, calls_ok / 100) << "calls failed";
  EXPECT_LE(last, first + first / 10 + 8 * 1024) << "RSS grew";
  EXPECT_LE(fds_end, fds_start + 8) << "descriptors leaked";
  EXPECT_LE(web.errors, static_cast<int>(web.count() / 100) + 1) << "web errors";
  EXPECT_GT(web.count(), 100u);
  EXPECT_GT(chats.load(), 0);
  EXPECT_GT(imports.load(), 0);
  EXPECT_EQ(import_failures.load(), 0);

  // F11 with real SIP: the calls happened (each audited) and none left a lead.
  kira_.Stop();
  auto store = crm::OpenSqliteCrmStore(dir_ + "/data/kira.db");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  crm::LeadFilter phone;
  phone.channel = "phone";
  EXPECT_EQ(*(*store)->CountLeads(phone), 0) << "silent calls left leads";
  auto audit = (*store)->ListAudit("call", 0);
  ASSERT_TRUE(audit.ok());
  std::printf("[soak] %zu silent SIP calls audited as call.no_speech, 0 phone leads\n",
              audit->size());
  EXPECT_GT(audit->size(), static_cast<size_t>(seconds_ / 2));
}

}  // namespace
}  // namespace kira::siptest
