// BargeInDetector: decides, while the agent is speaking, whether the caller is interrupting.
// Fed the caller's frames (after VAD), it answers in two stages because a real interruption
// cannot be told apart from a backchannel ("угу", "ага", "да-да", "mhm": bursts < ~400 ms)
// within the 150 ms the issue allows for stopping playback:
//
//   kPause    after `pause_after_ms` of loud caller speech (default 120 ms; ≤ 150 ms incl. one
//             frame of pipeline delay): stop sending the prompt NOW, remember the position.
//   kResume   the burst ended before `confirm_after_ms` of voiced audio: a backchannel or a
//             noise burst. Resume the prompt where it stopped (or from the sentence start).
//   kBargeIn  voiced audio reached `confirm_after_ms` (default 600 ms): a real interruption.
//             Drop the rest of the prompt and treat the audio as the start of an utterance.
//
// Playback already stops at kPause, so a long confirm window costs no perceived latency; it
// only decides whether the prompt resumes. 600 ms covers drawn-out backchannels (espeak's
// "mhm" is ~500 ms voiced). A short real answer ("нет!", 300 ms) ends as kResume: the pipeline
// should then check the burst's ASR text against its backchannel word list (data) and barge
// in if it is not one.
//
// Noise is rejected by level (min_level_dbfs, relative to a tracked noise floor), by requiring
// near-continuous voicing, and by modulation: speech rises and falls by well over
// min_modulation_db within the confirm window, steady noise (traffic, a fan, hiss the VAD
// takes for voice) does not. Steady noise that reaches the confirm window resumes the prompt
// and raises the noise floor to its level, so it is ignored from then on. The pipeline may also
// confirm with ASR text (e.g. treat "угу" as a backchannel even if it was long). Time is audio time
// (sum of frame_ms).
//
//   kira::media::BargeInDetector bi;                 // defaults above
//   bi.SetAgentSpeaking(true);                       // when a prompt starts playing
//   auto d = vad->Process(caller_frame);
//   switch (bi.Push(d.speech, d.level_dbfs)) {
//     case BargeInEvent::kPause:   player.Pause(); break;
//     case BargeInEvent::kResume:  player.Resume(); break;
//     case BargeInEvent::kBargeIn: player.Stop(); /* start listening */ break;
//     default: break;
//   }
//   bi.pause_latency_ms();  // audio ms from the burst's first voiced frame to kPause
#pragma once

#include <cstdint>

namespace kira::media {

struct BargeInConfig {
  int pause_after_ms = 120;    // voiced ms before kPause (stop playback within 150 ms)
  int confirm_after_ms = 600;  // voiced ms before kBargeIn; shorter bursts are backchannels
  // Silence that ends a paused burst (the prompt resumes after it). Longer than a speaker's
  // pause at a comma ("wait wait, I have a question": 120-250 ms), so an interruption that
  // starts with a short phrase does not resume the prompt for a moment before it is confirmed;
  // about the gap at which people take their turn, so a backchannel still resumes promptly.
  int burst_end_silence_ms = 300;
  int gap_tolerance_ms = 100;      // unvoiced gap inside a burst ("да-да") that does not end it
  double min_level_dbfs = -45.0;   // quieter frames never count as caller speech
  double noise_margin_db = 6.0;    // and they must be this far above the tracked noise floor
  double min_modulation_db = 8.0;  // level range a burst needs to count as speech
};

enum class BargeInEvent { kNone, kPause, kResume, kBargeIn };

const char* ToString(BargeInEvent e);

class BargeInDetector {
 public:
  explicit BargeInDetector(BargeInConfig cfg = {});

  // While false, Push() only tracks the noise floor and returns kNone.
  void SetAgentSpeaking(bool speaking);
  bool agent_speaking() const { return agent_speaking_; }

  // One caller frame: the VAD decision and the frame level (VadDecision::level_dbfs).
  BargeInEvent Push(bool speech, double level_dbfs, int frame_ms = 20);
  void Reset();

  bool paused() const { return paused_; }
  // Audio ms from the first voiced frame of the burst to kPause / kBargeIn (last event).
  int64_t pause_latency_ms() const { return pause_latency_ms_; }
  int64_t confirm_latency_ms() const { return confirm_latency_ms_; }
  double noise_floor_dbfs() const { return noise_floor_dbfs_; }
  int64_t now_ms() const { return now_ms_; }

 private:
  void EndBurst();
  BargeInConfig cfg_;
  bool agent_speaking_ = false;
  bool paused_ = false;
  bool confirmed_ = false;
  int64_t now_ms_ = 0;
  int64_t burst_start_ms_ = -1;
  int64_t voiced_ms_ = 0;
  int64_t silence_ms_ = 0;
  int64_t pause_latency_ms_ = -1;
  int64_t confirm_latency_ms_ = -1;
  double burst_min_dbfs_ = 0;
  double burst_max_dbfs_ = -200;
  double noise_floor_dbfs_ = -70.0;
};

}  // namespace kira::media
