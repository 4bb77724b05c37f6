#include "web/bitrix24.h"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/log.h"

namespace kira::web {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxPayloadBytes = 64 * 1024;

// Bitrix24's error body: {"error": "CODE", "error_description": "..."}.
struct B24Error {
  std::string code, description;
};

B24Error ErrorOf(const HttpReply& r) {
  Json j = Json::parse(r.body, nullptr, false);
  B24Error e;
  if (j.is_object()) {
    if (j.value("error", Json()).is_string()) e.code = j["error"].get<std::string>().substr(0, 64);
    if (j.value("error_description", Json()).is_string())
      e.description = j["error_description"].get<std::string>().substr(0, 300);
  }
  return e;
}

// What went wrong, for the outbox row and the log (never the webhook's address).
std::string Problem(const std::string& method, const HttpReply& r) {
  if (r.status == 0) return "Bitrix24 did not answer " + method + ": " + r.error;
  B24Error e = ErrorOf(r);
  std::string s = "Bitrix24 answered " + std::to_string(r.status) + " to " + method;
  if (!e.code.empty()) s += ": " + e.code;
  if (!e.description.empty()) s += (e.code.empty() ? ": " : " — ") + e.description;
  if (e.code == "WRONG_AUTH_TYPE")
    s += " (this portal gives the call log only to applications: leads go without it)";
  else if (r.status == 401)
    s += " (check the webhook address and that it has the crm and telephony permissions)";
  return s;
}

// The comments field is shown as HTML in the lead's card: the call's text is escaped, lines
// are <br>.
std::string Html(const std::string& s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\n':
        out += "<br>";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string IsoUtc(int64_t unix_ms) {
  time_t secs = static_cast<time_t>(unix_ms / 1000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[40];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
  return buf;
}

struct Words {
  const char *lead, *outcome, *order, *total, *summary, *recording;
};
const Words kRu = {"Звонок Kira №", "Итог", "Заказ", "сумма", "Кратко", "Запись разговора"};
const Words kEn = {"Kira call #", "Outcome", "Order", "total", "Summary", "Call recording"};

// What a row has done so far (state "bitrix24.row.<id>").
struct Steps {
  int64_t contact_id = 0, lead_id = 0;
  std::string call_id;
  bool finished = false, recorded = false, telephony_skipped = false;

  static Steps From(const std::string& s) {
    Steps st;
    Json j = Json::parse(s, nullptr, false);
    if (!j.is_object()) return st;
    try {  // our own record; a wrong type reads as nothing done
      st.contact_id = j.value("contact_id", int64_t{0});
      st.lead_id = j.value("lead_id", int64_t{0});
      st.call_id = j.value("call_id", "");
      st.finished = j.value("finished", false);
      st.recorded = j.value("recorded", false);
      st.telephony_skipped = j.value("telephony_skipped", false);
    } catch (const Json::exception&) {
      return Steps{};
    }
    return st;
  }
  std::string Dump() const {
    return Json{{"contact_id", contact_id}, {"lead_id", lead_id},
                {"call_id", call_id},       {"finished", finished},
                {"recorded", recorded},     {"telephony_skipped", telephony_skipped}}
        .dump();
  }
};

}  // namespace

// The channel's sender: one row at a time on the delivery thread (web/webhooks.h).
class Bitrix24::Sender final : public OutboxSender {
 public:
  explicit Sender(Bitrix24& b) : b_(b) {}

  // The pause the channel's held rows were given before a restart (web/connector_wire.h).
  Status ResumePause(crm::WorkspaceStore& store, int64_t now) {
    return pause_.Resume(store, kB24ChannelEvent, now);
  }

  SendOutcome Send(const crm::DueDelivery& row) override {
    using K = SendOutcome::Kind;
    const int64_t now = ToUnixMillis(b_.clock_.Now());
    auto cfg = b_.Config();
    if (!cfg.ok()) return {K::kFailed, cfg.status().message(), 0, false};
    if (!cfg->enabled) return {K::kFailed, "the Bitrix24 connector was switched off", 0, true};
    // The channel is paused (Bitrix24 down, throttling, no webhook): this row waits too, so the
    // rows keep their order.
    if (pause_.active(now)) return {K::kHeld, pause_.reason(), pause_.until(), false};
    if (row.payload.size() > kMaxPayloadBytes)
      return {K::kFailed, "Bitrix24 payload too large", 0, true};
    Json j = Json::parse(row.payload, nullptr, false);
    FinishedCall call;
    if (j.is_discarded() || !j.is_object() || !FinishedCallFromJson(j.value("data", Json()), &call))
      return {K::kFailed, "Bitrix24 payload is not a call", 0, true};
    cfg_ = *cfg;
    app_ = cfg_.auth == "app";
    if (app_) {
      // A local application: the tokens the connection left (web/sealed_state.h).
      auto t = b_.tokens_.Load();
      if (!t.ok()) return Pause(now, "Bitrix24: " + t.status().message());
      if (!*t)
        return Pause(now,
                     "Bitrix24 is not connected: connect the application in the settings "
                     "(Connect to Bitrix24)");
      tokens_ = **t;
      hook_ = {};
    } else {
      auto sealed = b_.webhook_.Load();
      if (!sealed.ok()) return Pause(now, "Bitrix24: " + sealed.status().message());
      if (!*sealed)
        return Pause(now,
                     "Bitrix24 is not connected: paste the inbound webhook's address in the "
                     "settings");
      auto hook = ParseB24Webhook(**sealed);
      if (!hook.ok()) return Pause(now, hook.status().message());
      hook_ = *hook;
    }
    // The user of the calls and leads: set, else the webhook's (an application needs one set).
    const int64_t user = cfg_.user_id ? cfg_.user_id : (app_ ? 1 : hook_.user_id);
    const Words& w = cfg_.language == "en" ? kEn : kRu;

    const std::string step_key = "bitrix24.row." + std::to_string(row.id);
    Steps st;
    if (auto s = b_.store_.GetState(step_key); s.ok() && *s) st = Steps::From(**s);
    auto remember = [&]() { return b_.store_.SetState(step_key, st.Dump()); };

    // 1. The contact, found by phone or made.
    if (st.contact_id == 0 && !call.phone.empty()) {
      Json q = {{"filter", {{"PHONE", call.phone}}},
                {"select", {"ID", "NAME", "LAST_NAME", "PHONE"}},
                {"order", {{"ID", "ASC"}}}};
      HttpReply r = Call("crm.contact.list", q);
      if (r.status != 200) return Trouble("crm.contact.list", r, now);
      Json a = Json::parse(r.body, nullptr, false);
      if (!a.is_object() || !a.value("result", Json()).is_array())
        return Pause(now, "Bitrix24's answer to crm.contact.list has no result list");
      std::string found_name;
      if (!a["result"].empty() && a["result"][0].is_object()) {
        st.contact_id = IdOf(a["result"][0].value("ID", Json()));
        found_name = a["result"][0].value("NAME", Json()).is_string()
                         ? a["result"][0]["NAME"].get<std::string>()
                         : "";
      }
      if (st.contact_id != 0 && found_name.empty() && !call.name.empty()) {
        Json u = {{"id", st.contact_id},
                  {"fields", {{"NAME", CutUtf8(call.name, 100)}}},
                  {"params", {{"REGISTER_SONET_EVENT", "N"}}}};
        HttpReply ur = Call("crm.contact.update", u);
        if (ur.status != 200) return Trouble("crm.contact.update", ur, now);
      }
      if (st.contact_id == 0) {
        Json fields = {{"NAME", CutUtf8(call.name.empty() ? call.phone : call.name, 100)},
                       {"PHONE", {{{"VALUE", call.phone}, {"VALUE_TYPE", "WORK"}}}},
                       {"SOURCE_ID", cfg_.source_id},
                       {"SOURCE_DESCRIPTION", "Kira"},
                       {"OPENED", "Y"},
                       {"ASSIGNED_BY_ID", user}};
        HttpReply ar = Call("crm.contact.add",
                            {{"fields", fields}, {"params", {{"REGISTER_SONET_EVENT", "N"}}}});
        if (ar.status != 200) return Trouble("crm.contact.add", ar, now);
        Json aj = Json::parse(ar.body, nullptr, false);
        st.contact_id = aj.is_object() ? IdOf(aj.value("result", Json())) : 0;
        if (st.contact_id == 0)
          return Pause(now, "Bitrix24's answer to crm.contact.add has no contact id");
      }
      // Remembered before anything else, so a retry or a restart never makes a second one.
      Status saved = remember();
      if (!saved.ok())
        return Pause(now, "Bitrix24 contact " + std::to_string(st.contact_id) +
                              " not remembered: " + saved.message());
    }

    // 2. The lead.
    if (st.lead_id == 0) {
      std::string text = std::string(w.outcome) + ": " + call.outcome;
      if (!call.order.empty()) {
        text += "\n" + std::string(w.order) + ": " + call.order;
        if (call.total > 0)
          text += " (" + std::string(w.total) + " " + std::to_string(call.total) + ")";
      }
      if (!call.summary.empty()) text += "\n" + std::string(w.summary) + ": " + call.summary;
      if (!call.recording_url.empty())
        text += "\n" + std::string(w.recording) + ": " + call.recording_url;
      Json fields = {{"TITLE", std::string(w.lead) + std::to_string(call.conversation_id)},
                     {"SOURCE_ID", cfg_.source_id},
                     {"SOURCE_DESCRIPTION", "Kira"},
                     {"COMMENTS", Html(CutUtf8(text, kMaxB24CommentBytes))},
                     {"OPENED", "Y"},
                     {"ASSIGNED_BY_ID", user},
                     {"ORIGINATOR_ID", "kira"},
                     {"ORIGIN_ID", "conversation-" + std::to_string(call.conversation_id)}};
      if (!call.name.empty()) fields["NAME"] = CutUtf8(call.name, 100);
      if (!cfg_.lead_status.empty()) fields["STATUS_ID"] = cfg_.lead_status;
      if (call.total > 0) {
        fields["OPPORTUNITY"] = call.total;
        fields["IS_MANUAL_OPPORTUNITY"] = "Y";
        if (!cfg_.currency.empty()) fields["CURRENCY_ID"] = cfg_.currency;
      }
      if (st.contact_id) fields["CONTACT_ID"] = st.contact_id;
      if (!call.phone.empty())
        fields["PHONE"] = Json::array({{{"VALUE", call.phone}, {"VALUE_TYPE", "WORK"}}});
      auto value_of = [&](const std::string& f) -> std::string {
        if (f == "summary") return CutUtf8(call.summary, 2000);
        if (f == "outcome") return call.outcome;
        if (f == "order") return CutUtf8(call.order, 2000);
        if (f == "total") return std::to_string(call.total);
        if (f == "recording_url") return call.recording_url;
        return std::to_string(call.conversation_id);
      };
      for (const auto& [field, code] : cfg_.fields) {
        std::string v = value_of(field);
        if (!v.empty()) fields[code] = v;
      }
      HttpReply r =
          Call("crm.lead.add", {{"fields", fields}, {"params", {{"REGISTER_SONET_EVENT", "Y"}}}});
      if (r.status != 200) return Trouble("crm.lead.add", r, now);
      Json a = Json::parse(r.body, nullptr, false);
      st.lead_id = a.is_object() ? IdOf(a.value("result", Json())) : 0;
      if (st.lead_id == 0) return Pause(now, "Bitrix24's answer to crm.lead.add has no lead id");
      Status saved = remember();
      if (!saved.ok())
        return Pause(now, "Bitrix24 lead " + std::to_string(st.lead_id) +
                              " made, but not remembered: " + saved.message());
    }

    // 3. The call in the call log, bound to the lead.
    // Refused for this webhook once: left out until the settings are saved again (read from the
    // store, so every node sees it).
    const bool telephony = cfg_.telephony && !call.phone.empty() && !st.telephony_skipped &&
                           b_.TelephonyError().empty();
    if (telephony) {
      std::optional<SendOutcome> out = CallLog(call, user, st, remember, now);
      if (out) return *out;
    }
    (void)b_.store_.SetState(step_key, "");
    pause_.Clear();
    return {K::kDelivered, "", 0, false};
  }

 private:
  template <typename Remember>
  std::optional<SendOutcome> CallLog(const FinishedCall& call, int64_t user, Steps& st,
                                     Remember& remember, int64_t now) {
    if (st.call_id.empty()) {
      Json q = {{"USER_ID", user},
                {"PHONE_NUMBER", call.phone},
                {"TYPE", call.inbound ? 2 : 1},
                {"CRM_CREATE", 0},
                {"CRM_ENTITY_TYPE", "LEAD"},
                {"CRM_ENTITY_ID", st.lead_id},
                {"SHOW", 0},
                {"EXTERNAL_CALL_ID", "kira-conversation-" + std::to_string(call.conversation_id)}};
      if (call.started_at_ms > 0) q["CALL_START_DATE"] = IsoUtc(call.started_at_ms);
      HttpReply r = Call("telephony.externalcall.register", q);
      if (r.status != 200)
        return TelephonyTrouble("telephony.externalcall.register", r, st, remember, now);
      Json a = Json::parse(r.body, nullptr, false);
      if (a.is_object() && a.value("result", Json()).is_object() &&
          a["result"].value("CALL_ID", Json()).is_string())
        st.call_id = a["result"]["CALL_ID"].get<std::string>().substr(0, 200);
      if (st.call_id.empty())
        return Pause(now, "Bitrix24's answer to telephony.externalcall.register has no CALL_ID");
      Status saved = remember();
      if (!saved.ok()) return Pause(now, "Bitrix24 call not remembered: " + saved.message());
    }
    if (!st.finished) {
      Json q = {{"CALL_ID", st.call_id},
                {"USER_ID", user},
                {"DURATION", call.duration_s},
                {"STATUS_CODE", call.duration_s > 0 ? "200" : "304"},
                {"ADD_TO_CHAT", 0}};
      HttpReply r = Call("telephony.externalcall.finish", q);
      if (r.status != 200)
        return TelephonyTrouble("telephony.externalcall.finish", r, st, remember, now);
      st.finished = true;
      Status saved = remember();
      if (!saved.ok()) return Pause(now, "Bitrix24 call not remembered: " + saved.message());
    }
    if (!st.recorded && !call.recording_url.empty()) {
      // Bitrix24 downloads the file itself, without a session: a link signed for a day.
      std::string link = b_.links_.Sign(call.recording_url, now / 1000 + kRecordingLinkSeconds);
      Json q = {{"CALL_ID", st.call_id},
                {"FILENAME", "kira-" + std::to_string(call.conversation_id) + ".wav"},
                {"RECORD_URL", link.empty() ? call.recording_url : link}};
      HttpReply r = Call("telephony.externalcall.attachRecord", q);
      if (r.status != 200)
        return TelephonyTrouble("telephony.externalcall.attachRecord", r, st, remember, now);
      st.recorded = true;
    }
    return std::nullopt;
  }

  // A telephony step that failed. Throttling and outages pause the channel like any call; a
  // refusal of this webhook (WRONG_AUTH_TYPE, no telephony scope, the method unknown to it)
  // leaves the call log out from now on (shown in the settings); a refusal of this call's data
  // (a 400: the recording not downloadable, the user not found) leaves it out for this row only.
  // Either way the lead stays and the row is delivered.
  template <typename Remember>
  std::optional<SendOutcome> TelephonyTrouble(const std::string& method, const HttpReply& r,
                                              Steps& st, Remember& remember, int64_t now) {
    B24Error e = ErrorOf(r);
    const bool refused = e.code == "WRONG_AUTH_TYPE" || e.code == "insufficient_scope" ||
                         e.code == "ERROR_METHOD_NOT_FOUND" || r.status == 403;
    if (!refused && r.status != 400) return Trouble(method, r, now);
    std::string why = Problem(method, r);
    log::Warn("bitrix24", why + "; the call log is left out");
    if (refused) (void)b_.store_.SetState(kB24TelephonyErrorKey, why);
    st.telephony_skipped = true;
    (void)remember();
    return std::nullopt;
  }

  // A failure of a CRM step: a 400 about this row's data gives it up (retrying cannot help, and
  // the rows after it must not wait forever); anything else pauses the channel with a growing
  // wait and holds the row (no attempt counted, so an outage of any length loses nothing).
  SendOutcome Trouble(const std::string& method, const HttpReply& r, int64_t now) {
    using K = SendOutcome::Kind;
    B24Error e = ErrorOf(r);
    if ((r.status == 503 && e.code == "QUERY_LIMIT_EXCEEDED") || r.status == 429) {
      pause_.Throttle(now, b_.opt_.max_throttle,
                      "Bitrix24 asked to slow down (" + std::to_string(r.status) + " " +
                          (e.code.empty() ? "" : e.code) + ")");
      return {K::kHeld, pause_.reason(), pause_.until(), false};
    }
    if (r.status == 400) return {K::kFailed, Problem(method, r), 0, true};
    return Pause(now, Problem(method, r));
  }

  SendOutcome Pause(int64_t now, const std::string& why) {
    pause_.Fail(now, b_.opt_.first_retry, b_.opt_.max_retry, why);
    log::Warn("bitrix24", why);
    return {SendOutcome::Kind::kHeld, why, pause_.until(), false};
  }

  // One REST call, at the pace: through the webhook, or as the application with its access token
  // (an expired one is refreshed once and the call repeated).
  HttpReply Call(const std::string& method, const Json& params) {
    HttpReply r = CallOnce(method, params);
    if (!app_ || r.status != 401 || ErrorOf(r).code != "expired_token") return r;
    std::string err = b_.Refresh(cfg_, &tokens_);
    if (!err.empty()) return {0, "", err};
    return CallOnce(method, params);
  }

  HttpReply CallOnce(const std::string& method, const Json& params) {
    if (b_.opt_.pace) pacer_.Before(cfg_.max_per_second);
    HttpRequest req;
    Json body = params;
    if (app_) {
      req.url = cfg_.portal_url + "/rest/" + method + ".json";
      body["auth"] = tokens_.access_token;
    } else {
      req.url = hook_.MethodUrl(method);
    }
    req.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
    req.timeout = b_.opt_.timeout;
    req.max_reply = kMaxB24ReplyBytes;
    HttpReply r = HttpExchange(req);
    if (r.status != 0) pacer_.Answered();
    // libcurl's error text may hold the address, and so the webhook's code: never kept.
    if (!hook_.code.empty())
      for (size_t p; (p = r.error.find(hook_.code)) != std::string::npos;)
        r.error.replace(p, hook_.code.size(), "…");
    return r;
  }

  // Bitrix24 gives ids as numbers or as strings of digits.
  static int64_t IdOf(const Json& v) {
    if (v.is_number_integer()) return v.get<int64_t>();
    if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      if (s.empty() || s.size() > 18 || !std::all_of(s.begin(), s.end(), ::isdigit)) return 0;
      return std::stoll(s);
    }
    return 0;
  }

  Bitrix24& b_;
  B24Config cfg_;
  bool app_ = false;
  OAuthTokens tokens_;
  B24Webhook hook_;
  ChannelPause pause_;
  ReplyPacer pacer_;
};

Bitrix24::Bitrix24(crm::WorkspaceStore& store, Webhooks& hooks, const Clock& clock, std::string key,
                   B24Options opt)
    : store_(store),
      hooks_(hooks),
      clock_(clock),
      links_(key),
      tokens_(store, key, kB24TokensKey),
      webhook_(store, std::move(key), kB24WebhookKey, "Bitrix24 webhook"),
      opt_(opt),
      sender_(std::make_unique<Sender>(*this)) {}

Bitrix24::~Bitrix24() = default;

Result<std::unique_ptr<Bitrix24>> Bitrix24::Open(crm::WorkspaceStore& store, Webhooks& hooks,
                                                 const Clock& clock, std::string key,
                                                 B24Options opt) {
  if (key.size() != 32) return Status::Invalid("bitrix24: the key must be 32 bytes");
  std::unique_ptr<Bitrix24> b(new Bitrix24(store, hooks, clock, std::move(key), opt));
  KIRA_RETURN_IF_ERROR(
      EnsureChannelRow(store, kB24ChannelUrl, kB24ChannelEvent, ToUnixMillis(clock.Now())));
  KIRA_RETURN_IF_ERROR(b->sender_->ResumePause(store, ToUnixMillis(clock.Now())));
  hooks.SetSender(kB24Scheme, b->sender_.get());
  return b;
}

Result<B24Config> Bitrix24::Config() {
  KIRA_ASSIGN_OR_RETURN(auto stored, store_.GetState(kB24ConfigKey));
  if (!stored) return B24Config{};
  auto c = ParseB24Config(*stored, nullptr);
  if (!c.ok()) return Status::Internal("stored Bitrix24 settings: " + c.status().message());
  // The portal shown is the sealed webhook's, stored beside the settings when it was saved (a
  // browser cannot set it).
  Json j = Json::parse(*stored, nullptr, false);
  if (j.is_object() && j.value("portal", Json()).is_string()) c->portal = j["portal"];
  return c;
}

Result<B24Config> Bitrix24::SaveConfig(const std::string& json) {
  std::lock_guard<std::mutex> lock(config_mu_);
  KIRA_ASSIGN_OR_RETURN(B24Config now, Config());
  KIRA_ASSIGN_OR_RETURN(B24Config next, ParseB24Config(json, &now));
  if (next.enabled && next.auth == "app") {
    for (auto [key, v] :
         {std::pair{"portal_url", &next.portal_url}, std::pair{"client_id", &next.client_id},
          std::pair{"client_secret", &next.client_secret}})
      if (v->empty())
        return Status::Invalid(std::string("bitrix24.") + key +
                               ": is needed to switch the connector on as an application");
  } else if (next.enabled && next.webhook_url.empty()) {
    auto have = webhook_.Load();
    if (!have.ok() || !*have)
      return Status::Invalid(
          "bitrix24.webhook_url: is needed to switch the connector on (Bitrix24: Developer "
          "resources → Other → Inbound webhook, with the crm and telephony permissions)");
  }
  if (!next.webhook_url.empty()) KIRA_RETURN_IF_ERROR(webhook_.Save(next.webhook_url));
  next.webhook_url.clear();
  KIRA_RETURN_IF_ERROR(store_.SetState(kB24ConfigKey, B24ConfigJson(next, true)));
  // The owner may have fixed what Bitrix24 refused the call log for: it is tried again.
  KIRA_RETURN_IF_ERROR(store_.SetState(kB24TelephonyErrorKey, ""));
  return next;
}

Result<bool> Bitrix24::Connected() {
  KIRA_ASSIGN_OR_RETURN(B24Config c, Config());
  if (c.auth == "app") {
    KIRA_ASSIGN_OR_RETURN(auto t, tokens_.Load());
    return t.has_value();
  }
  KIRA_ASSIGN_OR_RETURN(auto w, webhook_.Load());
  return w.has_value() && !w->empty();
}

namespace {

std::string Escape(const std::string& s) {
  std::string out;
  char buf[4];
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      std::snprintf(buf, sizeof buf, "%%%02X", ch);
      out += buf;
    }
  }
  return out;
}

}  // namespace

