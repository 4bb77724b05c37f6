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
  und_ = std::make_unique<Understanding>(agent_, catalog(), params_.language);
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
  transfer_to_.clear();
  auto id =
      CreateTask(crm::TaskKind::kCallback, "", engine_.clock().Now(), "transfer failed: " + why);
  if (id.ok()) task_id_ = *id;
  shown_.callback = true;
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
  // The same question asked again on the next turn, and again: the conversation is going in
  // circles (the caller cannot or will not answer it). A third asking is not made.
  // "Anything else?" after each answered question is progress, not a loop.
  bool again = key == last_question_ && vars == last_vars_ && asked_turn_ != turn_ &&
               key != "anything_else" && key != "anything_else_after_order";
  repeats_ = again ? repeats_ + 1 : (asked_turn_ == turn_ && key == last_question_ ? repeats_ : 0);
  asked_turn_ = turn_;
  if (repeats_ >= 2) return BreakLoop(r);
  last_question_ = key;
  last_vars_ = vars;
  Say(r, key, vars);
}

// A question asked twice without an answer: the manager is offered once; when that is what
// goes unanswered, the call ends politely with what is known (the outcome says what happened).
void KiraSession::BreakLoop(Reply& r) {
  repeats_ = 0;
  if (stage_ != Stage::kOfferManager && last_question_ != "offer_manager") {
    if (!nt_reason_ && !product_) nt_reason_ = crm::NonTargetedReason::kUnclear;
    stage_ = Stage::kOfferManager;
    last_question_ = "offer_manager";
    last_vars_ = {};
    Say(r, "offer_manager");
    return;
  }
  Say(r, "goodbye");
  EndCall(r);
}

void KiraSession::Handle(Reply& r, const std::string& text, const std::string& canon) {
  // "Алло?", "Да, слушаю", "Hello, who's calling?": the callee answering the phone (said over
  // Vera's first words, as people pick up) — her question is asked again, not answered yet.
  if (outbound_ && stage_ == Stage::kVeraConsent && caller_turns_.size() == 1 &&
      !last_question_.empty()) {
    // A bare "да" / "yep" answers the question; "Да, слушаю" is answering the phone.
    const auto& words = agent_.phrases.List("pickup_words");
    const auto& yes = agent_.phrases.List("yes_words");
    const auto& along = agent_.phrases.List("pickup_companions");
    auto in = [](const std::vector<std::string>& l, const std::string& t) {
      return std::find(l.begin(), l.end(), t) != l.end();
    };
    std::vector<std::string> toks = text::Tokens(canon);
    bool pickup =
        std::any_of(toks.begin(), toks.end(), [&](const auto& t) { return in(words, t); }) &&
        std::all_of(toks.begin(), toks.end(),
                    [&](const auto& t) { return in(words, t) || in(yes, t) || in(along, t); });
    if (pickup) return Ask(r, last_question_, last_vars_);
  }
  Frame f = und_->Parse(text, Pending());
  if (outbound_ && HandleAnsweringMachine(r, canon, f)) return;
  // Safety and control intents win in every stage.
  if (HandleControl(r, f)) return;
  if (stage_ == Stage::kVeraConsent && HandleConsent(r, canon, f)) return;
  // Keep what the caller volunteered, whatever was asked: a name, pickup or delivery, an
  // address, a number to call back.
  Absorb(f);
  // A request to be called back (with or without a time).
  if (f.Has("callback") && stage_ != Stage::kCallbackTime) return HandleCallback(r, f, false);
  // The owner of an order asking how it is going.
  if (f.Has("order_status") && HandleOrderStatus(r)) return;
  // Side questions (hours and directions, delivery terms, the FAQ) get every answer; then the
  // pending question, unless the turn answered it too.
  bool side = AnswerSideQuestions(r, f);
  // After a side answer, a product only vaguely mentioned ("образцы плитки") is not a request,
  // unless the understanding took the turn for one ("нужен керамогранит 60 на 60, картой можно?").
  bool vague = stage_ == Stage::kOpen &&
               !(f.product && f.product->confidence == ProductLink::Confidence::kSure) &&
               !f.Has("order") && !f.Has("product_query");
  if (side && (!AnswersStage(f) || vague)) return FollowUp(r);
  switch (stage_) {
    case Stage::kOpen:
    case Stage::kClarify:
      return HandleRequest(r, text, canon, f);
    case Stage::kVeraConsent:
      return Reask(r);
    case Stage::kAnalogs:
      return HandleAnalogChoice(r, text, canon, f);
    case Stage::kQuantity:
      return HandleQuantityAnswer(r, text, canon, f);
    case Stage::kSupplyConfirm:
      if (f.quantity && f.quantity->unit != "") return HandleQuantity(r, *f.quantity);
      // "А похожее в наличии есть?": the in-stock analogs, the wait still open.
      if (Says(f, "analog_words") && !Says(f, "supply_words")) {
        const catalog::Product* p = product_;
        if (requested_) pending_qty_ = requested_;
        if (OfferAnalogs(r, *p, crm::NonTargetedReason::kOutOfStock, "in_stock_analogs_intro")) {
          supply_state_.waited = p;
          return;
        }
        Say(r, "in_stock_no_analogs");
        return Ask(r, last_question_, last_vars_);
      }
      // Another product named instead ("тогда давайте Литокол К80").
      if (f.product && f.product->best() && f.product->best() != product_ && !f.yes) {
        stage_ = Stage::kOpen;
        return Present(r, *f.product->best(), canon);
      }
      if (f.yes) {
        agreed_.distributor_ok = true;
        return Advance(r);
      }
      if (f.no) {
        reason_product_ = product_;
        return Decline(r, crm::NonTargetedReason::kOutOfStock);
      }
      return Reask(r);
    case Stage::kOrderOffer:
    case Stage::kName:
    case Stage::kFulfilment:
    case Stage::kAddress:
    case Stage::kConfirmOrder:
      return HandleOrderStep(r, f);
    case Stage::kCallbackTime:
      return HandleCallback(r, f, true);
    case Stage::kOfferManager:
      if (f.yes) return Transfer(r);
      if (f.no) {
        Say(r, "goodbye");
        return EndCall(r);
      }
      if (f.product && f.product->confidence == ProductLink::Confidence::kSure) {
        stage_ = Stage::kOpen;
        return HandleRequest(r, text, canon, f);
      }
      return Reask(r);
    case Stage::kQualifiedName:
      return FinishQualified(r);
    case Stage::kCallbackName:
      // "Ринат" is taken by Absorb; "не надо" or anything else leaves the callback as booked.
      stage_ = Stage::kOpen;
      if (!name_.empty()) Say(r, "callback_name_thanks", {{"name", name_}});
      return Ask(r, "anything_else");
  }
}

