// JSON shapes of the CRM and catalog records as the HTTP API returns them (docs/openapi.yaml
// describes each). Times stay UTC Unix milliseconds.
#pragma once

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "crm/model.h"
#include "web/auth.h"
#include "web/webhooks.h"

namespace kira::web {

using Json = nlohmann::json;

Json ToJson(const crm::Contact& c);
Json ToJson(const crm::Lead& l);
Json ToJson(const crm::Turn& t);
Json ToJson(const crm::Conversation& c);  // with turns, and has_recording (never the path)
Json ToJson(const crm::OrderLine& l);
Json ToJson(const crm::Order& o);
Json ToJson(const crm::Task& t);
Json ToJson(const crm::AuditEntry& a);
Json ToJson(const User& u);
Json ToJson(const Webhook& w);  // without the secret
Json ToJson(const Delivery& d);
// A product with the distributor's stock (when known).
Json ProductJson(const catalog::Catalog& cat, const catalog::Product& p);

}  // namespace kira::web
