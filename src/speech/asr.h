// AsrEngine: speech-to-text behind one interface, streaming, one utterance at a time per
// AsrStream. Implementations: "pocketsphinx" (embedded, English, JSGF grammar from the phrases
// the dialog expects) and "vosk" (a client of a Vosk server over WebSocket; Russian).
// Engines are created by name from config through AsrRegistry (speech/registry.h).
//
//   auto engine = kira::speech::AsrRegistry::Global().Create(cfg);   // Result<unique_ptr<>>
//   kira::speech::AsrRequest req;
//   req.phrases = {"do you have the grey sixty by sixty porcelain tile in stock", "yes", "no"};
//   auto stream = (*engine)->Start(req);      // Unavailable (with the URL) if a server is down
//   if (!stream.ok()) { fall back to DTMF / transfer; }
//   (*stream)->Feed(frame);                   // 8 kHz int16 (req.sample_rate), any chunk size
//   auto r = (*stream)->Finish();             // Result<AsrResult>: text, confidence, timings
//   if (r.ok() && r->confidence >= 0.5) dialog.OnUtterance(r->text);
//
// Contract for every engine (checked by asr_conformance_test.cpp):
// - Feed() takes audio at req.sample_rate and resamples to the model rate itself.
// - Finish() on silence/noise returns ok with empty text or low confidence, never a crash.
// - An AsrStream is used from one thread at a time; an engine may run several streams at once
//   (one per call) from different threads.
// - Errors are Status values: kUnavailable when a server cannot be reached or drops the
//   connection (the pipeline falls back), kInvalid for bad requests.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "speech/engine_config.h"

namespace kira::speech {

struct AsrRequest {
  // Phrases the caller is likely to say in this dialog state (expected answers, catalog
  // names). Grammar engines restrict recognition to them (plus a word loop over their
  // vocabulary); server engines pass them as hints. Empty = open vocabulary.
  std::vector<std::string> phrases = {};
  int sample_rate = 8000;     // rate of the audio given to Feed()
  std::string language = {};  // informational ("en", "ru"); the engine decides
};

struct AsrWord {
  std::string word;
  double start_s = 0;
  double end_s = 0;
  double conf = 0;
};

struct AsrResult {
  std::string text;            // lower-case words separated by single spaces; "" = nothing heard
  double confidence = 0;       // [0,1]; engines without a score report 1 for non-empty text
  std::vector<AsrWord> words;  // when the engine gives them
  int64_t audio_ms = 0;        // audio fed
  int64_t finish_ms = 0;       // wall time spent inside Finish() (the ASR part of the latency)
  int64_t compute_ms = 0;      // wall time spent in Feed() + Finish() in total
};

class AsrStream {
 public:
  virtual ~AsrStream() = default;
  virtual Status Feed(std::span<const int16_t> samples) = 0;
  // Best guess so far ("" if the engine has none yet).
  virtual std::string Partial() = 0;
  // Ends the utterance and returns the final result. Call once.
  virtual Result<AsrResult> Finish() = 0;
};

class AsrEngine {
 public:
  virtual ~AsrEngine() = default;
  virtual Result<std::unique_ptr<AsrStream>> Start(const AsrRequest& req) = 0;
  virtual std::string_view name() const = 0;  // implementation, e.g. "pocketsphinx"
  virtual int model_sample_rate() const = 0;  // the rate the model wants (16000, 8000)
};

// Normalises recogniser output and phrases the same way: lower case, punctuation dropped,
// whitespace collapsed (UTF-8 aware for Cyrillic).
std::string NormalizeTranscript(std::string_view s);

}  // namespace kira::speech
