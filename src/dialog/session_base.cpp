#include "dialog/session_base.h"

#include <cmath>
#include <cstdio>

#include "business/currency.h"
#include "core/log.h"
#include "core/text.h"
#include "core/tz.h"
#include "crm/outcome.h"
#include "dialog/grounding.h"
#include "dialog/recovery.h"
#include "dialog/slots.h"

namespace kira::dialog {

SessionBase::SessionBase(Engine& e, const AgentData& a, const SessionParams& p)
    : engine_(e), catalog_(e.catalog()), agent_(a), params_(p) {}

SessionBase::~SessionBase() {
  if (finished_ || deferred_ || conversation_id_ == 0) return;
  const int64_t now = ToUnixMillis(engine_.clock().Now());
  Status s = EndOneInterrupted(engine_.store(), conversation_id_, lead_id_,
                               agent_.phrases.Render("summary_interrupted", {}), now);
  if (!s.ok()) log::Error("dialog", "cannot end a lost conversation: " + s.message());
}

Status SessionBase::Open(const std::string& source, int64_t lead_id) {
  opened_at_ = ToUnixMillis(engine_.clock().Now());
  open_source_ = source;
  if (lead_id > 0) {
    crm::CrmStore& st = engine_.store();
    KIRA_ASSIGN_OR_RETURN(crm::Lead lead, st.GetLead(lead_id));
    lead_id_ = lead.id;
    contact_id_ = lead.contact_id;
  } else if (params_.channel == "phone") {
    deferred_ = true;
    return Status::Ok();
  }
  deferred_ = true;
  return Materialize();
}

Status SessionBase::Materialize() {
  if (!deferred_) return Status::Ok();
  deferred_ = false;
  crm::CrmStore& st = engine_.store();
  const int64_t now = opened_at_;
  if (lead_id_ == 0) {
    crm::Contact c;
    c.phone = params_.caller;
    c.timezone = engine_.CallerZone(params_.caller);  // "" = unknown: not the shop's
    c.created_at = now;
    KIRA_ASSIGN_OR_RETURN(contact_id_, st.UpsertContact(c));
    crm::Lead l;
    l.contact_id = contact_id_;
    l.channel = params_.channel;
    l.source = open_source_;
    l.created_at = now;
    l.updated_at = now;
    KIRA_ASSIGN_OR_RETURN(lead_id_, st.CreateLead(l));
  }
  crm::Conversation conv;
  conv.lead_id = lead_id_;
  conv.agent = agent_.name;
  conv.channel = params_.channel;
  conv.language = params_.language;
  conv.started_at = now;
  conv.task_id = params_.task_id;
  KIRA_ASSIGN_OR_RETURN(conversation_id_, st.StartConversation(conv));
  for (const auto& [text, at] : pending_agent_turns_)
    KIRA_RETURN_IF_ERROR(st.AppendTurn(conversation_id_, "agent", text, at).status());
  pending_agent_turns_.clear();
  return Status::Ok();
}

void SessionBase::SayText(Reply& r, const std::string& text) {
  if (text.empty()) return;
  r.say.push_back(text);
  const int64_t at = ToUnixMillis(engine_.clock().Now());
  if (deferred_) return pending_agent_turns_.emplace_back(text, at), void();
  auto s = engine_.store().AppendTurn(conversation_id_, "agent", text, at);
  if (!s.ok()) log::Error("dialog", "cannot record agent turn: " + s.status().message());
}

void SessionBase::Say(Reply& r, const std::string& key, const Vars& vars) {
  Vars all = BaseVars();
  for (const auto& [k, v] : vars) all[k] = v;
  std::string text = agent_.phrases.Render(key, all, turn_);
  if (text.empty()) log::Error("dialog", "scenario has no phrase '" + key + "'");
  SayText(r, text);
}

std::string SessionBase::Hear(const std::string& text) {
  ++turn_;
  caller_turns_.push_back(text);
  if (Status m = Materialize(); !m.ok())
    log::Error("dialog", "cannot record the conversation: " + m.message());
  auto s = engine_.store().AppendTurn(conversation_id_, "caller", text,
                                      ToUnixMillis(engine_.clock().Now()));
  if (!s.ok()) log::Error("dialog", "cannot record caller turn: " + s.status().message());
  return text::Canonical(text);
}

std::string SessionBase::Num(double v) const {
  return text::FormatNumber(v, params_.language == "ru");
}

std::string SessionBase::Money(double v) const {
  // The profile's currency was checked against the table when the profile was loaded; the
  // fallback (a bare number) only guards a profile built in code with a made-up code.
  auto table = business::BuiltInCurrencies();
  const business::Currency* c = table.ok() ? (*table)->Find(engine_.profile().currency) : nullptr;
  if (!c) {
    log::Error("dialog", "unknown currency '" + engine_.profile().currency + "'");
    return Num(v);
  }
  // On the phone the words are said ("64 pounds"), elsewhere written ("£64.00").
  return business::FormatMoney(
      v, *c, params_.language,
      params_.channel == "phone" ? business::MoneyStyle::kSpoken : business::MoneyStyle::kWritten);
}

Vars SessionBase::BaseVars() const {
  const business::Profile& p = engine_.profile();
  return {{"shop", p.name},
          {"hours", p.hours},
          {"address", p.address},
          {"delivery", p.delivery},
          {"disclosure", p.assistant_disclosure},
          {"manager", p.manager.name},
          {"min_order", Num(p.rules.min_order_m2)},
          {"big_project", Num(p.rules.big_project_m2)}};
}

std::string SessionBase::SpokenName(const catalog::Product& p) const {
  return GroundingChecker::SpokenName(p, params_.language, catalog().lexicon());
}

Vars SessionBase::ProductVars(const catalog::Product& p) const {
  Vars v;
  v["product"] = SpokenName(p);
  // The category's grammatical gender, for "{gender|снят|снята|снято|сняты}" (phrases.h).
  v["gender"] = catalog::CategoryGender(catalog().lexicon(), p.category);
  v["sku"] = p.sku;
  v["price"] = Money(p.price);
  v["unit"] = UnitWord(p.unit);
  v["unit_one"] = agent_.phrases.UnitOne(p.unit);
  v["stock"] = Num(p.stock);
  v["format"] = p.format;
  if (p.box_m2) v["box_m2"] = Num(*p.box_m2);
  if (auto d = catalog().Distributor(p.sku)) {
    v["dist_qty"] = Num(d->qty);
    v["lead_days"] = Num(d->lead_days);
  }
  return v;
}

bool SessionBase::IsYes(const std::string& canonical) const {
  if (ContainsAny(canonical, agent_.phrases.List("no_words"))) return false;
  if (ContainsAny(canonical, agent_.phrases.List("yes_words"))) return true;
  IntentPrediction p = Classify(canonical);
  return p.intent == "yes" && p.confidence >= 0.5;
}

bool SessionBase::IsNo(const std::string& canonical) const {
  if (ContainsAny(canonical, agent_.phrases.List("no_words"))) return true;
  IntentPrediction p = Classify(canonical);
  return p.intent == "no" && p.confidence >= 0.5;
}

std::string SessionBase::AttrWord(const std::string& attr, const std::string& value) const {
  if (params_.language == "ru") return value;
  const catalog::Lexicon& lex = catalog().lexicon();
  const std::vector<catalog::LexEntry>* list = nullptr;
  if (attr == "color") list = &lex.colors;
  if (attr == "surface") list = &lex.surfaces;
  if (attr == "material") list = &lex.materials;
  if (attr == "category") list = &lex.categories;
  if (list) {
    for (const auto& e : *list)
      if (text::Lower(e.value) == text::Lower(value) && !e.name_en.empty()) return e.name_en;
  }
  return text::HasCyrillic(value) ? text::ToLatin(text::Lower(value)) : value;
}

std::vector<std::string> SessionBase::ExpectedPhrases() const {
  std::vector<std::string> out;
  for (const auto& [intent, list] : agent_.examples)
    for (const auto& e : list) out.push_back(e);
  for (const char* l : {"yes_words", "no_words"})
    for (const auto& w : agent_.phrases.List(l)) out.push_back(w);
  // The shop's words for what tells products apart, alone and as "the matte one".
  bool ru = params_.language == "ru";
  const catalog::Lexicon& lex = catalog().lexicon();
  for (const auto* list : {&lex.colors, &lex.surfaces, &lex.categories, &lex.materials}) {
    for (const auto& e : *list) {
      for (const auto& w : ru ? e.ru : e.en) {
        out.push_back(w);
        if (!ru) out.push_back("the " + w + " one");
      }
    }
  }
  for (const auto& p : catalog().products()) {
    if (out.size() > 2000) break;
    out.push_back(SpokenName(p));
  }
  return out;
}

std::optional<TimePoint> SessionBase::ResolveCallback(const std::string& canonical,
                                                      std::string* when_text,
                                                      bool* has_time) const {
  auto t = ExtractCallbackTime(canonical);
  if (!t) return std::nullopt;
  // "Tomorrow at ten" in the caller's zone when the number tells it, else the shop's (what a
  // person answering the shop's phone would assume).
  std::string zone = engine_.CallerZone(params_.caller);
  if (zone.empty()) zone = engine_.profile().timezone;
  TimePoint now = engine_.clock().Now();
  CivilTime c = ToCivil(zone, now);
  if (t->in_minutes >= 0) {  // "через час"
    *has_time = true;
    TimePoint at = now + std::chrono::minutes(t->in_minutes);
    *when_text = agent_.phrases.Render("day_offset_0", {});
    return at;
  }
  int add_days = 0;
  if (t->weekday >= 0) {
    add_days = (t->weekday - c.weekday + 7) % 7;
    if (add_days == 0) add_days = 7;
  } else {
    add_days = t->day_offset;
  }
  *has_time = t->hour >= 0;
  int hour = t->hour >= 0 ? t->hour : 0;
  TimePoint at = FromCivil(zone, c.year, c.month, c.day + add_days, hour, t->minute);
  // "Перезвоните в три" said at five: no day was said and today's three is gone, so it is
  // tomorrow's (the confirmation says the day). "Сегодня в три" at five stays impossible.
  if (*has_time && at <= now && !t->day_said) {
    add_days = 1;
    at = FromCivil(zone, c.year, c.month, c.day + add_days, hour, t->minute);
  }
  if (*has_time && at <= now) return std::nullopt;
  // The words for the day, from the scenario ("завтра", "в понедельник").
  std::string key = t->weekday >= 0 ? "day_weekday_" + std::to_string(t->weekday)
                                    : "day_offset_" + std::to_string(add_days);
  *when_text = agent_.phrases.Render(key, {});
  if (when_text->empty()) {
    CivilTime d = ToCivil(zone, at);
    *when_text = std::to_string(d.day) + "." + (d.month < 10 ? "0" : "") + std::to_string(d.month);
  }
  return at;
}

Status SessionBase::AddToDnc(const std::string& reason) {
  if (params_.caller.empty()) return Status::Ok();
  KIRA_RETURN_IF_ERROR(Materialize());
  crm::DncEntry e;
  e.phone = params_.caller;
  e.reason = reason;
  e.source = "conversation:" + std::to_string(conversation_id_);
  e.added_at = ToUnixMillis(engine_.clock().Now());
  return engine_.store().AddDnc(e);
}

Result<int64_t> SessionBase::CreateTask(crm::TaskKind kind, const std::string& agent,
                                        TimePoint not_before, const std::string& note,
                                        const std::string& phone) {
  KIRA_RETURN_IF_ERROR(Materialize());
  crm::Task t;
  t.lead_id = lead_id_;
  t.kind = kind;
  t.agent = agent;
  t.phone = phone.empty() ? params_.caller : phone;
  // Only a zone we know: the dialer then applies calling windows in every zone of the number.
  t.timezone = engine_.CallerZone(t.phone);
  t.note = note;
  t.not_before = ToUnixMillis(not_before);
  t.created_by = agent_.name;
  t.created_at = ToUnixMillis(engine_.clock().Now());
  return engine_.store().CreateTask(t);
}

std::optional<crm::Qualification> SessionBase::Qualification(crm::Outcome outcome) const {
  return crm::Qualify(crm::Row(outcome).inbound, !interest_.empty());
}

EndInfo SessionBase::Finish() {
  if (finished_) return end_info_;
  finished_ = true;
  ended_ = true;
  RecordBeforeEnd();
  crm::Outcome outcome = crm::Outcome::kNonTargeted;
  std::optional<crm::NonTargetedReason> reason;
  std::string summary;
  ResolveOutcome(&outcome, &reason, &summary);
  if (outcome == crm::Outcome::kNonTargeted && !reason) reason = crm::NonTargetedReason::kOther;
  crm::CrmStore& st = engine_.store();
  int64_t now = ToUnixMillis(engine_.clock().Now());
  if (deferred_ && transfer_to_.empty() && order_id_ == 0) {
    // Nobody spoke: the call is kept in the audit log, not as a lead (F11).
    crm::AuditEntry a;
    a.at = now;
    a.actor = agent_.name;
    a.action = "call.no_speech";
    a.entity = "call";
    a.detail = params_.channel + " " + open_source_ + ", " +
               std::to_string((now - opened_at_) / 1000) + " s, no caller speech: no lead";
    if (Status s = st.Audit(a); !s.ok())
      log::Error("dialog", "cannot audit a call: " + s.message());
    end_info_.outcome = outcome;
    end_info_.reason = reason;
    end_info_.summary = summary;
    return end_info_;
  }
  if (Status m = Materialize(); !m.ok())
    log::Error("dialog", "cannot record the conversation: " + m.message());
  crm::Conversation c;
  c.id = conversation_id_;
  c.lead_id = lead_id_;
  c.ended_at = now;
  c.outcome = outcome;
  c.reason = reason;
  c.summary = summary;
  c.recording_path = recording_;
  c.transfer_to = transfer_to_;
  Status s = st.EndConversation(c);
  if (!s.ok()) log::Error("dialog", "cannot end conversation: " + s.message());
  auto lead = st.GetLead(lead_id_);
  if (lead.ok()) {
    crm::Lead l = *lead;
    l.outcome = outcome;
    // A closed lead keeps its close reason (crm::Lead: the stores keep one reason).
    l.non_targeted_reason = reason;
    l.summary = summary;
    if (auto q = Qualification(outcome)) l.qualification = *q;
    if (!interest_.empty()) l.interest = interest_;
    l.updated_at = now;
    s = st.UpdateLead(l);
    if (!s.ok()) log::Error("dialog", "cannot update lead: " + s.message());
  }
  end_info_.outcome = outcome;
  end_info_.reason = reason;
  end_info_.summary = summary;
  end_info_.lead_id = lead_id_;
  end_info_.order_id = order_id_;
  end_info_.conversation_id = conversation_id_;
  end_info_.task_id = task_id_;
  return end_info_;
}

}  // namespace kira::dialog
