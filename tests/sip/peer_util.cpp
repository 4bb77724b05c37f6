#include "peer_util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "media/audio.h"
#include "media/wav.h"
#include "sipp_scenarios.h"

namespace kira::siptest {

namespace fs = std::filesystem;

std::string MissingBinary(const std::string& name, const std::string& package) {
  const std::string cmd = "command -v " + name + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) == 0) return "";
  return "'" + name + "' is not installed: apt-get install " + package +
         " (scripts/deps.sh installs every test peer)";
}

std::string MakeTempDir(const std::string& prefix) {
  std::string tmpl = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  const char* d = mkdtemp(buf.data());
  return d ? std::string(d) : std::string();
}

void RemoveTree(const std::string& dir) {
  std::error_code ec;
  if (!dir.empty()) fs::remove_all(dir, ec);
}

uint16_t FreePort() {
  // Random start so parallel test binaries do not race for the same port.
  static std::mt19937 rng(static_cast<unsigned>(getpid()) ^ static_cast<unsigned>(time(nullptr)));
  for (int attempt = 0; attempt < 200; ++attempt) {
    const uint16_t port = static_cast<uint16_t>(40000 + rng() % 20000);
    bool ok = true;
    for (int type : {SOCK_DGRAM, SOCK_STREAM}) {
      int fd = socket(AF_INET, type, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(port);
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) ok = false;
      close(fd);
    }
    if (ok) return port;
  }
  return 0;
}

std::string ReadTextFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

bool WaitForText(const std::string& path, const std::string& needle, std::chrono::seconds limit) {
  for (auto end = std::chrono::steady_clock::now() + limit;;
       std::this_thread::sleep_for(std::chrono::milliseconds(100))) {
    if (ReadTextFile(path).find(needle) != std::string::npos) return true;
    if (std::chrono::steady_clock::now() >= end) return false;
  }
}

telephony::SipConfig LoopbackSipConfig(uint16_t rtp_min, uint16_t rtp_max) {
  telephony::SipConfig c;
  c.listen = "127.0.0.1:0";
  c.tcp = false;
  c.rtp_port_min = rtp_min;
  c.rtp_port_max = rtp_max;
  return c;
}

int ConnectTcp(uint16_t port, const std::string& from) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  inet_pton(AF_INET, from.c_str(), &a.sin_addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  a.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool ClosedByPeer(int fd, std::chrono::milliseconds wait) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(wait.count())) <= 0) return false;
  char buf[512];
  const ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno == ECONNRESET);
}

int CountFds(pid_t pid) {
  std::error_code ec;
  int n = 0;
  for (fs::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end; !ec && it != end;
       it.increment(ec))
    ++n;
  return ec ? -1 : n;
}

int64_t RssKb(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atoll(line.c_str() + 6);
  return -1;
}

std::string MakeSippCallScenario(const std::string& dir, int pause_ms, std::string* error) {
  const std::string mic = dir + "/mic.wav", ulaw = dir + "/mic-ulaw.wav";
  Status st = MakeSilenceWav(mic, 1.0);
  if (st.ok()) st = RunCommand("sox '" + mic + "' -r 8000 -c 1 -e u-law '" + ulaw + "'");
  if (!st.ok()) {
    *error = st.message();
    return "";
  }
  std::string scenario = kSippUacCallAndBye;
  scenario.replace(scenario.find("MIC"), 3, ulaw);
  scenario.replace(scenario.find("PAUSE_MS"), 8, std::to_string(pause_ms));
  const std::string path = dir + "/uac.xml";
  std::ofstream(path) << scenario;
  return path;
}

Status RunCommand(const std::string& cmd) {
  const std::string full = cmd + " 2>&1";
  FILE* p = popen(full.c_str(), "r");
  if (!p) return Status::Io("cannot run: " + cmd);
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof(buf), p)) out += buf;
  const int rc = pclose(p);
  if (rc != 0) {
    if (out.size() > 600) out = out.substr(out.size() - 600);
    return Status::Io("command failed (" + std::to_string(rc) + "): " + cmd + "\n" + out);
  }
  return Status::Ok();
}

