// The agents' policy, internal to the dialog layer (agent_session.cpp, agent_products.cpp and
// agent_outcome.cpp define it). Kira (inbound) answers from the catalog, stock and profile only,
// finds analogs, checks the distributor, takes orders (confirmed before they are written),
// qualifies the caller, and handles robot questions, abuse, pranks, fraud, hand-offs, callbacks
// and opt-outs. Vera (outbound) is the same policy with a different opening: she confirms the
// person and their consent, recognises telephone secretaries and voicemail, reminds the caller
// of their request and offers it, an analog or a related product. The policy is code; every
// word comes from the agent's scenario data.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "core/tz.h"
#include "crm/outcome.h"
#include "dialog/session_base.h"
#include "dialog/slots.h"
#include "dialog/understanding.h"

namespace kira::dialog::policy {

// A scenario `heard_*` template with its {placeholders} filled: "(a|b)" at the top level, bare
// "a|b" as an alternative inside a group; "" when a placeholder it uses has no words (the
// template cannot be said). Unknown placeholders are left as written.
std::string RenderHeardTemplate(const std::string& tmpl,
                                const std::map<std::string, std::vector<std::string>>& fill);

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
  kCallbackName,   // a callback was booked: asked whom the manager is to ask for
  kVeraConsent     // Vera: asked whether this is the person who asked to be called
};

// What the caller has shown in this conversation; the outcome is resolved from it when no
// terminal outcome was reached (agent_outcome.cpp).
struct CallerShown {
  bool asked_product = false;  // a product was presented to them
  bool got_info = false;       // hours, directions, delivery terms, an FAQ or an order's status
  bool qualified = false;      // a big project, handed to the manager
  bool callback = false;       // a callback task was created for them
};

// What the caller has agreed to for the order being assembled; reset when it is placed.
struct OrderAgreement {
  bool consent = false;             // said yes to placing the order
  bool distributor_ok = false;      // accepted supply from the distributor's stock
  bool fulfilment_changed = false;  // changed fulfilment or address: read the order back again
  bool told_minimum = false;        // was told the minimum quantity once already
};

// A product the shop has not got but the distributor has: what the caller has been told.
struct SupplyState {
  std::string told_sku;  // "…не в магазине, у поставщика есть" said of it
  const catalog::Product* waited = nullptr;  // analogs offered instead: the caller may still wait
  bool urgent = false;  // the caller needs it today ("сегодня нужен")
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

  // The same question unanswered twice: offer the manager, or end the call (agent_session.cpp).
  void BreakLoop(Reply& r);

  void Handle(Reply& r, const std::string& text, const std::string& canon);

  // Keeps every slot the turn carries (name, fulfilment, address, phone, an early quantity).
  void Absorb(const Frame& f);

  // Whether the turn carries what the current stage asked for.
  bool AnswersStage(const Frame& f) const;

  // Abuse, fraud, opt-out, wrong number, pranks, a person asked for, the robot question.
  bool HandleControl(Reply& r, const Frame& f);

  // Hours, directions, delivery terms and FAQ answers: every one the turn asks.
  bool AnswerSideQuestions(Reply& r, const Frame& f);

  bool HandleOrderStatus(Reply& r);

  // The order steps (offer, name, fulfilment, address, read-back) with corrections.
  void HandleOrderStep(Reply& r, const Frame& f);

  // A changed product attribute, quantity, fulfilment or address: applied, then the order
  // goes on (the read-back shows the change). False when the turn changes nothing.
  bool ApplyCorrection(Reply& r, const Frame& f);
  void SaveName();

  // Whether `q` is the quantity the caller already asked for (said again, it changes nothing).
  bool SameQuantity(const Quantity& q) const;

  // The product of the same collection that has the attributes just named, or nullptr.
  const catalog::Product* SiblingBySide(const catalog::Product& p,
                                        const std::vector<std::string>& toks) const;
  const catalog::Product* Sibling(const catalog::Product& p,
                                  const catalog::Catalog::Mentions& m) const;

  // Asks for what the order still needs, skipping what is known.
  void Advance(Reply& r);

  void FinishQualified(Reply& r);

  // After answering a side question, come back to the pending one.
  void FollowUp(Reply& r);

  const business::FaqEntry* MatchFaq(const Frame& f) const;

  void Reask(Reply& r);

  void Transfer(Reply& r);

  void HandleCallback(Reply& r, const Frame& f, bool asked);

  CivilTime ToCivilLocal(TimePoint t) const { return ToCivil(engine_.profile().timezone, t); }

  void HandleRequest(Reply& r, const std::string& text, const std::string& canon, const Frame& f);

  // Drops candidates that contradict an attribute the caller named exactly ("серый" is not
  // "темно-серый"), unless that would drop them all.
  static std::vector<const catalog::Product*> KeepExactMentions(
      std::vector<const catalog::Product*> in, const catalog::Catalog::Mentions& m);

