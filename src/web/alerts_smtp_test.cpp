// Manager alerts by e-mail against a real SMTP server started by the test: aiosmtpd from
// Debian's python3-aiosmtpd (tests/smtp/smtp_server.py) with STARTTLS required, AUTH after it,
// and a self-signed certificate the test makes with openssl. Label e2e (starts processes).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "web/alerts.h"

namespace kira::web {
namespace {

namespace fs = std::filesystem;

// The SMTP server process: started with its stdout on a pipe, whose first line is its port.
class SmtpServer {
 public:
  ~SmtpServer() { Stop(); }
  bool Start(const std::vector<std::string>& args) {
    int fds[2];
    if (pipe(fds) != 0) return false;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> argv;
      static std::string py = "/usr/bin/python3";
      std::string script = std::string(KIRA_SOURCE_DIR) + "/tests/smtp/smtp_server.py";
      argv.push_back(py.data());
      argv.push_back(script.data());
      std::vector<std::string> copy = args;
      for (auto& a : copy) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(py.c_str(), argv.data());
      _exit(127);
    }
    close(fds[1]);
    std::string line;
    char c;
    while (read(fds[0], &c, 1) == 1 && c != '\n') line += c;
    close(fds[0]);
    port_ = atoi(line.c_str());
    return port_ > 0;
  }
  void Stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Unbase64(std::string b64) {
  b64.erase(std::remove_if(b64.begin(), b64.end(), [](char c) { return c == '\r' || c == '\n'; }),
            b64.end());
  std::string out(b64.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), b64.data(),
                        b64.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return "<bad base64>";
  out.resize(len);
  return out;
}

int DeadPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

class AlertsSmtpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kira_alerts_smtp_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "out");
    std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -keyout '" +
                      (dir_ / "key.pem").string() + "' -out '" + (dir_ / "cert.pem").string() +
                      "' -days 2 -subj /CN=localhost "
                      "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null";
    ASSERT_EQ(system(cmd.c_str()), 0) << "openssl (scripts/deps.sh) could not make a certificate";
    auto ws = crm::OpenSqliteWorkspaceStore((dir_ / "kira.db").string());
    ASSERT_TRUE(ws.ok());
    ws_ = std::move(*ws);
    WebhookOptions o;
    o.first_retry = std::chrono::seconds(10);
    auto h = Webhooks::Open(*ws_, clock_, o);
    ASSERT_TRUE(h.ok());
    hooks_ = std::move(*h);
    AlertOptions ao;
    ao.timeout = std::chrono::seconds(10);
    auto a = Alerts::Open(
        *ws_, *hooks_, clock_, [] { return std::string("Europe/Moscow"); }, ao);
    ASSERT_TRUE(a.ok());
    alerts_ = std::move(*a);
  }
  void TearDown() override {
    server_.Stop();
    alerts_.reset();
    hooks_.reset();
    ws_.reset();
    fs::remove_all(dir_);
  }
  void StartServer(bool tls = true) {
    std::vector<std::string> args = {
        "--out", (dir_ / "out").string(), "--user", "kira", "--password", "s3cret-pass"};
    if (tls) {
      args.push_back("--cert");
      args.push_back((dir_ / "cert.pem").string());
      args.push_back("--key");
      args.push_back((dir_ / "key.pem").string());
    } else {
      args.push_back("--no-tls");
    }
    ASSERT_TRUE(server_.Start(args)) << "the SMTP server (python3-aiosmtpd) did not start";
  }
  std::string Settings(int port, const std::string& password = "s3cret-pass", bool ca = true) {
    return nlohmann::json{{"language", "ru"},
                          {"workspace_url", "https://kira.example.ru"},
                          {"email",
                           {{"enabled", true},
                            {"smtp_url", "smtp://127.0.0.1:" + std::to_string(port)},
                            {"username", "kira"},
                            {"password", password},
                            {"from", "kira@shop.example.ru"},
                            {"to", {"olga@shop.example.ru", "boss@shop.example.ru"}},
                            {"ca_file", ca ? (dir_ / "cert.pem").string() : ""}}}}
        .dump();
  }
  std::vector<fs::path> Mail() {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir_ / "out"))
      if (e.path().extension() == ".eml") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
  }
  crm::WebhookDelivery Row() {
    auto rows = hooks_->ListDeliveries(10);
    EXPECT_TRUE(rows.ok() && rows->size() == 1u);
    return rows.ok() && !rows->empty() ? rows->front() : crm::WebhookDelivery{};
  }
  AlertFacts Order() { return {7, 31, "Заказ: керамогранит 12 м², доставка", "", "14 400 ₽"}; }

  fs::path dir_;
  FakeClock clock_{FromCivil("Europe/Moscow", 2026, 12, 1, 12, 0)};
  SmtpServer server_;
  std::unique_ptr<crm::WorkspaceStore> ws_;
  std::unique_ptr<Webhooks> hooks_;
  std::unique_ptr<Alerts> alerts_;
};

