// Engine: everything conversations share — the profile, the catalog, the CRM store, each
// agent's scenario and trained intent model — and the factory of DialogSessions.
//
//   KIRA_ASSIGN_OR_RETURN(auto engine, dialog::Engine::Create(profile, catalog, store, opts));
//   KIRA_ASSIGN_OR_RETURN(auto s, engine->NewSession({.agent = "kira", .caller = "+7916..."}));
//   for (auto& line : s->Start().say) print(line);
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "business/profile.h"
#include "catalog/catalog.h"
#include "core/clock.h"
#include "core/status.h"
#include "crm/crm_store.h"
#include "dialog/intent_classifier.h"
#include "dialog/phrases.h"
#include "dialog/session.h"
#include "dialog/understanding.h"

namespace kira::dialog {

struct EngineOptions {
  // The built-in data (agents/{common,kira,vera}/<lang>/{scenario,intents}.yaml); "" =
  // kira::DefaultsDir().
  std::string defaults_dir;
  // The shop's own agent files, layered over the built-in ones key by key:
  // agents/{common,kira,vera}/<lang>/{scenario,intents}.yaml, each optional. "" = the
  // profile's directory + "/agents".
  std::string agents_dir;
  std::string cache_dir;  // trained intent models ("" = no cache)
  const Clock* clock = &Clock::System();
  // The caller's IANA zone from their number when it maps to exactly one zone, else "" (a
  // Russian mobile can be anywhere from Kaliningrad to Kamchatka). Supplied by the app from
  // the dialer's number→zone resolver; unset = unknown.
  std::function<std::string(const std::string& phone)> caller_zone;
};

struct SessionParams {
  std::string agent = "kira";  // "kira" (inbound) or "vera" (outbound callback)
  std::string language;        // "" = the profile's language
  std::string caller;          // the other party's phone number, "" if unknown
  std::string channel = "chat";
  int64_t task_id = 0;  // Vera: the task she is calling for
};

struct AgentData {
  std::string name, language;
  Phrases phrases;
  IntentExamples examples;
  std::shared_ptr<const IntentClassifier> nlu;  // shared by the versions of the phrases
  UnderstandingRules rules;  // phrase rules per intent (built in, extended by the shop)
  // The engine's current profile; replaced by Engine::SetProfile (the settings page).
  std::atomic<const business::Profile*> profile{nullptr};
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> Create(const business::Profile& profile,
                                                std::shared_ptr<const catalog::Catalog> catalog,
                                                crm::CrmStore* store, EngineOptions opts);

  Result<std::unique_ptr<DialogSession>> NewSession(const SessionParams& p);
  // Loads (once) and returns an agent's data for a language, its intent model trained.
  Result<const AgentData*> Agent(const std::string& agent, const std::string& language);
  // Reads and merges an agent's scenario and intent examples (no model): built-in shared,
  // built-in agent, shop shared, shop agent; a later layer wins per phrase key, intent examples
  // add up. Checks the scenario keys the code uses (scenario_keys.h).
  Status LoadAgentFiles(const std::string& agent, const std::string& language,
                        AgentData* out) const;

  // The profile now in use. SetProfile replaces it for new conversations (and the next turns
  // of those in progress); every earlier version stays alive as long as the engine, so a
  // reference or a FAQ entry a conversation holds never dangles.
  const business::Profile& profile() const { return *profile_.load(); }
  void SetProfile(business::Profile p);
  // Re-reads the scenario files (phrases, lists, units, settings) of every agent loaded so far,
  // e.g. after the settings page saved the shop's phrases: new conversations use them, those in
  // progress keep the version they started with (kept alive as long as the engine). The intent
  // models are kept unless the intent examples changed. On an error nothing changes.
  Status ReloadScenarios();
  // The catalog new conversations use. A conversation keeps the snapshot it started with, so
  // SetCatalog (after an import or a web upload) never pulls data from under a call.
  std::shared_ptr<const catalog::Catalog> catalog() const;
  void SetCatalog(std::shared_ptr<const catalog::Catalog> c);
  crm::CrmStore& store() const { return *store_; }
  const Clock& clock() const { return *opts_.clock; }
  std::string CallerZone(const std::string& phone) const {
    return opts_.caller_zone && !phone.empty() ? opts_.caller_zone(phone) : "";
  }

 private:
  Engine(const business::Profile& p, std::shared_ptr<const catalog::Catalog> c, crm::CrmStore* s,
         EngineOptions o)
      : catalog_(std::move(c)), store_(s), opts_(std::move(o)) {
    profile_versions_.push_back(std::make_unique<const business::Profile>(p));
    profile_ = profile_versions_.back().get();
  }
  std::atomic<const business::Profile*> profile_;
  std::vector<std::unique_ptr<const business::Profile>> profile_versions_;  // under mu_
  mutable std::mutex catalog_mu_;
  std::shared_ptr<const catalog::Catalog> catalog_;
  crm::CrmStore* store_;
  EngineOptions opts_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<AgentData>> agents_;
  std::vector<std::unique_ptr<AgentData>> retired_agents_;  // earlier versions (under mu_)
};

// Factories of the two agents (agent_session.cpp).
Result<std::unique_ptr<DialogSession>> NewKiraSession(Engine& e, const AgentData& a,
                                                      const SessionParams& p);
Result<std::unique_ptr<DialogSession>> NewVeraSession(Engine& e, const AgentData& a,
                                                      const SessionParams& p);

}  // namespace kira::dialog
