// The agents' policy. Kira (inbound) answers from the catalog, stock and profile only, finds
// analogs, checks the distributor, takes orders (confirmed before they are written), qualifies
// the caller, and handles robot questions, abuse, pranks, fraud, hand-offs, callbacks and
// opt-outs. Vera (outbound) is the same policy with a different opening: she confirms the
// person and their consent, recognises telephone secretaries and voicemail, reminds the caller
// of their request and offers it, an analog or a related product. The policy is code; every
// word comes from the agent's scenario data.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "catalog/catalog.h"
#include "core/log.h"
#include "core/text.h"
#include "core/tz.h"
#include "dialog/grounding.h"
#include "dialog/session_base.h"
#include "dialog/slots.h"

namespace kira::dialog {

namespace {

enum class Stage {
  kOpen,          // waiting for a request
  kClarify,       // asked which of several products
  kAnalogs,       // offered analogs
  kQuantity,      // asked how much
  kSupplyConfirm, // asked whether to order from the distributor's stock
  kOrderOffer,    // said the total, asked whether to place the order
  kName,
  kFulfilment,
  kAddress,
  kConfirmOrder,
  kCallbackTime,
  kOfferManager,
  kQualifiedName, // big project: asked the name for the manager
  kVeraConsent    // Vera: asked whether this is the person who asked to be called
};

catalog::SearchOptions Limit(size_t n) {
  catalog::SearchOptions o;
  o.limit = n;
  return o;
}

class KiraSession : public SessionBase {
 public:
  KiraSession(Engine& e, const AgentData& a, const SessionParams& p, bool outbound)
      : SessionBase(e, a, p), outbound_(outbound) {}

  Status Init() {
    if (!outbound_) return Open(params_.channel == "web" ? "web_form" : "inbound");
    if (params_.task_id <= 0) return Status::Invalid("vera needs a task (--task ID)");
    KIRA_ASSIGN_OR_RETURN(task_, engine_.store().GetTask(params_.task_id));
    if (task_.lead_id <= 0) return Status::Invalid("task " + std::to_string(task_.id) +
                                                   " has no lead");
    KIRA_ASSIGN_OR_RETURN(crm::Lead lead, engine_.store().GetLead(task_.lead_id));
    lead_source_ = lead.source;
    interest_ = lead.interest;
    if (params_.caller.empty()) params_.caller = task_.phone;
    return Open("outbound", lead.id);
  }

  Reply Start() override {
    Reply r;
    Say(r, "greeting");
    if (outbound_) {
      stage_ = Stage::kVeraConsent;
      const catalog::Product* p = engine_.catalog().Find(interest_);
      Vars v = p ? ProductVars(*p) : Vars{};
      if (lead_source_ == "web_form") Ask(r, "vera_consent", v);
      else if (p) Ask(r, "vera_confirm_person_product", v);
      else Ask(r, "vera_confirm_person", v);
    }
    return r;
  }

