// Expect: what the agent just asked, the context a caller utterance is read in. Shared by the
// understanding (dialog/understanding.h), the session (DialogSession::Pending) and `kira eval`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kira::dialog {

// What the agent just asked: the context an utterance is read in. The names are the corpus's
// `after:` values (expect_names below), not scenario keys, so a shop's own phrasing of a
// question does not change the labels.
enum class Expect {
  kNone,          // opening or "anything else?"
  kYesNo,         // a plain yes/no question (supply from the distributor, consent...)
  kOrderOffer,    // "shall I place the order?"
  kConfirm,       // the order read back: "is everything right?"
  kQuantity,      // "how much do you need?"
  kWhich,         // "which one: 60x60 or 60x120?"
  kAnalogs,       // analogs offered: "the first, the second...?"
  kName,          // "what is your name?"
  kFulfilment,    // "pickup or delivery?"
  kAddress,       // "the delivery address?"
  kCallbackTime,  // "when shall we call you back?"
  kManager,       // "shall I put you through to a manager?"
  kConsent,       // Vera: "is this X? did you ask us to call?"
};
std::string_view ExpectName(Expect e);
// "quantity" → kQuantity; nullopt for an unknown name (a closed-vocabulary lookup).
std::optional<Expect> ParseExpect(std::string_view name);
// "none, yesno, …": every name, for messages that list what is accepted.
std::string ExpectNames();

}  // namespace kira::dialog
