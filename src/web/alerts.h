// Manager alerts: a new order, a qualified lead, a callback requested, a failed transfer and
// Vera's result, sent to the shop's Telegram chat and by e-mail. They travel through the
// webhooks' durable outbox (web/webhooks.h): Raise queues one row per enabled channel (the
// channel rows "kira-alert:telegram" and "kira-alert:email" of the webhook table), and the
// delivery thread hands them to this class's senders. So an alert survives restarts and a
// channel that is down, is retried with backoff (Telegram's 429 retry_after is honoured and
// pauses the whole channel), and is sent once: the rows are claimed with a lease, and each is
// settled right after its attempt. (At-least-once in one case only: a process killed between
// the channel's "accepted" and the row's settling sends that alert again after the lease.)
//
// Quiet hours hold alerts (not drop them): a row due in the quiet hours, in the shop's time zone,
// is held until they end, then sent. Switches per event decide what is queued at all.
//
// Personal data: an alert carries the event, the lead's number in the workspace, the summary and
// a link to the lead; never the caller's phone number or name (the link is for staff who are
// signed in). See docs/integrations.md.
//
//   KIRA_ASSIGN_OR_RETURN(auto alerts, Alerts::Open(workspace, *hooks, clock, [] { return zone;
//   })); alerts->Raise(AlertKind::kNewOrder, {lead_id, order_id, "Order: 12 m² ...",
//   "order_placed"});
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "crm/workspace_store.h"
#include "web/alert_config.h"
#include "web/alert_texts.h"
#include "web/webhooks.h"

namespace kira::web {

inline constexpr const char* kAlertScheme = "kira-alert";
inline constexpr const char* kTelegramChannelUrl = "kira-alert:telegram";
inline constexpr const char* kEmailChannelUrl = "kira-alert:email";
inline constexpr const char* kTelegramChannelEvent = "alert.telegram";
inline constexpr const char* kEmailChannelEvent = "alert.email";
// The summary in an alert is cut to this many bytes (the manager reads the rest in the lead).
inline constexpr size_t kMaxAlertSummaryBytes = 1000;

// What the alert says about the event (no personal data: see the header comment).
struct AlertFacts {
  int64_t lead_id = 0;
  int64_t entity_id = 0;  // the order, conversation or task the event is about
  std::string summary;    // the lead's or conversation's summary
  std::string outcome;    // a conversation's outcome name, for Vera's result
  std::string total;      // an order's total, formatted, for a new order
};

struct AlertText {
  std::string subject;  // the e-mail subject and the first line in Telegram
  std::string body;     // the rest, ending with the link
};

// The alert in `texts` (the words of the config's language, web/alert_texts.h) with the facts
// filled in: a Vera result's outcome as the workspace names it, the summary masked.
AlertText FormatAlert(AlertKind kind, const AlertFacts& facts, const AlertConfig& cfg,
                      const AlertTexts& texts);

struct AlertOptions {
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};  // per Telegram or SMTP attempt
  // Where the words come from (web/alert_texts.h): the shop's directory (beside its profile; ""
  // = none) over the built-in data ("" = kira::DefaultsDir()). Read at each alert, so an edit
  // counts at once; a shop file with a mistake is logged and the built-in words are used.
  std::string shop_dir;
  std::string defaults_dir;
};

class Alerts {
 public:
  // Creates the channel rows in the webhook table when missing and registers the senders with
  // `hooks` (call before hooks.StartThread()). `shop_zone` names the shop's IANA time zone (read
  // at each delivery, so a profile edit counts at once). All three must outlive the Alerts.
  static Result<std::unique_ptr<Alerts>> Open(crm::WorkspaceStore& store, Webhooks& hooks,
                                              const Clock& clock,
                                              std::function<std::string()> shop_zone,
                                              AlertOptions opt = {});
  ~Alerts();

  // The stored settings (defaults when none were saved).
  Result<AlertConfig> Config();
  // Parses `json` over the stored settings (a blank secret keeps the stored one) and saves it.
  Result<AlertConfig> SaveConfig(const std::string& json);

  // Queues the alert on each enabled channel, unless its event is switched off. Callers make
  // sure an event is raised once (the watcher's FirstEmission).
  Status Raise(AlertKind kind, const AlertFacts& facts);

  // Queues a test alert on `channel` ("telegram" | "email") the way real alerts go, but past
  // the quiet hours and the switches (the settings page's "send a test" button; its result
  // shows in the outbox's rows). Invalid when the channel is not switched on.
  Status QueueTest(const std::string& channel);

 private:
  class ChannelSender;
  Alerts(crm::WorkspaceStore& store, Webhooks& hooks, const Clock& clock,
         std::function<std::string()> shop_zone, AlertOptions opt);

  // The words of `language`: the shop's over the built-in ones, or the built-in ones alone when
  // the shop's file has a mistake (logged).
  Result<AlertTexts> Texts(const std::string& language);

  crm::WorkspaceStore& store_;
  Webhooks& hooks_;
  const Clock& clock_;
  std::function<std::string()> shop_zone_;
  AlertOptions opt_;
  std::mutex config_mu_;  // SaveConfig's read-modify-write
  std::unique_ptr<ChannelSender> sender_;
};

}  // namespace kira::web
