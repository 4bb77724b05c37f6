#include "voice/call_pipeline.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <unordered_set>

#include "core/log.h"
#include "media/dtmf.h"
#include "media/wav.h"

namespace kira::voice {

namespace {

constexpr const char* kLog = "voice";

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// What happens once the agent has finished speaking.
enum class After { kNothing, kHangup, kTransfer };

// An end-of-turn hold chosen on the strand for one pause, read by the SIP thread: the pause's
// number, the rule and the wait, in one atomic word.
int64_t PackHold(int pause_seq, TurnEnd e, int wait_ms) {
  return (int64_t(pause_seq) << 24) | (int64_t(e) << 16) | (wait_ms & 0xffff);
}
int HoldSeq(int64_t h) { return int(h >> 24); }
TurnEnd HoldRule(int64_t h) { return TurnEnd((h >> 16) & 0xff); }
int HoldWait(int64_t h) { return int(h & 0xffff); }

}  // namespace

// Strand-side state of one call, shared by the handler (SIP thread) and the jobs it posts.
class CallCore {
 public:
  CallCore(const VoiceConfig& cfg, const PipelineDeps& deps, std::shared_ptr<Strand> strand)
      : strand_(std::move(strand)), cfg_(cfg), deps_(deps) {}

  // ---- shared (any thread) ----
  std::shared_ptr<Strand> strand_;
  std::shared_ptr<telephony::CallControl> control;
  telephony::CallInfo info;
  std::atomic<bool> ended{false};
  std::atomic<int> speak_gen{0};  // bumped on barge-in / DTMF: stops a reply being spoken
  std::atomic<bool> turn_busy{false};
  // Adaptive end of turn: the wait for a pause without a hold yet, and the latest hold.
  std::atomic<int> base_wait_ms{0};
  std::atomic<int> max_wait_ms{0};  // the rules' unfinished wait: the most a learned wait gets
  std::atomic<int64_t> hold{-1};

  // The reply's after-speech action, executed by the SIP thread once playback drained.
  std::mutex after_mu;
  After after = After::kNothing;
  std::string transfer_to;

  // A turn waiting for its first RTP packet.
  std::mutex turn_mu;
  bool turn_pending = false;
  TurnLatency turn;
  int64_t turn_speech_end_ms = 0;  // wall time the caller stopped speaking
  int64_t turn_play_ms = 0;        // wall time the first audio was queued

  // ---- strand only ----
  void Begin(int64_t call_start_ms);
  void StartUtterance(std::vector<int16_t> preroll);
  // `pause_ms` > 0: the frame is that far into pause number `pause_seq` of the utterance.
  void Feed(std::vector<int16_t> frame, int pause_seq = 0, int pause_ms = 0);
  void EndUtterance(int64_t speech_end_wall_ms, int64_t endpoint_wait_ms, std::string end_rule,
                    int64_t voiced_ms);
  void DropUtterance() { stream_.reset(); }
  void Digit(char d);
  void Silence(int count);
  void TransferFailed(const std::string& why);
  void Finish();
  // SIP thread: the caller went on talking right after an end of turn.
  void Cutoff() {
    if (deps_.latency) deps_.latency->AddCutoff();
  }
  void AttachRecording(const std::string& path) {
    if (session_) session_->SetRecordingPath(path);
  }

  // SIP thread: first agent packet went out.
  void OnAgentFrameSent();

 private:
  void Speak(const dialog::Reply& r, TurnLatency* t, int64_t t0_ms);
  void Unavailable(const std::string& why);
  void JudgePause(int pause_seq);

