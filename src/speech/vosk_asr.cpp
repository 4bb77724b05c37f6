#include "speech/vosk_asr.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "speech/phrase_template.h"
#include "speech/websocket_client.h"

namespace kira::speech {
namespace {

using json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;
int64_t MsSince(SteadyClock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - t).count();
}

class VoskStream : public AsrStream {
 public:
  VoskStream(const VoskConfig& cfg, std::unique_ptr<WebSocketClient> ws, int rate)
      : cfg_(cfg), ws_(std::move(ws)), rate_(rate) {
    chunk_bytes_ = size_t(rate) * size_t(cfg.chunk_ms) / 1000 * 2;
    if (chunk_bytes_ == 0) chunk_bytes_ = 320;
  }

  Status Feed(std::span<const int16_t> samples) override {
    if (!error_.ok()) return error_;
    if (finished_) return Status::Invalid("vosk: Feed after Finish");
    auto t0 = SteadyClock::now();
    fed_samples_ += int64_t(samples.size());
    for (int16_t s : samples) {  // 16-bit little-endian PCM, as the server expects
      buf_.push_back(uint8_t(uint16_t(s) & 0xFF));
      buf_.push_back(uint8_t(uint16_t(s) >> 8));
    }
    Status st = Status::Ok();
    while (st.ok() && buf_.size() >= chunk_bytes_) st = SendChunk(chunk_bytes_);
    // Drain replies already waiting, without blocking the caller's audio thread.
    while (st.ok() && outstanding_ > 0 && ws_->Readable()) st = ReadReply(cfg_.reply_timeout_ms);
    compute_ms_ += MsSince(t0);
    if (!st.ok()) error_ = st;
    return st;
  }

  // The segments the server's own endpointing already closed (a real server closes one after
  // ~0.5 s of silence, inside a caller's pause) and the open segment's partial: the words so far.
  std::string Partial() override {
    if (text_.empty()) return partial_;
    return partial_.empty() ? text_ : text_ + " " + partial_;
  }

  Result<AsrResult> Finish() override {
    if (!error_.ok()) return error_;
    if (finished_) return Status::Invalid("vosk: Finish called twice");
    finished_ = true;
    auto t0 = SteadyClock::now();
    Status st = Status::Ok();
    if (!buf_.empty()) st = SendChunk(buf_.size());
    // The server answers every binary frame with one message, then the eof with the final one.
    // Its eof check is a string comparison with exactly this text.
    if (st.ok()) st = ws_->SendText(R"({"eof" : 1})");
    while (st.ok() && outstanding_ > 0) st = ReadReply(cfg_.reply_timeout_ms);
    if (st.ok()) {
      final_pending_ = true;
      st = ReadReply(cfg_.reply_timeout_ms);
    }
    if (!st.ok()) {
      error_ = st;
      return st;
    }
    // The final result is in; a failed close loses only the connection's goodbye.
    (void)ws_->Close();
    AsrResult r;
    r.text = NormalizeTranscript(text_);
    r.words = std::move(words_);
    double sum = 0;
    for (const auto& w : r.words) sum += w.conf;
    r.confidence = r.text.empty() ? 0.0 : (r.words.empty() ? 1.0 : sum / double(r.words.size()));
    r.audio_ms = fed_samples_ * 1000 / rate_;
    r.finish_ms = MsSince(t0);
    r.compute_ms = compute_ms_ + r.finish_ms;
    return r;
  }

 private:
  Status SendChunk(size_t n) {
    Status st = ws_->SendBinary({buf_.data(), n});
    buf_.erase(buf_.begin(), buf_.begin() + long(n));
    if (st.ok()) ++outstanding_;
    return st;
  }

  Status Fail(const std::string& what) {
    return Status::Unavailable("vosk " + ws_->url() + ": " + what);
  }