Status MakeSilenceWav(const std::string& path, double seconds) {
  return RunCommand("sox -n -r 8000 -c 1 -b 16 -e signed-integer '" + path + "' trim 0 " +
                    std::to_string(seconds));
}

Status MakeSpeechWav(const std::string& text, const std::string& path, double lead_s,
                     double tail_s) {
  const std::string raw = path + ".flite.wav";
  KIRA_RETURN_IF_ERROR(RunCommand("flite -voice slt -t \"" + text + "\" -o '" + raw + "'"));
  // Resample, then pad with silence on both sides.
  KIRA_RETURN_IF_ERROR(RunCommand("sox '" + raw + "' -r 8000 -c 1 -b 16 -e signed-integer '" +
                                  path + "' pad " + std::to_string(lead_s) + " " +
                                  std::to_string(tail_s)));
  std::remove(raw.c_str());
  return Status::Ok();
}

// ---- ChildProcess ----

ChildProcess::~ChildProcess() { Stop(); }

Status ChildProcess::Start(const std::vector<std::string>& argv, const std::string& log_path) {
  if (argv.empty()) return Status::Invalid("empty command");
  const pid_t pid = fork();
  if (pid < 0) return Status::Io("fork failed");
  if (pid == 0) {
    const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    const int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    setpgid(0, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  pid_ = pid;
  return Status::Ok();
}

bool ChildProcess::Wait(std::chrono::milliseconds timeout, int* status) {
  if (pid_ <= 0) return true;
  const auto end = std::chrono::steady_clock::now() + timeout;
  do {
    int st = 0;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      pid_ = -1;
      if (status) *status = st;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < end);
  return false;
}

int ChildProcess::Stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return -1;
  const pid_t pid = pid_;
  kill(pid, SIGTERM);
  int st = 0;
  if (!Wait(grace, &st)) {
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    pid_ = -1;
  }
  return st;
}

// ---- Baresip ----

Baresip::~Baresip() { Stop(); }

std::string Baresip::uri() const {
  return "sip:" + o_.user + "@127.0.0.1:" + std::to_string(o_.sip_port);
}

std::string Baresip::log() const {
  std::ifstream f(dir_ + "/baresip.log");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

Status Baresip::Start(const Options& o, const std::string& work_dir) {
  o_ = o;
  dir_ = work_dir;
  fs::create_directories(dir_);
  if (!o.rec_dir.empty()) fs::create_directories(o.rec_dir);
  {
    std::ofstream acc(dir_ + "/accounts");
    if (!o.display_name.empty()) acc << '"' << o.display_name << "\" ";
    acc << "<sip:" << o.user << "@127.0.0.1>;regint=0;audio_codecs=" << o.codecs
        << (o.auto_answer ? ";answermode=auto" : "") << "\n";
  }
  {
    std::ofstream c(dir_ + "/config");
    c << "poll_method\t\tepoll\n"
      << "sip_listen\t\t127.0.0.1:" << o.sip_port << "\n"
      << "call_local_timeout\t120\ncall_max_calls\t\t64\n"
      << "audio_source\t\taufile," << o.mic_wav << "\n"
      << "audio_player\t\taubridge,nil\naudio_alert\t\taubridge,nil\n"
      << "ausrc_srate\t\t8000\nauplay_srate\t\t8000\nausrc_channels\t\t1\nauplay_channels\t\t1\n"
      << "audio_buffer\t\t20-160\n"
      << "rtp_ports\t\t" << o.rtp_min << "-" << o.rtp_max << "\n"
      << "jitter_buffer_delay\t1-5\nrtp_stats\t\tyes\nnet_interface\t\t127.0.0.1\n"
      << "module_path\t\t/usr/lib/baresip/modules\n"
      << "module\t\t\tg711.so\nmodule\t\t\taufile.so\nmodule\t\t\taubridge.so\n"
      << (o.rec_dir.empty() ? "" : "module\t\t\tsndfile.so\nsnd_path\t\t" + o.rec_dir + "\n")
      << "module_tmp\t\taccount.so\nmodule_app\t\tmenu.so\nmodule_app\t\tctrl_tcp.so\n"
      << "ctrl_tcp_listen\t\t127.0.0.1:" << o.ctrl_port << "\n";
  }
  KIRA_RETURN_IF_ERROR(proc_.Start({"baresip", "-f", dir_}, dir_ + "/baresip.log"));
  // Connect to ctrl_tcp (baresip needs a moment to start).
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < end) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(o.ctrl_port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0) return Status::Ok();
    close(fd_);
    fd_ = -1;
    if (proc_.Wait(std::chrono::milliseconds(100)))
      return Status::Unavailable("baresip exited at start:\n" + log());
  }
  return Status::Unavailable("baresip ctrl_tcp did not come up on port " +
                             std::to_string(o.ctrl_port) + ":\n" + log());
}

