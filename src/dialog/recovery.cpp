#include "dialog/recovery.h"

#include <map>
#include <utility>

#include "core/log.h"

namespace kira::dialog {

Status EndOneInterrupted(crm::CrmStore& store, int64_t conversation_id, int64_t lead_id,
                         const std::string& summary, int64_t now) {
  crm::Conversation c;
  c.id = conversation_id;
  c.outcome = crm::Outcome::kInterrupted;
  c.summary = summary;
  c.ended_at = now;
  KIRA_RETURN_IF_ERROR(store.EndConversation(c));
  KIRA_ASSIGN_OR_RETURN(crm::Lead l, store.GetLead(lead_id));
  if (l.outcome) return Status::Ok();  // an earlier conversation's result stands
  l.outcome = crm::Outcome::kInterrupted;
  if (l.summary.empty()) l.summary = summary;
  l.updated_at = now;
  return store.UpdateLead(l);
}

Result<int> EndInterrupted(Engine& engine, int64_t idle_before, const std::string& node) {
  crm::CrmStore& store = engine.store();
  // The summary in the conversation's own language and agent, from the scenario files.
  std::map<std::pair<std::string, std::string>, std::string> summaries;
  auto summary = [&](const crm::Conversation& c) -> std::string {
    auto key = std::make_pair(c.agent, c.language);
    auto it = summaries.find(key);
    if (it != summaries.end()) return it->second;
    AgentData a;
    std::string text;
    if (Status s = engine.LoadAgentFiles(c.agent, c.language, &a); s.ok())
      text = a.phrases.Render("summary_interrupted", {});
    else
      log::Warn("dialog", "interrupted conversation " + std::to_string(c.id) +
                              ": no scenario for agent '" + c.agent + "', language '" + c.language +
                              "': " + s.message());
    return summaries.emplace(key, text).first->second;
  };
  int ended = 0;
  const int64_t now = ToUnixMillis(engine.clock().Now());
  for (;;) {
    KIRA_ASSIGN_OR_RETURN(auto open, store.ListOpenConversations(idle_before, 500, node));
    for (const crm::Conversation& c : open) {
      KIRA_RETURN_IF_ERROR(EndOneInterrupted(store, c.id, c.lead_id, summary(c), now)
                               .WithContext("conversation " + std::to_string(c.id)));
      ++ended;
    }
    if (open.size() < 500) break;
  }
  if (ended > 0)
    log::Info("dialog", std::to_string(ended) + " conversation(s) left open ended as interrupted");
  return ended;
}

void Housekeeper::Tick(int64_t now_ms) {
  auto ended = EndInterrupted(engine_, now_ms - o_.interrupted_after_ms);
  if (!ended.ok()) log::Error("dialog", "housekeeping: " + ended.status().message());
  constexpr int64_t kDay = 86'400'000;
  if (o_.retention.transcripts_days <= 0 && o_.retention.recordings_days <= 0) return;
  if (last_retention_ms_ != 0 && now_ms - last_retention_ms_ < kDay) return;
  last_retention_ms_ = now_ms;
  auto r = crm::EnforceRetention(engine_.store(), o_.data_dir, o_.retention, now_ms);
  if (!r.ok()) {
    log::Error("dialog", "retention: " + r.status().message());
  } else if (r->turns > 0 || !r->recordings.empty()) {
    log::Info("dialog", "retention: transcripts of " +
                            std::to_string(r->conversations_transcripts) + " conversation(s) and " +
                            std::to_string(r->recordings.size()) + " recording(s) erased");
  }
}

}  // namespace kira::dialog
