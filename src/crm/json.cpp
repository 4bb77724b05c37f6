#include "crm/json.h"

#include <limits>
#include <stdexcept>

namespace kira::crm {

using nlohmann::json;

namespace {

[[noreturn]] void Mismatch(const char* record, const char* key, const char* want, const json& got) {
  throw std::invalid_argument(std::string(record) + "." + key + ": expected " + want + ", got " +
                              got.type_name());
}

const json* Field(const json& j, const char* record, const char* key) {
  if (!j.is_object()) {
    throw std::invalid_argument(std::string(record) + ": expected an object, got " + j.type_name());
  }
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}

void Get(const json& j, const char* rec, const char* key, std::string* out) {
  if (const json* v = Field(j, rec, key)) {
    if (!v->is_string()) Mismatch(rec, key, "a string", *v);
    *out = v->get<std::string>();
  }
}

void Get(const json& j, const char* rec, const char* key, int64_t* out) {
  if (const json* v = Field(j, rec, key)) {
    if (!v->is_number_integer()) Mismatch(rec, key, "an integer", *v);
    if (v->is_number_unsigned() &&
        v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      Mismatch(rec, key, "an integer that fits 64 bits", *v);
    }
    *out = v->get<int64_t>();
  }
}

void Get(const json& j, const char* rec, const char* key, int* out) {
  int64_t v = *out;
  Get(j, rec, key, &v);
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
    throw std::invalid_argument(std::string(rec) + "." + key + ": " + std::to_string(v) +
                                " is out of range");
  }
  *out = static_cast<int>(v);
}

void Get(const json& j, const char* rec, const char* key, double* out) {
  if (const json* v = Field(j, rec, key)) {
    if (!v->is_number()) Mismatch(rec, key, "a number", *v);
    *out = v->get<double>();
  }
}

void Get(const json& j, const char* rec, const char* key, bool* out) {
  if (const json* v = Field(j, rec, key)) {
    if (!v->is_boolean()) Mismatch(rec, key, "true or false", *v);
    *out = v->get<bool>();
  }
}

// A vocabulary value by its name (crm/outcome.h); an unknown name lists the accepted ones.
template <typename Row, size_t N, typename E>
void GetNamed(const json& j, const char* rec, const char* key, const Row (&table)[N], E* out) {
  std::string s;
  if (!Field(j, rec, key)) return;
  Get(j, rec, key, &s);
  auto v = ParseNamed(table, s, std::string(rec) + "." + key);
  if (!v.ok()) throw std::invalid_argument(v.status().message());
  *out = *v;
}
void Get(const json& j, const char* rec, const char* key, LeadStatus* out) {
  GetNamed(j, rec, key, kLeadStatusTable, out);
}
void Get(const json& j, const char* rec, const char* key, OrderStatus* out) {
  GetNamed(j, rec, key, kOrderStatusTable, out);
}
void Get(const json& j, const char* rec, const char* key, TaskStatus* out) {
  GetNamed(j, rec, key, kTaskStatusTable, out);
}
void Get(const json& j, const char* rec, const char* key, TaskKind* out) {
  GetNamed(j, rec, key, kTaskKindTable, out);
}
// "" or absent: any status.
void Get(const json& j, const char* rec, const char* key, std::optional<LeadStatus>* out) {
  std::string s;
  Get(j, rec, key, &s);
  if (s.empty()) return;
  LeadStatus v;
  GetNamed(j, rec, key, kLeadStatusTable, &v);
  *out = v;
}

void Get(const json& j, const char* rec, const char* key, Qualification* out) {
  GetNamed(j, rec, key, kQualificationTable, out);
}
// "" or absent: none (an outcome, a reason) or any (a filter's qualification).
template <typename Row, size_t N, typename E>
void GetOptionalNamed(const json& j, const char* rec, const char* key, const Row (&table)[N],
                      std::optional<E>* out) {
  if (!Field(j, rec, key)) return;
  std::string s;
  Get(j, rec, key, &s);
  auto v = ParseOptionalNamed(table, s, std::string(rec) + "." + key);
  if (!v.ok()) throw std::invalid_argument(v.status().message());
  *out = *v;
}
void Get(const json& j, const char* rec, const char* key, std::optional<Outcome>* out) {
  GetOptionalNamed(j, rec, key, kOutcomeTable, out);
}
void Get(const json& j, const char* rec, const char* key, std::optional<NonTargetedReason>* out) {
  GetOptionalNamed(j, rec, key, kNonTargetedReasonTable, out);
}
void Get(const json& j, const char* rec, const char* key, std::optional<Qualification>* out) {
  GetOptionalNamed(j, rec, key, kQualificationTable, out);
}

template <typename T>
void GetList(const json& j, const char* rec, const char* key, std::vector<T>* out) {
  if (const json* v = Field(j, rec, key)) {
    if (!v->is_array()) Mismatch(rec, key, "an array", *v);
    out->clear();
    for (size_t i = 0; i < v->size(); ++i) {
      T t;
      try {
        from_json((*v)[i], t);
      } catch (const std::exception& e) {
        throw std::invalid_argument(std::string(rec) + "." + key + "[" + std::to_string(i) +
                                    "]: " + e.what());
      }
      out->push_back(std::move(t));
    }
  }
}

}  // namespace