// GET <oauth server>/oauth/token/?grant_type=…; the new pair is stored, sealed, before it is used
// (a refresh token works once: the answer brings the next one).
std::string Bitrix24::TokenCall(const B24Config& c, const std::string& grant_query,
                                OAuthTokens* out) {
  std::string base = c.oauth_url.empty() ? "https://oauth.bitrix.info" : c.oauth_url;
  HttpRequest req;
  req.method = "GET";
  req.url = base + "/oauth/token/?" + grant_query + "&client_id=" + Escape(c.client_id) +
            "&client_secret=" + Escape(c.client_secret);
  req.timeout = opt_.timeout;
  req.max_reply = kMaxB24ReplyBytes;
  HttpReply r = HttpExchange(req);
  if (r.status != 200) return "Bitrix24 authorization: " + Problem("oauth/token", r);
  Json j = Json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.value("access_token", Json()).is_string() ||
      !j.value("refresh_token", Json()).is_string())
    return "Bitrix24 authorization: the answer has no tokens";
  // The tokens are for the portal in the settings, and for no other address.
  std::string endpoint = j.value("client_endpoint", "");
  if (!endpoint.empty() && endpoint != c.portal_url + "/rest/")
    return "Bitrix24 authorization: the tokens are for " + endpoint.substr(0, 100) +
           ", not for the portal in the settings (" + c.portal_url + ")";
  OAuthTokens t{j["access_token"], j["refresh_token"],
                ToUnixMillis(clock_.Now()) + 1000 * j.value("expires_in", int64_t{3600})};
  Status saved = tokens_.Save(t);
  if (!saved.ok()) return "Bitrix24 tokens not stored: " + saved.message();
  *out = t;
  return "";
}

