// AnsweringMachineDetector: judges from the audio alone who answered an outbound call — a
// person, or a machine (voicemail, a telephone secretary) — in its first seconds: the greeting's
// length and energy (media::GreetingAnalyzer over the VAD decisions) and the voicemail beep
// (media::ToneDetector inside it). The words are the dialog's part (Vera's secretary/voicemail
// phrases); this covers what a phrase grammar cannot transcribe: a greeting in another language,
// a beep-only mailbox.
//
//   voice::AnsweringMachineDetector amd;
//   for each 20 ms callee frame:  if (amd.Push(frame, vad.speech)) report(amd.verdict());
//
// CallPipeline feeds it on outbound calls when PipelineDeps::on_greeting is set; PhoneOriginator
// combines the verdict with the conversation's outcome (MachineDisposition below).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "crm/outcome.h"
#include "media/greeting_features.h"

namespace kira::voice {

struct AmdConfig {
  media::GreetingConfig greeting;
  int listen_ms = 8000;  // the verdict is final after this much audio at the latest
};

enum class AmdVerdict {
  kUndecided,  // still listening
  kHuman,      // a short greeting, then silence (waiting for us)
  kMachine,    // a long continuous greeting
  kBeep,       // a voicemail beep
  kSilence,    // nobody spoke within listen_ms
  kUnknown,    // listen_ms passed without enough evidence
};
const char* ToString(AmdVerdict v);

class AnsweringMachineDetector {
 public:
  explicit AnsweringMachineDetector(AmdConfig cfg = {}) : cfg_(cfg), greeting_(cfg.greeting) {}

  // One frame of the callee's audio with its VAD decision. Returns true exactly once: on the
  // frame that made the verdict final (a beep or a long greeting at once, else at listen_ms).
  bool Push(std::span<const int16_t> frame, bool speech, int frame_ms = 20);
  // Final, or kUndecided while listening.
  AmdVerdict verdict() const { return verdict_; }
  // The verdict from the evidence so far (what verdict() will be if the call ends now).
  AmdVerdict Current() const;
  media::GreetingFeatures features() const { return greeting_.Features(); }

 private:
  AmdConfig cfg_;
  media::GreetingAnalyzer greeting_;
  int64_t heard_ms_ = 0;
  AmdVerdict verdict_ = AmdVerdict::kUndecided;
};

// What the dialer should record for an answered outbound call, given the audio verdict and the
// conversation's outcome: "voicemail" when the audio shows a machine and the conversation got
// nothing from a person (a beep and no_answer/refused, or a long greeting and no_answer);
// otherwise "" (the conversation's own outcome stands).
std::string MachineDisposition(AmdVerdict v, std::optional<crm::Outcome> outcome);

}  // namespace kira::voice
