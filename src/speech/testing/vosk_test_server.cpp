#include "speech/testing/vosk_test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
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

// Spoken mode, one connection: which words of the script the audio received so far holds.
class SpokenHearing {
 public:
  static constexpr int kFrameMs = 20, kMinVoicedMs = 120, kEndMs = 250, kResultMs = 500,
                       kWordMs = 200;
  static constexpr double kVoicedDbfs = -40;

  // Takes 16-bit little-endian PCM; calls next_part() once a voiced stretch is long enough.
  template <typename NextPart>
  void Hear(const std::string& bytes, int sample_rate, NextPart next_part) {
    const size_t frame = size_t(sample_rate) * kFrameMs / 1000;
    for (size_t i = 0; i + 1 < bytes.size(); i += 2) {
      const auto v = int16_t(uint16_t(uint8_t(bytes[i]) | (uint16_t(uint8_t(bytes[i + 1])) << 8)));
      energy_ += double(v) * double(v);
      if (++n_ < frame) continue;
      const double dbfs = 10 * std::log10(energy_ / double(n_) / (32768.0 * 32768.0) + 1e-12);
      energy_ = 0;
      n_ = 0;
      Frame(dbfs > kVoicedDbfs, next_part);
    }
  }
  std::string Partial() const { return Join(open_, 0, shown_); }
  // Words the server's endpointing closes now (after kResultMs of silence), once.
  std::vector<std::string> TakeResult() {
    if (!closed_) return {};
    closed_ = false;
    return Rest();
  }
  std::vector<std::string> Rest() {  // everything heard and not yet in a result
    std::vector<std::string> r = std::move(open_);
    open_.clear();
    shown_ = 0;
    return r;
  }

 private:
  template <typename NextPart>
  void Frame(bool voiced, NextPart next_part) {
    if (in_stretch_) elapsed_ms_ += kFrameMs;
    if (voiced) {
      if (!in_stretch_) {
        in_stretch_ = true;
        counted_ = false;
        voiced_ms_ = elapsed_ms_ = 0;
      }
      silent_ms_ = 0;
      voiced_ms_ += kFrameMs;
      if (!counted_ && voiced_ms_ >= kMinVoicedMs) {
        counted_ = true;
        const SpokenPart p = next_part();
        first_ = open_.size();
        for (const std::string& w : Words(p.text)) open_.push_back(w);
        part_ms_ = p.ms > 0 ? p.ms : kWordMs * int(open_.size() - first_);
      }
    } else {
      silent_ms_ += kFrameMs;
      if (in_stretch_ && silent_ms_ >= kEndMs) {
        in_stretch_ = false;
        if (counted_) shown_ = open_.size();
      }
      if (!in_stretch_ && silent_ms_ == kResultMs && !open_.empty()) closed_ = true;
    }
    if (in_stretch_ && counted_ && part_ms_ > 0) {
      // A word is known once its share of the part has been heard.
      const size_t n = open_.size() - first_;
      const size_t known = std::min(n, size_t(elapsed_ms_ + kFrameMs) * n / size_t(part_ms_));
      shown_ = std::max(shown_, first_ + known);
    }
  }

  double energy_ = 0;
  size_t n_ = 0;
  bool in_stretch_ = false, counted_ = false, closed_ = false;
  int voiced_ms_ = 0, silent_ms_ = 0, elapsed_ms_ = 0, part_ms_ = 0;
  std::vector<std::string> open_;  // words heard since the last result
  size_t first_ = 0, shown_ = 0;   // the current part's first word; words in the partial
};

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

void VoskTestServer::ScriptSpoken(std::vector<SpokenPart> parts) {
  std::lock_guard<std::mutex> lock(mu_);
  spoken_ = true;
  parts_ = std::move(parts);
  next_part_ = 0;
}

size_t VoskTestServer::SpokenPartsLeft() const {
  std::lock_guard<std::mutex> lock(mu_);
  return parts_.size() - next_part_;
}

SpokenPart VoskTestServer::NextPart() {
  std::lock_guard<std::mutex> lock(mu_);
  return next_part_ < parts_.size() ? parts_[next_part_++] : SpokenPart{};
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
  bool spoken = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    spoken = spoken_;
    if (size_t(index) < script_.size()) words = Words(script_[size_t(index)]);
  }
  SpokenHearing hearing;
  int sample_rate = 8000;
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
        if (spoken) {
          words = hearing.Rest();
          said = 0;
        }
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
            if (c.contains("sample_rate") && c["sample_rate"].is_number()) {
              r.sample_rate = c["sample_rate"].get<double>();
              if (r.sample_rate >= 8000 && r.sample_rate <= 48000) sample_rate = int(r.sample_rate);
            }
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
      if (spoken) {
        hearing.Hear(f->payload, sample_rate, [this] { return NextPart(); });
        std::vector<std::string> closed = hearing.TakeResult();
        SendText(fd, closed.empty() ? json{{"partial", hearing.Partial()}}.dump()
                                    : ResultJson(closed, 0, closed.size()).dump());
        continue;
      }
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
