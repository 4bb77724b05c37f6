#include "voice/answering_machine.h"

namespace kira::voice {

const char* ToString(AmdVerdict v) {
  switch (v) {
    case AmdVerdict::kUndecided:
      return "undecided";
    case AmdVerdict::kHuman:
      return "human";
    case AmdVerdict::kMachine:
      return "machine";
    case AmdVerdict::kBeep:
      return "beep";
    case AmdVerdict::kSilence:
      return "silence";
    case AmdVerdict::kUnknown:
      return "unknown";
  }
  return "unknown";
}

AmdVerdict AnsweringMachineDetector::Current() const {
  if (verdict_ != AmdVerdict::kUndecided) return verdict_;
  const media::GreetingFeatures f = greeting_.Features();
  if (f.beep) return AmdVerdict::kBeep;
  switch (greeting_.Classify()) {
    case media::GreetingClass::kMachine:
      return AmdVerdict::kMachine;
    case media::GreetingClass::kHuman:
      return AmdVerdict::kHuman;
    case media::GreetingClass::kUnknown:
      break;
  }
  return f.speech_ms == 0 ? AmdVerdict::kSilence : AmdVerdict::kUnknown;
}

bool AnsweringMachineDetector::Push(std::span<const int16_t> frame, bool speech, int frame_ms) {
  if (verdict_ != AmdVerdict::kUndecided) return false;
  greeting_.Push(frame, speech, frame_ms);
  heard_ms_ += frame_ms;
  const AmdVerdict now = Current();
  // A beep or a long greeting is conclusive at once; a person's "hello?" only at the end
  // (a machine's greeting may start with a short word and a pause too).
  if (now == AmdVerdict::kBeep || now == AmdVerdict::kMachine || heard_ms_ >= cfg_.listen_ms) {
    verdict_ = now;
    return true;
  }
  return false;
}

std::string MachineDisposition(AmdVerdict v, std::optional<crm::Outcome> outcome) {
  const bool nobody = !outcome || *outcome == crm::Outcome::kNoAnswer;
  if (v == AmdVerdict::kBeep && (nobody || *outcome == crm::Outcome::kRefused)) return "voicemail";
  if (v == AmdVerdict::kMachine && nobody) return "voicemail";
  return "";
}

}  // namespace kira::voice
