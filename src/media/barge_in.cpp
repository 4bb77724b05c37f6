#include "media/barge_in.h"

#include <algorithm>

namespace kira::media {

const char* ToString(BargeInEvent e) {
  switch (e) {
    case BargeInEvent::kNone:
      return "none";
    case BargeInEvent::kPause:
      return "pause";
    case BargeInEvent::kResume:
      return "resume";
    case BargeInEvent::kBargeIn:
      return "barge_in";
  }
  return "?";
}

BargeInDetector::BargeInDetector(BargeInConfig cfg) : cfg_(cfg) {}

void BargeInDetector::Reset() {
  double floor = noise_floor_dbfs_;
  *this = BargeInDetector(cfg_);
  noise_floor_dbfs_ = floor;  // the line's noise does not change with the prompt
}

void BargeInDetector::SetAgentSpeaking(bool speaking) {
  if (speaking == agent_speaking_) return;
  EndBurst();
  agent_speaking_ = speaking;
}

void BargeInDetector::EndBurst() {
  burst_start_ms_ = -1;
  burst_min_dbfs_ = 0;
  burst_max_dbfs_ = -200;
  voiced_ms_ = 0;
  silence_ms_ = 0;
  paused_ = false;
  confirmed_ = false;
}

BargeInEvent BargeInDetector::Push(bool speech, double level_dbfs, int frame_ms) {
  if (frame_ms <= 0) return BargeInEvent::kNone;
  now_ms_ += frame_ms;
  // Track the line's noise floor on non-speech frames (quick down, slow up).
  if (!speech) {
    if (level_dbfs < noise_floor_dbfs_)
      noise_floor_dbfs_ = 0.7 * noise_floor_dbfs_ + 0.3 * level_dbfs;
    else
      noise_floor_dbfs_ = std::min(noise_floor_dbfs_ + 0.1 * (level_dbfs - noise_floor_dbfs_),
                                   noise_floor_dbfs_ + 0.5);
  }
  if (!agent_speaking_) return BargeInEvent::kNone;

  bool loud = speech && level_dbfs >= cfg_.min_level_dbfs &&
              level_dbfs >= noise_floor_dbfs_ + cfg_.noise_margin_db;
  if (loud) {
    if (burst_start_ms_ < 0) {
      burst_start_ms_ = now_ms_ - frame_ms;
      voiced_ms_ = 0;
    }
    voiced_ms_ += frame_ms;
    silence_ms_ = 0;
    burst_min_dbfs_ = std::min(burst_min_dbfs_, level_dbfs);
    burst_max_dbfs_ = std::max(burst_max_dbfs_, level_dbfs);
    if (!paused_ && voiced_ms_ >= cfg_.pause_after_ms) {
      paused_ = true;
      pause_latency_ms_ = now_ms_ - burst_start_ms_;
      return BargeInEvent::kPause;
    }
    if (paused_ && !confirmed_ && voiced_ms_ >= cfg_.confirm_after_ms &&
        burst_max_dbfs_ - burst_min_dbfs_ < cfg_.min_modulation_db) {
      // Steady noise: learn its level and let the prompt continue.
      noise_floor_dbfs_ = std::max(noise_floor_dbfs_, burst_max_dbfs_);
      EndBurst();
      return BargeInEvent::kResume;
    }
    if (paused_ && !confirmed_ && voiced_ms_ >= cfg_.confirm_after_ms) {
      confirmed_ = true;
      confirm_latency_ms_ = now_ms_ - burst_start_ms_;
      return BargeInEvent::kBargeIn;
    }
    return BargeInEvent::kNone;
  }
  if (burst_start_ms_ < 0) return BargeInEvent::kNone;
  silence_ms_ += frame_ms;
  int end_after = paused_ ? cfg_.burst_end_silence_ms : cfg_.gap_tolerance_ms;
  if (silence_ms_ >= end_after) {
    bool resume = paused_ && !confirmed_;
    bool was_confirmed = confirmed_;
    EndBurst();
    if (was_confirmed) return BargeInEvent::kNone;
    return resume ? BargeInEvent::kResume : BargeInEvent::kNone;
  }
  return BargeInEvent::kNone;
}

}  // namespace kira::media
