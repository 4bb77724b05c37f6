// VoskAsr: a client of the Vosk server WebSocket protocol (alphacep/vosk-server, used for
// Russian: there is no embedded Russian model here). One WebSocket connection per utterance:
//   → text   {"config" : {"sample_rate" : 8000, "phrase_list" : [...]}}   (no reply)
//   → binary 16-bit LE PCM chunks                       ← one {"partial": "..."} or
//                                                         {"result": [...], "text": "..."} each
//   → text   {"eof" : 1}                                ← the final {"result"..., "text"}
// Results the server sends mid-stream (its own endpointing) are joined with the final one.
// When the server is down, Start() returns Unavailable naming the URL so the pipeline can fall
// back to a DTMF menu or a transfer; a connection dropped mid-utterance is Unavailable too.
//
//   auto asr = kira::speech::VoskAsr::Create({.url = "ws://127.0.0.1:2700"});
//   auto s = (*asr)->Start({.phrases = {...}, .sample_rate = 8000});
//   if (!s.ok()) fallback(s.status().message());
//   (*s)->Feed(frame); ... auto r = (*s)->Finish();
//
// Config params: url (required), connect_timeout_ms (2000), reply_timeout_ms (5000),
// send_phrases ("1": send phrase_list; only models with a dynamic graph accept it), chunk_ms.
#pragma once

#include <memory>
#include <string>

#include "speech/asr.h"

namespace kira::speech {

struct VoskConfig {
  std::string url = {};  // ws://host:port
  int connect_timeout_ms = 2000;
  int reply_timeout_ms = 5000;
  bool send_phrases = false;
  int chunk_ms = 200;  // audio is sent in chunks of this size (fewer round trips)
};

class VoskAsr : public AsrEngine {
 public:
  static Result<std::unique_ptr<VoskAsr>> Create(const VoskConfig& cfg);
  static Result<std::unique_ptr<AsrEngine>> FromConfig(const EngineConfig& cfg);

  Result<std::unique_ptr<AsrStream>> Start(const AsrRequest& req) override;
  std::string_view name() const override { return "vosk"; }
  int model_sample_rate() const override { return 8000; }
  const VoskConfig& config() const { return cfg_; }

 private:
  explicit VoskAsr(VoskConfig cfg) : cfg_(std::move(cfg)) {}
  VoskConfig cfg_;
};

}  // namespace kira::speech
