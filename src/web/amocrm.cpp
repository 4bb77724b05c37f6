#include "web/amocrm.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/log.h"

namespace kira::web {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxPayloadBytes = 64 * 1024;

// What went wrong, from amoCRM's problem JSON (title, detail, hint, validation errors).
std::string Problem(const HttpReply& r) {
  if (r.status == 0) return "amoCRM did not answer: " + r.error;
  std::string s = "amoCRM answered " + std::to_string(r.status);
  Json j = Json::parse(r.body, nullptr, false);
  if (j.is_object()) {
    for (const char* k : {"title", "detail", "hint"})
      if (j.value(k, Json()).is_string()) s += ": " + j[k].get<std::string>();
    if (j.contains("validation-errors")) s += " " + j["validation-errors"].dump().substr(0, 300);
  }
  return s;
}

std::string Digits(const std::string& phone) {
  std::string d;
  for (char c : phone)
    if (c >= '0' && c <= '9') d += c;
  return d;
}

struct Words {
  const char *lead, *outcome, *order, *total, *recording;
};
const Words kRu = {"Звонок Kira №", "Итог", "Заказ", "сумма", "Запись разговора"};
const Words kEn = {"Kira call #", "Outcome", "Order", "total", "Call recording"};

}  // namespace

// The channel's sender: one row at a time on the delivery thread (web/webhooks.h).
class AmoCrm::Sender final : public OutboxSender {
 public:
  explicit Sender(AmoCrm& a) : a_(a) {}

  // The pause the channel's held rows were given before a restart (web/connector_wire.h).
  Status ResumePause(crm::WorkspaceStore& store, int64_t now) {
    return pause_.Resume(store, kAmoChannelEvent, now);
  }

  SendOutcome Send(const crm::DueDelivery& row) override {
    using K = SendOutcome::Kind;
    const int64_t now = ToUnixMillis(a_.clock_.Now());
    auto cfg = a_.Config();
    if (!cfg.ok()) return {K::kFailed, cfg.status().message(), 0, false};
    if (!cfg->enabled) return {K::kFailed, "the amoCRM connector was switched off", 0, true};
    // The channel is paused (amoCRM down, throttling, not connected): this row waits too, so
    // the rows keep their order.
    if (pause_.active(now)) return {K::kHeld, pause_.reason(), pause_.until(), false};
    if (row.payload.size() > kMaxPayloadBytes)
      return {K::kFailed, "amoCRM payload too large", 0, true};
    Json j = Json::parse(row.payload, nullptr, false);
    FinishedCall call;
    if (j.is_discarded() || !j.is_object() || !FinishedCallFromJson(j.value("data", Json()), &call))
      return {K::kFailed, "amoCRM payload is not a call", 0, true};
    cfg_ = *cfg;

    const std::string step_key = "amocrm.row." + std::to_string(row.id);
    int64_t lead_id = 0;
    if (auto st = a_.store_.GetState(step_key); st.ok() && *st && !(*st)->empty()) {
      Json s = Json::parse(**st, nullptr, false);
      if (s.is_object()) lead_id = s.value("lead_id", int64_t{0});
    }
    const Words& w = cfg_.language == "en" ? kEn : kRu;

    if (lead_id == 0) {
      int64_t contact_id = 0;
      std::string digits = Digits(call.phone);
      if (!digits.empty()) {
        HttpReply r = Call("GET", "/api/v4/contacts?query=" + digits, "");
        if (r.status == 200) {
          Json cj = Json::parse(r.body, nullptr, false);
          if (cj.is_object() && cj.contains("_embedded") &&
              cj["_embedded"].value("contacts", Json()).is_array() &&
              !cj["_embedded"]["contacts"].empty())
            contact_id = cj["_embedded"]["contacts"][0].value("id", int64_t{0});
        } else if (r.status != 204) {
          return Trouble(r, now);
        }
      }
      Json lead = {{"name", std::string(w.lead) + std::to_string(call.conversation_id)}};
      if (call.total > 0) lead["price"] = call.total;
      if (cfg_.pipeline_id) lead["pipeline_id"] = cfg_.pipeline_id;
      if (cfg_.status_id) lead["status_id"] = cfg_.status_id;
      Json custom = Json::array();
      auto value_of = [&](const std::string& f) -> std::string {
        if (f == "summary") return CutUtf8(call.summary, 250);
        if (f == "outcome") return call.outcome;
        if (f == "order") return CutUtf8(call.order, 250);
        if (f == "total") return std::to_string(call.total);
        if (f == "recording_url") return call.recording_url;
        return std::to_string(call.conversation_id);
      };
      for (const auto& [field, id] : cfg_.fields) {
        std::string v = value_of(field);
        if (!v.empty()) custom.push_back({{"field_id", id}, {"values", {{{"value", v}}}}});
      }
      if (!custom.empty()) lead["custom_fields_values"] = custom;
      Json contact;
      if (contact_id)
        contact = {{"id", contact_id}};
      else
        contact = {{"first_name", call.name.empty() ? call.phone : call.name},
                   {"custom_fields_values",
                    {{{"field_code", "PHONE"},
                      {"values", {{{"enum_code", "WORK"}, {"value", call.phone}}}}}}}};
      lead["_embedded"] = {{"tags", {{{"name", "Kira"}}}}, {"contacts", {contact}}};
      HttpReply r = Call("POST", "/api/v4/leads/complex", Json::array({lead}).dump());
      if (r.status != 200) return Trouble(r, now);
      Json a = Json::parse(r.body, nullptr, false);
      if (!a.is_array() || a.empty() || !a[0].value("id", Json()).is_number_integer())
        return Pause(now, "amoCRM's answer to leads/complex has no lead id");
      lead_id = a[0]["id"].get<int64_t>();
      // Remembered before anything else, so a retry or a restart never makes a second lead.
      Status saved = a_.store_.SetState(step_key, Json{{"lead_id", lead_id}}.dump());
      if (!saved.ok())
        return Pause(now, "amoCRM lead " + std::to_string(lead_id) +
                              " made, but not remembered: " + saved.message());
    }

    std::string text = std::string(w.outcome) + ": " + call.outcome;
    if (!call.order.empty()) {
      text += "\n" + std::string(w.order) + ": " + call.order;
      if (call.total > 0)
        text += " (" + std::string(w.total) + " " + std::to_string(call.total) + ")";
    }
    if (!call.summary.empty()) text += "\n" + call.summary;
    if (!call.recording_url.empty())
      text += "\n" + std::string(w.recording) + ": " + call.recording_url;
    Json params = {{"uniq", "kira-conversation-" + std::to_string(call.conversation_id)},
                   {"duration", call.duration_s},
                   {"source", "Kira"},
                   {"phone", call.phone},
                   {"call_result", CutUtf8(call.outcome, 250)},
                   {"call_status", 4}};  // 4: the conversation took place
    if (!call.recording_url.empty()) params["link"] = call.recording_url;
    Json notes = Json::array({{{"entity_id", lead_id},
                               {"note_type", "common"},
                               {"params", {{"text", CutUtf8(text, kMaxAmoTextBytes)}}}},
                              {{"entity_id", lead_id},
                               {"note_type", call.inbound ? "call_in" : "call_out"},
                               {"params", params}}});
    HttpReply r = Call("POST", "/api/v4/leads/notes",
                       notes.dump(-1, ' ', false, Json::error_handler_t::replace));
    if (r.status != 200) return Trouble(r, now);
    (void)a_.store_.SetState(step_key, "");
    pause_.Clear();
    return {K::kDelivered, "", 0, false};
  }