void KiraSession::Absorb(const Frame& f) {
  if (Says(f, "urgent_words")) supply_state_.urgent = true;
  if (f.name && stage_ != Stage::kVeraConsent) {
    // A name put right at the read-back: the order is read back again with it.
    if (stage_ == Stage::kConfirmOrder && !name_.empty() && *f.name != name_)
      agreed_.fulfilment_changed = true;
    name_ = *f.name;
  }
  // "Есть доставка?" asks about delivery; it does not choose it.
  // During the order a fulfilment the understanding kept is a choice (it drops the ones asked
  // as questions); before it, "доставка" beside a delivery question asks about it.
  bool ordering = stage_ == Stage::kOrderOffer || stage_ == Stage::kName ||
                  stage_ == Stage::kFulfilment || stage_ == Stage::kAddress ||
                  stage_ == Stage::kConfirmOrder;
  if (f.fulfilment && (ordering || !f.Has("delivery"))) {
    if (*f.fulfilment != fulfilment_ && !fulfilment_.empty()) agreed_.fulfilment_changed = true;
    fulfilment_ = *f.fulfilment;
    if (fulfilment_ == "pickup") address_.clear();
  }
  if (f.address && (stage_ == Stage::kAddress || fulfilment_ == "delivery")) {
    if (!address_.empty() && *f.address != address_) agreed_.fulfilment_changed = true;
    address_ = *f.address;
  }
  // "Нет, не Садовая, а Садовническая": the street taken back is replaced in the address.
  if (f.replacement && !f.address && fulfilment_ == "delivery" && !address_.empty()) {
    if (auto a = ReplaceInAddress(address_, *f.replacement)) {
      agreed_.fulfilment_changed = agreed_.fulfilment_changed || *a != address_;
      address_ = *a;
    }
  }
  if (f.phone) callback_phone_ = *f.phone;
  // A quantity said before the product is known waits for it.
  if (f.quantity && !product_ && f.quantity->unit != "") pending_qty_ = f.quantity;
}

