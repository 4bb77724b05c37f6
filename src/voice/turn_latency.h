// Per-turn voice-to-voice latency: from the end of the caller's speech to the first RTP packet
// of Kira's answer (as it leaves Kira), split into the parts the issue asks for. `own_ms()` is
// what Kira's own code adds (dialog, queues, hand-offs between threads) — the total minus the
// jitter buffer, the endpointing pause and the ASR/TTS compute.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace kira::voice {

struct TurnLatency {
  // "speech" | "unheard" (speech not recognised: the ask-again reply) | "dtmf" | "silence" |
  // "greeting" | "other"
  std::string kind;
  std::string call;              // call tag ("in-3")
  int64_t jitter_ms = 0;         // receive jitter buffer: caller audio reaches the VAD this late
  int64_t endpoint_wait_ms = 0;  // trailing silence waited before deciding the caller finished
  std::string end_rule;          // why that wait (voice/end_of_turn.h): "complete" | "open" |
                                 // "unfinished" | "fixed" (no rules) | "max_length"
  int64_t asr_ms = 0;            // AsrStream::Finish() wall time
  int64_t dialog_ms = 0;         // DialogSession call
  int64_t tts_ms = 0;            // synthesis of the first sentence (≈0 from the prompt cache)
  int64_t queue_ms = 0;          // first audio queued → its first RTP packet
  int64_t total_ms = 0;          // end of caller speech → first RTP packet of the answer
  int64_t own_ms() const { return total_ms - jitter_ms - endpoint_wait_ms - asr_ms - tts_ms; }
};

// Collects turns from many calls (thread-safe) and summarises them.
class LatencyLog {
 public:
  void Add(const TurnLatency& t);
  std::vector<TurnLatency> Turns(const std::string& kind = "") const;
  // Percentile (0..100) of a field over the turns of `kind`; -1 when there are none.
  static int64_t Percentile(std::vector<int64_t> v, double p);
  size_t size() const;
  // Cut-offs: the caller went on talking right after Kira decided the turn had ended (the
  // end-of-turn wait was too short for them).
  void AddCutoff();
  int cutoffs() const;

 private:
  mutable std::mutex mu_;
  std::vector<TurnLatency> turns_;
  int cutoffs_ = 0;
};

}  // namespace kira::voice
