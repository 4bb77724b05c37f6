#include "web/finished_call.h"

namespace kira::web {

using Json = nlohmann::json;

Json FinishedCallJson(const FinishedCall& c) {
  return {{"conversation_id", c.conversation_id},
          {"lead_id", c.lead_id},
          {"phone", c.phone},
          {"name", c.name},
          {"summary", c.summary},
          {"outcome", c.outcome},
          {"order", c.order},
          {"total", c.total},
          {"recording_url", c.recording_url},
          {"duration_s", c.duration_s},
          {"inbound", c.inbound},
          {"started_at_ms", c.started_at_ms}};
}

bool FinishedCallFromJson(const Json& j, FinishedCall* c) {
  if (!j.is_object()) return false;
  try {
    c->conversation_id = j.at("conversation_id").get<int64_t>();
    c->lead_id = j.contains("lead_id") ? j["lead_id"].get<int64_t>() : 0;
    c->phone = j.at("phone").get<std::string>();
    c->name = j.at("name").get<std::string>();
    c->summary = j.at("summary").get<std::string>();
    c->outcome = j.at("outcome").get<std::string>();
    c->order = j.at("order").get<std::string>();
    c->total = j.at("total").get<int64_t>();
    c->recording_url = j.at("recording_url").get<std::string>();
    c->duration_s = j.at("duration_s").get<int>();
    c->inbound = j.at("inbound").get<bool>();
    c->started_at_ms = j.contains("started_at_ms") ? j["started_at_ms"].get<int64_t>() : 0;
  } catch (const Json::exception&) {
    return false;
  }
  return true;
}

}  // namespace kira::web
