#include "web/bitrix24_config.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace kira::web {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxUrlChars = 512;
constexpr size_t kMaxCodeChars = 64;
constexpr size_t kMaxStatusChars = 50;  // STATUS_ID / SOURCE_ID values, e.g. "UC_A1B2C3"
constexpr size_t kMaxFieldChars = 64;   // UF_CRM_1700000000000

Status Bad(const std::string& key, const std::string& why) {
  return Status::Invalid("bitrix24." + key + ": " + why);
}

Status String(const Json& j, const char* key, size_t max, std::string* out) {
  if (!j.contains(key)) return Status::Ok();
  if (!j[key].is_string()) return Bad(key, "must be a string");
  std::string v = j[key].get<std::string>();
  if (v.size() > max) return Bad(key, "longer than " + std::to_string(max) + " characters");
  *out = v;
  return Status::Ok();
}

bool Word(const std::string& s) {  // Bitrix24's directory ids: letters, digits, '_' and ':'
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == ':';
  });
}

bool Alnum(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) != 0;
  });
}

}  // namespace

std::string B24Webhook::Url() const {
  return base + "/rest/" + std::to_string(user_id) + "/" + code + "/";
}

std::string B24Webhook::MethodUrl(const std::string& method) const {
  return Url() + method + ".json";
}

Result<B24Webhook> ParseB24Webhook(const std::string& url) {
  const char* kShape =
      "must look like https://<portal>/rest/<user id>/<code>/ (Bitrix24: "
      "Developer resources → Other → Inbound webhook)";
  if (url.size() > kMaxUrlChars) return Bad("webhook_url", "too long");
  size_t scheme = url.find("://");
  if (scheme == std::string::npos ||
      (url.compare(0, scheme, "https") != 0 && url.compare(0, scheme, "http") != 0))
    return Bad("webhook_url", kShape);
  size_t path = url.find('/', scheme + 3);
  if (path == std::string::npos || path == scheme + 3) return Bad("webhook_url", kShape);
  B24Webhook w;
  w.base = url.substr(0, path);
  for (char ch : w.base.substr(scheme + 3))
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == ':'))
      return Bad("webhook_url", "the portal's address has a character it cannot have");
  std::vector<std::string> parts;
  std::string rest = url.substr(path + 1);
  size_t q = rest.find_first_of("?#");
  if (q != std::string::npos) return Bad("webhook_url", kShape);
  for (size_t i = 0; i <= rest.size();) {
    size_t slash = rest.find('/', i);
    if (slash == std::string::npos) slash = rest.size();
    if (slash > i) parts.push_back(rest.substr(i, slash - i));
    i = slash + 1;
  }
  // A method name after the code, as in the request builder's sample URL, is dropped.
  if (parts.size() == 4 && parts[3].find('.') != std::string::npos) parts.pop_back();
  if (parts.size() != 3 || parts[0] != "rest") return Bad("webhook_url", kShape);
  if (parts[1].size() > 9 || !std::all_of(parts[1].begin(), parts[1].end(), ::isdigit) ||
      parts[1].empty())
    return Bad("webhook_url", "the user id (after /rest/) must be a number");
  w.user_id = std::stoll(parts[1]);
  if (w.user_id <= 0) return Bad("webhook_url", "the user id (after /rest/) must be above 0");
  if (parts[2].size() > kMaxCodeChars || !Alnum(parts[2]))
    return Bad("webhook_url", "the code (after the user id) must be letters and digits");
  w.code = parts[2];
  return w;
}