TEST_F(AlertsSmtpTest, ANewOrderIsMailedOverStartTlsWithItsLink) {
  StartServer();
  ASSERT_TRUE(alerts_->SaveConfig(Settings(server_.port())).ok());
  ASSERT_TRUE(alerts_->Raise(AlertKind::kNewOrder, Order()).ok());
  auto sent = hooks_->DeliverDue();
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(*sent, 1) << Row().last_error;
  auto mail = Mail();
  ASSERT_EQ(mail.size(), 1u);
  std::string m = Slurp(mail[0]);
  EXPECT_NE(m.find("X-Envelope-From: kira@shop.example.ru"), std::string::npos) << m;
  EXPECT_NE(m.find("X-Envelope-To: olga@shop.example.ru,boss@shop.example.ru"), std::string::npos);
  EXPECT_NE(m.find("Message-ID: <kira-alert-" + std::to_string(Row().id) + "@shop.example.ru>"),
            std::string::npos);
  size_t s = m.find("Subject: =?UTF-8?B?");
  ASSERT_NE(s, std::string::npos);
  size_t e = m.find("?=", s);
  EXPECT_EQ(Unbase64(m.substr(s + 19, e - s - 19)), "Kira: новый заказ — лид №7");
  std::string body = Unbase64(m.substr(m.find("\r\n\r\n") + 4));
  EXPECT_NE(body.find("заказ №31, сумма 14 400 ₽"), std::string::npos) << body;
  EXPECT_NE(body.find("https://kira.example.ru/#/lead/7"), std::string::npos) << body;
  // Sent once: nothing is due any more.
  clock_.Advance(std::chrono::hours(1));
  ASSERT_TRUE(hooks_->DeliverDue().ok());
  EXPECT_EQ(Mail().size(), 1u);
  EXPECT_EQ(Row().status, "delivered");
}

TEST_F(AlertsSmtpTest, AServerWithoutStartTlsGetsNothing) {
  StartServer(/*tls=*/false);
  ASSERT_TRUE(alerts_->SaveConfig(Settings(server_.port())).ok());
  ASSERT_TRUE(alerts_->Raise(AlertKind::kQualifiedLead, Order()).ok());
  ASSERT_TRUE(hooks_->DeliverDue().ok());
  EXPECT_TRUE(Mail().empty());
  EXPECT_EQ(Row().status, "pending");
  EXPECT_NE(Row().last_error.find("STARTTLS"), std::string::npos) << Row().last_error;
}

TEST_F(AlertsSmtpTest, AnUntrustedCertificateIsRefused) {
  StartServer();
  ASSERT_TRUE(alerts_->SaveConfig(Settings(server_.port(), "s3cret-pass", /*ca=*/false)).ok());
  ASSERT_TRUE(alerts_->Raise(AlertKind::kQualifiedLead, Order()).ok());
  ASSERT_TRUE(hooks_->DeliverDue().ok());
  EXPECT_TRUE(Mail().empty());
  EXPECT_EQ(Row().attempts, 1);
  EXPECT_NE(Row().last_error.find("SMTP"), std::string::npos) << Row().last_error;
}

TEST_F(AlertsSmtpTest, AWrongPasswordIsRetriedUntilFixedAndMailedOnce) {
  StartServer();
  ASSERT_TRUE(alerts_->SaveConfig(Settings(server_.port(), "wrong")).ok());
  ASSERT_TRUE(alerts_->Raise(AlertKind::kCallbackRequested, Order()).ok());
  ASSERT_TRUE(hooks_->DeliverDue().ok());
  EXPECT_TRUE(Mail().empty());
  EXPECT_NE(Row().last_error.find("password"), std::string::npos) << Row().last_error;
  EXPECT_EQ(Row().last_error.find("wrong"), std::string::npos) << "the password is a secret";
  ASSERT_TRUE(alerts_->SaveConfig(Settings(server_.port())).ok());
  clock_.Advance(std::chrono::seconds(10));
  auto sent = hooks_->DeliverDue();
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(*sent, 1) << Row().last_error;
  EXPECT_EQ(Mail().size(), 1u);
  EXPECT_EQ(Row().attempts, 2);
}

TEST_F(AlertsSmtpTest, AServerThatIsDownGetsTheAlertWhenItIsBack) {
  ASSERT_TRUE(alerts_->SaveConfig(Settings(DeadPort())).ok());
  ASSERT_TRUE(alerts_->Raise(AlertKind::kTransferFailed, Order()).ok());
  ASSERT_TRUE(hooks_->DeliverDue().ok());
  EXPECT_EQ(Row().status, "pending");
  StartServer();
  ASSERT_TRUE(alerts_->SaveConfig(Settings(server_.port())).ok());
  clock_.Advance(std::chrono::seconds(10));
  ASSERT_TRUE(hooks_->DeliverDue().ok());
  clock_.Advance(std::chrono::hours(1));
  ASSERT_TRUE(hooks_->DeliverDue().ok());
  auto mail = Mail();
  ASSERT_EQ(mail.size(), 1u);
  std::string body = Unbase64(Slurp(mail[0]).substr(Slurp(mail[0]).find("\r\n\r\n") + 4));
  EXPECT_NE(body.find("клиент ждёт обратного звонка"), std::string::npos) << body;
}

}  // namespace
}  // namespace kira::web
