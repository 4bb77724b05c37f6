#include "media/greeting_features.h"

#include "media/audio.h"

namespace kira::media {

const char* ToString(GreetingClass c) {
  switch (c) {
    case GreetingClass::kUnknown:
      return "unknown";
    case GreetingClass::kHuman:
      return "human";
    case GreetingClass::kMachine:
      return "machine";
  }
  return "?";
}

GreetingAnalyzer::GreetingAnalyzer(GreetingConfig cfg) : cfg_(cfg) {}

void GreetingAnalyzer::Push(std::span<const int16_t> frame, bool speech, int frame_ms) {
  int64_t start = f_.audio_ms;
  f_.audio_ms += frame_ms;
  if (!f_.beep) {
    if (auto t = tones_.Push(frame)) {
      f_.beep = true;
      f_.beep_hz = t->frequency_hz;
      f_.beep_at_ms = t->start_ms;
    }
  }
  // Gaps shorter than this join two runs of speech into one segment.
  constexpr int64_t kJoinGapMs = 300;
  if (speech) {
    if (first_speech_ms_ < 0) first_speech_ms_ = start;
    if (seg_start_ms_ < 0 || start - last_speech_end_ms_ > kJoinGapMs) {
      seg_start_ms_ = start;
      ++f_.segments;
    }
    last_speech_end_ms_ = f_.audio_ms;
    f_.speech_ms += frame_ms;
    int64_t seg = last_speech_end_ms_ - seg_start_ms_;
    if (seg > f_.longest_segment_ms) f_.longest_segment_ms = seg;
    level_sum_ += RmsDbfs(frame);
    ++level_frames_;
  }
}

GreetingFeatures GreetingAnalyzer::Features() const {
  GreetingFeatures f = f_;
  f.initial_silence_ms = first_speech_ms_ < 0 ? f_.audio_ms : first_speech_ms_;
  f.trailing_silence_ms = last_speech_end_ms_ < 0 ? f_.audio_ms : f_.audio_ms - last_speech_end_ms_;
  f.mean_speech_dbfs = level_frames_ ? level_sum_ / double(level_frames_) : kSilenceDbfs;
  return f;
}

GreetingClass GreetingAnalyzer::Classify() const {
  GreetingFeatures f = Features();
  if (f.beep) return GreetingClass::kMachine;
  if (f.longest_segment_ms >= cfg_.machine_min_segment_ms) return GreetingClass::kMachine;
  if (f.speech_ms > 0 && f.speech_ms <= cfg_.human_max_greeting_ms &&
      f.trailing_silence_ms >= cfg_.silence_after_human_ms)
    return GreetingClass::kHuman;
  return GreetingClass::kUnknown;
}

}  // namespace kira::media
