// DialogSession: one conversation, driven turn by turn, channel-agnostic. `kira chat` drives it
// from stdin; the phone pipeline drives it from ASR results, DTMF and silence timers; the
// dialer drives Vera's sessions the same way. The session writes the lead, the turns (durably,
// as they happen), orders, tasks and the outcome into the CrmStore itself.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crm/outcome.h"
#include "dialog/expect.h"

namespace kira::dialog {

// What the agent does after a caller event.
struct Reply {
  std::vector<std::string> say;  // utterances to speak/print, in order
  bool end = false;              // the agent hangs up after saying `say`
  std::string transfer_to;       // non-empty: blind-transfer the call here (SIP URI or phone)
};

// How a finished conversation ended; also printed by `kira chat --json` as the "end" line
// (with the vocabulary's names).
struct EndInfo {
  std::optional<crm::Outcome> outcome;           // set by Finish
  std::optional<crm::NonTargetedReason> reason;  // with outcome non_targeted
  std::string summary;                           // 1–3 factual sentences
  int64_t lead_id = 0;
  int64_t order_id = 0;  // 0 = none
  int64_t conversation_id = 0;
  int64_t task_id = 0;  // callback task created, if any
};

class DialogSession {
 public:
  virtual ~DialogSession() = default;
  // The agent speaks first.
  virtual Reply Start() = 0;
  // One caller utterance (recognised speech or a typed line).
  virtual Reply OnCallerText(const std::string& text) = 0;
  // A DTMF digit ('0'-'9', '*', '#').
  virtual Reply OnDtmf(char digit) = 0;
  // The caller said nothing for the configured pause; `count` is 1 for the first time.
  virtual Reply OnSilence(int count) = 0;
  // The channel failed to transfer (SIP REFER rejected): apologise, create a callback task.
  virtual Reply OnTransferFailed(const std::string& why) = 0;
  // Recognition is unavailable (e.g. the Russian ASR server is down): offer DTMF or transfer.
  virtual Reply OnRecognitionUnavailable() = 0;
  // The caller hung up (or the channel closed). Idempotent: finishes the conversation once.
  virtual EndInfo Finish() = 0;
  virtual bool ended() const = 0;
  // Speech-recognition hints for the current state: phrases the caller is likely to say next
  // (from the scenario's intent examples and the catalog), for a JSGF grammar.
  virtual std::vector<std::string> ExpectedPhrases() const = 0;
  virtual const std::string& language() const = 0;
  // What the agent is waiting for after its last reply (the caller simulator of `kira eval`
  // answers it; the recogniser's grammar follows it).
  virtual Expect Pending() const { return Expect::kNone; }
  // Attaches a recording file to this conversation (phone channel).
  virtual void SetRecordingPath(const std::string& path) = 0;
};

}  // namespace kira::dialog
