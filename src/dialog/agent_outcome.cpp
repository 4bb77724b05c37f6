// Vera's opening (secretaries, voicemail, consent, related products) and how both agents
// resolve a conversation's one outcome and summary (agent_policy.h).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/log.h"
#include "core/text.h"
#include "core/tz.h"
#include "crm/outcome.h"
#include "dialog/agent_policy.h"
#include "dialog/grounding.h"
#include "dialog/slots.h"

namespace kira::dialog::policy {

using crm::NonTargetedReason;
using crm::Outcome;

// Vera: a telephone secretary (Alice/Oleg/Salut-style) or voicemail answered instead of the
// person. The secretary gets one sentence with the company and the purpose; the manager gets
// a task to follow up in a text channel.
bool KiraSession::HandleAnsweringMachine(Reply& r, const std::string& canon, const Frame& f) {
  if (!caller_turns_.empty() && caller_turns_.size() > 2) return false;
  bool secretary =
      ContainsAny(canon, agent_.phrases.List("secretary_phrases")) || f.Has("secretary");
  bool voicemail =
      ContainsAny(canon, agent_.phrases.List("voicemail_phrases")) || f.Has("voicemail");
  if (!secretary && !voicemail) return false;
  terminal_ = secretary ? crm::Outcome::kSecretary : crm::Outcome::kVoicemail;
  Say(r, secretary ? "vera_secretary_message" : "vera_voicemail_message");
  auto id = CreateTask(
      crm::TaskKind::kTextFollowup, "", engine_.clock().Now(),
      std::string(crm::Name(*terminal_)) + " answered the callback; follow up by text message");
  if (id.ok()) task_id_ = *id;
  EndCall(r);
  return true;
}

// Vera: is this the person, and did they ask to be called?
bool KiraSession::HandleConsent(Reply& r, const std::string& canon, const Frame& f) {
  // "Sorry, I'm on the school run, can you call me back?": a callback asked for, whatever else
  // the turn says ("sorry" is no "it wasn't me").
  std::vector<std::string> toks = text::Tokens(canon);
  auto said = [&](const char* list) {
    const auto* ps = agent_.rules.Intent(list);
    return ps && MatchesAny(toks, *ps);
  };
  if (f.Has("callback") && !f.Has("wrong_number") && !said("not_the_person")) {
    stage_ = Stage::kOpen;
    HandleCallback(r, f, false);
    return true;
  }
  // ("Don't call me again" is an opt-out, handled before: it does not flag the lead's source.)
  // A question asked back ("can I return the lengths I don't use?") is the person talking.
  bool asks = f.faq || f.Has("faq") || f.Has("hours") || f.Has("delivery") || f.Has("address");
  bool no = (f.no && !f.yes && !asks) || f.Has("wrong_number");
  // "Нет, уже не нужно": the person who asked, declining — refused, not a wrong number. A wrong
  // number is only the wrong person ("я ничего не оставлял", a bare "нет" to "was it you?").
  if (no && !f.Has("wrong_number")) {
    if (said("not_interested") && !said("not_the_person")) {
      Decline(r);
      return true;
    }
  }
  if (no) {
    terminal_ = crm::Outcome::kWrongNumber;
    Say(r, "vera_consent_refused");
    Status s = AddToDnc("wrong_number");
    if (!s.ok()) log::Error("dialog", "cannot add to do-not-call: " + s.message());
    auto lead = engine_.store().GetLead(lead_id_);
    if (lead.ok()) {
      crm::Lead l = *lead;
      l.source_flagged = lead_source_ == "web_form";
      // The call ends either way; the manager loses only the flag on the lead's source.
      Status flagged = engine_.store().UpdateLead(l);
      if (!flagged.ok())
        log::Error("dialog", "cannot flag the lead's source: " + flagged.message());
    }
    EndCall(r);
    return true;
  }
  // "А можно в понедельник? Я сейчас на даче": a day or a time to be called on, asked for
  // instead of the conversation now, is a callback request.
  if (f.callback && !f.product &&
      (f.callback->day_said || f.callback->hour_said || f.callback->in_minutes >= 0 ||
       !f.callback->part.empty())) {
    stage_ = Stage::kOpen;
    HandleCallback(r, f, false);
    return true;
  }
  if (!f.yes) return false;  // robot question, callback...: handled as anywhere else
  // "Yes, that was me, but call me tomorrow at ten": the callback, handled as anywhere else.
  if (f.Has("callback")) {
    stage_ = Stage::kOpen;
    return false;
  }
  stage_ = Stage::kOpen;
  const catalog::Product* p = catalog().Find(interest_);
  if (!p) {
    Ask(r, "vera_how_help");
    return true;
  }
  Say(r, "vera_remind", ProductVars(*p));
  if (p->discontinued || (p->stock <= 0 && !HasDistributorStock(*p))) {
    OfferAnalogs(
        r, *p, p->discontinued ? NonTargetedReason::kDiscontinued : NonTargetedReason::kOutOfStock);
    return true;
  }
  product_ = p;
  shown_.asked_product = true;
  Vars v = ProductVars(*p);
  Say(r, p->stock > 0 ? "in_stock" : "shop_out_distributor_has", v);
  OfferRelated(r, *p);
  stage_ = Stage::kQuantity;
  Ask(r, "ask_quantity", v);
  return true;
}

bool KiraSession::HasDistributorStock(const catalog::Product& p) const {
  auto d = catalog().Distributor(p.sku);
  return d && d->qty > 0;
}

// A renovation needs more than tiles: the first in-stock companion (grout in the tile's
// colour, adhesive, tools — the lexicon's `related` list).
void KiraSession::OfferRelated(Reply& r, const catalog::Product& p) {
  for (const auto& c : catalog().FindRelated(p, 1)) {
    if (!c.product || c.product->stock <= 0 || c.product->discontinued) continue;
    Say(r, "vera_related", ProductVars(*c.product));
    return;
  }
}

void KiraSession::ResolveOutcome(crm::Outcome* outcome,
                                 std::optional<crm::NonTargetedReason>* reason,
                                 std::string* summary) {
  if (outbound_) return ResolveOutboundOutcome(outcome, reason, summary);
  Outcome o;
  std::optional<NonTargetedReason> why;
  if (terminal_ && !(*terminal_ == Outcome::kTransferred && order_id_)) {
    o = *terminal_;
  } else if (order_id_) {
    o = Outcome::kOrderPlaced;
  } else if (shown_.qualified) {
    o = Outcome::kQualified;
  } else if (shown_.callback) {
    o = Outcome::kCallbackScheduled;
  } else if (nt_reason_) {
    o = Outcome::kNonTargeted;
    why = nt_reason_;
  } else if (shown_.asked_product || shown_.got_info) {
    o = Outcome::kInfoOnly;
  } else {
    o = Outcome::kNonTargeted;
    why = caller_turns_.empty() ? NonTargetedReason::kUnclear : NonTargetedReason::kOther;
  }
  if (o == Outcome::kNonTargeted && !why) why = NonTargetedReason::kOther;
  *outcome = o;
  *reason = why;
  // "Discontinued" and "out of stock" are about the product the analogs stood in for, not the
  // analog the caller looked at last.
  const bool stock_reason =
      o == Outcome::kNonTargeted &&
      (why == NonTargetedReason::kDiscontinued || why == NonTargetedReason::kOutOfStock);
  const catalog::Product* about = stock_reason && reason_product_ ? reason_product_ : product_;
  Vars v = BaseVars();
  if (about) {
    Vars pv = ProductVars(*about);
    v.insert(pv.begin(), pv.end());
  }
  v["qty"] = Num(qty_);
  if (about) v["unit"] = UnitWord(about->unit, qty_);
  v["order_id"] = std::to_string(order_id_);
  v["name"] = name_;
  std::string s;
  if (about)
    s = agent_.phrases.Render("summary_asked", v);
  else if (!interest_.empty())
    s = agent_.phrases.Render("summary_asked_other", {{"what", interest_}});
  // A non-targeted request is summed up by its reason's phrase, any other outcome by its own.
  std::string key(o == Outcome::kNonTargeted && why ? crm::Row(*why).summary_key
                                                    : crm::Row(o).summary_key);
  // Not in the shop, but the distributor has it: the caller would not wait.
  if (stock_reason && why == NonTargetedReason::kOutOfStock && about && HasDistributorStock(*about))
    key = "summary_non_targeted_would_not_wait";
  std::string tail = agent_.phrases.Render(key, v);
  if (tail.empty()) tail = agent_.phrases.Render(std::string(crm::Row(o).summary_key), v);
  if (!s.empty() && !tail.empty()) s += " ";
  s += tail;
  *summary = s;
}

void KiraSession::ResolveOutboundOutcome(crm::Outcome* outcome,
                                         std::optional<crm::NonTargetedReason>* reason,
                                         std::string* summary) {
  Vars v = BaseVars();
  if (product_) {
    Vars pv = ProductVars(*product_);
    v.insert(pv.begin(), pv.end());
  }
  v["qty"] = Num(qty_);
  if (product_) v["unit"] = UnitWord(product_->unit, qty_);
  v["order_id"] = std::to_string(order_id_);
  // Every terminal outcome is Vera's result, as it is Kira's: a callee who asked for the
  // manager and was put through is `transferred` (the closed list's word for what happened),
  // unless an order was placed first.
  Outcome o;
  if (terminal_ && !(*terminal_ == Outcome::kTransferred && order_id_)) {
    o = *terminal_;
  } else if (order_id_) {
    o = Outcome::kOrderPlaced;
  } else if (shown_.qualified) {
    o = Outcome::kQualified;
  } else if (shown_.callback) {
    o = Outcome::kCallbackScheduled;
  } else if (caller_turns_.empty()) {
    o = Outcome::kNoAnswer;
  } else {
    o = Outcome::kRefused;
  }
  *outcome = o;
  *summary = agent_.phrases.Render(std::string(crm::Row(o).summary_key), v);
  // The manager sees Vera's result on the task too. On the phone the dialer claimed the task,
  // counted the attempt and records the result itself; only a text run (`kira chat --task`)
  // updates the task here.
  if (task_.id && params_.channel != "phone") {
    auto t = engine_.store().GetTask(task_.id);
    if (t.ok()) {
      crm::Task tt = *t;
      tt.last_result = crm::Name(o);
      tt.attempts = tt.attempts + 1;
      tt.last_attempt_at = ToUnixMillis(engine_.clock().Now());
      tt.status = o == crm::Outcome::kNoAnswer ? crm::TaskStatus::kOpen : crm::TaskStatus::kDone;
      Status saved = engine_.store().UpdateTask(tt);
      if (!saved.ok()) log::Error("dialog", "cannot record Vera's result: " + saved.message());
    }
  }
}

std::optional<crm::Qualification> KiraSession::Qualification(crm::Outcome outcome) const {
  if (!outbound_) return SessionBase::Qualification(outcome);
  return crm::Qualify(crm::Row(outcome).outbound);
}
}  // namespace kira::dialog::policy