 private:
  // A failure of the wire: a 4xx about this row's data gives it up (retrying cannot help, and
  // the rows after it must not wait forever); anything else pauses the channel with a growing
  // wait and holds the row (no attempt counted, so an outage of any length loses nothing).
  SendOutcome Trouble(const HttpReply& r, int64_t now) {
    using K = SendOutcome::Kind;
    if (r.status == 429) {
      pause_.Throttle(now, a_.opt_.max_throttle, "amoCRM asked to slow down (429)");
      return {K::kHeld, pause_.reason(), pause_.until(), false};
    }
    if (r.status == 400 || r.status == 404 || r.status == 422)
      return {K::kFailed, Problem(r), 0, true};
    return Pause(now, Problem(r));
  }

  SendOutcome Pause(int64_t now, const std::string& why) {
    pause_.Fail(now, a_.opt_.first_retry, a_.opt_.max_retry, why);
    log::Warn("amocrm", why);
    return {SendOutcome::Kind::kHeld, why, pause_.until(), false};
  }

  // One API call with the pace and the tokens; a 401 refreshes them once and repeats the call.
  HttpReply Call(const std::string& method, const std::string& path, const std::string& body) {
    std::string err = EnsureTokens();
    if (!err.empty()) return {0, "", err};
    HttpReply r = Paced(method, path, tokens_.access_token, body);
    if (r.status != 401) return r;
    err = Refresh();
    if (!err.empty()) return {0, "", err};
    return Paced(method, path, tokens_.access_token, body);
  }

  HttpReply Paced(const std::string& method, const std::string& path, const std::string& bearer,
                  const std::string& body) {
    pacer_.Before(cfg_.max_per_second);
    HttpRequest req{.method = method,
                    .url = cfg_.api_base() + path,
                    .body = body,
                    .timeout = a_.opt_.timeout,
                    .max_reply = kMaxAmoReplyBytes};
    if (!bearer.empty()) req.headers.push_back("Authorization: Bearer " + bearer);
    HttpReply r = HttpExchange(req);
    if (r.status != 0) pacer_.Answered();
    return r;
  }

