// The words of the manager alerts (web/alerts.h), as data a shop can edit: the built-in
// <defaults_dir>/alerts/<language>.yaml (ru, en), and a shop's alerts/<language>.yaml beside its
// profile replacing any of its keys. Each text is a template whose slots ({lead_id}, {total} …)
// are filled with facts from the CRM; which slots a text may use is fixed per key, so a file
// cannot ask for the customer's phone or name. Parsing is strict: an unknown key, a value that
// is not text, a text past kMaxAlertTextBytes or an unknown slot is an error naming the file and
// the key.
//
//   KIRA_ASSIGN_OR_RETURN(AlertTexts t, LoadAlertTexts("ru", shop_dir));
//   std::string s = FillAlertText(t.lead, {{"lead_id", "12"}});  // "лид №12"
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "web/alert_config.h"

namespace kira::web {

inline constexpr size_t kMaxAlertTextBytes = 1000;

struct AlertTexts {
  std::array<std::string, kAlertKinds> events;  // by AlertKind: "новый заказ"
  std::string subject;                          // {event} {lead}
  std::string lead;                             // {lead_id}
  std::string order;                            // {order_id}
  std::string order_total;                      // {order_id} {total}
  std::string outcome;                          // {outcome}
  std::string transfer_failed;                  // (none)
  std::string no_link;                          // {lead}
  std::string test_subject;                     // (none)
  std::string test_body;                        // (none)
};

// The texts of `language` (a plain lowercase name, e.g. "ru"); `shop_dir` "" = none,
// `defaults_dir` "" = kira::DefaultsDir(). Every key must have a text once both files are read.
Result<AlertTexts> LoadAlertTexts(const std::string& language, const std::string& shop_dir,
                                  const std::string& defaults_dir = "");

// Fills the slots of a checked template; "{{" and "}}" are literal braces. A slot without a value
// stays as written (a template is checked at load, so that does not happen).
std::string FillAlertText(std::string_view tmpl,
                          const std::vector<std::pair<std::string_view, std::string>>& slots);

// The workspace's name for a conversation outcome in `language` (its i18n table, the same words
// the lead page shows); the name itself when it has none.
std::string OutcomeLabel(const std::string& outcome, const std::string& language);

}  // namespace kira::web
