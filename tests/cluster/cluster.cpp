#include "cluster.h"

#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace kira::clustertest {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string Quote(const std::string& s) { return "'" + s + "'"; }

}  // namespace

std::string DeployDir() { return std::string(KIRA_SOURCE_DIR) + "/deploy"; }

int RunIn(const std::string& dir, const std::string& cmd, const std::string& log) {
  const std::string full = "cd " + Quote(dir) + " && " + cmd + " >" + Quote(log) + " 2>&1";
  int st = std::system(full.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

bool KiraNode::Kill9() {
  if (!proc.running()) return true;
  if (::kill(proc.pid(), SIGKILL) != 0) return false;
  int status = 0;
  return proc.Wait(10s, &status) && WIFSIGNALED(status);
}

KiraCluster::~KiraCluster() {
  for (auto& n : nodes_) n.proc.Stop();
}

Status KiraCluster::Start(int n, const NodeOptions& o) {
  opts_ = o;
  // The guide's first step: the schema and the do-not-call key, made once by one node ...
  const std::string first = dir_ + "/node0/data";
  fs::create_directories(first);
  const int rc = RunIn(
      dir_, Quote(KIRA_BIN) + " --data " + Quote(first) + " --db " + Quote(url_) + " dnc --json",
      dir_ + "/prepare.log");
  if (rc != 0)
    return Status::Internal("preparing the shared database failed:\n" +
                            siptest::ReadTextFile(dir_ + "/prepare.log"));
  // ... and the key copied to every other node.
  for (int i = 1; i < n; ++i) {
    fs::create_directories(dir_ + "/node" + std::to_string(i) + "/data");
    std::error_code ec;
    fs::copy_file(first + "/dnc.key", dir_ + "/node" + std::to_string(i) + "/data/dnc.key",
                  fs::copy_options::overwrite_existing, ec);
    if (ec) return Status::Io("copy dnc.key: " + ec.message());
  }
  for (int i = 0; i < n; ++i) KIRA_RETURN_IF_ERROR(StartNode(i));
  for (auto& node : nodes_) {
    KIRA_RETURN_IF_ERROR(WaitUp(node));
    if (o.dialer && !siptest::WaitForText(node.log, "dialer running", 60s))
      return Status::Unavailable("node " + std::to_string(node.index) + " has no dialer:\n" +
                                 siptest::ReadTextFile(node.log));
  }
  return Status::Ok();
}

Status KiraCluster::StartNode(int index) {
  if (index > static_cast<int>(nodes_.size())) return Status::Invalid("nodes start in order");
  if (index == static_cast<int>(nodes_.size())) {
    nodes_.emplace_back();
    KiraNode& n = nodes_.back();
    n.index = index;
    n.data = dir_ + "/node" + std::to_string(index) + "/data";
    n.sip_port = siptest::FreePort();
    n.web_port = siptest::FreePort();
    // 20000..21999 for node 0, 22000..23999 for node 1, ...: disjoint, and far from sipp's.
    n.rtp_min = static_cast<uint16_t>(20000 + 2000 * index);
    n.rtp_max = static_cast<uint16_t>(n.rtp_min + 1999);
  }
  KiraNode& n = nodes_[index];
  if (n.proc.running()) return Status::Invalid("node " + std::to_string(index) + " is running");
  fs::create_directories(n.data);
  const std::string nd = dir_ + "/node" + std::to_string(index);
  {
    std::ofstream phone(nd + "/phone.yaml");
    phone << "phone:\n"
          << "  max_calls: " << opts_.max_calls << "\n"
          << "  rtp_ports: " << n.rtp_min << "-" << n.rtp_max << "\n"
          << "  silence_reprompt_s: 60\n"
          << (opts_.asr ? "  asr: {en: {engine: pocketsphinx}}\n" : "  asr: {}\n")
          << "  tts: {en: {engine: flite, voice: kal}}\n";
    if (!opts_.trunk.empty()) phone << "  trunk: {registrar: \"" << opts_.trunk << "\"}\n";
  }
  if (!opts_.dialer_yaml.empty()) std::ofstream(n.data + "/dialer.yaml") << opts_.dialer_yaml;
  n.log = nd + "/kira" + std::to_string(index) + ".log";
  // A restarted node appends to a new log, so waiting for its start does not see the old one.
  for (int k = 1; fs::exists(n.log); ++k)
    n.log = nd + "/kira" + std::to_string(index) + "-" + std::to_string(k) + ".log";
  const std::string profile =
      opts_.profile.empty() ? std::string(KIRA_DEMO_DIR) + "/profile.en.yaml" : opts_.profile;
  std::vector<std::string> argv = {KIRA_BIN,
                                   "--log-level",
                                   "info",
                                   "--data",
                                   n.data,
                                   "--db",
                                   url_,
                                   "--business",
                                   profile,
                                   "serve",
                                   "--web",
                                   "127.0.0.1:" + std::to_string(n.web_port),
                                   "--sip",
                                   "127.0.0.1:" + std::to_string(n.sip_port),
                                   "--phone-config",
                                   nd + "/phone.yaml"};
  if (!opts_.dialer) argv.push_back("--no-dialer");
  return n.proc.Start(argv, n.log);
}

Status KiraCluster::WaitUp(KiraNode& node) {
  // A port picked free can be taken by another test before the node binds it: new ports, again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    for (auto end = std::chrono::steady_clock::now() + 120s;
         std::chrono::steady_clock::now() < end;) {
      if (siptest::ReadTextFile(node.log).find("answering SIP calls") != std::string::npos)
        return Status::Ok();
      if (node.proc.Wait(100ms)) break;  // exited
    }
    const std::string log = siptest::ReadTextFile(node.log);
    if (node.proc.running() || log.find("Address already in use") == std::string::npos)
      return Status::Unavailable("node " + std::to_string(node.index) + " did not start:\n" + log);
    node.sip_port = siptest::FreePort();
    node.web_port = siptest::FreePort();
    KIRA_RETURN_IF_ERROR(StartNode(node.index));
  }
  return Status::Unavailable("node " + std::to_string(node.index) + ": no free ports");
}

