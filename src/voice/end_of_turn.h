// EndOfTurnRules: how long Kira waits after the caller stops talking before she answers — the
// adaptive end of turn (issue 15). The wait depends on the recogniser's running hypothesis and
// on what Kira asked (dialog::Expect): short when the words so far are a complete answer to the
// question ("yes" to a yes/no question, "five boxes" to "how much?"), long when they clearly
// need a continuation ("…sixty by", "and", "uh"), the ordinary wait otherwise. The words are
// data per language: data/defaults/turn_taking/<lang>.yaml, and a shop's
// <shop>/turn_taking/<lang>.yaml over it (the keys it names replace the built-in ones).
//
//   KIRA_ASSIGN_OR_RETURN(EndOfTurnRules rules, LoadEndOfTurnRules("en", shop_dir));
//   TurnEnd e = rules.Classify(stream->Partial(), session->Pending(), grammar_phrases);
//   endpointer.SetTrailingSilenceMs(rules.WaitMs(e));
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/status.h"
#include "dialog/expect.h"

namespace kira::voice {

enum class TurnEnd {
  kComplete,    // a complete answer to what Kira asked: answer soon
  kOpen,        // nothing tells: the ordinary wait
  kUnfinished,  // the words so far need a continuation: wait long
};
std::string_view TurnEndName(TurnEnd e);  // "complete", "open", "unfinished"

using Words = std::vector<std::string>;  // one phrase, normalised, split into words

struct EndOfTurnRules {
  int complete_ms = 200;
  int open_ms = 1000;
  int unfinished_ms = 1200;
  // The caller is not done when the words so far end on one of these.
  std::vector<Words> unfinished_endings;
  // The answer is complete when the words so far end on one of these, by what Kira asked.
  std::map<dialog::Expect, std::vector<Words>> complete_endings;
  // Words so far equal to a whole phrase of the recogniser's grammar (of at least this many
  // words) are a complete utterance; 0 = off.
  int whole_phrase_min_words = 3;

  // `hypothesis` as the recogniser gives it (normalised here); `phrases` the grammar's phrases,
  // normalised (speech::NormalizeTranscript). When the words end on both an unfinished and a
  // complete ending, the longer ending decides ("it is" complete, "…number is" unfinished);
  // unfinished wins a tie.
  TurnEnd Classify(std::string_view hypothesis, dialog::Expect pending,
                   const std::unordered_set<std::string>& phrases = {}) const;
  int WaitMs(TurnEnd e) const {
    return e == TurnEnd::kComplete     ? complete_ms
           : e == TurnEnd::kUnfinished ? unfinished_ms
                                       : open_ms;
  }
};

// Reads one rules file over `rules`: the keys present replace what `rules` holds (a list
// replaces the whole list; complete_endings replaces the questions it names). Strict: an
// unknown key, an unknown question name, a wait outside 40..3000 ms, complete > open >
// unfinished out of order, a list over 2,000 phrases or a phrase over 8 words is an error
// naming the file, the key and the line; `rules` is then unchanged.
Status ParseEndOfTurnRules(std::string_view yaml_text, const std::string& name,
                           EndOfTurnRules* rules);
// The built-in rules of `language` (<defaults_dir>/turn_taking/<language>.yaml; "" = DefaultsDir())
// with <shop_dir>/turn_taking/<language>.yaml over them when that file exists. A language with
// no built-in file gets the default waits and no word lists.
Result<EndOfTurnRules> LoadEndOfTurnRules(const std::string& language,
                                          const std::string& shop_dir = "",
                                          const std::string& defaults_dir = "");

}  // namespace kira::voice