void to_json(json& j, const Contact& v) {
  j = json{{"id", v.id},
           {"phone", v.phone},
           {"name", v.name},
           {"timezone", v.timezone},
           {"created_at", v.created_at}};
}
void from_json(const json& j, Contact& v) {
  const char* r = "contact";
  Get(j, r, "id", &v.id);
  Get(j, r, "phone", &v.phone);
  Get(j, r, "name", &v.name);
  Get(j, r, "timezone", &v.timezone);
  Get(j, r, "created_at", &v.created_at);
}

void to_json(json& j, const Lead& v) {
  j = json{{"id", v.id},
           {"contact_id", v.contact_id},
           {"channel", v.channel},
           {"source", v.source},
           {"status", Name(v.status)},
           {"qualification", Name(v.qualification)},
           {"outcome", OptionalName(v.outcome)},
           {"reason", StoredReason(v)},
           {"summary", v.summary},
           {"assigned_to", v.assigned_to},
           {"interest", v.interest},
           {"source_flagged", v.source_flagged},
           {"created_at", v.created_at},
           {"updated_at", v.updated_at}};
}
void from_json(const json& j, Lead& v) {
  const char* r = "lead";
  Get(j, r, "id", &v.id);
  Get(j, r, "contact_id", &v.contact_id);
  Get(j, r, "channel", &v.channel);
  Get(j, r, "source", &v.source);
  Get(j, r, "status", &v.status);
  Get(j, r, "qualification", &v.qualification);
  Get(j, r, "outcome", &v.outcome);
  if (Field(j, r, "reason")) {  // after the status, which says which vocabulary it is
    std::string reason;
    Get(j, r, "reason", &reason);
    if (Status s = SetStoredReason(reason, &v); !s.ok())
      throw std::invalid_argument("lead.reason: " + s.message());
  }
  Get(j, r, "summary", &v.summary);
  Get(j, r, "assigned_to", &v.assigned_to);
  Get(j, r, "interest", &v.interest);
  Get(j, r, "source_flagged", &v.source_flagged);
  Get(j, r, "created_at", &v.created_at);
  Get(j, r, "updated_at", &v.updated_at);
}

void to_json(json& j, const Turn& v) {
  j = json{{"id", v.id},     {"conversation_id", v.conversation_id},
           {"seq", v.seq},   {"speaker", v.speaker},
           {"text", v.text}, {"at", v.at}};
}
void from_json(const json& j, Turn& v) {
  const char* r = "turn";
  Get(j, r, "id", &v.id);
  Get(j, r, "conversation_id", &v.conversation_id);
  Get(j, r, "seq", &v.seq);
  Get(j, r, "speaker", &v.speaker);
  Get(j, r, "text", &v.text);
  Get(j, r, "at", &v.at);
}