  // Reads one server message and folds it into the state.
  Status ReadReply(int timeout_ms) {
    auto msg = ws_->Receive(timeout_ms);
    if (!msg.ok())
      return Fail(msg.status().message() +
                  (final_pending_ ? " (waiting for the final result)" : " (mid-utterance)"));
    if (msg->kind == WsMessage::kClose)
      return Fail("server closed the connection mid-utterance (code " +
                  std::to_string(msg->close_code) + ")");
    if (msg->kind != WsMessage::kText) return Fail("unexpected binary message from the server");
    json j = json::parse(msg->data, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      std::string head = msg->data.substr(0, 60);
      return Fail("reply is not JSON: '" + head + "'");
    }
    if (!final_pending_ && outstanding_ > 0) --outstanding_;
    if (j.contains("partial") && j["partial"].is_string()) {
      partial_ = j["partial"].get<std::string>();
      return Status::Ok();
    }
    if (j.contains("text") && j["text"].is_string()) {
      // A result: the server's endpointing closed a segment (mid-stream) or the final one.
      std::string t = j["text"].get<std::string>();
      if (!t.empty()) text_ += (text_.empty() ? "" : " ") + t;
      if (j.contains("result") && j["result"].is_array()) {
        for (const auto& w : j["result"]) {
          if (!w.is_object()) continue;
          AsrWord aw;
          aw.word = w.value("word", "");
          aw.start_s = w.value("start", 0.0);
          aw.end_s = w.value("end", 0.0);
          aw.conf = w.value("conf", 1.0);
          words_.push_back(aw);
        }
      }
      partial_.clear();
      return Status::Ok();
    }
    return Fail("reply has neither partial nor text: '" + msg->data.substr(0, 60) + "'");
  }

  VoskConfig cfg_;
  std::unique_ptr<WebSocketClient> ws_;
  int rate_;
  size_t chunk_bytes_;
  std::vector<uint8_t> buf_;
  int outstanding_ = 0;
  bool final_pending_ = false;
  bool finished_ = false;
  Status error_;
  std::string partial_;
  std::string text_;
  std::vector<AsrWord> words_;
  int64_t fed_samples_ = 0;
  int64_t compute_ms_ = 0;
};

}  // namespace

Result<std::unique_ptr<VoskAsr>> VoskAsr::Create(const VoskConfig& cfg) {
  KIRA_RETURN_IF_ERROR(ParseWsUrl(cfg.url).status().WithContext("vosk url"));
  if (cfg.chunk_ms < 20 || cfg.chunk_ms > 2000)
    return Status::Invalid("vosk: chunk_ms must be 20..2000, got " + std::to_string(cfg.chunk_ms));
  return std::unique_ptr<VoskAsr>(new VoskAsr(cfg));
}

Result<std::unique_ptr<AsrEngine>> VoskAsr::FromConfig(const EngineConfig& cfg) {
  VoskConfig c;
  c.url = cfg.Param("url");
  if (c.url.empty()) return Status::Invalid("vosk: 'url' is required (e.g. ws://127.0.0.1:2700)");
  try {
    c.connect_timeout_ms = std::stoi(cfg.Param("connect_timeout_ms", "2000"));
    c.reply_timeout_ms = std::stoi(cfg.Param("reply_timeout_ms", "5000"));
    c.chunk_ms = std::stoi(cfg.Param("chunk_ms", "200"));
  } catch (...) {
    return Status::Invalid(
        "vosk: connect_timeout_ms, reply_timeout_ms and chunk_ms must be numbers");
  }
  c.send_phrases = cfg.Param("send_phrases", "0") == "1";
  KIRA_ASSIGN_OR_RETURN(auto e, Create(c));
  return std::unique_ptr<AsrEngine>(std::move(e));
}

Result<std::unique_ptr<AsrStream>> VoskAsr::Start(const AsrRequest& req) {
  if (req.sample_rate < 8000 || req.sample_rate > 48000)
    return Status::Invalid("vosk: sample_rate " + std::to_string(req.sample_rate) +
                           " is not supported");
  auto ws = WebSocketClient::Connect(cfg_.url, cfg_.connect_timeout_ms);
  if (!ws.ok())
    return Status::Unavailable("vosk server unreachable: " + ws.status().message() +
                               " — check that the Vosk server runs at " + cfg_.url);
  json config = {{"sample_rate", req.sample_rate}};
  if (cfg_.send_phrases && !req.phrases.empty()) {
    json list = json::array();
    // Vosk takes plain phrases: templates (speech/phrase_template.h) go as their first few
    // expansions, bounded in all.
    constexpr size_t kPerTemplate = 20, kMaxPhrases = 5000;
    for (const auto& p : req.phrases) {
      if (list.size() >= kMaxPhrases) break;
      auto t = ParsePhraseTemplate(p);
      if (!t.ok()) continue;
      for (auto& x : ExpandPhraseTemplate(*t, kPerTemplate)) list.push_back(std::move(x));
    }
    list.push_back("[unk]");
    config["phrase_list"] = list;
  }
  json msg = {{"config", config}};
  KIRA_RETURN_IF_ERROR((*ws)->SendText(msg.dump()));
  return std::unique_ptr<AsrStream>(new VoskStream(cfg_, std::move(ws).value(), req.sample_rate));
}

}  // namespace kira::speech