  Reply OnCallerText(const std::string& text) override {
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

  Reply OnDtmf(char digit) override {
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

  Reply OnSilence(int count) override {
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

  Reply OnTransferFailed(const std::string& why) override {
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

  Reply OnRecognitionUnavailable() override {
    Reply r;
    Say(r, "recognition_unavailable");
    return r;
  }

 private:
  void Ask(Reply& r, const std::string& key, const Vars& vars = {}) {
    last_question_ = key;
    last_vars_ = vars;
    Say(r, key, vars);
  }

  void Handle(Reply& r, const std::string& text, const std::string& canon) {
    IntentPrediction ip = Classify(canon);
    const double strong = 0.6;
    if (outbound_ && HandleAnsweringMachine(r, canon, ip)) return;
    // Safety and control intents win in every stage.
    static const char* kControl[] = {"abuse", "robot", "human", "opt_out", "fraud", "prank",
                                     "wrong_number"};
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
      case Stage::kClarify: return HandleRequest(r, text, canon, ip);
      case Stage::kVeraConsent: return Reask(r);
      case Stage::kAnalogs: return HandleAnalogChoice(r, text, canon, ip);
      case Stage::kQuantity: return HandleQuantityAnswer(r, text, canon, ip);
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
      case Stage::kCallbackTime: return HandleCallback(r, canon, true);
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
        auto id = CreateTask("manager_followup", "", engine_.clock().Now(),
                             "big project: " + Num(qty_) + " " + product_->unit + " " +
                                 product_->sku);
        if (id.ok()) task_id_ = *id;
        else log::Error("dialog", "cannot create manager task: " + id.status().message());
        Say(r, "qualified_thanks", {{"name", name_}});
        return EndCall(r);
      }
    }
  }

  // Whether the utterance carries what the current stage asked for.
  bool Expected(const std::string& text, const std::string& canon) const {
    switch (stage_) {
      case Stage::kQuantity: return ExtractQuantity(canon, true).has_value() || IsNo(canon);
      case Stage::kName:
      case Stage::kQualifiedName: return ExtractName(text, true).has_value();
      case Stage::kFulfilment: return ExtractFulfilment(canon).has_value();
      case Stage::kAddress: return ExtractAddress(text).has_value();
      case Stage::kCallbackTime: return ExtractCallbackTime(canon).has_value();
      case Stage::kClarify: return ChooseAmong(canon) != nullptr || IsNo(canon);
      case Stage::kAnalogs:
        return ExtractChoice(canon).has_value() || IsNo(canon) || IsYes(canon);
      case Stage::kSupplyConfirm:
      case Stage::kOrderOffer:
      case Stage::kConfirmOrder:
      case Stage::kOfferManager:
      case Stage::kVeraConsent: return IsYes(canon) || IsNo(canon);
      case Stage::kOpen: return false;
    }
    return false;
  }

  bool HandleGlobal(Reply& r, const IntentPrediction& ip, const std::string& canon) {
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
      if (!last_question_.empty() && stage_ != Stage::kOpen) Say(r, last_question_, last_vars_);
      else Say(r, "how_can_i_help");
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
  void FollowUp(Reply& r) {
    if (stage_ != Stage::kOpen && !last_question_.empty()) Say(r, last_question_, last_vars_);
    else Ask(r, "anything_else");
  }

  const business::FaqEntry* MatchFaq(const std::string& canon) const {
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

  void Reask(Reply& r) {
    if (++reasks_ > 2) {
      stage_ = Stage::kOfferManager;
      Ask(r, "offer_manager");
      return;
    }
    Say(r, "not_understood");
    if (!last_question_.empty()) Say(r, last_question_, last_vars_);
  }

  void Transfer(Reply& r) {
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

  void HandleCallback(Reply& r, const std::string& canon, bool asked) {
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

  CivilTime ToCivilLocal(TimePoint t) const { return ToCivil(engine_.profile().timezone, t); }

  void HandleRequest(Reply& r, const std::string& text, const std::string& canon,
                     const IntentPrediction& ip) {
    const catalog::Catalog& cat = engine_.catalog();
    catalog::Catalog::Mentions m = cat.Extract(canon);
    if (!m.not_sold.empty()) {
      nt_reason_ = "not_sold";
      interest_ = m.not_sold;
      std::string what = m.not_sold;
      if (params_.language != "ru")
        for (const auto& e : cat.lexicon().not_sold)
          if (e.value == m.not_sold && !e.name_en.empty()) what = e.name_en;
      Say(r, "not_sold", {{"what", what}});
      return Ask(r, "anything_else");
    }
    auto hits = cat.Search(canon, Limit(5));
    // A choice among the products we asked about.
    if (stage_ == Stage::kClarify && !candidates_.empty()) {
      if (IsNo(canon) && !ChooseAmong(canon)) return Decline(r, "");
      if (auto q = ExtractQuantity(canon, false)) pending_qty_ = q;
      const catalog::Product* chosen = ChooseAmong(canon);
      if (chosen) {
        candidates_.clear();
        return Present(r, *chosen, canon);
      }
      bool new_request = !hits.empty() && hits[0].matched_terms >= 2;
      if (!new_request) return Reask(r);
      candidates_.clear();
    }
    bool product_words = !m.category.empty() || !m.brand.empty() || !m.collection.empty() ||
                         !m.format.empty();
    bool product_intent = ip.intent == "product_query" || ip.intent == "order";
    if (!hits.empty() && (hits[0].matched_terms >= 2 || (product_words && product_intent))) {
      // Several equally good products that differ: ask which one.
      std::vector<const catalog::Product*> top;
      for (const auto& h : hits)
        if (h.score >= hits[0].score * 0.97 && top.size() < 3) top.push_back(h.product);
      top = KeepExactMentions(top, m);
      if (top.size() > 1 && clarifications_ < agent_.phrases.settings().max_clarifications) {
        ++clarifications_;
        candidates_ = top;
        stage_ = Stage::kClarify;
        return AskWhich(r);
      }
      return Present(r, *hits[0].product, canon);
    }
    // Nothing we can answer: clarify, at most max_clarifications times, then offer a manager.
    if (clarifications_ < agent_.phrases.settings().max_clarifications) {
      ++clarifications_;
      stage_ = Stage::kOpen;
      return Ask(r, clarifications_ == 1 ? "clarify_1" : "clarify_2");
    }
    nt_reason_ = nt_reason_.empty() ? "unclear" : nt_reason_;
    unclear_ = true;
    stage_ = Stage::kOfferManager;
    Ask(r, "offer_manager");
  }

  // Drops candidates that contradict an attribute the caller named exactly ("серый" is not
  // "темно-серый"), unless that would drop them all.
  static std::vector<const catalog::Product*> KeepExactMentions(
      std::vector<const catalog::Product*> in, const catalog::Catalog::Mentions& m) {
    auto filter = [&](const std::string& said, std::string catalog::Product::*field) {
      if (said.empty()) return;
      std::vector<const catalog::Product*> out;
      for (const auto* p : in)
        if (text::Lower(p->*field) == text::Lower(said)) out.push_back(p);
      if (!out.empty()) in = out;
    };
    filter(m.color, &catalog::Product::color);
    filter(m.format, &catalog::Product::format);
    filter(m.surface, &catalog::Product::surface);
    filter(m.collection, &catalog::Product::collection);
    filter(m.brand, &catalog::Product::brand);
    return in;
  }

  // Asks which candidate, by the first attribute that tells them apart ("Какой формат: 60x60
  // или 60x120?"), or by name when only names differ.
  void AskWhich(Reply& r) {
    struct Attr {
      const char* key;
      std::string catalog::Product::*field;
    };
    static const Attr kAttrs[] = {{"format", &catalog::Product::format},
                                  {"color", &catalog::Product::color},
                                  {"surface", &catalog::Product::surface},
                                  {"collection", &catalog::Product::collection},
                                  {"brand", &catalog::Product::brand}};
    auto join = [&](const std::vector<std::string>& items) {
      std::string out;
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += i + 1 == items.size() ? agent_.phrases.Render("or", {}) : ", ";
        out += items[i];
      }
      return out;
    };
    for (const Attr& a : kAttrs) {
      std::vector<std::string> values;
      bool differ = false;
      for (const auto* c : candidates_) {
        const std::string& v = c->*(a.field);
        if (v.empty()) {
          values.clear();
          break;
        }
        if (std::find(values.begin(), values.end(), v) == values.end()) {
          if (!values.empty()) differ = true;
          values.push_back(v);
        }
      }
      if (differ && values.size() == candidates_.size()) {
        std::string key = std::string("clarify_") + a.key;
        if (agent_.phrases.Has(key)) return Ask(r, key, {{"options", join(values)}});
      }
    }
    std::vector<std::string> names;
    for (const auto* c : candidates_) names.push_back(SpokenName(*c));
    Ask(r, "clarify_which", {{"options", join(names)}});
  }

  // Which of the candidates the caller picked: by ordinal ("второй"), or by the words that
  // tell them apart ("матовый").
  const catalog::Product* ChooseAmong(const std::string& canon) const {
    auto choice = ExtractChoice(canon);
    if (choice) {
      int idx = *choice == -2 ? static_cast<int>(candidates_.size()) - 1 : *choice;
      if (idx >= 0 && idx < static_cast<int>(candidates_.size())) return candidates_[idx];
    }
    std::vector<std::string> said;
    for (const auto& t : text::Tokens(canon)) said.push_back(text::Stem(t));
    const catalog::Product* best = nullptr;
    int best_n = 0;
    bool tie = false;
    for (const auto* c : candidates_) {
      int n = 0;
      for (const auto& t : text::Tokens(text::Canonical(SpokenName(*c) + " " + c->surface + " " +
                                                         c->color))) {
        std::string st = text::Stem(t);
        bool distinct = true;  // count only words not shared by every candidate
        for (const auto* o : candidates_)
          if (o != c && (" " + text::Canonical(SpokenName(*o) + " " + o->surface + " " +
                                               o->color) + " ")
                                .find(" " + t + " ") != std::string::npos)
            distinct = false;
        if (!distinct) continue;
        for (const auto& s : said)
          if (s == st) ++n;
      }
      if (n > best_n) {
        best_n = n;
        best = c;
        tie = false;
      } else if (n == best_n && n > 0) {
        tie = true;
      }
    }
    return tie ? nullptr : best;
  }

  // Says what we know about a product and moves the conversation on.
  void Present(Reply& r, const catalog::Product& p, const std::string& canon) {
    product_ = &p;
    interest_ = p.sku;
    asked_product_ = true;
    Vars v = ProductVars(p);
    const catalog::Catalog& cat = engine_.catalog();
    if (p.discontinued) return OfferAnalogs(r, p, "discontinued");
    auto dist = cat.Distributor(p.sku);
    if (p.stock > 0) {
      Say(r, "in_stock", v);
    } else if (dist && dist->qty > 0) {
      Say(r, "shop_out_distributor_has", v);
    } else {
      return OfferAnalogs(r, p, "out_of_stock");
    }
    auto q = ExtractQuantity(canon, false);
    if (q) {
      for (double n : NumbersIn(p.name + " " + p.format))
        if (std::fabs(n - q->value) < 1e-9) q.reset();  // "затирка 5 кг" names the bag
      if (q && q->value > 0 && q->unit == "") q.reset();
    }
    if (!q && pending_qty_) q = pending_qty_;
    pending_qty_.reset();
    if (q) return HandleQuantity(r, *q);
    stage_ = Stage::kQuantity;
    Ask(r, "ask_quantity", v);
  }

  void OfferAnalogs(Reply& r, const catalog::Product& p, const std::string& reason) {
    nt_reason_ = reason;
    Vars v = ProductVars(p);
    analogs_.clear();
    for (const auto& a : engine_.catalog().FindAnalogs(p, agent_.phrases.settings().max_analogs))
      analogs_.push_back(a);
    if (analogs_.empty()) {
      Say(r, reason + "_no_analogs", v);
      stage_ = Stage::kOpen;
      return Ask(r, "anything_else");
    }
    Say(r, reason + "_analogs_intro", v);
    for (size_t i = 0; i < analogs_.size(); ++i) {
      Vars av = ProductVars(*analogs_[i].product);
      std::string why;
      for (const auto& code : analogs_[i].reasons) {
        std::string w = agent_.phrases.Render("analog_reason_" + code, {});
        if (w.empty()) continue;
        if (!why.empty()) why += ", ";
        why += w;
      }
      av["reasons"] = why;
      av["n"] = agent_.phrases.Render("ordinal_" + std::to_string(i + 1), {});
      Say(r, "analog_item", av);
    }
    stage_ = Stage::kAnalogs;
    Ask(r, "analog_question");
  }

  void HandleAnalogChoice(Reply& r, const std::string& text, const std::string& canon,
                          const IntentPrediction& ip) {
    auto choice = ExtractChoice(canon);
    const catalog::Product* chosen = nullptr;
    if (choice) {
      int idx = *choice == -2 ? static_cast<int>(analogs_.size()) - 1 : *choice;
      if (idx >= 0 && idx < static_cast<int>(analogs_.size())) chosen = analogs_[idx].product;
    }
    if (!chosen) {
      for (const auto& h : engine_.catalog().Search(canon, Limit(10)))
        for (const auto& a : analogs_)
          if (h.product == a.product && h.matched_terms >= 1 && !chosen) chosen = a.product;
    }
    if (!chosen && IsNo(canon)) return Decline(r, nt_reason_);
    if (!chosen && IsYes(canon) && analogs_.size() == 1) chosen = analogs_[0].product;
    if (!chosen) return Reask(r);
    Present(r, *chosen, canon);
  }

  void Decline(Reply& r, const std::string& reason) {
    if (!reason.empty()) nt_reason_ = reason;
    stage_ = Stage::kOpen;
    Say(r, "decline_ok");
    Ask(r, "anything_else");
  }

  void HandleQuantityAnswer(Reply& r, const std::string& text, const std::string& canon,
                            const IntentPrediction& ip) {
    auto q = ExtractQuantity(canon, true);
    if (q) return HandleQuantity(r, *q);
    if (IsNo(canon)) return Decline(r, "");
    // A different product instead of a quantity.
    if (ip.intent == "product_query" && ip.confidence >= 0.5) {
      stage_ = Stage::kOpen;
      return HandleRequest(r, text, canon, ip);
    }
    Reask(r);
  }

  void HandleQuantity(Reply& r, const Quantity& q) {
    const catalog::Product& p = *product_;
    double qty = q.value;
    bool tile = p.unit == "м2";
    if (tile && q.unit == "box") {
      if (!p.box_m2) return Ask(r, "ask_quantity_m2", ProductVars(p));
      qty = q.value * *p.box_m2;
    }
    Vars v = ProductVars(p);
    if (tile && engine_.profile().rules.min_order_m2 > 0 &&
        qty < engine_.profile().rules.min_order_m2) {
      nt_reason_ = "small_quantity";
      small_ = true;
      v["qty"] = Num(qty);
      stage_ = Stage::kQuantity;
      return Ask(r, "small_quantity", v);
    }
    small_ = false;
    if (tile && p.box_m2 && *p.box_m2 > 0) {
      double boxes = std::ceil(qty / *p.box_m2 - 1e-9);
      double rounded = std::round(boxes * *p.box_m2 * 1000) / 1000;
      if (std::fabs(rounded - qty) > 1e-6) {
        v["boxes"] = Num(boxes);
        v["qty"] = Num(rounded);
        Say(r, "rounded_to_boxes", v);
      }
      qty = rounded;
    }
    qty_ = qty;
    v["qty"] = Num(qty);
    if (tile && engine_.profile().rules.big_project_m2 > 0 &&
        qty >= engine_.profile().rules.big_project_m2) {
      qualified_ = true;
      stage_ = Stage::kQualifiedName;
      return Ask(r, "big_project", v);
    }
    auto dist = engine_.catalog().Distributor(p.sku);
    if (qty <= p.stock) {
      supply_ = "shop";
      lead_days_ = 0;
      return OfferOrder(r);
    }
    double dq = dist ? dist->qty : 0;
    if (p.stock + dq >= qty) {
      supply_ = "distributor";
      lead_days_ = dist->lead_days;
      stage_ = Stage::kSupplyConfirm;
      return Ask(r, p.stock > 0 ? "partial_from_distributor" : "order_from_distributor", v);
    }
    nt_reason_ = "out_of_stock";
    Say(r, "not_enough_anywhere", v);
    OfferAnalogs(r, p, "out_of_stock");
  }

  void OfferOrder(Reply& r) {
    Vars v = ProductVars(*product_);
    v["qty"] = Num(qty_);
    v["total"] = Money(product_->price * qty_);
    stage_ = Stage::kOrderOffer;
    Ask(r, "order_offer", v);
  }

  void ConfirmOrder(Reply& r) {
    Vars v = ProductVars(*product_);
    v["qty"] = Num(qty_);
    v["total"] = Money(product_->price * qty_);
    v["name"] = name_;
    v["fulfilment"] = agent_.phrases.Render("fulfilment_" + fulfilment_, {{"address", address_}});
    v["supply"] = supply_ == "distributor"
                      ? agent_.phrases.Render("supply_distributor", ProductVars(*product_))
                      : "";
    stage_ = Stage::kConfirmOrder;
    Ask(r, "confirm_order", v);
  }

  void PlaceOrder(Reply& r) {
    crm::Order o;
    o.lead_id = lead_id_;
    o.conversation_id = conversation_id_;
    o.status = "confirmed";
    o.fulfilment = fulfilment_;
    o.address = address_;
    o.customer_name = name_;
    o.supply = supply_;
    o.lead_days = lead_days_;
    o.created_at = ToUnixMillis(engine_.clock().Now());
    crm::OrderLine l;
    l.sku = product_->sku;
    l.name = product_->name;
    l.qty = qty_;
    l.unit = product_->unit;
    l.price = product_->price;
    o.lines.push_back(l);
    o.total = std::round(l.price * l.qty * 100) / 100;
    auto id = engine_.store().CreateOrder(o);
    if (!id.ok()) {
      log::Error("dialog", "cannot write order: " + id.status().message());
      Say(r, "technical_problem");
      return Transfer(r);
    }
    order_id_ = *id;
    if (!name_.empty()) {
      auto c = engine_.store().GetContact(contact_id_);
      if (c.ok() && c->name.empty()) {
        crm::Contact cc = *c;
        cc.name = name_;
        engine_.store().UpsertContact(cc);
      }
    }
    Vars v = ProductVars(*product_);
    v["order_id"] = std::to_string(order_id_);
    v["total"] = Money(o.total);
    Say(r, fulfilment_ == "delivery" ? "order_placed_delivery" : "order_placed_pickup", v);
    stage_ = Stage::kOpen;
    Ask(r, "anything_else_after_order");
  }

  // Vera: a telephone secretary (Alice/Oleg/Salut-style) or voicemail answered instead of the
  // person. The secretary gets one sentence with the company and the purpose; the manager gets
  // a task to follow up in a text channel.
  bool HandleAnsweringMachine(Reply& r, const std::string& canon, const IntentPrediction& ip) {
    if (!caller_turns_.empty() && caller_turns_.size() > 2) return false;
    bool secretary = ContainsAny(canon, agent_.phrases.List("secretary_phrases")) ||
                     (ip.intent == "secretary" && ip.confidence >= 0.6);
    bool voicemail = ContainsAny(canon, agent_.phrases.List("voicemail_phrases")) ||
                     (ip.intent == "voicemail" && ip.confidence >= 0.6);
    if (!secretary && !voicemail) return false;
    terminal_ = secretary ? "secretary" : "voicemail";
    Say(r, secretary ? "vera_secretary_message" : "vera_voicemail_message");
    auto id = CreateTask("text_followup", "", engine_.clock().Now(),
                         terminal_ + " answered the callback; follow up by text message");
    if (id.ok()) task_id_ = *id;
    EndCall(r);
    return true;
  }

  // Vera: is this the person, and did they ask to be called?
  bool HandleConsent(Reply& r, const std::string& canon, const IntentPrediction& ip) {
    // "Don't call me again" is an opt-out, not a wrong number: both end the call, but only
    // the second flags the lead's source.
    if (ip.intent == "opt_out" && ip.confidence >= agent_.phrases.settings().intent_threshold)
      return HandleGlobal(r, ip, canon);
    bool no = IsNo(canon) || ip.intent == "wrong_number";
    if (no) {
      terminal_ = "wrong_number";
      Say(r, "vera_consent_refused");
      Status s = AddToDnc("wrong_number");
      if (!s.ok()) log::Error("dialog", "cannot add to do-not-call: " + s.message());
      auto lead = engine_.store().GetLead(lead_id_);
      if (lead.ok()) {
        crm::Lead l = *lead;
        l.source_flagged = lead_source_ == "web_form";
        engine_.store().UpdateLead(l);
      }
      EndCall(r);
      return true;
    }
    if (!IsYes(canon)) return false;  // robot question, opt-out, callback...: global intents
    stage_ = Stage::kOpen;
    const catalog::Product* p = engine_.catalog().Find(interest_);
    if (!p) {
      Ask(r, "vera_how_help");
      return true;
    }
    Say(r, "vera_remind", ProductVars(*p));
    if (p->discontinued || (p->stock <= 0 && !HasDistributorStock(*p))) {
      OfferAnalogs(r, *p, p->discontinued ? "discontinued" : "out_of_stock");
      return true;
    }
    product_ = p;
    asked_product_ = true;
    Vars v = ProductVars(*p);
    Say(r, p->stock > 0 ? "in_stock" : "shop_out_distributor_has", v);
    OfferRelated(r, *p);
    stage_ = Stage::kQuantity;
    Ask(r, "ask_quantity", v);
    return true;
  }

  bool HasDistributorStock(const catalog::Product& p) const {
    auto d = engine_.catalog().Distributor(p.sku);
    return d && d->qty > 0;
  }

  // A renovation needs more than tiles: the first in-stock companion (grout in the tile's
  // colour, adhesive, tools — the lexicon's `related` list).
  void OfferRelated(Reply& r, const catalog::Product& p) {
    for (const auto& c : engine_.catalog().FindRelated(p, 1)) {
      if (!c.product || c.product->stock <= 0 || c.product->discontinued) continue;
      Say(r, "vera_related", ProductVars(*c.product));
      return;
    }
  }

  void ResolveOutcome(std::string* outcome, std::string* reason, std::string* summary) override {
    if (outbound_) return ResolveOutboundOutcome(outcome, reason, summary);
    Vars v = BaseVars();
    if (product_) {
      Vars pv = ProductVars(*product_);
      v.insert(pv.begin(), pv.end());
    }
    v["qty"] = Num(qty_);
    v["order_id"] = std::to_string(order_id_);
    v["name"] = name_;
    if (!terminal_.empty() && !(terminal_ == "transferred" && order_id_)) {
      *outcome = terminal_;
    } else if (order_id_) {
      *outcome = "order_placed";
    } else if (qualified_) {
      *outcome = "qualified";
    } else if (callback_) {
      *outcome = "callback_scheduled";
    } else if (!nt_reason_.empty()) {
      *outcome = "non_targeted";
      *reason = nt_reason_;
    } else if (asked_product_ || info_) {
      *outcome = "info_only";
    } else {
      *outcome = "non_targeted";
      *reason = caller_turns_.empty() ? "unclear" : "other";
    }
    if (*outcome == "non_targeted" && reason->empty()) *reason = "other";
    std::string s;
    if (product_) s = agent_.phrases.Render("summary_asked", v);
    else if (!interest_.empty()) s = agent_.phrases.Render("summary_asked_other", {{"what", interest_}});
    std::string key = "summary_" + *outcome + (reason->empty() ? "" : "_" + *reason);
    std::string tail = agent_.phrases.Render(key, v);
    if (tail.empty()) tail = agent_.phrases.Render("summary_" + *outcome, v);
    if (!s.empty() && !tail.empty()) s += " ";
    s += tail;
    *summary = s;
  }

  void ResolveOutboundOutcome(std::string* outcome, std::string* reason, std::string* summary) {
    Vars v = BaseVars();
    if (product_) {
      Vars pv = ProductVars(*product_);
      v.insert(pv.begin(), pv.end());
    }
    v["qty"] = Num(qty_);
    v["order_id"] = std::to_string(order_id_);
    if (terminal_ == "opt_out" || terminal_ == "wrong_number" || terminal_ == "secretary" ||
        terminal_ == "voicemail") {
      *outcome = terminal_;
    } else if (order_id_) {
      *outcome = "order_placed";
    } else if (qualified_ || terminal_ == "transferred") {
      *outcome = "qualified";
    } else if (callback_) {
      *outcome = "callback_scheduled";
    } else if (caller_turns_.empty()) {
      *outcome = "no_answer";
    } else {
      *outcome = "refused";
    }
    *summary = agent_.phrases.Render("summary_" + *outcome, v);
    // The manager sees Vera's result on the task too.
    if (task_.id) {
      auto t = engine_.store().GetTask(task_.id);
      if (t.ok()) {
        crm::Task tt = *t;
        tt.last_result = *outcome;
        tt.attempts = tt.attempts + 1;
        tt.last_attempt_at = ToUnixMillis(engine_.clock().Now());
        tt.status = *outcome == "no_answer" ? "open" : "done";
        engine_.store().UpdateTask(tt);
      }
    }
  }

  std::string Qualification(const std::string& outcome) const override {
    if (!outbound_) return SessionBase::Qualification(outcome);
    if (outcome == "order_placed" || outcome == "qualified" || outcome == "callback_scheduled")
      return "targeted";
    if (outcome == "wrong_number" || outcome == "opt_out") return "non_targeted";
    return "";
  }

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

}  // namespace

Result<std::unique_ptr<DialogSession>> NewKiraSession(Engine& e, const AgentData& a,
                                                      const SessionParams& p) {
  auto s = std::make_unique<KiraSession>(e, a, p, /*outbound=*/false);
  KIRA_RETURN_IF_ERROR(s->Init());
  return std::unique_ptr<DialogSession>(std::move(s));
}

Result<std::unique_ptr<DialogSession>> NewVeraSession(Engine& e, const AgentData& a,
                                                      const SessionParams& p) {
  auto s = std::make_unique<KiraSession>(e, a, p, /*outbound=*/true);
  KIRA_RETURN_IF_ERROR(s->Init());
  return std::unique_ptr<DialogSession>(std::move(s));
}

}  // namespace kira::dialog