void to_json(json& j, const Conversation& v) {
  j = json{{"id", v.id},
           {"lead_id", v.lead_id},
           {"agent", v.agent},
           {"channel", v.channel},
           {"language", v.language},
           {"started_at", v.started_at},
           {"ended_at", v.ended_at},
           {"outcome", OptionalName(v.outcome)},
           {"reason", OptionalName(v.reason)},
           {"summary", v.summary},
           {"recording_path", v.recording_path},
           {"transfer_to", v.transfer_to},
           {"task_id", v.task_id},
           {"turns", v.turns}};
}
void from_json(const json& j, Conversation& v) {
  const char* r = "conversation";
  Get(j, r, "id", &v.id);
  Get(j, r, "lead_id", &v.lead_id);
  Get(j, r, "agent", &v.agent);
  Get(j, r, "channel", &v.channel);
  Get(j, r, "language", &v.language);
  Get(j, r, "started_at", &v.started_at);
  Get(j, r, "ended_at", &v.ended_at);
  Get(j, r, "outcome", &v.outcome);
  Get(j, r, "reason", &v.reason);
  Get(j, r, "summary", &v.summary);
  Get(j, r, "recording_path", &v.recording_path);
  Get(j, r, "transfer_to", &v.transfer_to);
  Get(j, r, "task_id", &v.task_id);
  GetList(j, r, "turns", &v.turns);
}

void to_json(json& j, const OrderLine& v) {
  j = json{{"sku", v.sku}, {"name", v.name}, {"qty", v.qty}, {"unit", v.unit}, {"price", v.price}};
}
void from_json(const json& j, OrderLine& v) {
  const char* r = "order_line";
  Get(j, r, "sku", &v.sku);
  Get(j, r, "name", &v.name);
  Get(j, r, "qty", &v.qty);
  Get(j, r, "unit", &v.unit);
  Get(j, r, "price", &v.price);
}

void to_json(json& j, const Order& v) {
  j = json{{"id", v.id},
           {"lead_id", v.lead_id},
           {"conversation_id", v.conversation_id},
           {"status", Name(v.status)},
           {"fulfilment", v.fulfilment},
           {"address", v.address},
           {"customer_name", v.customer_name},
           {"supply", v.supply},
           {"lead_days", v.lead_days},
           {"total", v.total},
           {"created_at", v.created_at},
           {"lines", v.lines}};
}
void from_json(const json& j, Order& v) {
  const char* r = "order";
  Get(j, r, "id", &v.id);
  Get(j, r, "lead_id", &v.lead_id);
  Get(j, r, "conversation_id", &v.conversation_id);
  Get(j, r, "status", &v.status);
  Get(j, r, "fulfilment", &v.fulfilment);
  Get(j, r, "address", &v.address);
  Get(j, r, "customer_name", &v.customer_name);
  Get(j, r, "supply", &v.supply);
  Get(j, r, "lead_days", &v.lead_days);
  Get(j, r, "total", &v.total);
  Get(j, r, "created_at", &v.created_at);
  GetList(j, r, "lines", &v.lines);
}