  VoiceConfig cfg_;
  PipelineDeps deps_;
  std::unique_ptr<dialog::DialogSession> session_;
  std::unique_ptr<speech::AsrStream> stream_;
  bool asr_unavailable_ = false;
  bool finished_ = false;
  // The utterance in progress, for the end-of-turn rules.
  const EndOfTurnRules* rules_ = nullptr;
  dialog::Expect pending_ = dialog::Expect::kNone;
  std::unordered_set<std::string> phrases_;  // the grammar's phrases, normalised
  int unheard_in_row_ = 0;
};

void CallCore::Begin(int64_t call_start_ms) {
  session_ = deps_.make_session ? deps_.make_session(info) : nullptr;
  if (!session_) {
    log::Error(kLog, info.local_tag + ": no dialog session; hanging up");
    control->Hangup("no dialog session");
    return;
  }
  TurnLatency t;
  t.kind = "greeting";
  const int64_t t0 = NowMs();
  dialog::Reply r = session_->Start();
  t.dialog_ms = NowMs() - t0;
  Speak(r, &t, call_start_ms);
}

void CallCore::Unavailable(const std::string& why) {
  if (asr_unavailable_) return;
  asr_unavailable_ = true;
  log::Warn(kLog, info.local_tag + ": speech recognition unavailable: " + why);
  TurnLatency t;
  t.kind = "other";
  const int64_t t0 = NowMs();
  dialog::Reply r = session_->OnRecognitionUnavailable();
  t.dialog_ms = NowMs() - t0;
  Speak(r, &t, t0);
}

void CallCore::StartUtterance(std::vector<int16_t> preroll) {
  stream_.reset();
  if (!session_ || session_->ended() || asr_unavailable_) return;
  speech::AsrEngine* engine = deps_.asr ? deps_.asr(session_->language()) : nullptr;
  if (!engine) {
    Unavailable("no ASR engine configured for language '" + session_->language() + "'");
    return;
  }
  speech::AsrRequest req;
  req.phrases = session_->ExpectedPhrases();
  req.sample_rate = telephony::kSampleRate;
  req.language = session_->language();
  auto s = engine->Start(req);
  if (!s.ok()) {
    Unavailable(s.status().message());
    return;
  }
  stream_ = std::move(s).value();
  rules_ =
      cfg_.adaptive_end_of_turn && deps_.end_of_turn ? deps_.end_of_turn(req.language) : nullptr;
  phrases_.clear();
  if (rules_) {
    pending_ = session_->Pending();
    if (rules_->whole_phrase_min_words > 0)
      for (const std::string& p : req.phrases) phrases_.insert(speech::NormalizeTranscript(p));
    base_wait_ms = rules_->open_ms;
    max_wait_ms = rules_->unfinished_ms;
  } else {
    base_wait_ms = 0;
  }
  if (!preroll.empty()) Feed(std::move(preroll));  // a failed feed ends the stream as any frame
}

void CallCore::Feed(std::vector<int16_t> frame, int pause_seq, int pause_ms) {
  if (!stream_) return;
  Status st = stream_->Feed(frame);
  if (!st.ok()) {
    stream_.reset();
    if (st.code() == Status::Code::kUnavailable) Unavailable(st.message());
    return;
  }
  // The words so far are read a few times early in each pause (the recogniser's hypothesis
  // settles on the last word within a few frames; a server recogniser's partial may come a
  // chunk later), not on every frame. The last read is before the shortest wait (200 ms) ends.
  constexpr int f = telephony::kFrameMs;
  if (rules_ && (pause_ms == f || pause_ms == 3 * f || pause_ms == 6 * f || pause_ms == 9 * f))
    JudgePause(pause_seq);
}

void CallCore::JudgePause(int pause_seq) {
  const std::string partial = stream_->Partial();
  const TurnEnd e = rules_->Classify(partial, pending_, phrases_);
  hold = PackHold(pause_seq, e, rules_->WaitMs(e));
  if (log::GetLevel() == log::Level::kDebug)
    log::Debug(kLog, info.local_tag + ": pause " + std::to_string(pause_seq) + " after " +
                         log::Pii(partial) + ": " + std::string(TurnEndName(e)));
}

void CallCore::EndUtterance(int64_t speech_end_wall_ms, int64_t endpoint_wait_ms,
                            std::string end_rule, int64_t voiced_ms) {
  if (!stream_ || !session_ || session_->ended()) return;
  TurnLatency t;
  t.kind = "speech";
  t.endpoint_wait_ms = endpoint_wait_ms;
  t.end_rule = std::move(end_rule);
  int64_t t0 = NowMs();
  auto r = stream_->Finish();
  stream_.reset();
  t.asr_ms = NowMs() - t0;
  if (!r.ok()) {
    if (r.status().code() == Status::Code::kUnavailable)
      Unavailable(r.status().message());
    else
      log::Warn(kLog, info.local_tag + ": ASR failed: " + r.status().message());
    return;
  }
  if (r->text.empty() || r->confidence < cfg_.min_asr_confidence) {
    // The caller said something: ask again now rather than leave them waiting for the silence
    // timer — but not on and on to a noisy line.
    if (voiced_ms < cfg_.unheard_min_speech_ms || unheard_in_row_ >= cfg_.unheard_reprompts) {
      log::Debug(kLog, info.local_tag + ": nothing recognised");
      return;
    }
    ++unheard_in_row_;
    log::Debug(kLog, info.local_tag + ": speech not recognised; asking again");
    t.kind = "unheard";
    t0 = NowMs();
    // An empty utterance is the session's cue to ask again (its "not_heard" phrase).
    dialog::Reply reply = session_->OnCallerText("");
    t.dialog_ms = NowMs() - t0;
    Speak(reply, &t, speech_end_wall_ms);
    return;
  }
  unheard_in_row_ = 0;
  log::Debug(kLog, info.local_tag + ": heard " + log::Pii(r->text) + " (end of turn: " +
                       t.end_rule + ", " + std::to_string(endpoint_wait_ms) + " ms)");
  t0 = NowMs();
  dialog::Reply reply = session_->OnCallerText(r->text);
  t.dialog_ms = NowMs() - t0;
  Speak(reply, &t, speech_end_wall_ms);
}

void CallCore::Digit(char d) {
  if (!session_ || session_->ended()) return;
  TurnLatency t;
  t.kind = "dtmf";
  const int64_t t0 = NowMs();
  dialog::Reply r = session_->OnDtmf(d);
  t.dialog_ms = NowMs() - t0;
  Speak(r, &t, t0);
}

void CallCore::Silence(int count) {
  if (!session_ || session_->ended()) return;
  TurnLatency t;
  t.kind = "silence";
  const int64_t t0 = NowMs();
  dialog::Reply r = session_->OnSilence(count);
  t.dialog_ms = NowMs() - t0;
  Speak(r, &t, t0);
}

void CallCore::TransferFailed(const std::string& why) {
  if (!session_ || session_->ended()) return;
  TurnLatency t;
  t.kind = "other";
  const int64_t t0 = NowMs();
  dialog::Reply r = session_->OnTransferFailed(why);
  t.dialog_ms = NowMs() - t0;
  Speak(r, &t, t0);
}

void CallCore::Finish() {
  if (finished_) return;
  finished_ = true;
  stream_.reset();
  if (!session_) return;
  dialog::EndInfo end = session_->Finish();
  if (deps_.on_finished) deps_.on_finished(info, end);
}

void CallCore::Speak(const dialog::Reply& r, TurnLatency* t, int64_t t0_ms) {
  const int gen = speak_gen;
  speech::TtsEngine* tts = session_ && deps_.tts ? deps_.tts(session_->language()) : nullptr;
  bool first = true;
  for (const std::string& utterance : r.say) {
    if (!tts) {
      log::Error(kLog, info.local_tag + ": no TTS engine for language '" +
                           (session_ ? session_->language() : "") + "'");
      break;
    }
    for (const std::string& sentence : speech::SplitSentences(utterance)) {
      if (ended || gen != speak_gen) return;  // barge-in or hang-up: stop talking
      const int64_t s0 = NowMs();
      std::shared_ptr<const media::Audio> audio;
      if (deps_.cache) {
        auto a = deps_.cache->Get(*tts, sentence, telephony::kSampleRate);
        if (a.ok())
          audio = *a;
        else
          log::Warn(kLog, info.local_tag + ": TTS failed: " + a.status().message());
      } else {
        auto a = tts->Synthesize(sentence, telephony::kSampleRate);
        if (a.ok())
          audio = std::make_shared<const media::Audio>(std::move(a).value());
        else
          log::Warn(kLog, info.local_tag + ": TTS failed: " + a.status().message());
      }
      if (!audio || audio->samples.empty()) continue;
      if (first) {
        first = false;
        t->tts_ms = NowMs() - s0;
        t->call = info.local_tag;
        std::lock_guard<std::mutex> lock(turn_mu);
        turn = *t;
        turn_pending = true;
        turn_speech_end_ms = t0_ms;
        turn_play_ms = NowMs();
      }
      control->Play(audio->samples);
    }
  }
  std::lock_guard<std::mutex> lock(after_mu);
  if (!r.transfer_to.empty()) {
    after = After::kTransfer;
    transfer_to = r.transfer_to;
  } else if (r.end) {
    after = After::kHangup;
  }
}

void CallCore::OnAgentFrameSent() {
  std::lock_guard<std::mutex> lock(turn_mu);
  if (!turn_pending) return;
  turn_pending = false;
  // When the packet actually left (it may have gone out early, before this tick).
  int64_t sent = control ? control->talkspurt_sent_ms() : 0;
  if (sent < turn_play_ms) sent = NowMs();
  // Only speech waits in the jitter buffer (RFC 4733 digits are handled on arrival).
  const int jitter = control ? control->jitter_delay_ms() : -1;
  turn.jitter_ms =
      turn.kind == "speech" || turn.kind == "unheard" ? (jitter >= 0 ? jitter : cfg_.jitter_ms) : 0;
  turn.total_ms = sent - turn_speech_end_ms + turn.jitter_ms;
  turn.queue_ms = sent - turn_play_ms;
  if (deps_.latency) deps_.latency->Add(turn);
  log::Debug(kLog, info.local_tag + ": turn " + turn.kind + " total " +
                       std::to_string(turn.total_ms) + " ms (endpoint " +
                       std::to_string(turn.endpoint_wait_ms) + ", asr " +
                       std::to_string(turn.asr_ms) + ", dialog " + std::to_string(turn.dialog_ms) +
                       ", tts " + std::to_string(turn.tts_ms) + ")");
}

// ---- CallPipeline (SIP thread) ----

CallPipeline::CallPipeline(const VoiceConfig& cfg, const PipelineDeps& deps,
                           std::shared_ptr<Strand> strand)
    : cfg_(cfg),
      core_(std::make_shared<CallCore>(cfg, deps, std::move(strand))),
      endpointer_(cfg.endpointer),
      barge_in_(cfg.barge_in) {
  auto vad = media::CreateVad(cfg.vad);
  if (!vad.ok()) {
    log::Warn(kLog,
              "VAD '" + cfg.vad.engine + "': " + vad.status().message() + "; using the energy VAD");
    media::VadConfig e = cfg.vad;
    e.engine = "energy";
    vad = media::CreateVad(e);
  }
  if (vad.ok()) vad_ = std::move(vad).value();
  if (cfg.inband_dtmf) dtmf_ = std::make_unique<media::DtmfDetector>();
  if (deps.on_greeting) {
    amd_ = std::make_unique<AnsweringMachineDetector>();
    on_greeting_ = deps.on_greeting;
  }
}

CallPipeline::~CallPipeline() = default;

void CallPipeline::OnStart(const telephony::CallInfo& info,
                           std::shared_ptr<telephony::CallControl> control) {
  core_->info = info;
  core_->control = control;
  start_wall_ms_ = NowMs();
  std::string path;
  if (!cfg_.recordings_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(cfg_.recordings_dir, ec);
    char stamp[32];
    const std::time_t now = std::time(nullptr);
    std::tm tm;
    gmtime_r(&now, &tm);
    std::strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
    path = cfg_.recordings_dir + "/" + stamp + "-" + info.local_tag + ".wav";
    auto w = media::WavWriter::Open(path, telephony::kSampleRate, 2);
    if (w.ok()) {
      recording_ = std::move(w).value();
    } else {
      log::Warn(kLog, info.local_tag + ": not recording: " + w.status().message());
      path.clear();
    }
  }
  auto core = core_;
  const int64_t t0 = start_wall_ms_;
  core_->turn_busy = true;
  core_->strand_->Post([core, t0, path] {
    core->Begin(t0);
    core->turn_busy = false;
  });
  if (!path.empty()) {
    // Attached after Begin created the session (same strand, so in order).
    core_->strand_->Post([core, path] { core->AttachRecording(path); });
  }
}

void CallPipeline::OnFrame(const int16_t* caller, const int16_t* agent, size_t n) {
  std::span<const int16_t> in(caller, n);
  static const int16_t kZeros[telephony::kFrameSamples] = {0};
  if (recording_) {
    // A recording that cannot be written (disk full) stops; the call goes on.
    Status w = recording_->WriteStereo(in, std::span<const int16_t>(agent ? agent : kZeros, n));
    if (!w.ok()) {
      log::Warn(kLog, "recording stopped: " + w.message());
      recording_.reset();
    }
  }
  if (agent) core_->OnAgentFrameSent();

  // The reply's action once everything it said has been sent.
  auto& control = core_->control;
  const int queued_ms = control->QueuedPlaybackMs();
  const bool agent_speaking = agent != nullptr || queued_ms > 0 || !saved_playback_.empty();
  if (!agent_speaking && !core_->turn_busy) {
    After after = After::kNothing;
    std::string target;
    {
      std::lock_guard<std::mutex> lock(core_->after_mu);
      std::swap(after, core_->after);
      target = core_->transfer_to;
    }
    if (after == After::kHangup) control->Hangup("the agent ended the call");
    if (after == After::kTransfer) control->Transfer(target);
  }

  // In-band DTMF (skipped right after an RFC 4733 digit: some peers send both).
  if (dtmf_) {
    dtmf_->Process(in);
    for (char d : dtmf_->TakeDigits()) {
      if (NowMs() - last_rfc_dtmf_ms_ > 500) HandleDigit(d);
    }
  }

  if (!vad_) return;
  const media::VadDecision v = vad_->Process(in);
  if (amd_ && amd_->Push(in, v.speech)) on_greeting_(amd_->verdict(), amd_->features());

  // Barge-in: only while the agent is talking.
  if (cfg_.barge_in_enabled) {
    barge_in_.SetAgentSpeaking(agent_speaking);
    switch (barge_in_.Push(v.speech, v.level_dbfs)) {
      case media::BargeInEvent::kPause:
        saved_playback_ = control->TakePlayback();
        break;
      case media::BargeInEvent::kResume:
        if (!saved_playback_.empty()) control->Play(saved_playback_);
        saved_playback_.clear();
        break;
      case media::BargeInEvent::kBargeIn:
        ++core_->speak_gen;  // stop the rest of the reply being synthesised
        control->FlushPlayback();
        saved_playback_.clear();
        confirmed_barge_ = true;
        overlap_ = false;
        break;
      case media::BargeInEvent::kNone:
        break;
    }
  }

  // Pre-roll ring for the ASR.
  const size_t preroll_max = static_cast<size_t>(cfg_.preroll_ms) * telephony::kSampleRate / 1000;
  preroll_.insert(preroll_.end(), in.begin(), in.end());
  if (preroll_.size() > preroll_max) preroll_.erase(preroll_.begin(), preroll_.end() - preroll_max);

  const bool was_in = endpointer_.in_utterance();
  if (was_in) {
    // Adaptive end of turn: the wait the strand chose for this pause from the words so far,
    // else the ordinary one.
    if (!v.speech && endpointer_.pause_ms() == 0) ++pause_seq_;
    const int64_t hold = core_->hold.load();
    const int base = core_->base_wait_ms.load();
    int wait = hold >= 0 && HoldSeq(hold) == pause_seq_ ? HoldWait(hold)
               : base > 0                               ? base
                                                        : cfg_.endpointer.trailing_silence_ms;
    if (base > 0 && learned_wait_ms_ > wait) wait = learned_wait_ms_;
    endpointer_.SetTrailingSilenceMs(wait);
  }
  const media::EndpointEvent ev = endpointer_.Push(v.speech, telephony::kFrameMs);
  if (ev == media::EndpointEvent::kSpeechStart) {
    OnSpeechStart();
  } else if (endpointer_.in_utterance() && was_in) {
    auto core = core_;
    std::vector<int16_t> frame(in.begin(), in.end());
    const int seq = pause_seq_, pause = static_cast<int>(endpointer_.pause_ms());
    core_->strand_->Post([core, frame = std::move(frame), seq, pause]() mutable {
      core->Feed(std::move(frame), seq, pause);
    });
  }
  if (ev == media::EndpointEvent::kSpeechEnd || ev == media::EndpointEvent::kMaxLength) {
    OnSpeechEnd(ev == media::EndpointEvent::kMaxLength);
  } else if (ev == media::EndpointEvent::kDiscarded) {
    auto core = core_;
    core_->strand_->Post([core] { core->DropUtterance(); });
    overlap_ = false;
  }

  // Silence reprompts: only when nobody talks and no turn is being worked on.
  if (endpointer_.in_utterance() || agent_speaking || core_->turn_busy ||
      core_->strand_->pending() > 0) {
    silence_ms_ = 0;
  } else if ((silence_ms_ += telephony::kFrameMs) >= cfg_.silence_reprompt_ms) {
    silence_ms_ = 0;
    const int count = ++silence_count_;
    auto core = core_;
    core_->turn_busy = true;
    core_->strand_->Post([core, count] {
      core->Silence(count);
      core->turn_busy = false;
    });
  }
}

void CallPipeline::OnSpeechStart() {
  // Talking again this soon after Kira took the turn: the wait was too short for them.
  if (last_turn_end_ms_ >= 0 &&
      endpointer_.utterance_start_ms() - last_turn_end_ms_ <= cfg_.cutoff_window_ms) {
    core_->Cutoff();
    if (cfg_.learn_caller_pauses && core_->base_wait_ms.load() > 0) {
      // The pause the caller really made; wait a little longer than that from now on.
      const int paused = int(endpointer_.utterance_start_ms() - last_caller_end_ms_);
      const int learned =
          std::min(paused + cfg_.learned_pause_margin_ms, core_->max_wait_ms.load());
      if (learned > learned_wait_ms_) {
        learned_wait_ms_ = learned;
        log::Debug(kLog, core_->info.local_tag + ": cut off after a " + std::to_string(paused) +
                             " ms pause; waits at least " + std::to_string(learned) + " ms now");
      }
    }
  }
  last_turn_end_ms_ = -1;
  const bool agent_speaking = core_->control->QueuedPlaybackMs() > 0 || !saved_playback_.empty();
  overlap_ = agent_speaking && !confirmed_barge_;
  confirmed_barge_ = false;
  auto core = core_;
  // The pre-roll holds the audio from before the start decision (backdated start).
  core_->strand_->Post([core, pre = preroll_]() mutable { core->StartUtterance(std::move(pre)); });
}

void CallPipeline::OnSpeechEnd(bool forced) {
  if (overlap_) {
    // Talked over the agent without a confirmed barge-in: a backchannel ("mhm"), not a turn.
    overlap_ = false;
    auto core = core_;
    core_->strand_->Post([core] { core->DropUtterance(); });
    return;
  }
  silence_count_ = 0;
  const int64_t wait = forced ? 0 : endpointer_.now_ms() - endpointer_.utterance_end_ms();
  const int64_t speech_end_wall = NowMs() - wait;
  last_turn_end_ms_ = endpointer_.now_ms();
  last_caller_end_ms_ = endpointer_.utterance_end_ms();
  const int64_t hold = core_->hold.load();
  const std::string_view rule_name = forced ? "max_length"
                                     : hold >= 0 && HoldSeq(hold) == pause_seq_
                                         ? TurnEndName(HoldRule(hold))
                                     : core_->base_wait_ms.load() > 0 ? "open"
                                                                      : "fixed";
  std::string rule(rule_name);
  const int64_t voiced = endpointer_.voiced_ms();
  auto core = core_;
  core_->turn_busy = true;
  core_->strand_->Post([core, speech_end_wall, wait, rule = std::move(rule), voiced]() mutable {
    core->EndUtterance(speech_end_wall, wait, std::move(rule), voiced);
    core->turn_busy = false;
  });
}

void CallPipeline::OnDtmf(char digit) {
  last_rfc_dtmf_ms_ = NowMs();
  HandleDigit(digit);
}

void CallPipeline::HandleDigit(char digit) {
  // A key press interrupts the prompt at once.
  ++core_->speak_gen;
  if (core_->control) core_->control->FlushPlayback();
  saved_playback_.clear();
  silence_ms_ = 0;
  silence_count_ = 0;
  auto core = core_;
  core_->turn_busy = true;
  core_->strand_->Post([core, digit] {
    core->Digit(digit);
    core->turn_busy = false;
  });
}

void CallPipeline::OnTransferResult(bool ok, const std::string& detail) {
  if (ok) return;  // the call is released by telephony
  auto core = core_;
  core_->turn_busy = true;
  core_->strand_->Post([core, detail] {
    core->TransferFailed(detail);
    core->turn_busy = false;
  });
}

void CallPipeline::OnEnd(telephony::EndReason reason, const std::string& detail) {
  core_->ended = true;
  ++core_->speak_gen;
  if (amd_ && amd_->verdict() == AmdVerdict::kUndecided)
    on_greeting_(amd_->Current(), amd_->features());
  if (recording_) {
    Status closed = recording_->Close();
    if (!closed.ok()) log::Warn(kLog, "recording: " + closed.message());
  }
  recording_.reset();
  auto core = core_;
  core_->strand_->Post([core] { core->Finish(); });
}

}  // namespace kira::voice
