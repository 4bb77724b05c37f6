// Editing the shop's phrases from the workspace. An agent's phrases in one language are the
// built-in layers (data/defaults/agents/{common,<agent>}/<lang>/scenario.yaml) under the
// shop's own (<agents_dir>/{common,<agent>}/<lang>/scenario.yaml). An edit goes into the shop's
// file of that agent and language, which keeps its other keys (lists, units, settings); the new
// text is then read by the very loader every start uses (Phrases::LoadLayers over all layers,
// then CheckRequiredKeys), so an edit is refused exactly when the same text in the file would
// be. On top of the loader, a phrase may only use the {values} its built-in text uses — the
// dialog fills no others, and a misspelt "{shpo}" would be read out to the caller as is.
//
//   PhraseFiles f{DefaultsDir(), shop_dir + "/agents"};
//   KIRA_ASSIGN_OR_RETURN(auto e, EditPhrases(f, "kira", "ru", {{"greeting", {"Алло,
//   «{shop}»!"}}})); KIRA_RETURN_IF_ERROR(SavePhrases(e, version));  // then
//   Engine::ReloadScenarios()
//
// Errors name the field as "phrases.<key>" (PhraseErrorField picks it out of a message).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace kira::dialog {

struct PhraseFiles {
  std::string defaults_dir;  // the built-in data (kira::DefaultsDir())
  std::string agents_dir;    // the shop's agents/ folder (beside its profile)
};

// Limits of one edit.
inline constexpr size_t kMaxPhraseVariants = 10;
inline constexpr size_t kMaxPhraseBytes = 1000;  // one variant

struct PhraseInfo {
  std::string key;
  std::vector<std::string> text;     // in effect now (the shop's, else the built-in)
  std::vector<std::string> builtin;  // the built-in text
  std::vector<std::string> values;   // the {values} it may use ("shop", "product")
  bool own = false;                  // the shop's file of this agent and language sets it
};

// Every phrase of `agent` in `language`, in the built-in files' order.
Result<std::vector<PhraseInfo>> ListPhrases(const PhraseFiles& f, const std::string& agent,
                                            const std::string& language);

struct PhrasesEdit {
  std::string path;                  // the shop's scenario file written
  std::string yaml;                  // its new text
  std::vector<std::string> changed;  // phrase keys whose text changed
};

// `edits`: phrase key → its variants; an empty list returns the phrase to its built-in text.
// Invalid: an unknown key, too many or too long variants, a {value} the phrase cannot use, or
// the loader's verdict on the merged files.
Result<PhrasesEdit> EditPhrases(const PhraseFiles& f, const std::string& agent,
                                const std::string& language,
                                const std::map<std::string, std::vector<std::string>>& edits);

// Writes the edit atomically; the file replaced is kept in scenario-history/ beside it.
Status SavePhrases(const PhrasesEdit& e, int version);

// "phrases.greeting" from a message of EditPhrases ("" when none is named).
std::string PhraseErrorField(const std::string& message);

// A refused phrase edit taken apart for a UI that says it in its own language (the messages
// are English, for logs and the API): the phrase, a problem code and what the message quotes.
struct PhraseError {
  std::string field;    // "phrases.greeting"; "" = none
  std::string code;     // one of PhraseErrorCodes(); "other" when not recognised (the loader's)
  std::string value;    // unknown_value: the {value} used; unclosed_brace: the variant
  std::string allowed;  // unknown_value: the values the phrase may use ("{shop}, {product}")
  size_t limit = 0;     // too_many_variants, too_long: the limit
};
// unknown_phrase, too_many_variants, too_long, unclosed_brace, unknown_value, other.
const char* const* PhraseErrorCodes();  // nullptr-terminated
PhraseError DescribePhraseError(const std::string& message);

}  // namespace kira::dialog
