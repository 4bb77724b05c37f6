// Endpointer: turns per-frame VAD decisions into utterance events — the caller started talking,
// the caller finished (after `trailing_silence_ms` of silence) — with audio timestamps, so the
// endpointing wait (a fixed part of voice-to-voice latency) is visible and measurable.
// Time is audio time: the sum of frame durations pushed so far (no wall clock, testable).
//
//   kira::media::Endpointer ep({.trailing_silence_ms = 600});
//   for each 20 ms frame:
//     auto ev = ep.Push(vad->Process(frame).speech);   // frame_ms defaults to 20
//     if (ev == EndpointEvent::kSpeechStart) asr = engine.Start(...);  // + feed ep.preroll
//     if (ev == EndpointEvent::kSpeechEnd) {
//       // utterance = [ep.utterance_start_ms(), ep.utterance_end_ms()), decided at ep.now_ms()
//       // endpointing wait = ep.now_ms() - ep.utterance_end_ms()
//     }
//
// kSpeechStart fires after `start_speech_ms` of (nearly) continuous speech; its timestamp is
// backdated to the first speech frame, so callers should keep ~start_speech_ms + 100 ms of
// audio (pre-roll) and feed it to the ASR on kSpeechStart. An utterance shorter than
// `min_speech_ms` of voiced audio ends with kDiscarded instead of kSpeechEnd (a cough, a click).
//
// The trailing silence may change during an utterance (adaptive end of turn, voice/end_of_turn.h):
// SetTrailingSilenceMs() before a Push applies to the pause in progress; it returns to the
// configured value at the next utterance.
#pragma once

#include <cstdint>

namespace kira::media {

struct EndpointerConfig {
  int start_speech_ms = 100;      // voiced audio needed to declare speech start
  int trailing_silence_ms = 600;  // silence after speech that ends the utterance
  int min_speech_ms = 200;        // voiced audio needed for an utterance to count
  int max_utterance_ms = 15000;   // force an end (kMaxLength) after this long
  int gap_tolerance_ms = 60;      // unvoiced frames inside a start burst that do not reset it
};

enum class EndpointEvent {
  kNone,
  kSpeechStart,  // the caller started an utterance
  kSpeechEnd,    // the caller finished (trailing silence reached)
  kDiscarded,    // the "utterance" was too short; ignore it
  kMaxLength,    // the utterance hit max_utterance_ms; treat like kSpeechEnd
};

const char* ToString(EndpointEvent e);

class Endpointer {
 public:
  explicit Endpointer(EndpointerConfig cfg = {});

  EndpointEvent Push(bool speech, int frame_ms = 20);
  void Reset();
  // The silence that ends the current utterance, from now on (>= one frame; the configured
  // trailing_silence_ms again from the next utterance).
  void SetTrailingSilenceMs(int ms) { trailing_ms_ = ms < 1 ? 1 : ms; }
  int trailing_silence_ms() const { return trailing_ms_; }
  // Silence since the last voiced frame of the utterance in progress (0 outside one).
  int64_t pause_ms() const { return in_utterance_ ? now_ms_ - end_ms_ : 0; }

  bool in_utterance() const { return in_utterance_; }
  int64_t now_ms() const { return now_ms_; }
  // Start of the current/last utterance (first voiced frame) and end of its last voiced frame.
  int64_t utterance_start_ms() const { return start_ms_; }
  int64_t utterance_end_ms() const { return end_ms_; }
  // Voiced milliseconds in the current/last utterance.
  int64_t voiced_ms() const { return voiced_ms_; }
  // Audio time of the end of the last voiced frame ever seen (-1 = none): silence timers use it.
  int64_t last_speech_ms() const { return last_speech_ms_; }
  const EndpointerConfig& config() const { return cfg_; }

 private:
  EndpointerConfig cfg_;
  int trailing_ms_ = cfg_.trailing_silence_ms;
  int64_t now_ms_ = 0;
  bool in_utterance_ = false;
  // candidate start burst
  int64_t burst_start_ms_ = -1;
  int64_t burst_voiced_ms_ = 0;
  int64_t burst_gap_ms_ = 0;
  int64_t start_ms_ = -1;
  int64_t end_ms_ = -1;
  int64_t voiced_ms_ = 0;
  int64_t last_speech_ms_ = -1;
};

}  // namespace kira::media
