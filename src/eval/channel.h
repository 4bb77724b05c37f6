// Channel: how a caller line reaches the agent in the second replay of `kira eval`. The noise
// model (eval/noise.h) is the default; `kira eval --voice` replays through the phone's own
// speech path instead (eval/voice_channel.h): the line is synthesised, sent as G.711 and
// recognised with the phrases the dialog expects at that moment.
//
//   class Mine : public eval::Channel { ... };
//   eval::EvalOptions o;
//   o.channel = &mine;   // the report's second column is then named mine.name()
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace kira::eval {

class Channel {
 public:
  virtual ~Channel() = default;
  virtual std::string name() const = 0;  // the report column's name, e.g. "voice"
  // "" when the channel carries this language, else why not (the report names it).
  virtual std::string Refuses(const std::string& lang) const = 0;
  // What the agent receives for a caller line; "" when nothing was recognised. `expected` are
  // the phrases the dialog expects now (DialogSession::ExpectedPhrases()).
  virtual Result<std::string> Hear(const std::string& lang, const std::string& line,
                                   const std::vector<std::string>& expected) = 0;
};

}  // namespace kira::eval