// The caller's name goes on the contact when the order is placed and when the call ends,
// whatever its outcome (a callback, a transfer, a question); a contact that already has a name
// keeps it. A name that cannot be saved is logged, not said to the caller.
void KiraSession::SaveName() {
  if (name_.empty()) return;
  if (Status m = Materialize(); !m.ok()) {
    log::Error("dialog", "cannot save the caller's name: " + m.message());
    return;
  }
  auto c = engine_.store().GetContact(contact_id_);
  if (!c.ok() || !c->name.empty()) return;
  crm::Contact cc = *c;
  cc.name = name_;
  auto saved = engine_.store().UpsertContact(cc);
  if (!saved.ok())
    log::Error("dialog", "cannot save the caller's name: " + saved.status().message());
}

bool KiraSession::AnswersStage(const Frame& f) const {
  switch (stage_) {
    case Stage::kQuantity:
      return f.quantity.has_value() || f.no;
    case Stage::kName:
    case Stage::kQualifiedName:
    case Stage::kCallbackName:
      return f.name.has_value();
    case Stage::kFulfilment:
      return f.fulfilment.has_value();
    case Stage::kAddress:
      return f.address.has_value();
    case Stage::kCallbackTime:
      return f.callback.has_value();
    case Stage::kClarify:
    case Stage::kAnalogs:
      return f.choice.has_value() || f.no ||
             (f.product && f.product->confidence != ProductLink::Confidence::kNone);
    case Stage::kOrderOffer:
      // "Доставка, я Виктор": the next step's information implies the yes.
      return f.yes || f.no || f.correction || f.name || f.fulfilment || f.address;
    case Stage::kSupplyConfirm:
    case Stage::kConfirmOrder:
    case Stage::kOfferManager:
    case Stage::kVeraConsent:
      return f.yes || f.no || f.correction;
    case Stage::kOpen:
      return f.product && f.product->confidence != ProductLink::Confidence::kNone;
  }
  return false;
}

bool KiraSession::HandleControl(Reply& r, const Frame& f) {
  if (f.Has("abuse")) {
    if (abuse_warnings_ < agent_.phrases.settings().abuse_warnings) {
      ++abuse_warnings_;
      Say(r, "abuse_warning");
      if (!last_question_.empty() && stage_ != Stage::kOpen) Say(r, last_question_, last_vars_);
      return true;
    }
    terminal_ = crm::Outcome::kAbusive;
    Say(r, "abuse_end");
    EndCall(r);
    return true;
  }
  // Selling to the shop or looking for work: the line is for customers (non-targeted, other).
  if (f.not_a_customer && !outbound_ && stage_ == Stage::kOpen) {
    terminal_ = crm::Outcome::kNonTargeted;
    nt_reason_ = crm::NonTargetedReason::kOther;
    Say(r, "not_a_customer");
    EndCall(r);
    return true;
  }
  // Intents that end the conversation with one sentence (and set the outcome).
  struct Ending {
    const char* intent;
    crm::Outcome outcome;
    const char* phrase;
  };
  static const Ending kEndings[] = {{"fraud", crm::Outcome::kFraudSuspected, "fraud_refuse"},
                                    {"opt_out", crm::Outcome::kOptOut, "opt_out"},
                                    {"wrong_number", crm::Outcome::kWrongNumber, "wrong_number"},
                                    {"prank", crm::Outcome::kPrank, "prank_end"}};
  for (const Ending& e : kEndings) {
    if (!f.Has(e.intent)) continue;
    // "Call me tomorrow after six, and never this early again": a time to call back is no
    // opt-out.
    if (std::string(e.intent) == "opt_out" && f.Has("callback") && f.callback) continue;
    // Vera: "no, I never asked" is the consent step's (it also flags the lead's source).
    if (stage_ == Stage::kVeraConsent && std::string(e.intent) == "wrong_number") return false;
    terminal_ = e.outcome;
    if (std::string(e.intent) == "opt_out") {
      Status s = AddToDnc("opt_out");
      if (!s.ok()) log::Error("dialog", "cannot add to do-not-call: " + s.message());
    }
    Say(r, e.phrase);
    EndCall(r);
    return true;
  }
  // "Пусть менеджер перезвонит", "get the manager to call me": a person asked for, but to
  // call back, not to be put through (the callback is handled after the control intents).
  if ((f.Has("human") || f.manager) && !f.Has("callback")) {
    Transfer(r);
    return true;
  }
  if (f.Has("robot")) {
    Say(r, "disclosure");
    // Whatever else the turn carried is handled after the disclosure.
    bool more = f.quantity || f.name || f.fulfilment || f.address || f.yes || f.no ||
                (f.product && f.product->confidence != ProductLink::Confidence::kNone);
    if (more) return false;
    // Asked again through Ask: the same question in circles ends in the loop breaker.
    if (!last_question_.empty() && stage_ != Stage::kOpen)
      Ask(r, last_question_, last_vars_);
    else
      Say(r, "how_can_i_help");
    return true;
  }
  // "Нет, спасибо" to "anything else?" closes the call as a goodbye does (unless it goes on
  // to ask something).
  bool asked_more = stage_ == Stage::kOpen && (last_question_ == "anything_else" ||
                                               last_question_ == "anything_else_after_order");
  bool more = false;
  for (const char* i : {"hours", "address", "delivery", "faq", "order_status", "order",
                        "product_query", "robot", "human", "callback"})
    more = more || f.Has(i);
  // "Всё, спасибо", "great, thanks": an answer to "anything else?" made only of such words.
  bool done = false;
  if (asked_more && !more) {
    const auto& words = agent_.phrases.List("done_words");
    std::vector<std::string> toks = WithoutFillers(text::Tokens(f.canonical));
    done = !toks.empty() && std::all_of(toks.begin(), toks.end(), [&](const std::string& t) {
      return std::find(words.begin(), words.end(), t) != words.end();
    });
    // "By the Z, got it, thanks", "ясно, тогда в воскресенье подъедем": thanks or an
    // acknowledgement, asking for nothing and naming no product.
    bool nothing_asked = !f.product && !f.quantity && !f.name && !f.callback && !f.phone;
    if (!done && nothing_asked)
      done = ContainsAny(f.canonical, agent_.phrases.List("closing_words"));
  }
  bool closing = f.Has("goodbye") || (asked_more && (f.no || done) && !more);
  // "Great, thanks, bye": a yes word said while taking leave is no yes.
  if (closing && !f.product && !f.quantity && (!f.yes || f.Has("goodbye") || done) && !f.name &&
      (stage_ == Stage::kOpen || f.no)) {
    Say(r, "goodbye");
    EndCall(r);
    return true;
  }
  return false;
}

