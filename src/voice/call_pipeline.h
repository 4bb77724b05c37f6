// CallPipeline: the per-call voice loop. Caller audio (decoded 20 ms frames from telephony)
// → VAD → endpointer / barge-in / in-band DTMF → streaming ASR (engine per language, JSGF
// phrases from the session) → DialogSession → TTS (prompt cache, sentence by sentence) →
// the call's paced RTP playback. Also: silence reprompts, the stereo call recording (caller
// left, agent right), transfer/hang-up after the agent finished speaking, and per-turn latency.
//
// Threads: the CallHandler methods run on the SIP thread and only do per-frame DSP; everything
// that may take milliseconds (ASR, dialog, TTS, the CRM writes inside the session) runs as
// jobs on the call's Strand, in order, so the session and ASR stream need no locks.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "dialog/session.h"
#include "media/barge_in.h"
#include "media/dtmf.h"
#include "media/endpointer.h"
#include "media/vad.h"
#include "media/wav.h"
#include "speech/asr.h"
#include "speech/prompt_cache.h"
#include "speech/tts.h"
#include "telephony/call_handler.h"
#include "voice/answering_machine.h"
#include "voice/end_of_turn.h"
#include "voice/turn_latency.h"
#include "voice/worker_pool.h"

namespace kira::voice {

struct VoiceConfig {
  media::VadConfig vad;                // engine "webrtc" by default
  media::EndpointerConfig endpointer;  // trailing silence 600 ms ends an utterance (fixed wait)
  // The trailing silence follows the words heard so far and the pending question
  // (voice/end_of_turn.h) when the deps give rules for the call's language.
  bool adaptive_end_of_turn = true;
  int cutoff_window_ms = 1000;  // caller speech this soon after an end of turn: a cut-off
  // A caller who was cut off pauses longer than the words told: for the rest of the call every
  // end-of-turn wait is at least that pause + the margin (at most the unfinished wait). The
  // words cannot tell "yes" from "yes … but only five"; the caller's own pauses can.
  bool learn_caller_pauses = true;
  int learned_pause_margin_ms = 150;
  media::BargeInConfig barge_in;
  bool barge_in_enabled = true;
  int silence_reprompt_ms = 8000;   // no caller speech this long → session->OnSilence(n)
  double min_asr_confidence = 0.0;  // results below are treated as not understood
  // Speech that was not recognised gets an ask-again reply at once (session->OnCallerText("")
  // → the agents' "not_heard" phrase) when it held this much voiced audio, at most
  // `unheard_reprompts` times in a row.
  int unheard_min_speech_ms = 300;
  int unheard_reprompts = 2;
  std::string recordings_dir;  // "" = no recording
  int preroll_ms = 300;        // audio before the detected speech start fed to ASR
  bool inband_dtmf = true;     // detect DTMF tones in the audio too (RFC 4733 always)
  int jitter_ms = 60;          // receive jitter buffer depth (telephony), for latency
};

// Engines and hooks a pipeline needs; shared by all calls of a PhoneService.
struct PipelineDeps {
  // Creates the dialog session; runs on the strand. nullptr = hang up.
  std::function<std::unique_ptr<dialog::DialogSession>(const telephony::CallInfo&)> make_session;
  // Engines per language ("en", "ru"); nullptr = none configured.
  std::function<speech::AsrEngine*(const std::string& language)> asr;
  std::function<speech::TtsEngine*(const std::string& language)> tts;
  // End-of-turn rules per language (voice/end_of_turn.h); nullptr / none = the fixed wait.
  std::function<const EndOfTurnRules*(const std::string& language)> end_of_turn;
  speech::PromptCache* cache = nullptr;  // optional
  LatencyLog* latency = nullptr;         // optional
  // Called on the strand after session->Finish() (tests, dialer bookkeeping).
  std::function<void(const telephony::CallInfo&, const dialog::EndInfo&)> on_finished;
  // Outbound calls: the audio verdict on who answered (answering_machine.h), once, on the SIP
  // thread — when final, or at hang-up with the evidence so far. nullptr = not analysed.
  std::function<void(AmdVerdict, const media::GreetingFeatures&)> on_greeting;
};

class CallCore;  // call_pipeline.cpp

class CallPipeline : public telephony::CallHandler {
 public:
  CallPipeline(const VoiceConfig& cfg, const PipelineDeps& deps, std::shared_ptr<Strand> strand);
  ~CallPipeline() override;

  void OnStart(const telephony::CallInfo& info,
               std::shared_ptr<telephony::CallControl> control) override;
  void OnFrame(const int16_t* caller, const int16_t* agent, size_t samples) override;
  void OnDtmf(char digit) override;
  void OnTransferResult(bool ok, const std::string& detail) override;
  void OnEnd(telephony::EndReason reason, const std::string& detail) override;

 private:
  void HandleDigit(char digit);
  void OnSpeechStart();
  void OnSpeechEnd(bool forced);

  VoiceConfig cfg_;
  std::shared_ptr<CallCore> core_;
  // SIP-thread state
  std::unique_ptr<media::Vad> vad_;
  media::Endpointer endpointer_;
  media::BargeInDetector barge_in_;
  std::unique_ptr<media::DtmfDetector> dtmf_;
  std::unique_ptr<media::WavWriter> recording_;
  std::unique_ptr<AnsweringMachineDetector> amd_;  // when deps.on_greeting is set
  std::function<void(AmdVerdict, const media::GreetingFeatures&)> on_greeting_;
  std::vector<int16_t> preroll_;         // ring of the last preroll_ms of caller audio
  std::vector<int16_t> saved_playback_;  // paused prompt (barge-in kPause)
  bool overlap_ = false;                 // current utterance started while the agent was speaking
  bool confirmed_barge_ = false;
  int silence_ms_ = 0;
  int silence_count_ = 0;
  int64_t last_rfc_dtmf_ms_ = -100000;
  int pause_seq_ = 0;                // pauses inside utterances so far (end-of-turn holds name one)
  int64_t last_turn_end_ms_ = -1;    // endpointer time of the last end of a speech turn
  int64_t last_caller_end_ms_ = -1;  // endpointer time the caller stopped, at that end of turn
  int learned_wait_ms_ = 0;          // learn_caller_pauses: the floor of the waits (0 = none)
  int64_t start_wall_ms_ = 0;
};

}  // namespace kira::voice
