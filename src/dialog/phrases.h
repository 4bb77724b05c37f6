// Scenario data of one agent in one language: the phrases it says, keyed by situation, and a few
// settings. Layered files, a later one winning key by key (see Engine::Agent): the built-in
// phrases both agents share (data/defaults/agents/common/<lang>/scenario.yaml), the agent's own
// (data/defaults/agents/<agent>/<lang>/), then the shop's (agents/common/<lang>/ and
// agents/<agent>/<lang>/ beside its profile). Phrases are templates:
// "{price} руб. за {unit}", with plural forms "{days} {days|день|дня|дней}" (Russian: one, few,
// many; English: "{n|box|boxes}") and gender forms "{product} {gender|снят|снята|снято|сняты}"
// (masculine, feminine, neuter, plural: `gender` is m, f, n or pl, the product category's). Several
// variants of a phrase rotate so the agent sounds less robotic. The code never contains a phrase a
// shop owner would want to change.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace kira::dialog {

using Vars = std::map<std::string, std::string>;

struct ScenarioSettings {
  int max_clarifications = 2;      // unclear caller: questions before offering a manager
  int abuse_warnings = 1;          // calm warnings before ending an abusive call
  double intent_threshold = 0.40;  // below it the utterance is "unclear"
  int max_analogs = 3;
  int silence_reprompts = 1;  // reprompts before saying goodbye on silence
};

class Phrases {
 public:
  static Result<Phrases> Load(const std::string& path);
  static Result<Phrases> Parse(const std::string& yaml, const std::string& name_for_errors);
  // Layers of scenario files, in order; a later file wins key by key (phrases, lists, units,
  // units_one, settings). Files that do not exist are skipped, at least one must exist. A layer
  // may give any subset of the keys; its `language`, when given, must be `language`.
  // `texts` (path → text) stands in for files: what a file would read after an edit, checked
  // before the file is written (dialog/phrase_edit.h).
  static Result<Phrases> LoadLayers(const std::vector<std::string>& paths,
                                    const std::string& language,
                                    const std::map<std::string, std::string>& texts = {});

  // Renders phrase `key` (variant chosen by `variant`) with vars. A missing key renders as
  // "" and is reported by Has(); a missing var is left as "{name}" so tests catch it.
  std::string Render(const std::string& key, const Vars& vars, int variant = 0) const;
  bool Has(const std::string& key) const;
  // A phrase's variants as written; nullptr when the scenario has no such phrase.
  const std::vector<std::string>* Variants(const std::string& key) const;
  // A plain list from the scenario (e.g. "backchannels", "yes_words").
  const std::vector<std::string>& List(const std::string& key) const;
  // The display word for a catalog unit ("м2" → "м²").
  std::string Unit(const std::string& unit) const;
  // The same word after "per"/"за": "square meter" ("units_one" in the scenario).
  std::string UnitOne(const std::string& unit) const;

  const ScenarioSettings& settings() const { return settings_; }
  const std::string& language() const { return language_; }
  const std::vector<std::string>& keys() const { return keys_; }
  bool HasList(const std::string& key) const { return lists_.count(key) > 0; }

 private:
  // Applies one file's keys onto *this (a later layer wins key by key).
  Status ParseLayer(const std::string& yaml, const std::string& file);
  std::map<std::string, std::vector<std::string>> phrases_;
  std::map<std::string, std::vector<std::string>> lists_;
  std::map<std::string, std::string> units_, units_one_;
  std::vector<std::string> keys_;
  ScenarioSettings settings_;
  std::string language_;
};

// Template expansion used by Phrases (exposed for tests).
std::string RenderTemplate(const std::string& tpl, const Vars& vars, const std::string& lang);
// Russian plural choice: 1 → one, 2–4 → few, else many (21 → one, 11–14 → many).
int RussianPluralIndex(long long n);

}  // namespace kira::dialog