bool KiraSession::AnswerSideQuestions(Reply& r, const Frame& f) {
  bool any = false;
  // "Доставка, я Виктор" during the order chooses delivery; it does not ask about it.
  bool ordering = stage_ == Stage::kOrderOffer || stage_ == Stage::kName ||
                  stage_ == Stage::kFulfilment || stage_ == Stage::kAddress ||
                  stage_ == Stage::kConfirmOrder;
  for (const char* in : {"hours", "address", "delivery"}) {
    if (!f.Has(in)) continue;
    if (ordering && std::string(in) == "delivery" && f.fulfilment) continue;
    shown_.got_info = true;
    any = true;
    Say(r, std::string("info_") + in);
  }
  // The FAQ, matched on meaning (content words by stem).
  {
    if (const business::FaqEntry* q = MatchFaq(f)) {
      shown_.got_info = true;
      any = true;
      SayText(r, q->a);
    }
  }
  return any;
}

// The owner of an order, calling from the number that placed it, hears its status; anyone
// else hears nothing about it.
bool KiraSession::HandleOrderStatus(Reply& r) {
  crm::CrmStore& st = engine_.store();
  if (params_.caller.empty() || !agent_.phrases.Has("order_status")) return false;
  auto contact = st.FindContactByPhone(params_.caller);
  if (!contact.ok() || !*contact) return false;
  crm::LeadFilter lf;
  auto leads = st.ListLeads(lf);
  if (!leads.ok()) return false;
  std::vector<crm::Order> orders;
  for (const auto& l : *leads) {
    if (l.contact_id != (*contact)->id) continue;
    auto os = st.ListOrders(l.id);
    if (!os.ok()) continue;
    for (auto& o : *os) orders.push_back(o);
  }
  const crm::Order* latest = nullptr;
  for (const auto& o : orders)
    if (!latest || o.created_at > latest->created_at) latest = &o;
  if (!latest) return false;
  std::string status = agent_.phrases.Render(std::string(crm::Row(latest->status).phrase_key), {});
  if (status.empty()) status = crm::Name(latest->status);
  shown_.got_info = true;
  Say(r, "order_status", {{"order_id", std::to_string(latest->id)}, {"status", status}});
  FollowUp(r);
  return true;
}