  std::string EnsureTokens() {
    if (!tokens_.access_token.empty()) return "";
    auto stored = a_.vault_.Load();
    // Stored tokens that do not open (the key file was lost or replaced) are replaced by a new
    // authorization code, when one is entered; until then they are the error shown.
    if (!stored.ok() && cfg_.auth_code.empty()) return "amoCRM: " + stored.status().message();
    if (stored.ok() && *stored) {
      tokens_ = **stored;
      return "";
    }
    if (cfg_.auth_code.empty())
      return "amoCRM is not connected: enter the integration's authorization code in the settings";
    return TokenCall({{"grant_type", "authorization_code"}, {"code", cfg_.auth_code}});
  }

  std::string Refresh() {
    // Another node may have rotated the pair already: take the stored one if it is newer.
    auto stored = a_.vault_.Load();
    if (stored.ok() && *stored && (*stored)->access_token != tokens_.access_token) {
      tokens_ = **stored;
      return "";
    }
    return TokenCall({{"grant_type", "refresh_token"}, {"refresh_token", tokens_.refresh_token}});
  }

  // POST /oauth2/access_token; the new pair is stored before it is used (the old refresh token
  // is dead from this answer on).
  std::string TokenCall(Json body) {
    body["client_id"] = cfg_.client_id;
    body["client_secret"] = cfg_.client_secret;
    body["redirect_uri"] = cfg_.redirect_uri;
    HttpReply r = Paced("POST", "/oauth2/access_token", "", body.dump());
    if (r.status != 200) return "amoCRM authorization: " + Problem(r);
    Json j = Json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.value("access_token", Json()).is_string() ||
        !j.value("refresh_token", Json()).is_string())
      return "amoCRM authorization: the answer has no tokens";
    OAuthTokens t{j["access_token"], j["refresh_token"],
                  ToUnixMillis(a_.clock_.Now()) + 1000 * j.value("expires_in", int64_t{86400})};
    Status s = a_.vault_.Save(t);
    if (!s.ok()) return "amoCRM tokens not stored: " + s.message();
    tokens_ = t;
    if (body["grant_type"] == "authorization_code") {  // used: cleared from the settings
      std::lock_guard<std::mutex> lock(a_.config_mu_);
      auto c = a_.Config();
      if (c.ok() && c->auth_code == cfg_.auth_code) {
        c->auth_code.clear();
        (void)a_.store_.SetState(kAmoConfigKey, AmoConfigJson(*c, true));
      }
    }
    return "";
  }

  AmoCrm& a_;
  AmoConfig cfg_;
  OAuthTokens tokens_;
  ChannelPause pause_;
  ReplyPacer pacer_;
};

AmoCrm::AmoCrm(crm::WorkspaceStore& store, Webhooks& hooks, const Clock& clock, std::string key,
               AmoOptions opt)
    : store_(store),
      hooks_(hooks),
      clock_(clock),
      vault_(store, std::move(key), kAmoTokensKey),
      opt_(opt),
      sender_(std::make_unique<Sender>(*this)) {}

AmoCrm::~AmoCrm() = default;

Result<std::unique_ptr<AmoCrm>> AmoCrm::Open(crm::WorkspaceStore& store, Webhooks& hooks,
                                             const Clock& clock, std::string key, AmoOptions opt) {
  if (key.size() != 32) return Status::Invalid("amocrm: the token key must be 32 bytes");
  std::unique_ptr<AmoCrm> a(new AmoCrm(store, hooks, clock, std::move(key), opt));
  KIRA_RETURN_IF_ERROR(
      EnsureChannelRow(store, kAmoChannelUrl, kAmoChannelEvent, ToUnixMillis(clock.Now())));
  KIRA_RETURN_IF_ERROR(a->sender_->ResumePause(store, ToUnixMillis(clock.Now())));
  hooks.SetSender(kAmoScheme, a->sender_.get());
  return a;
}

Result<AmoConfig> AmoCrm::Config() {
  KIRA_ASSIGN_OR_RETURN(auto stored, store_.GetState(kAmoConfigKey));
  if (!stored) return AmoConfig{};
  auto c = ParseAmoConfig(*stored, nullptr);
  if (!c.ok()) return Status::Internal("stored amoCRM settings: " + c.status().message());
  return c;
}

Result<AmoConfig> AmoCrm::SaveConfig(const std::string& json) {
  std::lock_guard<std::mutex> lock(config_mu_);
  KIRA_ASSIGN_OR_RETURN(AmoConfig now, Config());
  KIRA_ASSIGN_OR_RETURN(AmoConfig next, ParseAmoConfig(json, &now));
  KIRA_RETURN_IF_ERROR(store_.SetState(kAmoConfigKey, AmoConfigJson(next, true)));
  return next;
}

Result<bool> AmoCrm::Connected() {
  KIRA_ASSIGN_OR_RETURN(auto t, vault_.Load());
  return t.has_value();
}

Status AmoCrm::Queue(const FinishedCall& call) {
  KIRA_ASSIGN_OR_RETURN(AmoConfig cfg, Config());
  if (!cfg.enabled) return Status::Ok();
  return hooks_.Enqueue(kAmoChannelEvent,
                        FinishedCallJson(call).dump(-1, ' ', false, Json::error_handler_t::replace),
                        call.lead_id);
}

}  // namespace kira::web
