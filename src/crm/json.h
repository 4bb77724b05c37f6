// The CRM's records as JSON (nlohmann), one shape shared by the CLI (`kira leads --json`), the
// web API and the webhooks. Field names are the struct member names; times are UTC Unix
// milliseconds; ids that refer to nothing are 0.
//
//   nlohmann::json j = lead;                        // to_json
//   Result<Lead> l = crm::FromJson<Lead>(body);     // from_json without exceptions
//
// from_json reads every field that is present and leaves the others at their defaults, so a
// client may send a partial record; a field of the wrong type is an error naming the field
// ("lead.status: expected a string, got number"). Unknown fields are ignored.
#pragma once

#include <exception>
#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"
#include "crm/crm_store.h"
#include "crm/model.h"

namespace kira::crm {

void to_json(nlohmann::json& j, const Contact& v);
void from_json(const nlohmann::json& j, Contact& v);
void to_json(nlohmann::json& j, const Lead& v);
void from_json(const nlohmann::json& j, Lead& v);
void to_json(nlohmann::json& j, const Turn& v);
void from_json(const nlohmann::json& j, Turn& v);
void to_json(nlohmann::json& j, const Conversation& v);
void from_json(const nlohmann::json& j, Conversation& v);
void to_json(nlohmann::json& j, const OrderLine& v);
void from_json(const nlohmann::json& j, OrderLine& v);
void to_json(nlohmann::json& j, const Order& v);
void from_json(const nlohmann::json& j, Order& v);
void to_json(nlohmann::json& j, const Task& v);
void from_json(const nlohmann::json& j, Task& v);
void to_json(nlohmann::json& j, const DncEntry& v);
void from_json(const nlohmann::json& j, DncEntry& v);
void to_json(nlohmann::json& j, const AuditEntry& v);
void from_json(const nlohmann::json& j, AuditEntry& v);
void to_json(nlohmann::json& j, const LeadFilter& v);
void from_json(const nlohmann::json& j, LeadFilter& v);
// What `kira forget` and POST /api/admin/forget answer: counts, never the recordings' paths.
void to_json(nlohmann::json& j, const ForgetResult& v);

// from_json without exceptions: Invalid with the field's name on a type mismatch.
template <typename T>
Result<T> FromJson(const nlohmann::json& j) {
  try {
    T v;
    from_json(j, v);
    return v;
  } catch (const std::exception& e) {
    return Status::Invalid(e.what());
  }
}

}  // namespace kira::crm
