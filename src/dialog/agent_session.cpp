// The agents' turn handling: safety and control intents, side questions, transfers, callbacks
// and the factories of Kira's and Vera's sessions (agent_policy.h).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/log.h"
#include "core/text.h"
#include "core/tz.h"
#include "dialog/agent_policy.h"
#include "dialog/grounding.h"
#include "dialog/slots.h"

namespace kira::dialog::policy {

Status KiraSession::Init() {
  if (!outbound_) return Open(params_.channel == "web" ? "web_form" : "inbound");
  if (params_.task_id <= 0) return Status::Invalid("vera needs a task (--task ID)");
  KIRA_ASSIGN_OR_RETURN(task_, engine_.store().GetTask(params_.task_id));
  if (task_.lead_id <= 0)
    return Status::Invalid("task " + std::to_string(task_.id) + " has no lead");
  KIRA_ASSIGN_OR_RETURN(crm::Lead lead, engine_.store().GetLead(task_.lead_id));
  lead_source_ = lead.source;
  interest_ = lead.interest;
  if (params_.caller.empty()) params_.caller = task_.phone;
  return Open("outbound", lead.id);
}

Reply KiraSession::Start() {
  Reply r;
  Say(r, "greeting");
  if (outbound_) {
    stage_ = Stage::kVeraConsent;
    const catalog::Product* p = catalog().Find(interest_);
    Vars v = p ? ProductVars(*p) : Vars{};
    if (lead_source_ == "web_form")
      Ask(r, "vera_consent", v);
    else if (p)
      Ask(r, "vera_confirm_person_product", v);
    else
      Ask(r, "vera_confirm_person", v);
  }
  return r;
}

Reply KiraSession::OnCallerText(const std::string& text) {
  Reply r;
  if (ended_) return r;
  std::string canon = Hear(text);
  if (canon.empty()) {
    Say(r, "not_heard");
    return r;
  }
  Handle(r, text, canon);
  return r;
}

Reply KiraSession::OnDtmf(char digit) {
  Reply r;
  if (ended_) return r;
  if (digit == '0' && dtmf_.empty()) {
    Transfer(r);
    return r;
  }
  if (digit == '#') {
    std::string digits = dtmf_;
    dtmf_.clear();
    if (!digits.empty()) return OnCallerText(digits);
    return r;
  }
  if (digit >= '0' && digit <= '9') dtmf_ += digit;
  return r;
}

Reply KiraSession::OnSilence(int count) {
  Reply r;
  if (ended_) return r;
  if (outbound_ && caller_turns_.empty() && count > agent_.phrases.settings().silence_reprompts) {
    EndCall(r);  // nobody answered: no_answer, nothing to say to an empty line
    return r;
  }
  if (count <= agent_.phrases.settings().silence_reprompts) {
    Say(r, "silence_reprompt");
    if (!last_question_.empty()) Say(r, last_question_, last_vars_);
  } else {
    Say(r, "silence_goodbye");
    EndCall(r);
  }
  return r;
}

Reply KiraSession::OnTransferFailed(const std::string& why) {
  Reply r;
  log::Warn("dialog", "transfer failed: " + why);
  transferred_ = false;
  transfer_to_.clear();
  auto id = CreateTask("callback", "", engine_.clock().Now(), "transfer failed: " + why);
  if (id.ok()) task_id_ = *id;
  callback_ = true;
  Say(r, "transfer_failed");
  ended_ = false;
  EndCall(r);
  return r;
}

Reply KiraSession::OnRecognitionUnavailable() {
  Reply r;
  Say(r, "recognition_unavailable");
  return r;
}

void KiraSession::Ask(Reply& r, const std::string& key, const Vars& vars) {
  last_question_ = key;
  last_vars_ = vars;
  Say(r, key, vars);
}

void KiraSession::Handle(Reply& r, const std::string& text, const std::string& canon) {
  IntentPrediction ip = Classify(canon);
  const double strong = 0.6;
  if (outbound_ && HandleAnsweringMachine(r, canon, ip)) return;
  // Safety and control intents win in every stage.
  static const char* kControl[] = {"abuse", "robot", "human",       "opt_out",
                                   "fraud", "prank", "wrong_number"};
  bool control = false;
  for (const char* c : kControl)
    if (ip.intent == c) control = true;
  // ...unless the utterance is also a plain answer to the question just asked ("да,
  // говорите" is a yes, not a request for a human): then only a very sure intent wins.
  bool answer = stage_ != Stage::kOpen && Expected(text, canon);
  double needed = answer ? 0.9 : strong;
  if (control && ip.confidence >= needed && HandleGlobal(r, ip, canon)) return;
  if (stage_ == Stage::kVeraConsent && HandleConsent(r, canon, ip)) return;
  // The answer the current question expects goes first; otherwise a side question
  // (hours, delivery, a callback...) is answered and the pending question asked again.
  if (stage_ == Stage::kOpen || !Expected(text, canon)) {
    if (HandleGlobal(r, ip, canon)) return;
  }
  switch (stage_) {
    case Stage::kOpen:
    case Stage::kClarify:
      return HandleRequest(r, text, canon, ip);
    case Stage::kVeraConsent:
      return Reask(r);
    case Stage::kAnalogs:
      return HandleAnalogChoice(r, text, canon, ip);
    case Stage::kQuantity:
      return HandleQuantityAnswer(r, text, canon, ip);
    case Stage::kSupplyConfirm:
      if (IsYes(canon)) return OfferOrder(r);
      if (IsNo(canon)) return Decline(r, "out_of_stock");
      return Reask(r);
    case Stage::kOrderOffer:
      if (IsYes(canon)) {
        stage_ = Stage::kName;
        return Ask(r, "ask_name");
      }
      if (IsNo(canon)) {
        stage_ = Stage::kOpen;
        return Ask(r, "anything_else");
      }
      return Reask(r);
    case Stage::kName: {
      auto n = ExtractName(text, true);
      if (!n) return Reask(r);
      name_ = *n;
      stage_ = Stage::kFulfilment;
      return Ask(r, "ask_fulfilment", {{"name", name_}});
    }
    case Stage::kFulfilment: {
      auto f = ExtractFulfilment(canon);
      if (!f) return Reask(r);
      fulfilment_ = *f;
      if (fulfilment_ == "delivery") {
        stage_ = Stage::kAddress;
        return Ask(r, "ask_address");
      }
      return ConfirmOrder(r);
    }
    case Stage::kAddress: {
      auto a = ExtractAddress(text);
      if (!a) return Reask(r);
      address_ = *a;
      return ConfirmOrder(r);
    }
    case Stage::kConfirmOrder:
      if (IsYes(canon)) return PlaceOrder(r);
      if (IsNo(canon)) {
        stage_ = Stage::kQuantity;
        return Ask(r, "order_change", ProductVars(*product_));
      }
      return Reask(r);
    case Stage::kCallbackTime:
      return HandleCallback(r, canon, true);
    case Stage::kOfferManager:
      if (IsYes(canon)) return Transfer(r);
      if (IsNo(canon)) {
        Say(r, "goodbye");
        return EndCall(r);
      }
      return Reask(r);
    case Stage::kQualifiedName: {
      auto n = ExtractName(text, true);
      if (n) name_ = *n;
      auto id =
          CreateTask("manager_followup", "", engine_.clock().Now(),
                     "big project: " + Num(qty_) + " " + product_->unit + " " + product_->sku);
      if (id.ok())
        task_id_ = *id;
      else
        log::Error("dialog", "cannot create manager task: " + id.status().message());
      Say(r, "qualified_thanks", {{"name", name_}});
      return EndCall(r);
    }
  }
}

// Whether the utterance carries what the current stage asked for.
bool KiraSession::Expected(const std::string& text, const std::string& canon) const {
  switch (stage_) {
    case Stage::kQuantity:
      return ExtractQuantity(canon, true).has_value() || IsNo(canon);
    case Stage::kName:
    case Stage::kQualifiedName:
      return ExtractName(text, true).has_value();
    case Stage::kFulfilment:
      return ExtractFulfilment(canon).has_value();
    case Stage::kAddress:
      return ExtractAddress(text).has_value();
    case Stage::kCallbackTime:
      return ExtractCallbackTime(canon).has_value();
    case Stage::kClarify:
      return ChooseAmong(canon) != nullptr || IsNo(canon);
    case Stage::kAnalogs:
      return ExtractChoice(canon).has_value() || IsNo(canon) || IsYes(canon);
    case Stage::kSupplyConfirm:
    case Stage::kOrderOffer:
    case Stage::kConfirmOrder:
    case Stage::kOfferManager:
    case Stage::kVeraConsent:
      return IsYes(canon) || IsNo(canon);
    case Stage::kOpen:
      return false;
  }
  return false;
}

bool KiraSession::HandleGlobal(Reply& r, const IntentPrediction& ip, const std::string& canon) {
  const std::string& in = ip.intent;
  double th = agent_.phrases.settings().intent_threshold;
  if (ip.confidence < th) return false;
  if (in == "abuse") {
    if (abuse_warnings_ < agent_.phrases.settings().abuse_warnings) {
      ++abuse_warnings_;
      Say(r, "abuse_warning");
      return true;
    }
    terminal_ = "abusive";
    Say(r, "abuse_end");
    EndCall(r);
    return true;
  }
  if (in == "robot") {
    Say(r, "disclosure");
    if (!last_question_.empty() && stage_ != Stage::kOpen)
      Say(r, last_question_, last_vars_);
    else
      Say(r, "how_can_i_help");
    return true;
  }
  if (in == "human") {
    Transfer(r);
    return true;
  }
  // Intents that end the conversation with one sentence (and set the outcome, if any).
  struct Ending {
    const char* intent;
    const char* outcome;
    const char* phrase;
  };
  static const Ending kEndings[] = {{"prank", "prank", "prank_end"},
                                    {"fraud", "fraud_suspected", "fraud_refuse"},
                                    {"opt_out", "opt_out", "opt_out"},
                                    {"wrong_number", "wrong_number", "wrong_number"},
                                    {"goodbye", "", "goodbye"}};
  for (const Ending& e : kEndings) {
    if (in != e.intent) continue;
    if (*e.outcome) terminal_ = e.outcome;
    if (in == "opt_out") {
      Status s = AddToDnc("opt_out");
      if (!s.ok()) log::Error("dialog", "cannot add to do-not-call: " + s.message());
    }
    Say(r, e.phrase);
    EndCall(r);
    return true;
  }
  if (in == "callback") {
    HandleCallback(r, canon, false);
    return true;
  }
  if (in == "hours" || in == "address" || in == "delivery") {
    info_ = true;
    Say(r, "info_" + in);
    FollowUp(r);
    return true;
  }
  if (in == "faq") {
    if (const business::FaqEntry* f = MatchFaq(canon)) {
      info_ = true;
      SayText(r, f->a);
      FollowUp(r);
      return true;
    }
    return false;
  }
  return false;
}

// After answering a side question, come back to the pending one.
void KiraSession::FollowUp(Reply& r) {
  if (stage_ != Stage::kOpen && !last_question_.empty())
    Say(r, last_question_, last_vars_);
  else
    Ask(r, "anything_else");
}

const business::FaqEntry* KiraSession::MatchFaq(const std::string& canon) const {
  auto stems = [](const std::string& s) {
    std::vector<std::string> out;
    for (const auto& t : text::Tokens(s))
      if (t.size() > 4) out.push_back(text::Stem(t));
    return out;
  };
  std::vector<std::string> q = stems(canon);
  const business::FaqEntry* best = nullptr;
  int best_n = 0;
  for (const auto& f : engine_.profile().faq) {
    int n = 0;
    for (const auto& s : stems(text::Canonical(f.q)))
      for (const auto& t : q)
        if (s == t) ++n;
    if (n > best_n) {
      best_n = n;
      best = &f;
    }
  }
  return best_n >= 1 ? best : nullptr;
}

void KiraSession::Reask(Reply& r) {
  if (++reasks_ > 2) {
    stage_ = Stage::kOfferManager;
    Ask(r, "offer_manager");
    return;
  }
  Say(r, "not_understood");
  if (!last_question_.empty()) Say(r, last_question_, last_vars_);
}

void KiraSession::Transfer(Reply& r) {
  terminal_ = "transferred";
  transferred_ = true;
  Say(r, "transfer");
  if (params_.channel == "phone" && !engine_.profile().manager.sip.empty()) {
    transfer_to_ = engine_.profile().manager.sip;
    r.transfer_to = transfer_to_;
  } else {
    transfer_to_ = engine_.profile().manager.phone;
  }
  EndCall(r);
}

void KiraSession::HandleCallback(Reply& r, const std::string& canon, bool asked) {
  std::string when;
  bool has_time = false;
  auto at = ResolveCallback(canon, &when, &has_time);
  if (!at || !has_time) {
    if (asked && ++reasks_ > 2) {
      stage_ = Stage::kOfferManager;
      return Ask(r, "offer_manager");
    }
    stage_ = Stage::kCallbackTime;
    return Ask(r, "ask_callback_time");
  }
  std::string note = interest_.empty() ? "callback requested" : "callback about " + interest_;
  auto id = CreateTask("callback", "", *at, note);
  if (!id.ok()) {
    log::Error("dialog", "cannot create callback task: " + id.status().message());
    Say(r, "technical_problem");
    return;
  }
  task_id_ = *id;
  callback_ = true;
  CivilTime c = ToCivilLocal(*at);
  char hhmm[8];
  std::snprintf(hhmm, sizeof hhmm, "%d:%02d", c.hour, c.minute);
  stage_ = Stage::kOpen;
  Say(r, "callback_confirm", {{"when", when}, {"time", hhmm}});
  Ask(r, "anything_else");
}
std::vector<std::string> KiraSession::ExpectedPhrases() const {
  std::vector<std::string> out = SessionBase::ExpectedPhrases();
  bool ru = params_.language == "ru";
  if (stage_ == Stage::kQuantity) {
    // Quantities as callers say them; the recogniser spells the digits out.
    static const int kCounts[] = {1,  2,  3,  4,  5,  6,  7,   8,   9,   10,  11,  12,
                                  13, 14, 15, 16, 17, 18, 19,  20,  25,  30,  35,  40,
                                  45, 50, 60, 70, 80, 90, 100, 120, 150, 200, 250, 300};
    const std::vector<std::string> units =
        ru ? std::vector<std::string>{"метров", "квадратов", "коробок", "штук", "упаковок"}
           : std::vector<std::string>{"square meters", "boxes", "pieces", "packs"};
    for (int n : kCounts) {
      out.push_back(std::to_string(n));
      for (const auto& u : units) out.push_back(std::to_string(n) + " " + u);
    }
  }
  if (stage_ == Stage::kClarify) {
    for (const auto* c : candidates_) {
      for (const auto& [attr, value] : {std::pair<std::string, std::string>{"color", c->color},
                                        {"surface", c->surface},
                                        {"collection", c->collection}}) {
        if (value.empty()) continue;
        std::string w = AttrWord(attr, value);
        out.push_back(w);
        if (!ru) out.push_back("the " + w + " one");
      }
      out.push_back(c->format);
    }
  }
  return out;
}

}  // namespace kira::dialog::policy

