#include "media/dtmf.h"

#include <spandsp.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace kira::media {

struct DtmfDetector::Impl {
  dtmf_rx_state_t* rx = nullptr;
  std::string digits;
  static void OnDigits(void* user, const char* d, int len) {
    static_cast<Impl*>(user)->digits.append(d, size_t(len));
  }
  void Init() { rx = dtmf_rx_init(nullptr, &Impl::OnDigits, this); }
  ~Impl() {
    if (rx) dtmf_rx_free(rx);
  }
};

DtmfDetector::DtmfDetector() : impl_(std::make_unique<Impl>()) { impl_->Init(); }
DtmfDetector::~DtmfDetector() = default;

void DtmfDetector::Process(std::span<const int16_t> samples) {
  if (!impl_->rx || samples.empty()) return;
  dtmf_rx(impl_->rx, samples.data(), int(samples.size()));
}

std::string DtmfDetector::TakeDigits() {
  std::string out;
  out.swap(impl_->digits);
  return out;
}

void DtmfDetector::Reset() {
  if (impl_->rx) dtmf_rx_free(impl_->rx);
  impl_->digits.clear();
  impl_->Init();
}

Pcm GenerateDtmf(std::string_view digits, int on_ms, int off_ms, double level_dbfs) {
  std::string valid;
  for (char c : digits)
    if (DigitToEvent(c)) valid.push_back(c);
  Pcm out;
  if (valid.empty()) return out;
  dtmf_tx_state_t* tx = dtmf_tx_init(nullptr);
  // spandsp levels are dBm0 per tone; 0 dBm0 ≈ -3.14 dBFS.
  dtmf_tx_set_level(tx, int(level_dbfs + 3.14), 0);
  dtmf_tx_set_timing(tx, on_ms, off_ms);
  dtmf_tx_put(tx, valid.c_str(), int(valid.size()));
  int16_t buf[160];
  for (;;) {
    int n = dtmf_tx(tx, buf, 160);
    if (n <= 0) break;
    out.insert(out.end(), buf, buf + n);
  }
  dtmf_tx_free(tx);
  return out;
}

std::optional<TelephoneEvent> ParseTelephoneEvent(std::span<const uint8_t> payload) {
  if (payload.size() < 4) return std::nullopt;
  TelephoneEvent ev;
  ev.event = payload[0];
  ev.end = (payload[1] & 0x80) != 0;
  ev.volume = payload[1] & 0x3f;
  ev.duration = uint16_t((payload[2] << 8) | payload[3]);
  return ev;
}

void SerializeTelephoneEvent(const TelephoneEvent& ev, uint8_t out[4]) {
  out[0] = ev.event;
  out[1] = uint8_t((ev.end ? 0x80 : 0) | (ev.volume & 0x3f));
  out[2] = uint8_t(ev.duration >> 8);
  out[3] = uint8_t(ev.duration & 0xff);
}

std::optional<uint8_t> DigitToEvent(char d) {
  if (d >= '0' && d <= '9') return uint8_t(d - '0');
  if (d == '*') return uint8_t(10);
  if (d == '#') return uint8_t(11);
  if (d >= 'A' && d <= 'D') return uint8_t(12 + d - 'A');
  if (d >= 'a' && d <= 'd') return uint8_t(12 + d - 'a');
  return std::nullopt;
}

char EventToDigit(uint8_t ev) {
  static const char kDigits[] = "0123456789*#ABCD";
  return ev < 16 ? kDigits[ev] : '\0';
}

std::optional<char> TelephoneEventReceiver::Push(uint32_t ts, std::span<const uint8_t> payload) {
  auto ev = ParseTelephoneEvent(payload);
  if (!ev) return std::nullopt;
  char digit = EventToDigit(ev->event);
  if (!digit) return std::nullopt;
  if (have_last_ && ts == last_ts_) return std::nullopt;  // repeat of the current event
  have_last_ = true;
  last_ts_ = ts;
  return digit;
}

std::optional<char> ParseDtmfRelay(std::string_view body) {
  if (body.size() > 1024) return std::nullopt;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(pos, end - pos);
    pos = end + 1;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.size() < 6) continue;
    bool is_signal = true;
    for (size_t i = 0; i < 6; ++i)
      if (std::tolower(static_cast<unsigned char>(line[i])) != "signal"[i]) is_signal = false;
    if (!is_signal) continue;
    line.remove_prefix(6);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() != '=') return std::nullopt;
    line.remove_prefix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    if (line.size() != 1) return std::nullopt;
    const char d = static_cast<char>(std::toupper(static_cast<unsigned char>(line[0])));
    return DigitToEvent(d) ? std::optional<char>(d) : std::nullopt;
  }
  return std::nullopt;
}

}  // namespace kira::media
