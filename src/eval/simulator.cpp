#include "eval/simulator.h"

#include <algorithm>

namespace kira::eval {

CallerSimulator::CallerSimulator(const ConversationSpec& spec, const std::string& lang)
    : spec_(spec), dont_know_(lang == "en" ? "I don't know" : "не знаю") {}

std::optional<std::string> CallerSimulator::Next(dialog::Expect pending) {
  if (spec_.scripted) {
    if (said_ >= spec_.turns.size()) return std::nullopt;
    return spec_.turns[said_++];
  }
  if (said_ == 0) {
    ++said_;
    return spec_.opening;
  }
  std::string key(dialog::ExpectName(pending));
  auto it = spec_.answers.find(key);
  if (it == spec_.answers.end() || it->second.empty()) {
    if (dont_know_said_) return std::nullopt;
    dont_know_said_ = true;
    ++said_;
    return dont_know_;
  }
  size_t& n = used_[key];
  const std::string& line = it->second[std::min(n, it->second.size() - 1)];
  ++n;
  ++said_;
  return line;
}

}  // namespace kira::eval
