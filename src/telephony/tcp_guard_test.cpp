// SIP TCP admission (issue 10, F5) and libre's rate-limited log lines (F13), against a real
// SipEndpoint on loopback: sources outside the ACL closed at accept, per-source and total
// caps, the descriptor reserve, silent connections closed after the first-data timeout, and
// a garbage-datagram flood giving a bounded number of log lines.
#include "telephony/tcp_guard.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "core/log.h"
#include "peer_util.h"  // tests/sip: ConnectTcp, ClosedByPeer
#include "telephony/event_loop.h"
#include "telephony/sip_endpoint.h"

namespace kira::telephony {
namespace {

using namespace std::chrono_literals;
using siptest::ClosedByPeer;

std::string Options(uint16_t port, int n) {
  const std::string tag = std::to_string(n);
  return "OPTIONS sip:kira@127.0.0.1:" + std::to_string(port) +
         " SIP/2.0\r\n"
         "Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK-guard" +
         tag +
         "\r\n"
         "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=g" +
         tag +
         "\r\n"
         "To: <sip:kira@127.0.0.1>\r\nCall-ID: guard-" +
         tag + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
}

std::string ReadSome(int fd, std::chrono::milliseconds t) {
  std::string out;
  const auto end = std::chrono::steady_clock::now() + t;
  while (std::chrono::steady_clock::now() < end && out.find("\r\n\r\n") == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    char buf[2048];
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

class TcpGuardTest : public ::testing::Test {
 protected:
  // The ACL admits 127.0.0.1 only, unless `whole_loopback`.
  void Start(SipConfig c, bool whole_loopback = false) {
    c.listen = "127.0.0.1:0";
    c.acl = {whole_loopback ? "127.0.0.0/8" : "127.0.0.1/32"};
    c.rtp_port_min = 35000;
    c.rtp_port_max = 35999;
    ASSERT_TRUE(ep_.Start(c, [](const CallInfo&) { return nullptr; }).ok());
    port_ = ep_.tcp_port();
    ASSERT_NE(port_, 0);
  }
  void TearDown() override {
    for (int fd : fds_) close(fd);
    ep_.Stop();
  }
  int Open(const char* from = "127.0.0.1") {
    const int fd = siptest::ConnectTcp(port_, from);
    if (fd >= 0) fds_.push_back(fd);
    return fd;
  }
  SipEndpoint ep_;
  uint16_t port_ = 0;
  std::vector<int> fds_;
};

TEST_F(TcpGuardTest, SourcesOutsideTheAclAreClosedAtAccept) {
  Start({});
  for (int i = 0; i < 5; ++i) {
    const int fd = Open("127.0.0.2");
    ASSERT_GE(fd, 0) << "cannot bind 127.0.0.2";
    EXPECT_TRUE(ClosedByPeer(fd, 1000ms)) << "connection " << i << " from 127.0.0.2 kept";
  }
  EXPECT_EQ(ep_.stats().tcp_refused_acl, 5);
  EXPECT_EQ(ep_.stats().tcp_open, 0);
  // An allowed source is served on its connection.
  const int ok = Open();
  ASSERT_GE(ok, 0);
  const std::string msg = Options(port_, 1);
  ASSERT_EQ(send(ok, msg.data(), msg.size(), MSG_NOSIGNAL), static_cast<ssize_t>(msg.size()));
  EXPECT_EQ(ReadSome(ok, 2000ms).rfind("SIP/2.0 200", 0), 0u);
}

TEST_F(TcpGuardTest, PerSourceAndTotalCaps) {
  SipConfig c;
  c.tcp_max_per_source = 4;
  c.tcp_max_conns = 6;
  Start(c, true);
  std::vector<int> kept, closed;
  for (const char* from : {"127.0.0.1", "127.0.0.3"}) {
    for (int i = 0; i < 5; ++i) {
      const int fd = Open(from);
      ASSERT_GE(fd, 0);
      (ClosedByPeer(fd, 200ms) ? closed : kept).push_back(fd);
    }
  }
  EXPECT_EQ(kept.size(), 6u);    // 4 from the first source, 2 more up to the total
  EXPECT_EQ(closed.size(), 4u);  // 1 over the per-source cap, 3 over the total
  EXPECT_EQ(ep_.stats().tcp_refused_limit, 4);
  EXPECT_EQ(ep_.stats().tcp_open, 6);
  // Closing one frees its slot.
  close(kept.back());
  fds_.erase(std::find(fds_.begin(), fds_.end(), kept.back()));
  std::this_thread::sleep_for(200ms);
  const int again = Open("127.0.0.3");
  EXPECT_FALSE(ClosedByPeer(again, 300ms));
}

TEST_F(TcpGuardTest, SilentConnectionsAreClosedAfterTheFirstDataTimeout) {
  SipConfig c;
  c.tcp_first_data_s = 1;
  Start(c);
  const int talker = Open();
  const int silent1 = Open();
  const int silent2 = Open();
  ASSERT_GE(silent2, 0);
  const std::string msg = Options(port_, 2);
  ASSERT_EQ(send(talker, msg.data(), msg.size(), MSG_NOSIGNAL), static_cast<ssize_t>(msg.size()));
  EXPECT_EQ(ReadSome(talker, 2000ms).rfind("SIP/2.0 200", 0), 0u);
  EXPECT_TRUE(ClosedByPeer(silent1, 3000ms));
  EXPECT_TRUE(ClosedByPeer(silent2, 1000ms));
  EXPECT_FALSE(ClosedByPeer(talker, 500ms));
  EXPECT_EQ(ep_.stats().tcp_closed_idle, 2);
  EXPECT_EQ(ep_.stats().tcp_open, 1);
}

TEST_F(TcpGuardTest, DescriptorReserveIsNotTouched) {
  // Leave room for exactly three more descriptors above the current highest one.
  const int probe = dup(0);
  close(probe);
  const int limit = EventLoop::DescriptorLimit();
  SipConfig c;
  c.fd_reserve = limit - (probe + 20);  // the endpoint itself opens ~15 descriptors
  c.tcp_max_per_source = 1000;
  c.tcp_max_conns = 1000;
  Start(c);
  int kept = 0;
  for (int i = 0; i < 40; ++i) {
    const int fd = Open();
    ASSERT_GE(fd, 0);
    if (!ClosedByPeer(fd, 100ms)) ++kept;
  }
  EXPECT_LT(kept, 20);
  EXPECT_GT(ep_.stats().tcp_refused_fds, 20);
  EXPECT_EQ(ep_.stats().tcp_open, kept);
}

TEST_F(TcpGuardTest, GarbageDatagramFloodGivesBoundedLogLines) {
  Start({});
  std::mutex mu;
  int libre_lines = 0;
  log::SetSink([&](log::Level, std::string_view component, std::string_view) {
    std::lock_guard<std::mutex> l(mu);
    if (component == "libre") ++libre_lines;
  });
  const int64_t suppressed0 = log::SuppressedTotal();
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(ep_.udp_port());
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  const std::string junk = "this is not SIP at all, just garbage bytes";
  for (int i = 0; i < 2000; ++i) {
    sendto(s, junk.data(), junk.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    if (i % 200 == 0) std::this_thread::sleep_for(5ms);  // let the loop keep up
  }
  close(s);
  std::this_thread::sleep_for(500ms);
  log::SetSink(nullptr);
  // Still answering.
  const int ok = Open();
  const std::string msg = Options(port_, 3);
  ASSERT_EQ(send(ok, msg.data(), msg.size(), MSG_NOSIGNAL), static_cast<ssize_t>(msg.size()));
  EXPECT_EQ(ReadSome(ok, 2000ms).rfind("SIP/2.0 200", 0), 0u);
  std::lock_guard<std::mutex> l(mu);
  EXPECT_GE(libre_lines, 1);
  EXPECT_LE(libre_lines, 6);
  EXPECT_GE(log::SuppressedTotal() - suppressed0, 1000);
}

}  // namespace
}  // namespace kira::telephony