std::vector<uint16_t> KiraCluster::SipPorts() const {
  std::vector<uint16_t> v;
  for (const auto& n : nodes_) v.push_back(n.sip_port);
  return v;
}

int KiraCluster::NodeOfRtpPort(int port) const {
  for (const auto& n : nodes_)
    if (n.OwnsRtpPort(port)) return n.index;
  return -1;
}

Status Kamailio::Start(const std::string& dir, const std::vector<uint16_t>& node_ports,
                       const std::vector<std::string>& defines) {
  if (std::string m = siptest::MissingBinary("kamailio", "kamailio"); !m.empty())
    return Status::Unavailable(m);
  dir_ = dir;
  fs::create_directories(dir);
  {
    std::ofstream list(dir + "/dispatcher.list");
    for (uint16_t p : node_ports) list << "1 sip:127.0.0.1:" << p << "\n";
  }
  port_ = siptest::FreePort();
  log_ = dir + "/kamailio.log";
  ctl_ = "unix:" + dir + "/kamailio_ctl";
  std::vector<std::string> argv = {"kamailio",
                                   "-f",
                                   DeployDir() + "/kamailio/kamailio.cfg",
                                   "-DD",
                                   "-E",
                                   "-Y",
                                   dir,
                                   "-m",
                                   "64",
                                   "-M",
                                   "8",
                                   "-A",
                                   "LISTEN=udp:127.0.0.1:" + std::to_string(port_),
                                   "-A",
                                   "DISPATCHER_LIST=\"" + dir + "/dispatcher.list\"",
                                   "-A",
                                   "CTL_SOCKET=\"" + ctl_ + "\"",
                                   "-A",
                                   "LOG_LEVEL=2"};
  for (const auto& d : defines) {
    argv.push_back("-A");
    argv.push_back(d);
  }
  KIRA_RETURN_IF_ERROR(proc_.Start(argv, log_));
  // Up once its control socket answers and every node has answered a probe.
  for (int i = 0; i < 100; ++i) {
    std::this_thread::sleep_for(100ms);
    if (proc_.Wait(1ms))
      return Status::Unavailable("kamailio exited:\n" + siptest::ReadTextFile(log_));
    std::string list = DispatcherList();
    int active = 0;
    for (size_t p = 0; (p = list.find("FLAGS: A", p)) != std::string::npos; ++p) ++active;
    if (active == static_cast<int>(node_ports.size())) return Status::Ok();
  }
  return Status::Unavailable("kamailio's nodes never became active:\n" + DispatcherList() + "\n" +
                             siptest::ReadTextFile(log_));
}

