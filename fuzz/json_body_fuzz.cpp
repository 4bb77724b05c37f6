// Fuzzes JSON request bodies as the web reads them: nlohmann::json::parse without exceptions
// (web_server.cpp ParseBody), then every CRM record the API accepts (crm/json.h FromJson), and
// a dump/parse round trip of whatever parsed.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "crm/json.h"
#include "fuzz_util.h"

using kira::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) return 0;
  // Invalid UTF-8 inside strings makes dump() throw unless asked to replace it.
  const std::string again = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  nlohmann::json k = nlohmann::json::parse(again, nullptr, false);
  Check(!k.is_discarded());
  if (!j.is_object()) return 0;
  (void)kira::crm::FromJson<kira::crm::Contact>(j);
  (void)kira::crm::FromJson<kira::crm::Lead>(j);
  (void)kira::crm::FromJson<kira::crm::Order>(j);
  (void)kira::crm::FromJson<kira::crm::Task>(j);
  (void)kira::crm::FromJson<kira::crm::Conversation>(j);
  (void)kira::crm::FromJson<kira::crm::DncEntry>(j);
  (void)kira::crm::FromJson<kira::crm::LeadFilter>(j);
  return 0;
}
