// Understanding one caller utterance: a Frame with every intent the turn contains and every
// slot it carries, whatever the agent asked. The policy fills its agenda from the frame (any
// slot heard at any time is kept; a question already answered is skipped), and `kira eval`
// scores the frame against labelled utterances (intent macro-F1, slot F1 per slot).
//
//   Understanding u(agent_data, catalog, language);
//   Frame f = u.Parse("возьму шесть листов мозаики, я Кирилл", Expect::kNone);
//   // f.intents = {"order"}, f.quantity = {6, "шт"}, f.name = "Кирилл", f.product = ...
//
// The layers (each a pure function with its own tests): canonical text (numbers as digits) →
// spans (quantity+unit, phone, clock time, duration, address: slots.h) → product linking (the
// head noun's category first, then brand/collection/colour/format/surface, with a margin that
// decides between sure, ambiguous and weak) → intents (phrase rules from data, several per
// turn, plus the fastText model for the rest) → Frame. Parsing keeps no state and writes
// nothing: safe from several threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "core/status.h"
#include "dialog/expect.h"
#include "dialog/slots.h"

namespace kira::business {
struct FaqEntry;
struct Profile;
}  // namespace kira::business

namespace kira::dialog {

struct AgentData;
struct IntentPrediction;

// The closed label set of caller intents (the corpus and the intent data use these names).
// A turn may carry several: "да, заберу сам" is {yes}; "когда вы открыты и как проехать?" is
// {hours, address}.
inline constexpr std::string_view kIntentLabels[] = {
    "greeting", "product_query", "order",     "yes",       "no",        "hours",
    "address",  "delivery",      "faq",       "robot",     "abuse",     "prank",
    "fraud",    "human",         "callback",  "opt_out",   "goodbye",   "wrong_number",
    "other",    "order_status",  "secretary", "voicemail", "correction"};

// Phrase rules per intent and the word lists the understanding uses, per language
// (data/defaults/understanding/<lang>.yaml, extended by a shop's understanding.yaml).
struct UnderstandingRules {
  struct Pattern {
    std::vector<std::string> words;
    std::vector<bool> prefix;  // word ends in '*' in the data: matches any word it begins
  };
  using Patterns = std::vector<Pattern>;
  std::vector<std::pair<std::string, Patterns>> intents;  // intent (or helper list) → patterns
  Patterns transfer_verbs, question_words, fillers;
  Patterns stopwords;  // words that carry no meaning for a FAQ match ("скажите", "please")
  // Words that mean the same to a FAQ question ("образцы"/"пробники", "return"/"refund"):
  // each group is one meaning.
  std::vector<Patterns> synonyms;

  const Patterns* Intent(std::string_view name) const;
  static Result<UnderstandingRules> Load(const std::string& path);
  // Adds another file's patterns (a shop's own words) to these.
  Status Extend(const std::string& path);
};
bool Matches(const std::vector<std::string>& tokens, const UnderstandingRules::Pattern& p,
             int gap = 2);
bool MatchesAny(const std::vector<std::string>& tokens, const UnderstandingRules::Patterns& ps,
                int gap = 2);

// A product the caller talks about, linked to the catalog.
struct ProductLink {
  catalog::Catalog::Mentions mentions;  // attributes said (category from the head noun)
  // Candidates, best first; empty when nothing matches well enough.
  std::vector<catalog::SearchHit> candidates;
  // kSure: one product (or one clearly best); kAmbiguous: several good ones that differ
  // (ask which); kWeak: only a weak match (ask to clarify, never quote it); kNone.
  enum class Confidence { kNone, kWeak, kAmbiguous, kSure } confidence = Confidence::kNone;
  const catalog::Product* best() const {
    return confidence == Confidence::kSure && !candidates.empty() ? candidates[0].product : nullptr;
  }
};

struct Frame {
  // Every intent the turn contains, most confident first; empty = nothing understood.
  std::vector<std::string> intents;
  std::optional<Quantity> quantity;
  std::optional<std::string> name;        // the caller's own name
  std::optional<std::string> fulfilment;  // "pickup" | "delivery"
  std::optional<std::string> address;     // delivery address as said
  std::optional<CallbackTime> callback;   // when to call back
  std::optional<std::string> manager;  // a person asked for by name ("переключите на Анну")
  std::optional<std::string> phone;         // a phone number given (E.164 when it parses)
  std::optional<int> choice;                // "the second one" (0-based; -2 = last)
  std::optional<ProductLink> product;       // a product request or a product attribute change
  const business::FaqEntry* faq = nullptr;  // the profile's FAQ entry the turn asks, if any
  bool yes = false, no = false;             // a yes/no answer (also inside a longer turn)
  bool correction = false;                  // "нет, не 10, а 15", "лучше матовый"
  bool not_a_customer = false;  // selling to the shop, looking for work, a survey (intent "other")
  bool takes_back = false;  // a TakesBack word and no AddsTo word ("хотя нет, давайте лучше…")
  std::optional<Replacement> replacement;  // "не Садовая, а Садовническая, 7" (after a question)
  std::string canonical;  // text::Canonical of the utterance

  bool Has(std::string_view intent) const;
};

class Understanding {
 public:
  Understanding(const AgentData& agent, const catalog::Catalog& catalog, std::string language);
  Frame Parse(std::string_view utterance, Expect pending) const;

  // The product said in `canonical` (head-noun category, attributes, candidates, confidence).
  ProductLink LinkProduct(const std::string& canonical) const;
  // Whether a word (by Snowball stem) names one of the catalog's categories.
  bool IsCategoryStem(const std::string& stem) const;
  // The profile's FAQ entry `canonical` asks about, matched on meaning: content words by
  // synonym group or stem, without function, question and category words. `strict` is false
  // when something else already says the turn is a FAQ question (one shared word is enough).
  const business::FaqEntry* MatchFaq(const std::string& canonical, bool strict = true) const;

 private:
  // `ip` is the model's reading of the whole turn (classified once per turn).
  void DetectIntents(const std::vector<std::string>& toks, Expect pending,
                     const IntentPrediction& ip, bool question_mark, Frame& f) const;
  // A question's meaning for the FAQ match: synonym groups ("#3") and content-word stems.
  std::vector<std::string> FaqKeys(const std::string& canonical) const;
  const AgentData& agent_;
  const catalog::Catalog& catalog_;
  std::string language_;
  std::string manager_stem_;
  const business::Profile* faq_profile_ = nullptr;  // the profile faq_keys_ were read from
  std::vector<std::vector<std::string>> faq_keys_;  // FaqKeys of each profile FAQ question
  // The scenario's yes_words / no_words, normalised once (" да ", " нет спасибо ").
  std::vector<std::string> yes_words_, no_words_;
  bool Said(const std::string& canonical, const std::vector<std::string>& padded) const;
};

}  // namespace kira::dialog
