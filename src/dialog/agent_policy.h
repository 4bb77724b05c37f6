// The agents' policy, internal to the dialog layer (agent_session.cpp, agent_products.cpp and
// agent_outcome.cpp define it). Kira (inbound) answers from the catalog, stock and profile only,
// finds analogs, checks the distributor, takes orders (confirmed before they are written),
// qualifies the caller, and handles robot questions, abuse, pranks, fraud, hand-offs, callbacks
// and opt-outs. Vera (outbound) is the same policy with a different opening: she confirms the
// person and their consent, recognises telephone secretaries and voicemail, reminds the caller
// of their request and offers it, an analog or a related product. The policy is code; every
// word comes from the agent's scenario data.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "core/tz.h"
#include "dialog/session_base.h"
#include "dialog/slots.h"

namespace kira::dialog::policy {

enum class Stage {
  kOpen,           // waiting for a request
  kClarify,        // asked which of several products
  kAnalogs,        // offered analogs
  kQuantity,       // asked how much
  kSupplyConfirm,  // asked whether to order from the distributor's stock
  kOrderOffer,     // said the total, asked whether to place the order
  kName,
  kFulfilment,
  kAddress,
  kConfirmOrder,
  kCallbackTime,
  kOfferManager,
  kQualifiedName,  // big project: asked the name for the manager
  kVeraConsent     // Vera: asked whether this is the person who asked to be called
};

inline catalog::SearchOptions Limit(size_t n) {
  catalog::SearchOptions o;
  o.limit = n;
  return o;
}

class KiraSession : public SessionBase {
 public:
  KiraSession(Engine& e, const AgentData& a, const SessionParams& p, bool outbound)
      : SessionBase(e, a, p), outbound_(outbound) {}

  Status Init();

  Reply Start() override;

  Reply OnCallerText(const std::string& text) override;

  Reply OnDtmf(char digit) override;

  Reply OnSilence(int count) override;

  Reply OnTransferFailed(const std::string& why) override;

  Reply OnRecognitionUnavailable() override;

  // The recogniser's phrases for the current stage: the common ones plus what this stage
  // expects (quantities after "how much?", the options after "which one?").
  std::vector<std::string> ExpectedPhrases() const override;

  Expect Pending() const override;

 private:
  void Ask(Reply& r, const std::string& key, const Vars& vars = {});

  void Handle(Reply& r, const std::string& text, const std::string& canon);

  // Whether the utterance carries what the current stage asked for.
  bool Expected(const std::string& text, const std::string& canon) const;

  bool HandleGlobal(Reply& r, const IntentPrediction& ip, const std::string& canon);

  // After answering a side question, come back to the pending one.
  void FollowUp(Reply& r);

  const business::FaqEntry* MatchFaq(const std::string& canon) const;

  void Reask(Reply& r);

  void Transfer(Reply& r);

  void HandleCallback(Reply& r, const std::string& canon, bool asked);

  CivilTime ToCivilLocal(TimePoint t) const { return ToCivil(engine_.profile().timezone, t); }

  void HandleRequest(Reply& r, const std::string& text, const std::string& canon,
                     const IntentPrediction& ip);

  // Drops candidates that contradict an attribute the caller named exactly ("серый" is not
  // "темно-серый"), unless that would drop them all.
  static std::vector<const catalog::Product*> KeepExactMentions(
      std::vector<const catalog::Product*> in, const catalog::Catalog::Mentions& m);

  // Asks which candidate, by the first attribute that tells them apart ("Какой формат: 60x60
  // или 60x120?"), or by name when only names differ.
  void AskWhich(Reply& r);

  // Which of the candidates the caller picked: by ordinal ("второй"), or by the words that
  // tell them apart ("матовый").
  const catalog::Product* ChooseAmong(const std::string& canon) const;

  // Says what we know about a product and moves the conversation on.
  void Present(Reply& r, const catalog::Product& p, const std::string& canon);

  void OfferAnalogs(Reply& r, const catalog::Product& p, const std::string& reason);

  void HandleAnalogChoice(Reply& r, const std::string& text, const std::string& canon,
                          const IntentPrediction& ip);

  void Decline(Reply& r, const std::string& reason);

  void HandleQuantityAnswer(Reply& r, const std::string& text, const std::string& canon,
                            const IntentPrediction& ip);

  void HandleQuantity(Reply& r, const Quantity& q);

  void OfferOrder(Reply& r);

  void ConfirmOrder(Reply& r);

  void PlaceOrder(Reply& r);

  // Vera: a telephone secretary (Alice/Oleg/Salut-style) or voicemail answered instead of the
  // person. The secretary gets one sentence with the company and the purpose; the manager gets
  // a task to follow up in a text channel.
  bool HandleAnsweringMachine(Reply& r, const std::string& canon, const IntentPrediction& ip);

  // Vera: is this the person, and did they ask to be called?
  bool HandleConsent(Reply& r, const std::string& canon, const IntentPrediction& ip);

  bool HasDistributorStock(const catalog::Product& p) const;

  // A renovation needs more than tiles: the first in-stock companion (grout in the tile's
  // colour, adhesive, tools — the lexicon's `related` list).
  void OfferRelated(Reply& r, const catalog::Product& p);

  void ResolveOutcome(std::string* outcome, std::string* reason, std::string* summary) override;

  void ResolveOutboundOutcome(std::string* outcome, std::string* reason, std::string* summary);

  std::string Qualification(const std::string& outcome) const override;

  bool outbound_ = false;
  crm::Task task_;
  std::string lead_source_;
  Stage stage_ = Stage::kOpen;
  const catalog::Product* product_ = nullptr;
  std::vector<const catalog::Product*> candidates_;
  std::optional<Quantity> pending_qty_;
  std::vector<catalog::Analog> analogs_;
  double qty_ = 0;
  std::string supply_ = "shop";
  int lead_days_ = 0;
  std::string name_, fulfilment_, address_;
  std::string last_question_;
  Vars last_vars_;
  std::string terminal_, nt_reason_;
  std::string dtmf_;
  int clarifications_ = 0, abuse_warnings_ = 0, reasks_ = 0;
  bool info_ = false, asked_product_ = false, qualified_ = false, callback_ = false;
  bool transferred_ = false, small_ = false, unclear_ = false;
};

}  // namespace kira::dialog::policy