std::string Kamailio::DispatcherList() const {
  const std::string out = dir_ + "/kamcmd.out";
  RunIn(dir_, "kamcmd -s " + Quote(ctl_) + " dispatcher.list", out);
  return siptest::ReadTextFile(out);
}

bool Kamailio::WaitInactive(uint16_t node_port, std::chrono::seconds wait) const {
  const std::string uri = "URI: sip:127.0.0.1:" + std::to_string(node_port);
  for (auto end = std::chrono::steady_clock::now() + wait; std::chrono::steady_clock::now() < end;
       std::this_thread::sleep_for(200ms)) {
    const std::string list = DispatcherList();
    size_t p = list.find(uri);
    if (p == std::string::npos) continue;
    size_t f = list.find("FLAGS: ", p);
    if (f != std::string::npos && list.compare(f + 7, 1, "I") == 0) return true;
  }
  return false;
}

Status WriteUacScenario(const std::string& dir, const std::string& ulaw_wav, int pause_ms) {
  std::string s =
      siptest::ReadTextFile(std::string(KIRA_SOURCE_DIR) + "/tests/cluster/uac_call.xml");
  if (s.empty()) return Status::NotFound("tests/cluster/uac_call.xml is missing");
  for (auto [key, value] : {std::pair<std::string, std::string>{"MIC_ULAW_WAV", ulaw_wav},
                            {"PAUSE_MS", std::to_string(pause_ms)}}) {
    if (s.find(key) == std::string::npos) return Status::Internal("uac_call.xml has no " + key);
    for (size_t p; (p = s.find(key)) != std::string::npos;) s.replace(p, key.size(), value);
  }
  std::ofstream(dir + "/uac.xml") << s;
  return Status::Ok();
}

std::vector<std::pair<std::string, int>> AnsweredCalls(const std::string& dir) {
  std::vector<std::pair<std::string, int>> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() < 9 || name.compare(name.size() - 9, 9, "_logs.log") != 0) continue;
    std::ifstream f(e.path());
    for (std::string line; std::getline(f, line);) {
      std::istringstream in(line);  // "<number> <port> (m=audio <port>)"
      std::string number;
      int port = 0;
      if (in >> number >> port) out.emplace_back(number, port);
    }
  }
  return out;
}

Status MakeUlawMic(const std::string& dir, const std::string& text, double lead_s, double tail_s,
                   std::string* path) {
  const std::string pcm = dir + "/mic-pcm.wav";
  *path = dir + "/mic-ulaw.wav";
  if (text.empty()) {
    KIRA_RETURN_IF_ERROR(siptest::MakeSilenceWav(pcm, lead_s + tail_s));
  } else {
    KIRA_RETURN_IF_ERROR(siptest::MakeSpeechWav(text, pcm, lead_s, tail_s));
  }
  return siptest::RunCommand("sox " + Quote(pcm) + " -r 8000 -c 1 -e u-law " + Quote(*path));
}

}  // namespace kira::clustertest
