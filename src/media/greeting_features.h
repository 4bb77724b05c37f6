// GreetingAnalyzer: features of the first seconds after an outbound call is answered, for
// telling a person ("Алло?" then silence) from an answering machine / voicemail / a secretary
// menu (a long continuous greeting, often ending in a beep). The dialer feeds the callee's
// frames with their VAD decisions and reads Features() / Classify() after ~3–5 s or a beep.
//
//   kira::media::GreetingAnalyzer g;
//   g.Push(frame, vad->Process(frame).speech);
//   auto f = g.Features();              // speech_ms, longest_segment_ms, segments, beep...
//   switch (g.Classify()) { case GreetingClass::kMachine: ... }
//
// Heuristics, not a model: thresholds are config so they can be tuned on real calls.
#pragma once

#include <cstdint>
#include <span>

#include "media/tone_detector.h"

namespace kira::media {

struct GreetingConfig {
  int human_max_greeting_ms = 1800;   // "Алло, да?" is short
  int machine_min_segment_ms = 2500;  // continuous speech this long → machine
  int silence_after_human_ms = 800;   // a short greeting followed by this much silence → human
  int initial_silence_max_ms = 4000;  // nobody speaks this long → unknown (silent line)
};

struct GreetingFeatures {
  int64_t audio_ms = 0;
  int64_t initial_silence_ms = 0;  // before the first voiced frame (-1 if none yet → = audio_ms)
  int64_t speech_ms = 0;           // voiced total
  int64_t longest_segment_ms = 0;  // longest run of speech with gaps < 300 ms
  int segments = 0;
  int64_t trailing_silence_ms = 0;  // since the last voiced frame
  double mean_speech_dbfs = -96;
  bool beep = false;
  double beep_hz = 0;
  int64_t beep_at_ms = -1;
};

enum class GreetingClass { kUnknown, kHuman, kMachine };
const char* ToString(GreetingClass c);

class GreetingAnalyzer {
 public:
  explicit GreetingAnalyzer(GreetingConfig cfg = {});
  void Push(std::span<const int16_t> frame, bool speech, int frame_ms = 20);
  GreetingFeatures Features() const;
  // kUnknown until the evidence is enough; a beep or a long segment → kMachine.
  GreetingClass Classify() const;

 private:
  GreetingConfig cfg_;
  ToneDetector tones_;
  GreetingFeatures f_;
  int64_t first_speech_ms_ = -1;
  int64_t last_speech_end_ms_ = -1;
  int64_t seg_start_ms_ = -1;
  double level_sum_ = 0;
  int64_t level_frames_ = 0;
};

}  // namespace kira::media
