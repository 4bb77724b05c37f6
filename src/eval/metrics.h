// The arithmetic of `kira eval` (docs/eval.md): per-intent and per-slot true/false positives
// and negatives from a predicted Frame and its labels, macro-F1 over intents, and the judgement
// of a finished conversation against its `expect` block. Pure functions: no store, no engine.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "crm/model.h"
#include "dialog/session.h"
#include "dialog/understanding.h"
#include "eval/corpus.h"

namespace kira::eval {

struct Counts {
  int tp = 0, fp = 0, fn = 0;
  bool empty() const { return tp + fp + fn == 0; }
  // 2TP / (2TP + FP + FN); 1 when there is nothing to count (see Scores::MacroF1).
  double F1() const;
  Counts& operator+=(const Counts& o);
};

// The slot names of the corpus, in report order.
inline constexpr const char* kSlotNames[] = {"quantity",   "product", "name",
                                             "fulfilment", "address", "callback",
                                             "manager",    "phone",   "choice"};

// Utterance scores of one group (shop, language, agent, clean or noisy).
struct UtteranceScores {
  int utterances = 0;
  std::map<std::string, Counts> intents;  // by intent label (and any other predicted name)
  std::map<std::string, Counts> slots;    // by slot name
  // Aggregate intent confusions, counts only: "labelled>predicted" for each intent labelled but
  // missed paired with each intent predicted but not labelled in the same utterance ("-" when
  // the other side is empty), and per intent its counts by the pending question
  // ("faq@none"). They say where the errors come from without showing any utterance.
  std::map<std::string, int> confusions;
  std::map<std::string, Counts> intents_by_after;
  // Mean F1 over the intents that occur in labels or predictions; nullopt when none do.
  std::optional<double> IntentMacroF1() const;
  UtteranceScores& operator+=(const UtteranceScores& o);
};

// The frame's slots in the corpus's terms ("m2", "piece", "1", "last", …), for messages.
struct SlotJudgement {
  std::string slot;
  bool labelled = false, predicted = false, right = false;
};

// Adds one utterance: intents as a multi-label set (each label predicted → TP, predicted but
// not labelled → FP, labelled but not predicted → FN); each slot: labelled and right → TP,
// labelled and missing or wrong → FN, predicted but not labelled → FP.
std::vector<SlotJudgement> ScoreUtterance(const Utterance& u, const dialog::Frame& f,
                                          UtteranceScores* scores);

// "right when" of docs/eval.md, one slot at a time.
bool QuantityRight(const QuantityLabel& l, const dialog::Quantity& q);
bool ProductRight(const ProductLabel& l, const dialog::ProductLink& p);
bool CallbackRight(const CallbackLabel& l, const dialog::CallbackTime& c);
// The corpus unit of a frame quantity: "м2"/"m2" → m2, "box"/"упак" → box, "шт" → piece,
// "кг" → kg, "" → none.
std::string CorpusUnit(const std::string& frame_unit);
// "1", "2", … or "last" from the frame's 0-based choice (-2 = last).
std::string CorpusChoice(int frame_choice);

// What a finished conversation left: its end and the CRM's records of its lead.
struct ConversationResult {
  dialog::EndInfo end;
  std::vector<crm::Order> orders;
  std::string contact_name;
  int caller_turns = 0;
  bool hit_turn_limit = false;
};

struct ConversationVerdict {
  bool success = false;
  int wrong_product_lines = 0;       // order lines whose SKU `expect` does not list
  std::vector<std::string> reasons;  // what did not match, for --verbose
  // The same without the conversation's specifics ("outcome order_placed -> info_only",
  // "name not recorded"), one each: the aggregate table of failure kinds counts these.
  std::set<std::string> kinds;
};

ConversationVerdict JudgeConversation(const ConversationExpect& ex, const ConversationResult& r);

}  // namespace kira::eval