std::string Bitrix24::Refresh(const B24Config& c, OAuthTokens* t) {
  std::lock_guard<std::mutex> lock(token_mu_);
  // Another node (or a reconnection) may have stored a newer pair: take it.
  auto stored = tokens_.Load();
  if (stored.ok() && *stored && (*stored)->access_token != t->access_token) {
    *t = **stored;
    return "";
  }
  return TokenCall(c, "grant_type=refresh_token&refresh_token=" + Escape(t->refresh_token), t);
}

Result<std::string> Bitrix24::BeginConnect() {
  KIRA_ASSIGN_OR_RETURN(B24Config c, Config());
  if (c.portal_url.empty() || c.client_id.empty() || c.client_secret.empty())
    return Status::Invalid(
        "bitrix24: save the portal address, the application's client_id and client_secret "
        "first");
  unsigned char raw[16];
  randombytes_buf(raw, sizeof raw);
  char state[sizeof raw * 2 + 1];
  sodium_bin2hex(state, sizeof state, raw, sizeof raw);
  KIRA_RETURN_IF_ERROR(store_.SetState(
      kB24OAuthStateKey,
      Json{{"state", state}, {"until", ToUnixMillis(clock_.Now()) + 10 * 60 * 1000}}.dump()));
  return c.portal_url + "/oauth/authorize/?client_id=" + Escape(c.client_id) + "&state=" + state;
}

