#include "media/endpointer.h"

namespace kira::media {

const char* ToString(EndpointEvent e) {
  switch (e) {
    case EndpointEvent::kNone:
      return "none";
    case EndpointEvent::kSpeechStart:
      return "speech_start";
    case EndpointEvent::kSpeechEnd:
      return "speech_end";
    case EndpointEvent::kDiscarded:
      return "discarded";
    case EndpointEvent::kMaxLength:
      return "max_length";
  }
  return "?";
}

Endpointer::Endpointer(EndpointerConfig cfg) : cfg_(cfg) {}

void Endpointer::Reset() { *this = Endpointer(cfg_); }

EndpointEvent Endpointer::Push(bool speech, int frame_ms) {
  if (frame_ms <= 0) return EndpointEvent::kNone;
  now_ms_ += frame_ms;
  if (speech) last_speech_ms_ = now_ms_;

  if (!in_utterance_) {
    if (speech) {
      if (burst_start_ms_ < 0) {
        burst_start_ms_ = now_ms_ - frame_ms;
        burst_voiced_ms_ = 0;
      }
      burst_voiced_ms_ += frame_ms;
      burst_gap_ms_ = 0;
      if (burst_voiced_ms_ >= cfg_.start_speech_ms) {
        in_utterance_ = true;
        start_ms_ = burst_start_ms_;
        end_ms_ = now_ms_;
        voiced_ms_ = burst_voiced_ms_;
        burst_start_ms_ = -1;
        trailing_ms_ = cfg_.trailing_silence_ms;
        return EndpointEvent::kSpeechStart;
      }
    } else if (burst_start_ms_ >= 0) {
      burst_gap_ms_ += frame_ms;
      if (burst_gap_ms_ > cfg_.gap_tolerance_ms) burst_start_ms_ = -1;
    }
    return EndpointEvent::kNone;
  }

  if (speech) {
    voiced_ms_ += frame_ms;
    end_ms_ = now_ms_;
  }
  if (now_ms_ - start_ms_ >= cfg_.max_utterance_ms) {
    in_utterance_ = false;
    return EndpointEvent::kMaxLength;
  }
  if (now_ms_ - end_ms_ >= trailing_ms_) {
    in_utterance_ = false;
    return voiced_ms_ >= cfg_.min_speech_ms ? EndpointEvent::kSpeechEnd : EndpointEvent::kDiscarded;
  }
  return EndpointEvent::kNone;
}

}  // namespace kira::media
