// Understanding one caller utterance: a Frame with every intent the turn contains and every
// slot it carries, whatever the agent asked. The policy fills its agenda from the frame (any
// slot heard at any time is kept; a question already answered is skipped), and `kira eval`
// scores the frame against labelled utterances (intent macro-F1, slot F1 per slot).
//
//   Understanding u(agent_data, catalog, language);
//   Frame f = u.Parse("возьму шесть листов мозаики, я Кирилл", Expect::kNone);
//   // f.intents = {"order"}, f.quantity = {6, "шт"}, f.name = "Кирилл", f.products = [...]
//
// Parsing is a pure function of the text, the pending question and the shop's data: no state,
// no store, safe to call from several threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "dialog/expect.h"
#include "dialog/slots.h"

namespace kira::dialog {

struct AgentData;

// The closed label set of caller intents (the corpus and the intent data use these names).
// A turn may carry several: "да, заберу сам" is {yes}; "когда вы открыты и как проехать?" is
// {hours, address}.
inline constexpr std::string_view kIntentLabels[] = {
    "greeting", "product_query", "order",     "yes",       "no",        "hours",
    "address",  "delivery",      "faq",       "robot",     "abuse",     "prank",
    "fraud",    "human",         "callback",  "opt_out",   "goodbye",   "wrong_number",
    "other",    "order_status",  "secretary", "voicemail", "correction"};

// A product the caller talks about, linked to the catalog.
struct ProductLink {
  catalog::Catalog::Mentions mentions;  // attributes said (category from the head noun)
  // Candidates, best first; empty when nothing matches well enough.
  std::vector<catalog::SearchHit> candidates;
  // kSure: one product (or one clearly best); kAmbiguous: several good ones that differ
  // (ask which); kWeak: only a weak match (ask to clarify, never quote it); kNone.
  enum class Confidence { kNone, kWeak, kAmbiguous, kSure } confidence = Confidence::kNone;
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
  std::optional<std::string> phone;    // a phone number given (E.164 when it parses)
  std::optional<int> choice;           // "the second one" (0-based; -2 = last)
  std::optional<ProductLink> product;  // a product request or a product attribute change
  bool correction = false;             // "нет, не 10, а 15", "лучше матовый"

  bool Has(std::string_view intent) const;
};

class Understanding {
 public:
  Understanding(const AgentData& agent, const catalog::Catalog& catalog, std::string language);
  Frame Parse(std::string_view utterance, Expect pending) const;

 private:
  const AgentData& agent_;
  const catalog::Catalog& catalog_;
  std::string language_;
};

}  // namespace kira::dialog
