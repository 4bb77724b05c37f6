// SessionBase: what Kira's and Vera's sessions share — the CRM trace (contact, lead,
// conversation, every turn written as it is said), phrase rendering with data-backed
// variables, yes/no detection, and the single Finish() that writes one outcome and a summary.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "catalog/product.h"
#include "dialog/engine.h"
#include "dialog/session.h"

namespace kira::dialog {

class SessionBase : public DialogSession {
 public:
  // A session destroyed before Finish() (its call lost on the way) ends its conversation as
  // "interrupted" (dialog/recovery.h).
  ~SessionBase() override;
  EndInfo Finish() override;
  bool ended() const override { return ended_; }
  const std::string& language() const override { return params_.language; }
  void SetRecordingPath(const std::string& path) override { recording_ = path; }
  std::vector<std::string> ExpectedPhrases() const override;

 protected:
  SessionBase(Engine& e, const AgentData& a, const SessionParams& p);

  // Creates (or reuses) the contact, the lead (unless lead_id > 0) and the conversation. An
  // inbound phone call writes them only when the caller first speaks (Materialize): a call
  // nobody spoke on leaves no contact and no lead, only an audit entry "call.no_speech".
  Status Open(const std::string& source, int64_t lead_id = 0);
  // Writes what Open deferred, then the agent's turns said so far; Ok when nothing is deferred.
  Status Materialize();
  // Renders a phrase, appends it to the reply and records it as an agent turn.
  void Say(Reply& r, const std::string& key, const Vars& vars = {});
  void SayText(Reply& r, const std::string& text);
  // Records a caller turn; returns its canonical form.
  std::string Hear(const std::string& text);
  void EndCall(Reply& r) {
    r.end = true;
    ended_ = true;
  }

  Vars BaseVars() const;
  Vars ProductVars(const catalog::Product& p) const;
  std::string Num(double v) const;
  // An amount in the profile's currency: "54 230,40 руб.", "£64.00"; spoken on the phone.
  std::string Money(double v) const;
  std::string UnitWord(const std::string& unit) const { return agent_.phrases.Unit(unit); }
  // The unit as said after a quantity: "1 piece", "12 pieces".
  std::string UnitWord(const std::string& unit, double qty) const {
    return qty == 1 ? agent_.phrases.UnitOne(unit) : agent_.phrases.Unit(unit);
  }
  std::string SpokenName(const catalog::Product& p) const;
  // A catalog attribute value as this agent says it: the lexicon's English name for colours,
  // surfaces, materials and categories; collections in Latin letters in English.
  std::string AttrWord(const std::string& attr, const std::string& value) const;
  bool IsYes(const std::string& canonical) const;
  bool IsNo(const std::string& canonical) const;
  IntentPrediction Classify(const std::string& canonical) const {
    return agent_.nlu->Classify(canonical);
  }
  // Callback time from the caller's words, in the caller's zone; nullopt if unusable.
  std::optional<TimePoint> ResolveCallback(const std::string& canonical, std::string* when_text,
                                           bool* has_time) const;
  Status AddToDnc(const std::string& reason);
  // `phone`: the number to call ("" = the caller's).
  Result<int64_t> CreateTask(crm::TaskKind kind, const std::string& agent, TimePoint not_before,
                             const std::string& note, const std::string& phone = "");

  // Called first when the conversation ends: subclasses write what the caller told them and is
  // not written yet (Kira: the caller's name on the contact).
  virtual void RecordBeforeEnd() {}
  // Subclasses decide the outcome, reason and summary when the conversation ends.
  virtual void ResolveOutcome(crm::Outcome* outcome, std::optional<crm::NonTargetedReason>* reason,
                              std::string* summary) = 0;
  // What the outcome makes of the lead's qualification (crm::Qualify): nullopt leaves it.
  virtual std::optional<crm::Qualification> Qualification(crm::Outcome outcome) const;

  // The catalog snapshot this conversation started with (engine's catalog may be replaced).
  const catalog::Catalog& catalog() const { return *catalog_; }

  Engine& engine_;
  std::shared_ptr<const catalog::Catalog> catalog_;
  const AgentData& agent_;
  SessionParams params_;
  int64_t contact_id_ = 0, lead_id_ = 0, conversation_id_ = 0;
  int64_t order_id_ = 0, task_id_ = 0;
  std::vector<std::string> caller_turns_;
  std::string recording_, transfer_to_;
  std::string interest_;  // what the caller asked about, for the lead
  int turn_ = 0;
  bool deferred_ = false;  // Open() waits for the caller's first words (inbound phone)
  std::string open_source_;
  int64_t opened_at_ = 0;
  std::vector<std::pair<std::string, int64_t>> pending_agent_turns_;  // text, at
  bool ended_ = false;
  bool finished_ = false;
  EndInfo end_info_;
};

}  // namespace kira::dialog
