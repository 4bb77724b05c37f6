#include "web/json_model.h"

namespace kira::web {

Json ToJson(const crm::Contact& c) {
  return {{"id", c.id},
          {"phone", c.phone},
          {"name", c.name},
          {"timezone", c.timezone},
          {"created_at", c.created_at}};
}

Json ToJson(const crm::Lead& l) {
  return {{"id", l.id},
          {"contact_id", l.contact_id},
          {"channel", l.channel},
          {"source", l.source},
          {"status", crm::Name(l.status)},
          {"qualification", crm::Name(l.qualification)},
          {"outcome", crm::OptionalName(l.outcome)},
          {"reason", crm::StoredReason(l)},  // the names the API has always shown
          {"summary", l.summary},
          {"assigned_to", l.assigned_to},
          {"interest", l.interest},
          {"source_flagged", l.source_flagged},
          {"created_at", l.created_at},
          {"updated_at", l.updated_at}};
}

Json ToJson(const crm::Turn& t) {
  return {{"seq", t.seq}, {"speaker", t.speaker}, {"text", t.text}, {"at", t.at}};
}

Json ToJson(const crm::Conversation& c) {
  Json turns = Json::array();
  for (const auto& t : c.turns) turns.push_back(ToJson(t));
  return {{"id", c.id},
          {"lead_id", c.lead_id},
          {"agent", c.agent},
          {"channel", c.channel},
          {"language", c.language},
          {"started_at", c.started_at},
          {"ended_at", c.ended_at},
          {"outcome", crm::OptionalName(c.outcome)},
          {"reason", crm::OptionalName(c.reason)},
          {"summary", c.summary},
          {"has_recording", !c.recording_path.empty()},
          {"task_id", c.task_id},
          {"turns", turns}};
}

Json ToJson(const crm::OrderLine& l) {
  return {{"sku", l.sku}, {"name", l.name}, {"qty", l.qty}, {"unit", l.unit}, {"price", l.price}};
}

Json ToJson(const crm::Order& o) {
  Json lines = Json::array();
  for (const auto& l : o.lines) lines.push_back(ToJson(l));
  return {{"id", o.id},
          {"lead_id", o.lead_id},
          {"conversation_id", o.conversation_id},
          {"status", crm::Name(o.status)},
          {"fulfilment", o.fulfilment},
          {"address", o.address},
          {"customer_name", o.customer_name},
          {"supply", o.supply},
          {"lead_days", o.lead_days},
          {"total", o.total},
          {"created_at", o.created_at},
          {"lines", lines}};
}

Json ToJson(const crm::Task& t) {
  return {{"id", t.id},
          {"lead_id", t.lead_id},
          {"kind", crm::Name(t.kind)},
          {"agent", t.agent},
          {"phone", t.phone},
          {"timezone", t.timezone},
          {"note", t.note},
          {"not_before", t.not_before},
          {"deadline", t.deadline},
          {"attempts", t.attempts},
          {"last_attempt_at", t.last_attempt_at},
          {"last_result", t.last_result},
          {"status", crm::Name(t.status)},
          {"created_by", t.created_by},
          {"created_at", t.created_at}};
}

Json ToJson(const crm::AuditEntry& a) {
  return {{"id", a.id},         {"at", a.at},         {"actor", a.actor},
          {"action", a.action}, {"entity", a.entity}, {"entity_id", a.entity_id},
          {"detail", a.detail}};
}

Json ToJson(const User& u) {
  return {{"id", u.id}, {"name", u.name}, {"role", u.role}, {"created_at", u.created_at}};
}

Json ToJson(const Webhook& w) {
  return {{"id", w.id},
          {"url", w.url},
          {"events", w.events},
          {"active", w.active},
          {"created_at", w.created_at}};
}

Json ToJson(const Delivery& d) {
  return {{"id", d.id},
          {"webhook_id", d.webhook_id},
          {"event", d.event},
          {"status", d.status},
          {"attempts", d.attempts},
          {"next_attempt_at", d.next_attempt_at},
          {"last_error", d.last_error},
          {"created_at", d.created_at},
          {"delivered_at", d.delivered_at}};
}

Json ProductJson(const catalog::Catalog& cat, const catalog::Product& p) {
  Json j = {{"sku", p.sku},
            {"name", p.name},
            {"category", p.category},
            {"brand", p.brand},
            {"collection", p.collection},
            {"format", p.format},
            {"pack", p.pack},
            {"color", p.color},
            {"surface", p.surface},
            {"material", p.material},
            {"price", p.price},
            {"unit", p.unit},
            {"stock", p.stock},
            {"discontinued", p.discontinued}};
  j["box_m2"] = p.box_m2 ? Json(*p.box_m2) : Json(nullptr);
  if (auto d = cat.Distributor(p.sku))
    j["distributor"] = {{"qty", d->qty}, {"lead_days", d->lead_days}};
  else
    j["distributor"] = nullptr;
  return j;
}

}  // namespace kira::web