  // Asks which candidate, by the first attribute that tells them apart ("Какой формат: 60x60
  // или 60x120?"), or by name when only names differ.
  void AskWhich(Reply& r);

  // Which of the candidates the caller picked: by ordinal ("второй"), or by the words that
  // tell them apart ("матовый").
  const catalog::Product* ChooseAmong(const std::string& canon,
                                      const std::optional<int>& choice) const;

  // Says what we know about a product and moves the conversation on.
  void Present(Reply& r, const catalog::Product& p, const std::string& canon);

  // The in-stock analogs of `p`, introduced by `intro` (default: "<reason>_analogs_intro",
  // which says why `p` cannot be had). False, saying nothing, when `intro` is given and there
  // are none.
  bool OfferAnalogs(Reply& r, const catalog::Product& p, crm::NonTargetedReason reason,
                    const std::string& intro = "");

  // "А есть похожее в наличии?", "нет, закажите" — words from the scenario's lists.
  bool Says(const Frame& f, const char* list) const;

  void HandleAnalogChoice(Reply& r, const std::string& text, const std::string& canon,
                          const Frame& f);

  void Decline(Reply& r, std::optional<crm::NonTargetedReason> reason = std::nullopt);

  void HandleQuantityAnswer(Reply& r, const std::string& text, const std::string& canon,
                            const Frame& f);

  void HandleQuantity(Reply& r, const Quantity& q);

  void OfferOrder(Reply& r);

  void ConfirmOrder(Reply& r);

  void PlaceOrder(Reply& r);

  // Vera: a telephone secretary (Alice/Oleg/Salut-style) or voicemail answered instead of the
  // person. The secretary gets one sentence with the company and the purpose; the manager gets
  // a task to follow up in a text channel.
  bool HandleAnsweringMachine(Reply& r, const std::string& canon, const Frame& f);

  // Vera: is this the person, and did they ask to be called?
  bool HandleConsent(Reply& r, const std::string& canon, const Frame& f);

  bool HasDistributorStock(const catalog::Product& p) const;

  // A renovation needs more than tiles: the first in-stock companion (grout in the tile's
  // colour, adhesive, tools — the lexicon's `related` list).
  void OfferRelated(Reply& r, const catalog::Product& p);

  void RecordBeforeEnd() override { SaveName(); }
  void ResolveOutcome(crm::Outcome* outcome, std::optional<crm::NonTargetedReason>* reason,
                      std::string* summary) override;

  void ResolveOutboundOutcome(crm::Outcome* outcome, std::optional<crm::NonTargetedReason>* reason,
                              std::string* summary);

  std::optional<crm::Qualification> Qualification(crm::Outcome outcome) const override;

  // An order line settled before the product now being discussed ("двадцать квадратов плитки
  // и четыре мешка клея": the tile's line, while the adhesive's quantity is checked).
  struct DraftLine {
    const catalog::Product* product = nullptr;
    double qty = 0;
    std::string supply = "shop";
    int lead_days = 0;
  };
  // A product the caller named beside another one, with the quantity said with it.
  struct Queued {
    const catalog::Product* product = nullptr;
    std::optional<Quantity> qty;
    std::string canon;  // the words that named it
  };

  // The products of a turn that names several, each with its own quantity, in the order said
  // (split at the scenario's `order_line_separators`); empty unless there are two or more.
  std::vector<Queued> SeveralProducts(const std::string& canon) const;

  // The lines settled so far and the current product's, as the order will have them.
  std::vector<DraftLine> AllLines() const;

  bool outbound_ = false;
  std::unique_ptr<Understanding> und_;
  std::vector<DraftLine> lines_;       // settled lines of the order being assembled
  std::vector<Queued> queue_;          // products named with the first one, still to be presented
  std::optional<Quantity> requested_;  // the quantity as the caller said it
  std::string callback_phone_;         // a number the caller gave to be called back on
  OrderAgreement agreed_;
  SupplyState supply_state_;
  crm::Task task_;
  std::string lead_source_;
  Stage stage_ = Stage::kOpen;
  const catalog::Product* product_ = nullptr;
  std::vector<const catalog::Product*> candidates_;
  std::string clarify_query_;  // the request that made us ask which of candidates_
  std::optional<Quantity> pending_qty_;
  std::vector<catalog::Analog> analogs_;
  double qty_ = 0;
  std::string supply_ = "shop";
  int lead_days_ = 0;
  std::string name_, fulfilment_, address_;
  std::string last_question_;
  Vars last_vars_;
  std::optional<crm::Outcome> terminal_;  // an outcome that ends the conversation as such
  std::optional<crm::NonTargetedReason> nt_reason_;
  const catalog::Product* reason_product_ = nullptr;  // what a stock reason is about
  std::string dtmf_;
  int clarifications_ = 0, abuse_warnings_ = 0, reasks_ = 0;
  int repeats_ = 0, asked_turn_ = -1;  // the last question asked again on later turns
  CallerShown shown_;
};

}  // namespace kira::dialog::policy