Status Bitrix24::FinishConnect(const std::string& code, const std::string& state) {
  KIRA_ASSIGN_OR_RETURN(auto stored, store_.GetState(kB24OAuthStateKey));
  Json s = stored ? Json::parse(*stored, nullptr, false) : Json();
  if (!s.is_object() || state.empty() || s.value("state", "") != state ||
      s.value("until", int64_t{0}) < ToUnixMillis(clock_.Now()))
    return Status::Conflict(
        "bitrix24: this connection was not started here or has expired; start it again from "
        "Settings → Bitrix24");
  KIRA_RETURN_IF_ERROR(store_.SetState(kB24OAuthStateKey, ""));  // one use
  if (code.empty() || code.size() > 256) return Status::Invalid("bitrix24: no code from Bitrix24");
  KIRA_ASSIGN_OR_RETURN(B24Config c, Config());
  OAuthTokens t;
  std::string err;
  {
    std::lock_guard<std::mutex> lock(token_mu_);
    err = TokenCall(c, "grant_type=authorization_code&code=" + Escape(code), &t);
  }
  if (!err.empty()) return Status::Unavailable(err);
  // Connected as the application: that is how Kira calls the portal from now on.
  std::lock_guard<std::mutex> lock(config_mu_);
  KIRA_ASSIGN_OR_RETURN(B24Config now, Config());
  now.auth = "app";
  KIRA_RETURN_IF_ERROR(store_.SetState(kB24ConfigKey, B24ConfigJson(now, true)));
  return store_.SetState(kB24TelephonyErrorKey, "");
}

std::string Bitrix24::TelephonyError() {
  auto e = store_.GetState(kB24TelephonyErrorKey);
  return e.ok() && *e ? **e : "";
}

Status Bitrix24::Queue(const FinishedCall& call) {
  KIRA_ASSIGN_OR_RETURN(B24Config cfg, Config());
  if (!cfg.enabled) return Status::Ok();
  return hooks_.Enqueue(kB24ChannelEvent,
                        FinishedCallJson(call).dump(-1, ' ', false, Json::error_handler_t::replace),
                        call.lead_id);
}

}  // namespace kira::web
