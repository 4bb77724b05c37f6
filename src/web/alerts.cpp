#include "web/alerts.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/log.h"
#include "core/tz.h"
#include "web/alert_transport.h"
#include "web/connector_wire.h"

namespace kira::web {
namespace {

using Json = nlohmann::json;

// An outbox row's payload is ours, but it is read back from a database: bounded all the same.
constexpr size_t kMaxAlertPayloadBytes = 64 * 1024;

}  // namespace

AlertText FormatAlert(AlertKind kind, const AlertFacts& f, const AlertConfig& cfg,
                      const AlertTexts& x) {
  AlertText t;
  const std::string lead = FillAlertText(x.lead, {{"lead_id", std::to_string(f.lead_id)}});
  t.subject =
      FillAlertText(x.subject, {{"event", x.events[static_cast<size_t>(kind)]}, {"lead", lead}});
  std::string b;
  if (kind == AlertKind::kNewOrder) {
    const std::string order = std::to_string(f.entity_id);
    b += f.total.empty() ? FillAlertText(x.order, {{"order_id", order}})
                         : FillAlertText(x.order_total, {{"order_id", order}, {"total", f.total}});
    b += "\n";
  }
  if (kind == AlertKind::kTransferFailed) b += FillAlertText(x.transfer_failed, {}) + "\n";
  if (kind == AlertKind::kVeraResult && !f.outcome.empty())
    b += FillAlertText(x.outcome, {{"outcome", OutcomeLabel(f.outcome, cfg.language)}}) + "\n";
  // A summary quotes what the caller asked for, which may hold a number someone said: masked
  // as in the logs (core/log.h Redact), so no phone number or e-mail address leaves in an alert.
  if (!f.summary.empty()) b += log::Redact(CutUtf8(f.summary, kMaxAlertSummaryBytes)) + "\n";
  if (!cfg.workspace_url.empty())
    b += cfg.workspace_url + "/#/lead/" + std::to_string(f.lead_id);
  else
    b += FillAlertText(x.no_link, {{"lead", lead}});
  t.body = b;
  return t;
}

// The sender of both channels' rows (scheme "kira-alert"): settings, quiet hours and Telegram's
// pace are common; the wire is alert_transport's. Runs on the delivery thread only.
class Alerts::ChannelSender final : public OutboxSender {
 public:
  explicit ChannelSender(Alerts& a) : a_(a) {}

  SendOutcome Send(const crm::DueDelivery& row) override {
    using K = SendOutcome::Kind;
    const int64_t now = ToUnixMillis(a_.clock_.Now());
    auto cfg = a_.Config();
    if (!cfg.ok()) return {K::kFailed, cfg.status().message(), 0, false};
    const bool telegram = row.url == kTelegramChannelUrl;
    if (!telegram && row.url != kEmailChannelUrl)
      return {K::kFailed, "unknown alert channel '" + row.url + "'", 0, true};
    if (telegram ? !cfg->telegram.enabled : !cfg->email.enabled)
      return {K::kFailed,
              std::string(telegram ? "Telegram" : "e-mail") + " alerts were switched off", 0, true};
    if (row.payload.size() > kMaxAlertPayloadBytes)
      return {K::kFailed, "alert payload too large", 0, true};
    Json j = Json::parse(row.payload, nullptr, false);
    if (j.is_discarded() || !j.contains("data") || !j["data"].is_object() ||
        !j["data"].value("subject", Json()).is_string() ||
        !j["data"].value("body", Json()).is_string())
      return {K::kFailed, "alert payload is not an alert", 0, true};
    std::string subject = j["data"]["subject"].get<std::string>();
    std::string body = j["data"]["body"].get<std::string>();

    std::string zone_name = a_.shop_zone_ ? a_.shop_zone_() : "UTC";
    auto zone = FindZone(zone_name);
    if (!zone.ok()) {
      log::Warn("alerts", "quiet hours read in UTC: " + zone.status().message());
      zone = FindZone("UTC");
    }
    const bool test = j["data"].value("test", false) == true;
    if (int64_t until = test ? 0 : QuietUntil(cfg->quiet, **zone, now); until > 0)
      return {K::kHeld, "quiet hours until " + FormatIsoUtc(FromUnixMillis(until)), until, false};

    if (!telegram) {
      std::string msg =
          BuildEmail(cfg->email, subject, body, "kira-alert-" + std::to_string(row.id), now);
      std::string err = SmtpSend(cfg->email, msg, a_.opt_.timeout);
      if (err.empty()) return {K::kDelivered, "", 0, false};
      return {K::kFailed, err, 0, false};
    }

    if (blocked_until_ > now)
      return {K::kHeld,
              "Telegram asked to wait (429) until " + FormatIsoUtc(FromUnixMillis(blocked_until_)),
              blocked_until_, false};
    // Keep to max_per_second as Telegram counts it (web/connector_wire.h ReplyPacer).
    auto wait = pacer_.Due(cfg->telegram.max_per_second);
    if (wait > std::chrono::seconds(1))  // a slow pace: give the thread back meanwhile
      return {K::kHeld, "Telegram pace (max_per_second)",
              now + std::chrono::duration_cast<std::chrono::milliseconds>(wait).count(), false};
    pacer_.Before(cfg->telegram.max_per_second);

    TelegramReply r = TelegramSendMessage(cfg->telegram, subject + "\n" + body, a_.opt_.timeout);
    if (r.http_status != 0) pacer_.Answered();  // it reached Telegram, so it counts there
    if (r.ok) return {K::kDelivered, "", 0, false};
    int64_t after = ToUnixMillis(a_.clock_.Now());
    if (r.error_code == 429 || r.http_status == 429) {
      // Flow control, not a failure: the row (and the rest of the channel) waits as told.
      blocked_until_ = after + 1000LL * std::max(1, r.retry_after_s);
      return {K::kHeld, r.error, blocked_until_, false};
    }
    return {K::kFailed, r.error, 0, false};
  }

