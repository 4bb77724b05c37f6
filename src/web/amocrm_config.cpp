#include "web/amocrm_config.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace kira::web {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxSubdomainChars = 63;  // a DNS label
constexpr size_t kMaxUrlChars = 512;
constexpr size_t kMaxIdChars = 64;
constexpr size_t kMaxSecretChars = 256;
constexpr size_t kMaxCodeChars = 2048;  // amoCRM's codes are long JWT-like strings

Status Bad(const std::string& key, const std::string& why) {
  return Status::Invalid("amocrm." + key + ": " + why);
}

Status String(const Json& j, const char* key, size_t max, std::string* out) {
  if (!j.contains(key)) return Status::Ok();
  if (!j[key].is_string()) return Bad(key, "must be a string");
  std::string v = j[key].get<std::string>();
  if (v.size() > max) return Bad(key, "longer than " + std::to_string(max) + " characters");
  *out = v;
  return Status::Ok();
}

Status Id(const Json& j, const char* key, int64_t* out) {
  if (!j.contains(key)) return Status::Ok();
  if (!j[key].is_number_integer() || j[key].get<int64_t>() < 0)
    return Bad(key, "must be a whole number, 0 or more");
  *out = j[key].get<int64_t>();
  return Status::Ok();
}

bool HttpUrl(const std::string& u) {
  return u.rfind("https://", 0) == 0 || u.rfind("http://", 0) == 0;
}

}  // namespace

std::string AmoConfig::api_base() const {
  if (!base_url.empty()) return base_url;
  return "https://" + subdomain + ".amocrm.ru";
}

Result<AmoConfig> ParseAmoConfig(const std::string& json, const AmoConfig* previous) {
  if (json.size() > kMaxAmoConfigBytes)
    return Status::Invalid("amocrm: settings larger than " + std::to_string(kMaxAmoConfigBytes) +
                           " bytes");
  Json j = Json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Status::Invalid("amocrm: settings must be a JSON object");
  static const char* kKeys[] = {"enabled",           "subdomain",     "base_url",  "client_id",
                                "client_secret",     "redirect_uri",  "auth_code", "pipeline_id",
                                "status_id",         "fields",        "language",  "max_per_second",
                                "client_secret_set", "auth_code_set", "connected"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (std::none_of(std::begin(kKeys), std::end(kKeys),
                     [&](const char* k) { return it.key() == k; }))
      return Status::Invalid("amocrm: unknown key '" + it.key().substr(0, 40) + "'");
  AmoConfig c = previous ? *previous : AmoConfig{};
  if (j.contains("enabled")) {
    if (!j["enabled"].is_boolean()) return Bad("enabled", "must be true or false");
    c.enabled = j["enabled"].get<bool>();
  }
  KIRA_RETURN_IF_ERROR(String(j, "subdomain", kMaxSubdomainChars, &c.subdomain));
  for (char ch : c.subdomain)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-'))
      return Bad("subdomain", "only letters, digits and '-' (the part before .amocrm.ru)");
  KIRA_RETURN_IF_ERROR(String(j, "base_url", kMaxUrlChars, &c.base_url));
  if (!c.base_url.empty() && !HttpUrl(c.base_url))
    return Bad("base_url", "must start with https:// or http://");
  KIRA_RETURN_IF_ERROR(String(j, "client_id", kMaxIdChars, &c.client_id));
  std::string secret, code;
  KIRA_RETURN_IF_ERROR(String(j, "client_secret", kMaxSecretChars, &secret));
  if (!secret.empty()) c.client_secret = secret;
  KIRA_RETURN_IF_ERROR(String(j, "auth_code", kMaxCodeChars, &code));
  if (!code.empty()) c.auth_code = code;
  KIRA_RETURN_IF_ERROR(String(j, "redirect_uri", kMaxUrlChars, &c.redirect_uri));
  if (!c.redirect_uri.empty() && !HttpUrl(c.redirect_uri))
    return Bad("redirect_uri", "must start with https:// or http://");
  KIRA_RETURN_IF_ERROR(Id(j, "pipeline_id", &c.pipeline_id));
  KIRA_RETURN_IF_ERROR(Id(j, "status_id", &c.status_id));
  if (j.contains("fields")) {
    const Json& f = j["fields"];
    if (!f.is_object()) return Bad("fields", "must be an object of field names to amoCRM ids");
    if (f.size() > kMaxAmoFieldMappings)
      return Bad("fields", "more than " + std::to_string(kMaxAmoFieldMappings) + " mappings");
    std::map<std::string, int64_t> m;
    for (auto it = f.begin(); it != f.end(); ++it) {
      if (std::none_of(kAmoMappableFields.begin(), kAmoMappableFields.end(),
                       [&](const char* k) { return it.key() == k; }))
        return Bad("fields." + it.key().substr(0, 40),
                   "unknown field (known: summary, outcome, order, total, recording_url, "
                   "conversation_id)");
      if (!it.value().is_number_integer() || it.value().get<int64_t>() <= 0)
        return Bad("fields." + it.key(), "must be an amoCRM field id (a positive number)");
      m[it.key()] = it.value().get<int64_t>();
    }
    c.fields = m;
  }
  KIRA_RETURN_IF_ERROR(String(j, "language", 2, &c.language));
  if (c.language != "ru" && c.language != "en") return Bad("language", "must be \"ru\" or \"en\"");
  if (j.contains("max_per_second")) {
    if (!j["max_per_second"].is_number()) return Bad("max_per_second", "must be a number");
    double r = j["max_per_second"].get<double>();
    if (!(r > 0 && r <= 7)) return Bad("max_per_second", "must be above 0 and at most 7");
    c.max_per_second = r;
  }
  if (c.enabled) {
    if (c.subdomain.empty() && c.base_url.empty())
      return Bad("subdomain", "is needed to switch the connector on");
    if (c.client_id.empty()) return Bad("client_id", "is needed to switch the connector on");
    if (c.client_secret.empty())
      return Bad("client_secret", "is needed to switch the connector on");
    if (c.redirect_uri.empty()) return Bad("redirect_uri", "is needed to switch the connector on");
  }
  return c;
}

std::string AmoConfigJson(const AmoConfig& c, bool with_secrets) {
  Json f = Json::object();
  for (const auto& [k, v] : c.fields) f[k] = v;
  Json j = {{"enabled", c.enabled},           {"subdomain", c.subdomain},
            {"base_url", c.base_url},         {"client_id", c.client_id},
            {"redirect_uri", c.redirect_uri}, {"pipeline_id", c.pipeline_id},
            {"status_id", c.status_id},       {"fields", f},
            {"language", c.language},         {"max_per_second", c.max_per_second}};
  j["client_secret"] = with_secrets ? c.client_secret : "";
  j["auth_code"] = with_secrets ? c.auth_code : "";
  if (!with_secrets) {
    j["client_secret_set"] = !c.client_secret.empty();
    j["auth_code_set"] = !c.auth_code.empty();
  }
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace kira::web