void KiraSession::HandleOrderStep(Reply& r, const Frame& f) {
  // Corrections of the product, the quantity, the fulfilment or the address change the order;
  // the read-back shows the corrected order.
  // A number said while giving a name or an address is not a new quantity unless the caller
  // says it corrects one.
  bool qty_step = stage_ == Stage::kOrderOffer || stage_ == Stage::kConfirmOrder;
  if (product_ && (qty_step || f.correction || f.product) && ApplyCorrection(r, f)) return;
  // The quantity of the order said again, even as a correction ("нет, не 20, а 25" once 25 is
  // applied): the caller holds to it, which is no refusal.
  bool restated = f.quantity && SameQuantity(*f.quantity) && (f.correction || !f.no);
  switch (stage_) {
    case Stage::kOrderOffer:
      // "Заберу сам, я Кирилл": an answer that supplies the next step implies the yes.
      if (f.yes || restated || ((f.name || f.fulfilment || f.address) && !f.no)) {
        agreed_.consent = true;
        return Advance(r);
      }
      if (f.no) {
        lines_.clear();
        queue_.clear();
        stage_ = Stage::kOpen;
        return Ask(r, "anything_else");
      }
      return Reask(r);
    case Stage::kName:
      if (!name_.empty()) return Advance(r);
      return Reask(r);
    case Stage::kFulfilment:
      if (!fulfilment_.empty()) return Advance(r);
      return Reask(r);
    case Stage::kAddress:
      if (!address_.empty() || fulfilment_ == "pickup") return Advance(r);
      return Reask(r);
    case Stage::kConfirmOrder:
      if (agreed_.fulfilment_changed) return Advance(r);
      if ((f.yes && !f.no) || restated) return PlaceOrder(r);
      if (f.no) {
        stage_ = Stage::kQuantity;
        return Ask(r, "order_change", ProductVars(*product_));
      }
      return Reask(r);
    default:
      return Reask(r);
  }
}

// Asks for the next thing the order still needs, skipping what the caller already said.
void KiraSession::Advance(Reply& r) {
  // The current product's quantity is settled: the next product named with it is presented
  // (with its own quantity) before the order is offered.
  if (!queue_.empty() && product_ && !agreed_.consent) {
    lines_.push_back({product_, qty_, supply_, lead_days_});
    Queued next = queue_.front();
    queue_.erase(queue_.begin());
    pending_qty_ = next.qty;
    requested_.reset();
    return Present(r, *next.product, next.canon);
  }
  if (!agreed_.consent) return OfferOrder(r);
  if (name_.empty()) {
    stage_ = Stage::kName;
    return Ask(r, "ask_name");
  }
  if (fulfilment_.empty()) {
    stage_ = Stage::kFulfilment;
    return Ask(r, "ask_fulfilment", {{"name", name_}});
  }
  if (fulfilment_ == "delivery" && address_.empty()) {
    stage_ = Stage::kAddress;
    return Ask(r, "ask_address");
  }
  agreed_.fulfilment_changed = false;
  ConfirmOrder(r);
}

void KiraSession::FinishQualified(Reply& r) {
  auto id = CreateTask(crm::TaskKind::kManagerFollowup, "", engine_.clock().Now(),
                       "big project: " + Num(qty_) + " " + product_->unit + " " + product_->sku);
  if (id.ok())
    task_id_ = *id;
  else
    log::Error("dialog", "cannot create manager task: " + id.status().message());
  Say(r, "qualified_thanks", {{"name", name_}});
  EndCall(r);
}

// After answering a side question, come back to the pending one.
void KiraSession::FollowUp(Reply& r) {
  if (stage_ != Stage::kOpen && !last_question_.empty())
    Ask(r, std::string(last_question_), Vars(last_vars_));
  else
    Ask(r, "anything_else");
}

// FAQ questions are matched on meaning by the understanding (Understanding::MatchFaq); a
// product request, or an answer to the pending question, is not a FAQ question unless the turn
// says so.
const business::FaqEntry* KiraSession::MatchFaq(const Frame& f) const {
  if (f.product && f.product->confidence == ProductLink::Confidence::kSure && !f.Has("faq"))
    return nullptr;
  if (stage_ != Stage::kOpen && AnswersStage(f) && !f.Has("faq")) return nullptr;
  if (f.faq) return f.faq;
  return f.Has("faq") ? und_->MatchFaq(f.canonical, /*strict=*/false) : nullptr;
}

void KiraSession::Reask(Reply& r) {
  if (++reasks_ > 2) {
    stage_ = Stage::kOfferManager;
    Ask(r, "offer_manager");
    return;
  }
  Say(r, "not_understood");
  if (!last_question_.empty()) Ask(r, std::string(last_question_), Vars(last_vars_));
}