 private:
  Alerts& a_;
  int64_t blocked_until_ = 0;  // Unix ms (the outbox clock)
  ReplyPacer pacer_;
};

Alerts::Alerts(crm::WorkspaceStore& store, Webhooks& hooks, const Clock& clock,
               std::function<std::string()> shop_zone, AlertOptions opt)
    : store_(store),
      hooks_(hooks),
      clock_(clock),
      shop_zone_(std::move(shop_zone)),
      opt_(opt),
      sender_(std::make_unique<ChannelSender>(*this)) {}

Alerts::~Alerts() = default;

Result<std::unique_ptr<Alerts>> Alerts::Open(crm::WorkspaceStore& store, Webhooks& hooks,
                                             const Clock& clock,
                                             std::function<std::string()> shop_zone,
                                             AlertOptions opt) {
  std::unique_ptr<Alerts> a(new Alerts(store, hooks, clock, std::move(shop_zone), opt));
  // One channel row per channel (two nodes starting at once: the older row stays), so each
  // alert is queued once.
  for (const auto& [url, event] : {std::pair{kTelegramChannelUrl, kTelegramChannelEvent},
                                   std::pair{kEmailChannelUrl, kEmailChannelEvent}})
    KIRA_RETURN_IF_ERROR(EnsureChannelRow(store, url, event, ToUnixMillis(clock.Now())));
  hooks.SetSender(kAlertScheme, a->sender_.get());
  return a;
}

Result<AlertConfig> Alerts::Config() {
  KIRA_ASSIGN_OR_RETURN(auto stored, store_.GetState(kAlertConfigKey));
  if (!stored) return AlertConfig{};
  auto c = ParseAlertConfig(*stored, nullptr);
  if (!c.ok()) return Status::Internal("stored alert settings: " + c.status().message());
  return c;
}

Result<AlertConfig> Alerts::SaveConfig(const std::string& json) {
  std::lock_guard<std::mutex> lock(config_mu_);
  KIRA_ASSIGN_OR_RETURN(AlertConfig now, Config());
  KIRA_ASSIGN_OR_RETURN(AlertConfig next, ParseAlertConfig(json, &now));
  KIRA_RETURN_IF_ERROR(store_.SetState(kAlertConfigKey, AlertConfigJson(next, true)));
  return next;
}

Result<AlertTexts> Alerts::Texts(const std::string& language) {
  auto t = LoadAlertTexts(language, opt_.shop_dir, opt_.defaults_dir);
  if (t.ok() || opt_.shop_dir.empty()) return t;
  // A mistake in the shop's file must not silence the alerts: the built-in words go instead.
  log::Warn("alerts", t.status().message() + "; the built-in alert texts are used");
  return LoadAlertTexts(language, "", opt_.defaults_dir);
}

Status Alerts::QueueTest(const std::string& channel) {
  KIRA_ASSIGN_OR_RETURN(AlertConfig cfg, Config());
  const bool telegram = channel == "telegram";
  if (!telegram && channel != "email")
    return Status::Invalid("alerts: unknown channel '" + channel.substr(0, 40) +
                           "' (known: telegram, email)");
  if (telegram ? !cfg.telegram.enabled : !cfg.email.enabled)
    return Status::Invalid(std::string("alerts: switch ") + (telegram ? "Telegram" : "e-mail") +
                           " alerts on and save them first");
  KIRA_ASSIGN_OR_RETURN(AlertTexts x, Texts(cfg.language));
  std::string body = FillAlertText(x.test_body, {});
  if (!cfg.workspace_url.empty()) body += "\n" + cfg.workspace_url;
  std::string payload = Json{
      {"kind", "test"},
      {"test", true},
      {"subject", FillAlertText(x.test_subject, {})},
      {"body", body}}.dump(-1, ' ', false, Json::error_handler_t::replace);
  return hooks_.Enqueue(telegram ? kTelegramChannelEvent : kEmailChannelEvent, payload);
}

Status Alerts::Raise(AlertKind kind, const AlertFacts& facts) {
  KIRA_ASSIGN_OR_RETURN(AlertConfig cfg, Config());
  if (!cfg.on(kind)) return Status::Ok();
  KIRA_ASSIGN_OR_RETURN(AlertTexts x, Texts(cfg.language));
  AlertText t = FormatAlert(kind, facts, cfg, x);
  std::string payload = Json{
      {"kind", std::string(AlertKindName(kind))},
      {"lead_id", facts.lead_id},
      {"entity_id", facts.entity_id},
      {"subject", t.subject},
      {"body", t.body}}.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (cfg.telegram.enabled)
    KIRA_RETURN_IF_ERROR(hooks_.Enqueue(kTelegramChannelEvent, payload, facts.lead_id));
  if (cfg.email.enabled)
    KIRA_RETURN_IF_ERROR(hooks_.Enqueue(kEmailChannelEvent, payload, facts.lead_id));
  return Status::Ok();
}

}  // namespace kira::web
