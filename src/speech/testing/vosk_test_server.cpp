#include "speech/testing/vosk_test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "speech/ws_frame.h"

namespace kira::speech::testing {
namespace {

using json = nlohmann::json;

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

std::string Join(const std::vector<std::string>& w, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to && i < w.size(); ++i) out += (out.empty() ? "" : " ") + w[i];
  return out;
}

// The scripted words [from, to) as a Vosk result object. Timings are invented (0.3 s a word):
// this server recognises nothing, it replays the test's script.
json ResultJson(const std::vector<std::string>& w, size_t from, size_t to) {
  json arr = json::array();
  for (size_t i = from; i < to && i < w.size(); ++i)
    arr.push_back(
        {{"conf", 1.0}, {"end", 0.3 * double(i + 1)}, {"start", 0.3 * double(i)}, {"word", w[i]}});
  return {{"result", arr}, {"text", Join(w, from, to)}};
}

bool SendText(int fd, const std::string& s) {
  return ws::WriteAll(
             fd, ws::EncodeFrame(ws::kText, {reinterpret_cast<const uint8_t*>(s.data()), s.size()},
                                 false))
      .ok();
}

}  // namespace

VoskTestServer::~VoskTestServer() { Stop(); }

void VoskTestServer::Script(std::vector<std::string> transcripts) {
  std::lock_guard<std::mutex> lock(mu_);
  script_ = std::move(transcripts);
}

std::string VoskTestServer::url() const { return "ws://127.0.0.1:" + std::to_string(port_); }

std::vector<VoskReceived> VoskTestServer::Received() const {
  std::lock_guard<std::mutex> lock(mu_);
  return received_;
}

Status VoskTestServer::Start() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return Status::Io("vosk test server: socket failed");
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 ||
      ::listen(listen_fd_, 16) < 0)
    return Status::Io("vosk test server: cannot listen on 127.0.0.1");
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
  return Status::Ok();
}

void VoskTestServer::Stop() {
  if (stop_.exchange(true)) return;
  if (acceptor_.joinable()) acceptor_.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : client_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : workers_)
    if (t.joinable()) t.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  listen_fd_ = -1;
}

void VoskTestServer::AcceptLoop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    int index = connections_++;
    {
      std::lock_guard<std::mutex> lock(mu_);
      received_.emplace_back();
      client_fds_.push_back(fd);
    }
    workers_.emplace_back([this, fd, index] { Serve(fd, index); });
  }
}

void VoskTestServer::Serve(int fd, int index) {
  std::string pending;
  auto headers = ws::ReadHttpHeaders(fd, 2000, &pending);
  std::string key = headers.ok() ? ws::HeaderValue(*headers, "Sec-WebSocket-Key") : "";
  if (key.empty()) {
    // Best effort: the client may be gone already; it sees the closed socket either way.
    (void)ws::WriteAll(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    ::close(fd);
    return;
  }
  if (!ws::WriteAll(fd,
                    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: "
                    "Upgrade\r\nSec-WebSocket-Accept: " +
                        ws::AcceptKey(key) + "\r\n\r\n")
           .ok()) {
    ::close(fd);
    return;
  }
  std::vector<std::string> words;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (size_t(index) < script_.size()) words = Words(script_[size_t(index)]);
  }
  auto record = [&](auto fn) {
    std::lock_guard<std::mutex> lock(mu_);
    fn(received_[size_t(index)]);
  };
  size_t said = 0;  // words already delivered in a mid-stream result
  ws::FrameReader reader(fd, &pending);
  while (!stop_) {
    auto f = reader.Read(200);
    if (!f.ok()) {
      if (f.status().message().find("timed out") != std::string::npos) continue;
      break;
    }
    if (!f->masked) record([](VoskReceived& r) { r.masked_ok = false; });
    if (f->opcode == ws::kClose) {
      (void)ws::WriteAll(fd, ws::EncodeFrame(ws::kClose, {}, false));  // closing anyway
      break;
    }
    if (f->opcode == ws::kPing) continue;
    if (f->opcode == ws::kText) {
      const std::string& t = f->payload;
      if (t == R"({"eof" : 1})") {  // the real server compares this exact string
        record([](VoskReceived& r) { r.eof = true; });
        if (fault_ == VoskFault::kNoFinal) continue;
        SendText(fd, ResultJson(words, said, words.size()).dump());
        (void)ws::WriteAll(fd, ws::EncodeFrame(ws::kClose, {}, false));  // closing anyway
        break;
      }
      if (t.find("config") != std::string::npos) {
        json j = json::parse(t, nullptr, false);
        record([&](VoskReceived& r) {
          r.config_json = t;
          if (!j.is_discarded() && j.contains("config") && j["config"].is_object()) {
            const auto& c = j["config"];
            if (c.contains("sample_rate") && c["sample_rate"].is_number())
              r.sample_rate = c["sample_rate"].get<double>();
            if (c.contains("phrase_list") && c["phrase_list"].is_array())
              for (const auto& p : c["phrase_list"])
                if (p.is_string()) r.phrase_list.push_back(p.get<std::string>());
          }
        });
        continue;  // the real server does not answer the config
      }
      record([&](VoskReceived& r) { r.unexpected.push_back(t); });
      SendText(fd, R"({"partial" : ""})");
      continue;
    }
    if (f->opcode == ws::kBinary) {
      int frames = 0;
      record([&](VoskReceived& r) {
        r.audio_bytes += f->payload.size();
        frames = ++r.binary_frames;
      });
      if (fault_ == VoskFault::kCloseMidStream && frames == 2) break;  // drop without a reply
      if (fault_ == VoskFault::kGarbageReply) {
        SendText(fd, "<<not json>>");
        continue;
      }
      if (fault_ == VoskFault::kMidStreamResult && frames == 2 && said == 0) {
        said = words.size() / 2;
        SendText(fd, ResultJson(words, 0, said).dump());
        continue;
      }
      SendText(fd, json{{"partial", Join(words, said, said + size_t(frames))}}.dump());
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& c : client_fds_)
      if (c == fd) c = -1;
  }
  ::close(fd);
}

}  // namespace kira::speech::testing