Result<B24Config> ParseB24Config(const std::string& json, const B24Config* previous) {
  if (json.size() > kMaxB24ConfigBytes)
    return Status::Invalid("bitrix24: settings larger than " + std::to_string(kMaxB24ConfigBytes) +
                           " bytes");
  Json j = Json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Status::Invalid("bitrix24: settings must be a JSON object");
  // Read-only keys the page gets back (portal, webhook_url_set, connected, telephony_error) may
  // come back with a save and are ignored.
  static const char* kKeys[] = {
      "enabled",    "webhook_url",     "user_id",       "lead_status",       "source_id",
      "currency",   "fields",          "telephony",     "language",          "max_per_second",
      "portal",     "webhook_url_set", "connected",     "telephony_error",   "auth",
      "portal_url", "client_id",       "client_secret", "client_secret_set", "oauth_url"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (std::none_of(std::begin(kKeys), std::end(kKeys),
                     [&](const char* k) { return it.key() == k; }))
      return Status::Invalid("bitrix24: unknown key '" + it.key().substr(0, 40) + "'");
  B24Config c = previous ? *previous : B24Config{};
  c.webhook_url.clear();  // "portal" in `json` is ignored: it comes from a webhook_url given
  if (j.contains("enabled")) {
    if (!j["enabled"].is_boolean()) return Bad("enabled", "must be true or false");
    c.enabled = j["enabled"].get<bool>();
  }
  if (j.contains("telephony")) {
    if (!j["telephony"].is_boolean()) return Bad("telephony", "must be true or false");
    c.telephony = j["telephony"].get<bool>();
  }
  KIRA_RETURN_IF_ERROR(String(j, "auth", 8, &c.auth));
  if (c.auth != "webhook" && c.auth != "app") return Bad("auth", "must be \"webhook\" or \"app\"");
  for (auto [key, out] :
       {std::pair{"portal_url", &c.portal_url}, std::pair{"oauth_url", &c.oauth_url}}) {
    KIRA_RETURN_IF_ERROR(String(j, key, kMaxUrlChars, out));
    while (!out->empty() && out->back() == '/') out->pop_back();
    if (out->empty()) continue;
    auto as_hook = ParseB24Webhook(*out + "/rest/1/x/");  // scheme and host only
    if (!as_hook.ok() || as_hook->base != *out) return Bad(key, "must be https://<host> (no path)");
  }
  KIRA_RETURN_IF_ERROR(String(j, "client_id", kMaxCodeChars, &c.client_id));
  if (c.client_id.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != std::string::npos)
    return Bad("client_id", "letters, digits, '.', '_' or '-' (local.… or app.…)");
  std::string secret;
  KIRA_RETURN_IF_ERROR(String(j, "client_secret", 256, &secret));
  if (!secret.empty()) c.client_secret = secret;
  std::string url;
  KIRA_RETURN_IF_ERROR(String(j, "webhook_url", kMaxUrlChars, &url));
  if (!url.empty()) {
    KIRA_ASSIGN_OR_RETURN(B24Webhook w, ParseB24Webhook(url));
    c.webhook_url = w.Url();
    c.portal = w.base;
  }
  if (j.contains("user_id")) {
    if (!j["user_id"].is_number_integer() || j["user_id"].get<int64_t>() < 0)
      return Bad("user_id", "must be a whole number, 0 or more (0 = the webhook's user)");
    c.user_id = j["user_id"].get<int64_t>();
  }
  KIRA_RETURN_IF_ERROR(String(j, "lead_status", kMaxStatusChars, &c.lead_status));
  if (!Word(c.lead_status)) return Bad("lead_status", "a stage id: letters, digits, '_' or ':'");
  KIRA_RETURN_IF_ERROR(String(j, "source_id", kMaxStatusChars, &c.source_id));
  if (!Word(c.source_id)) return Bad("source_id", "a source id: letters, digits, '_' or ':'");
  KIRA_RETURN_IF_ERROR(String(j, "currency", 3, &c.currency));
  if (!c.currency.empty() &&
      (c.currency.size() != 3 || !std::all_of(c.currency.begin(), c.currency.end(), ::isupper)))
    return Bad("currency", "an ISO 4217 code such as RUB, or empty");
  if (j.contains("fields")) {
    const Json& f = j["fields"];
    if (!f.is_object()) return Bad("fields", "must be an object of field names to UF_CRM_ codes");
    if (f.size() > kMaxB24FieldMappings)
      return Bad("fields", "more than " + std::to_string(kMaxB24FieldMappings) + " mappings");
    std::map<std::string, std::string> m;
    for (auto it = f.begin(); it != f.end(); ++it) {
      if (std::none_of(kB24MappableFields.begin(), kB24MappableFields.end(),
                       [&](const char* k) { return it.key() == k; }))
        return Bad("fields." + it.key().substr(0, 40),
                   "unknown field (known: summary, outcome, order, total, recording_url, "
                   "conversation_id)");
      std::string code = it.value().is_string() ? it.value().get<std::string>() : "";
      if (code.empty()) continue;  // an empty box: not mapped
      if (code.size() > kMaxFieldChars || code.rfind("UF_CRM_", 0) != 0 || code.size() == 7 ||
          !Word(code))
        return Bad("fields." + it.key(), "must be a lead field code such as UF_CRM_1700000000");
      m[it.key()] = code;
    }
    c.fields = m;
  }
  KIRA_RETURN_IF_ERROR(String(j, "language", 2, &c.language));
  if (c.language != "ru" && c.language != "en") return Bad("language", "must be \"ru\" or \"en\"");
  if (j.contains("max_per_second")) {
    if (!j["max_per_second"].is_number()) return Bad("max_per_second", "must be a number");
    double r = j["max_per_second"].get<double>();
    if (!(r > 0 && r <= 5)) return Bad("max_per_second", "must be above 0 and at most 5");
    c.max_per_second = r;
  }
  return c;
}

std::string B24ConfigJson(const B24Config& c, bool with_secrets) {
  Json f = Json::object();
  for (const auto& [k, v] : c.fields) f[k] = v;
  Json j = {{"enabled", c.enabled},
            {"portal", c.portal},
            {"user_id", c.user_id},
            {"lead_status", c.lead_status},
            {"source_id", c.source_id},
            {"currency", c.currency},
            {"fields", f},
            {"telephony", c.telephony},
            {"language", c.language},
            {"max_per_second", c.max_per_second}};
  j["auth"] = c.auth;
  j["portal_url"] = c.portal_url;
  j["client_id"] = c.client_id;
  j["oauth_url"] = c.oauth_url;
  j["client_secret"] = with_secrets ? c.client_secret : "";
  if (!with_secrets) j["client_secret_set"] = !c.client_secret.empty();
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace kira::web