void to_json(json& j, const Task& v) {
  j = json{{"id", v.id},
           {"lead_id", v.lead_id},
           {"kind", Name(v.kind)},
           {"agent", v.agent},
           {"phone", v.phone},
           {"timezone", v.timezone},
           {"note", v.note},
           {"not_before", v.not_before},
           {"deadline", v.deadline},
           {"attempts", v.attempts},
           {"last_attempt_at", v.last_attempt_at},
           {"last_result", v.last_result},
           {"status", Name(v.status)},
           {"created_by", v.created_by},
           {"created_at", v.created_at}};
}
void from_json(const json& j, Task& v) {
  const char* r = "task";
  Get(j, r, "id", &v.id);
  Get(j, r, "lead_id", &v.lead_id);
  Get(j, r, "kind", &v.kind);
  Get(j, r, "agent", &v.agent);
  Get(j, r, "phone", &v.phone);
  Get(j, r, "timezone", &v.timezone);
  Get(j, r, "note", &v.note);
  Get(j, r, "not_before", &v.not_before);
  Get(j, r, "deadline", &v.deadline);
  Get(j, r, "attempts", &v.attempts);
  Get(j, r, "last_attempt_at", &v.last_attempt_at);
  Get(j, r, "last_result", &v.last_result);
  Get(j, r, "status", &v.status);
  Get(j, r, "created_by", &v.created_by);
  Get(j, r, "created_at", &v.created_at);
}

void to_json(json& j, const DncEntry& v) {
  j = json{
      {"phone", v.phone}, {"reason", v.reason}, {"source", v.source}, {"added_at", v.added_at}};
}
void from_json(const json& j, DncEntry& v) {
  const char* r = "dnc";
  Get(j, r, "phone", &v.phone);
  Get(j, r, "reason", &v.reason);
  Get(j, r, "source", &v.source);
  Get(j, r, "added_at", &v.added_at);
}

void to_json(json& j, const AuditEntry& v) {
  j = json{{"id", v.id},         {"at", v.at},         {"actor", v.actor},
           {"action", v.action}, {"entity", v.entity}, {"entity_id", v.entity_id},
           {"detail", v.detail}};
}
void from_json(const json& j, AuditEntry& v) {
  const char* r = "audit";
  Get(j, r, "id", &v.id);
  Get(j, r, "at", &v.at);
  Get(j, r, "actor", &v.actor);
  Get(j, r, "action", &v.action);
  Get(j, r, "entity", &v.entity);
  Get(j, r, "entity_id", &v.entity_id);
  Get(j, r, "detail", &v.detail);
}

void to_json(json& j, const ForgetResult& v) {
  j = json{{"found", v.found},
           {"leads_deleted", v.leads_deleted},
           {"leads_emptied", v.leads_emptied},
           {"conversations", v.conversations},
           {"turns", v.turns},
           {"recordings", v.recordings.size()},
           {"orders_scrubbed", v.orders_scrubbed},
           {"tasks", v.tasks},
           {"dnc_hashed", v.dnc_hashed},
           {"outbox_rows", v.outbox_rows}};
}

void to_json(json& j, const LeadFilter& v) {
  j = json{{"outcome", OptionalName(v.outcome)},
           {"reason", ReasonFilterName(v)},
           {"channel", v.channel},
           {"status", v.status ? Name(*v.status) : ""},
           {"qualification", OptionalName(v.qualification)},  // "" = any
           {"assigned_to", v.assigned_to},
           {"contact_id", v.contact_id},
           {"from", v.from},
           {"to", v.to},
           {"before_id", v.before_id},
           {"after_id", v.after_id},
           {"limit", v.limit}};
}
void from_json(const json& j, LeadFilter& v) {
  const char* r = "filter";
  Get(j, r, "outcome", &v.outcome);
  if (Field(j, r, "reason")) {
    std::string reason;
    Get(j, r, "reason", &reason);
    if (Status s = ParseReasonFilter(reason, &v); !s.ok())
      throw std::invalid_argument("filter.reason: " + s.message());
  }
  Get(j, r, "channel", &v.channel);
  Get(j, r, "status", &v.status);
  Get(j, r, "qualification", &v.qualification);
  Get(j, r, "assigned_to", &v.assigned_to);
  Get(j, r, "contact_id", &v.contact_id);
  Get(j, r, "from", &v.from);
  Get(j, r, "to", &v.to);
  Get(j, r, "before_id", &v.before_id);
  Get(j, r, "after_id", &v.after_id);
  Get(j, r, "limit", &v.limit);
}

}  // namespace kira::crm