void Baresip::Stop() {
  if (fd_ >= 0) {
    const std::string j = "{\"command\":\"quit\",\"params\":\"\",\"token\":\"q\"}";
    const std::string ns = std::to_string(j.size()) + ":" + j + ",";
    (void)!write(fd_, ns.data(), ns.size());
    close(fd_);
    fd_ = -1;
  }
  if (proc_.running() && !proc_.Wait(std::chrono::milliseconds(1500))) proc_.Stop();
}

bool Baresip::ReadMessage(std::string* msg, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    // A netstring: "<len>:<payload>,"
    const auto colon = buf_.find(':');
    if (colon != std::string::npos) {
      const size_t len = std::strtoul(buf_.substr(0, colon).c_str(), nullptr, 10);
      if (buf_.size() >= colon + 1 + len + 1) {
        *msg = buf_.substr(colon + 1, len);
        buf_.erase(0, colon + 1 + len + 1);
        return true;
      }
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left.count() <= 0 || fd_ < 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char tmp[4096];
    const ssize_t n = read(fd_, tmp, sizeof(tmp));
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
  }
}

Status Baresip::Command(const std::string& command, const std::string& params,
                        std::string* response) {
  const std::string token = std::to_string(++token_);
  const std::string j =
      "{\"command\":\"" + command + "\",\"params\":\"" + params + "\",\"token\":\"" + token + "\"}";
  const std::string ns = std::to_string(j.size()) + ":" + j + ",";
  if (write(fd_, ns.data(), ns.size()) != static_cast<ssize_t>(ns.size()))
    return Status::Io("ctrl_tcp write failed");
  std::string msg;
  while (ReadMessage(&msg, std::chrono::seconds(5))) {
    if (msg.find("\"response\"") != std::string::npos &&
        msg.find("\"token\":\"" + token + "\"") != std::string::npos) {
      if (response) *response = msg;
      return Status::Ok();
    }
    events_.push_back(msg);
  }
  return Status::Unavailable("no ctrl_tcp response to " + command);
}

bool Baresip::WaitEvent(const std::string& type, std::chrono::milliseconds timeout) {
  const std::string needle = "\"type\":\"" + type + "\"";
  for (const auto& e : events_)
    if (e.find(needle) != std::string::npos) return true;
  const auto end = std::chrono::steady_clock::now() + timeout;
  std::string msg;
  while (std::chrono::steady_clock::now() < end) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (!ReadMessage(&msg, left)) return false;
    events_.push_back(msg);
    if (msg.find(needle) != std::string::npos) return true;
  }
  return false;
}

std::string LongestDecodedWav(const std::string& rec_dir) {
  std::string best;
  std::error_code ec;
  uintmax_t best_size = 0;
  for (const auto& e : fs::directory_iterator(rec_dir, ec)) {
    const std::string p = e.path().string();
    if (p.size() < 8 || p.substr(p.size() - 8) != "-dec.wav") continue;
    const auto size = e.file_size(ec);
    if (best.empty() || size > best_size) {
      best = p;
      best_size = size;
    }
  }
  return best;
}

Status WavLoudness(const std::string& path, double* rms_dbfs, int* loud_frames) {
  auto w = media::ReadWav(path);
  if (!w.ok()) return w.status();
  const media::Pcm mono = w->Channel(0);
  *rms_dbfs = media::RmsDbfs(mono);
  *loud_frames = 0;
  for (const auto& f : media::SplitFrames(mono, static_cast<size_t>(w->rate) / 50))
    if (media::RmsDbfs(f) > -40) ++*loud_frames;
  return Status::Ok();
}

}  // namespace kira::siptest