void KiraSession::Transfer(Reply& r) {
  terminal_ = crm::Outcome::kTransferred;
  Say(r, "transfer");
  if (params_.channel == "phone" && !engine_.profile().manager.sip.empty()) {
    transfer_to_ = engine_.profile().manager.sip;
    r.transfer_to = transfer_to_;
  } else {
    transfer_to_ = engine_.profile().manager.phone;
  }
  EndCall(r);
}

void KiraSession::HandleCallback(Reply& r, const Frame& f, bool asked) {
  // "Перезвоните завтра" … "в обед": the day said when the callback was asked for holds for
  // the time said after.
  std::string canon = f.canonical;
  auto now_said = ExtractCallbackTime(canon);
  if (asked && !(now_said && (now_said->day_offset >= 0 || now_said->weekday >= 0))) {
    for (size_t i = caller_turns_.size(); i-- > 0 && i + 5 > caller_turns_.size();) {
      std::string earlier = text::Canonical(caller_turns_[i]);
      auto e = ExtractCallbackTime(earlier);
      if (e && (e->day_offset >= 0 || e->weekday >= 0)) {
        canon = earlier + " " + canon;
        break;
      }
    }
  }
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
  // "Перезвоните мне на номер +7…": the number given, not the caller ID. A callback asked for
  // again in the same call moves the one already made; it does not make a second.
  Result<int64_t> id = Status::Invalid("no callback yet");
  if (shown_.callback && task_id_) {
    auto t = engine_.store().GetTask(task_id_);
    if (t.ok() && t->kind == crm::TaskKind::kCallback) {
      crm::Task moved = *t;
      moved.not_before = ToUnixMillis(*at);
      moved.note = note;
      if (!callback_phone_.empty()) moved.phone = callback_phone_;
      Status s = engine_.store().UpdateTask(moved);
      id = s.ok() ? Result<int64_t>(task_id_) : Result<int64_t>(s);
    }
  }
  if (!id.ok()) id = CreateTask(crm::TaskKind::kCallback, "", *at, note, callback_phone_);
  if (!id.ok()) {
    log::Error("dialog", "cannot create callback task: " + id.status().message());
    Say(r, "technical_problem");
    return;
  }
  task_id_ = *id;
  shown_.callback = true;
  CivilTime c = ToCivilLocal(*at);
  char hhmm[8];
  std::snprintf(hhmm, sizeof hhmm, "%d:%02d", c.hour, c.minute);
  stage_ = Stage::kOpen;
  // "Ближе к вечеру": the caller's words, not a clock time they did not say.
  auto said = ExtractCallbackTime(canon);
  // "Через час": the caller's words again, not the clock time computed from them.
  std::string in;
  if (said && said->in_minutes >= 0 && !said->hour_said) {
    std::vector<std::string> toks = text::Tokens(canon);
    for (size_t i = 0; i < toks.size() && in.empty(); ++i) {
      if (toks[i] != "через" && toks[i] != "in") continue;
      for (size_t j = i + 1; j < toks.size() && j <= i + 3; ++j) {
        const std::string& t = toks[j];
        if (t.rfind("час", 0) == 0 || t.rfind("минут", 0) == 0 || t.rfind("полчас", 0) == 0 ||
            t.rfind("hour", 0) == 0 || t.rfind("minute", 0) == 0 || t == "mins") {
          for (size_t k = i; k <= j; ++k) in += (k > i ? " " : "") + toks[k];
          break;
        }
      }
    }
  }
  if (!in.empty() && agent_.phrases.Has("callback_confirm_in"))
    Say(r, "callback_confirm_in", {{"in", in}});
  else if (said && !said->hour_said && !said->part.empty() && said->in_minutes < 0 &&
           agent_.phrases.Has("callback_confirm_part"))
    Say(r, "callback_confirm_part",
        {{"when", when}, {"part", agent_.phrases.Render("part_" + said->part, {})}});
  else
    Say(r, "callback_confirm", {{"when", when}, {"time", hhmm}});
  // The manager who calls back asks for the caller by name: Kira asks it once, unless she
  // knows it (Vera calls a contact whose name the lead has).
  bool named = !name_.empty();
  if (!named && contact_id_) {
    auto c = engine_.store().GetContact(contact_id_);
    named = c.ok() && !c->name.empty();
  }
  if (!named && !outbound_) {
    stage_ = Stage::kCallbackName;
    return Ask(r, "callback_ask_name");
  }
  Ask(r, "anything_else");
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
    case Stage::kCallbackName:
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
