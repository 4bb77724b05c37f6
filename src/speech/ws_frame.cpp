#include "speech/ws_frame.h"

#include <openssl/sha.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>

namespace kira::speech::ws {
namespace {

using SteadyClock = std::chrono::steady_clock;

int Remaining(SteadyClock::time_point deadline, int timeout_ms) {
  if (timeout_ms < 0) return -1;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return left.count() > 0 ? int(left.count()) : 0;
}

}  // namespace

std::string Base64(std::span<const uint8_t> d) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < d.size(); i += 3) {
    uint32_t v = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
    out += k[v >> 18];
    out += k[(v >> 12) & 63];
    out += k[(v >> 6) & 63];
    out += k[v & 63];
  }
  if (i + 1 == d.size()) {
    uint32_t v = d[i] << 16;
    out += k[v >> 18];
    out += k[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == d.size()) {
    uint32_t v = (d[i] << 16) | (d[i + 1] << 8);
    out += k[v >> 18];
    out += k[(v >> 12) & 63];
    out += k[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string AcceptKey(std::string_view key) {
  std::string s(key);
  s += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";  // RFC 6455 §1.3
  uint8_t digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(s.data()), s.size(), digest);
  return Base64(digest);
}

std::string EncodeFrame(uint8_t opcode, std::span<const uint8_t> payload, bool mask) {
  std::string f;
  f.push_back(char(0x80 | (opcode & 0x0F)));
  uint8_t mbit = mask ? 0x80 : 0;
  size_t n = payload.size();
  if (n < 126) {
    f.push_back(char(mbit | n));
  } else if (n <= 0xFFFF) {
    f.push_back(char(mbit | 126));
    f.push_back(char(n >> 8));
    f.push_back(char(n & 0xFF));
  } else {
    f.push_back(char(mbit | 127));
    for (int i = 7; i >= 0; --i) f.push_back(char((uint64_t(n) >> (8 * i)) & 0xFF));
  }
  if (!mask) {
    f.append(reinterpret_cast<const char*>(payload.data()), n);
    return f;
  }
  static thread_local std::mt19937 rng{std::random_device{}()};
  uint32_t r = rng();
  uint8_t key[4] = {uint8_t(r), uint8_t(r >> 8), uint8_t(r >> 16), uint8_t(r >> 24)};
  f.append(reinterpret_cast<const char*>(key), 4);
  size_t base = f.size();
  f.resize(base + n);
  for (size_t i = 0; i < n; ++i) f[base + i] = char(payload[i] ^ key[i & 3]);
  return f;
}

Status FrameReader::Fill(size_t n, int timeout_ms) {
  auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
  char buf[16384];
  while (pending_->size() < n) {
    pollfd p{fd_, POLLIN, 0};
    int pr = ::poll(&p, 1, Remaining(deadline, timeout_ms));
    if (pr == 0) return Status::Unavailable("timed out waiting for data");
    if (pr < 0) {
      if (errno == EINTR) continue;
      return Status::Unavailable(std::string("poll: ") + std::strerror(errno));
    }
    ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
    if (got == 0) return Status::Unavailable("connection closed by peer");
    if (got < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return Status::Unavailable(std::string("recv: ") + std::strerror(errno));
    }
    pending_->append(buf, size_t(got));
  }
  return Status::Ok();
}

ParseResult ParseFrame(std::string_view buf, size_t max_payload, Frame* f, size_t* used,
                       std::string* error) {
  const auto* b = reinterpret_cast<const uint8_t*>(buf.data());
  *used = 2;
  if (buf.size() < 2) return ParseResult::kNeedMore;
  f->fin = b[0] & 0x80;
  f->opcode = b[0] & 0x0F;
  f->masked = b[1] & 0x80;
  if (b[0] & 0x70) {
    *error = "reserved bits set in a frame";
    return ParseResult::kInvalid;
  }
  const uint8_t op = f->opcode;
  if ((op > kBinary && op < kClose) || op > kPong) {
    *error = "reserved opcode " + std::to_string(op);
    return ParseResult::kInvalid;
  }
  uint64_t len = b[1] & 0x7F;
  size_t hdr = 2;
  if (len == 126) {
    hdr = 4;
  } else if (len == 127) {
    hdr = 10;
  }
  if (buf.size() < hdr) {
    *used = hdr;
    return ParseResult::kNeedMore;
  }
  if (hdr == 4) {
    len = (uint64_t(b[2]) << 8) | b[3];
  } else if (hdr == 10) {
    len = 0;
    for (int i = 0; i < 8; ++i) len = (len << 8) | b[2 + i];
    if (len >> 63) {
      *error = "frame length has the most significant bit set";
      return ParseResult::kInvalid;
    }
  }
  if (op >= kClose && (len > 125 || !f->fin)) {
    *error = "control frame (opcode " + std::to_string(op) + ") fragmented or over 125 bytes";
    return ParseResult::kInvalid;
  }
  if (len > max_payload) {
    *error = "frame of " + std::to_string(len) + " bytes is too large (limit " +
             std::to_string(max_payload) + ")";
    return ParseResult::kInvalid;
  }
  const size_t total = hdr + (f->masked ? 4 : 0) + size_t(len);
  *used = total;
  if (buf.size() < total) return ParseResult::kNeedMore;
  const uint8_t* key = f->masked ? b + hdr : nullptr;
  const uint8_t* body = b + hdr + (f->masked ? 4 : 0);
  f->payload.resize(size_t(len));
  for (size_t i = 0; i < len; ++i) f->payload[i] = char(key ? body[i] ^ key[i & 3] : body[i]);
  return ParseResult::kOk;
}

Result<Frame> FrameReader::Read(int timeout_ms, size_t max_payload) {
  Frame f;
  std::string error;
  for (;;) {
    size_t used = 0;
    switch (ParseFrame(*pending_, max_payload, &f, &used, &error)) {
      case ParseResult::kOk:
        pending_->erase(0, used);
        return f;
      case ParseResult::kInvalid:
        return Status::Invalid(error);
      case ParseResult::kNeedMore:
        KIRA_RETURN_IF_ERROR(Fill(used, timeout_ms));
        break;
    }
  }
}

bool FrameReader::HasData() {
  if (!pending_->empty()) return true;
  pollfd p{fd_, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

Status WriteAll(int fd, std::string_view data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        pollfd p{fd, POLLOUT, 0};
        if (::poll(&p, 1, 5000) <= 0) return Status::Unavailable("send timed out");
        continue;
      }
      return Status::Unavailable(std::string("send: ") + std::strerror(errno));
    }
    off += size_t(n);
  }
  return Status::Ok();
}

Result<std::string> ReadHttpHeaders(int fd, int timeout_ms, std::string* rest) {
  auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
  std::string buf;
  char tmp[4096];
  for (;;) {
    size_t end = buf.find("\r\n\r\n");
    if (end != std::string::npos) {
      *rest = buf.substr(end + 4);
      return buf.substr(0, end + 4);
    }
    if (buf.size() > 16384) return Status::Invalid("HTTP headers too long");
    pollfd p{fd, POLLIN, 0};
    int pr = ::poll(&p, 1, Remaining(deadline, timeout_ms));
    if (pr == 0) return Status::Unavailable("timed out waiting for the HTTP handshake");
    if (pr < 0) {
      if (errno == EINTR) continue;
      return Status::Unavailable(std::string("poll: ") + std::strerror(errno));
    }
    ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n == 0) return Status::Unavailable("connection closed during the HTTP handshake");
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return Status::Unavailable(std::string("recv: ") + std::strerror(errno));
    }
    buf.append(tmp, size_t(n));
  }
}

std::string HeaderValue(const std::string& headers, std::string_view name) {
  size_t pos = 0;
  while (pos < headers.size()) {
    size_t eol = headers.find("\r\n", pos);
    if (eol == std::string::npos) eol = headers.size();
    std::string line = headers.substr(pos, eol - pos);
    size_t colon = line.find(':');
    if (colon == name.size() && strncasecmp(line.c_str(), name.data(), name.size()) == 0) {
      size_t v = line.find_first_not_of(" \t", colon + 1);
      size_t e = line.find_last_not_of(" \t");
      return v == std::string::npos ? "" : line.substr(v, e - v + 1);
    }
    pos = eol + 2;
  }
  return "";
}

}  // namespace kira::speech::ws