namespace kira::dialog {

Result<std::unique_ptr<DialogSession>> NewKiraSession(Engine& e, const AgentData& a,
                                                      const SessionParams& p) {
  auto s = std::make_unique<policy::KiraSession>(e, a, p, /*outbound=*/false);
  KIRA_RETURN_IF_ERROR(s->Init());
  return std::unique_ptr<DialogSession>(std::move(s));
}

Result<std::unique_ptr<DialogSession>> NewVeraSession(Engine& e, const AgentData& a,
                                                      const SessionParams& p) {
  auto s = std::make_unique<policy::KiraSession>(e, a, p, /*outbound=*/true);
  KIRA_RETURN_IF_ERROR(s->Init());
  return std::unique_ptr<DialogSession>(std::move(s));
}

}  // namespace kira::dialog

namespace kira::dialog::policy {

Expect KiraSession::Pending() const {
  if (ended_) return Expect::kNone;
  switch (stage_) {
    case Stage::kOpen:
      return Expect::kNone;
    case Stage::kClarify:
      return candidates_.empty() ? Expect::kNone : Expect::kWhich;
    case Stage::kAnalogs:
      return Expect::kAnalogs;
    case Stage::kQuantity:
      return Expect::kQuantity;
    case Stage::kSupplyConfirm:
      return Expect::kYesNo;
    case Stage::kOrderOffer:
      return Expect::kOrderOffer;
    case Stage::kName:
    case Stage::kQualifiedName:
      return Expect::kName;
    case Stage::kFulfilment:
      return Expect::kFulfilment;
    case Stage::kAddress:
      return Expect::kAddress;
    case Stage::kConfirmOrder:
      return Expect::kConfirm;
    case Stage::kCallbackTime:
      return Expect::kCallbackTime;
    case Stage::kOfferManager:
      return Expect::kManager;
    case Stage::kVeraConsent:
      return Expect::kConsent;
  }
  return Expect::kNone;
}

}  // namespace kira::dialog::policy
