// One shop of an evaluation run, set up once: its profile (strict), its catalog files imported
// into a temporary in-memory SQLite database (the importer of `kira import`), its lexicon and
// agents, and an engine whose trained intent models are cached for the run. Each conversation
// then gets a fresh in-memory CRM store and engine, so no conversation sees another's
// contacts, orders or do-not-call entries.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "business/profile.h"
#include "catalog/catalog.h"
#include "core/clock.h"
#include "core/status.h"
#include "crm/crm_store.h"
#include "dialog/engine.h"
#include "dialog/grounding.h"
#include "eval/corpus.h"
#include "eval/metrics.h"
#include "storage/sqlite.h"

namespace kira::dialer {
class ZoneDb;
class PhoneZoneResolver;
}  // namespace kira::dialer

namespace kira::eval {

struct ShopOptions {
  std::string models_dir;    // intent-model cache shared by the run
  std::string defaults_dir;  // the built-in agent data ("" = kira::DefaultsDir())
  TimePoint now;             // the conversations' (fake) clock
  // The caller's zone from their number (as the app wires the dialer's resolver); may be empty.
  std::function<std::string(const std::string&)> caller_zone;
};

// One conversation, run: what it left and what the agent said.
struct ConversationRun {
  ConversationResult result;
  int agent_utterances = 0;
  int unsupported = 0;  // agent utterances the grounding check rejected
  std::vector<std::string> transcript;
};

class Shop {
 public:
  static Result<std::unique_ptr<Shop>> Open(const std::string& profile_path, ShopOptions o);

  const std::string& name() const { return name_; }  // the profile directory's name
  const business::Profile& profile() const { return profile_; }
  const catalog::Catalog& catalog() const { return *catalog_; }
  // The agent's data (scenario, intent model) for a language, loaded once.
  Result<const dialog::AgentData*> Agent(const std::string& agent, const std::string& lang);

  // Runs one conversation. `hear` turns each caller line into what the agent receives
  // (identity, the noisy replay, or a channel; "" = nothing recognised, which the agent gets
  // as silence); its arguments are the line, the caller turn's index and the session.
  using Hear = std::function<Result<std::string>(const std::string& line, int turn,
                                                 const dialog::DialogSession& session)>;
  Result<ConversationRun> Converse(const CorpusFile& f, const ConversationSpec& c,
                                   const Hear& hear);

 private:
  Shop() = default;
  Result<std::unique_ptr<dialog::Engine>> NewEngine(crm::CrmStore* store) const;

  std::string name_;
  business::Profile profile_;
  ShopOptions opts_;
  std::unique_ptr<storage::Db> db_;
  std::shared_ptr<const catalog::Catalog> catalog_;
  std::unique_ptr<crm::CrmStore> store_;  // the utterance engine's (never written)
  std::unique_ptr<dialog::Engine> engine_;
  std::unique_ptr<FakeClock> clock_;
  std::unique_ptr<dialog::GroundingChecker> checker_;
};

}  // namespace kira::eval
