// The caller side of an evaluation conversation (docs/eval.md): says `opening`, then answers
// each question the agent asks from `answers` by the pending question's name (a list is said
// in turn; its last item repeats). A question without an answer gets a neutral "не знаю" /
// "I don't know" once; the next one makes the caller hang up. A fixed script (`turns`) is
// said line by line whatever the agent asks.
//
// RunConversation drives a real dialog::DialogSession with it and checks every agent
// utterance with the grounding checker.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dialog/expect.h"
#include "eval/corpus.h"
#include "eval/metrics.h"

namespace kira::eval {

// A conversation that runs this many caller turns without ending fails.
inline constexpr int kMaxCallerTurns = 25;

class CallerSimulator {
 public:
  CallerSimulator(const ConversationSpec& spec, const std::string& lang);
  // The next caller line for what the agent now waits for; nullopt = the caller hangs up.
  std::optional<std::string> Next(dialog::Expect pending);

 private:
  const ConversationSpec& spec_;
  std::string dont_know_;
  size_t said_ = 0;  // lines said so far
  std::map<std::string, size_t> used_;
  bool dont_know_said_ = false;
};

}  // namespace kira::eval
