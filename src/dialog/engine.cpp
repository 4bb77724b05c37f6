#include "dialog/engine.h"

namespace kira::dialog {

std::shared_ptr<const catalog::Catalog> Engine::catalog() const {
  std::lock_guard<std::mutex> lock(catalog_mu_);
  return catalog_;
}

void Engine::SetCatalog(std::shared_ptr<const catalog::Catalog> c) {
  if (!c) return;
  std::lock_guard<std::mutex> lock(catalog_mu_);
  catalog_ = std::move(c);
}

Result<std::unique_ptr<Engine>> Engine::Create(const business::Profile& profile,
                                               std::shared_ptr<const catalog::Catalog> catalog,
                                               crm::CrmStore* store, EngineOptions opts) {
  if (!catalog || !store) return Status::Internal("engine needs a catalog and a store");
  if (opts.agents_dir.empty()) opts.agents_dir = profile.dir + "/agents";
  std::unique_ptr<Engine> e(new Engine(profile, std::move(catalog), store, std::move(opts)));
  // Load the profile's own language now so a broken scenario fails at start-up.
  KIRA_RETURN_IF_ERROR(e->Agent("kira", profile.language).status());
  return e;
}

Result<const AgentData*> Engine::Agent(const std::string& agent, const std::string& language) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string key = agent + "/" + language;
  auto it = agents_.find(key);
  if (it != agents_.end()) return static_cast<const AgentData*>(it->second.get());
  std::string dir = opts_.agents_dir + "/" + key;
  auto data = std::make_unique<AgentData>();
  data->name = agent;
  data->language = language;
  KIRA_ASSIGN_OR_RETURN(data->phrases, Phrases::Load(dir + "/scenario.yaml"));
  if (data->phrases.language() != language)
    return Status::Invalid(dir + "/scenario.yaml: language is '" + data->phrases.language() +
                           "', expected '" + language + "'");
  KIRA_ASSIGN_OR_RETURN(data->examples, LoadIntentExamples(dir + "/intents.yaml"));
  KIRA_ASSIGN_OR_RETURN(data->nlu, IntentClassifier::Create(data->examples, opts_.cache_dir));
  const AgentData* out = data.get();
  agents_[key] = std::move(data);
  return out;
}

Result<std::unique_ptr<DialogSession>> Engine::NewSession(const SessionParams& in) {
  SessionParams p = in;
  if (p.language.empty()) p.language = profile_.language;
  if (p.language != "ru" && p.language != "en")
    return Status::Invalid("language must be ru or en, got '" + p.language + "'");
  if (p.agent != "kira" && p.agent != "vera")
    return Status::Invalid("unknown agent '" + p.agent + "' (known: kira, vera)");
  KIRA_ASSIGN_OR_RETURN(const AgentData* a, Agent(p.agent, p.language));
  if (p.agent == "kira") return NewKiraSession(*this, *a, p);
  return NewVeraSession(*this, *a, p);
}

}  // namespace kira::dialog
