#include "dialog/engine.h"

#include <algorithm>
#include <filesystem>

#include "core/defaults.h"
#include "dialog/scenario_keys.h"

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

void Engine::SetProfile(business::Profile p) {
  std::lock_guard<std::mutex> lock(mu_);
  profile_versions_.push_back(std::make_unique<const business::Profile>(std::move(p)));
  const business::Profile* now = profile_versions_.back().get();
  profile_ = now;
  for (auto& [key, agent] : agents_) agent->profile = now;
}

Status Engine::ReloadScenarios() {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, std::unique_ptr<AgentData>> fresh;
  for (const auto& [key, old] : agents_) {
    auto data = std::make_unique<AgentData>();
    KIRA_RETURN_IF_ERROR(LoadAgentFiles(old->name, old->language, data.get()));
    if (data->examples == old->examples) {
      data->nlu = old->nlu;
    } else {
      KIRA_ASSIGN_OR_RETURN(data->nlu, IntentClassifier::Create(data->examples, opts_.cache_dir));
    }
    data->rules = old->rules;
    data->profile = old->profile.load();
    fresh[key] = std::move(data);
  }
  for (auto& [key, data] : fresh) {
    retired_agents_.push_back(std::move(agents_[key]));
    agents_[key] = std::move(data);
  }
  return Status::Ok();
}

Result<std::unique_ptr<Engine>> Engine::Create(const business::Profile& profile,
                                               std::shared_ptr<const catalog::Catalog> catalog,
                                               crm::CrmStore* store, EngineOptions opts) {
  if (!catalog || !store) return Status::Internal("engine needs a catalog and a store");
  if (opts.agents_dir.empty()) opts.agents_dir = profile.dir + "/agents";
  if (opts.defaults_dir.empty()) opts.defaults_dir = DefaultsDir();
  std::unique_ptr<Engine> e(new Engine(profile, std::move(catalog), store, std::move(opts)));
  // Every agent and language is read and checked now, so a broken or incomplete scenario fails
  // at start-up; only the profile's own language trains its model here (the rest on first use).
  for (const char* agent : {"kira", "vera"}) {
    for (const char* lang : {"ru", "en"}) {
      AgentData probe;
      KIRA_RETURN_IF_ERROR(e->LoadAgentFiles(agent, lang, &probe));
    }
  }
  KIRA_RETURN_IF_ERROR(e->Agent("kira", profile.language).status());
  return e;
}

Status Engine::LoadAgentFiles(const std::string& agent, const std::string& language,
                              AgentData* out) const {
  if (agent != "kira" && agent != "vera")
    return Status::Invalid("unknown agent '" + agent + "' (known: kira, vera)");
  if (language != "ru" && language != "en")
    return Status::Invalid("language must be ru or en, got '" + language + "'");
  const std::string tail = "/" + language + "/";
  const std::vector<std::string> dirs = {
      opts_.defaults_dir + "/agents/common" + tail, opts_.defaults_dir + "/agents/" + agent + tail,
      opts_.agents_dir + "/common" + tail, opts_.agents_dir + "/" + agent + tail};
  out->name = agent;
  out->language = language;
  std::vector<std::string> scenarios;
  for (const auto& d : dirs) scenarios.push_back(d + "scenario.yaml");
  KIRA_ASSIGN_OR_RETURN(out->phrases, Phrases::LoadLayers(scenarios, language));
  KIRA_RETURN_IF_ERROR(CheckRequiredKeys(out->phrases, agent, scenarios));
  out->examples.clear();
  std::string tried;
  for (const auto& d : dirs) {
    const std::string path = d + "intents.yaml";
    tried += (tried.empty() ? "" : ", ") + path;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) continue;
    KIRA_ASSIGN_OR_RETURN(IntentExamples layer, LoadIntentExamples(path));
    for (auto& [intent, list] : layer) {
      auto& dst = out->examples[intent];
      for (auto& ex : list)
        if (std::find(dst.begin(), dst.end(), ex) == dst.end()) dst.push_back(std::move(ex));
    }
  }
  if (out->examples.size() < 2)
    return Status::Invalid("agent " + agent + ", language " + language +
                           ": at least two intents with examples are needed (looked in " + tried +
                           ")");
  return Status::Ok();
}

Result<const AgentData*> Engine::Agent(const std::string& agent, const std::string& language) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string key = agent + "/" + language;
  auto it = agents_.find(key);
  if (it != agents_.end()) return static_cast<const AgentData*>(it->second.get());
  auto data = std::make_unique<AgentData>();
  KIRA_RETURN_IF_ERROR(LoadAgentFiles(agent, language, data.get()));
  KIRA_ASSIGN_OR_RETURN(data->nlu, IntentClassifier::Create(data->examples, opts_.cache_dir));
  // The understanding's phrase rules: built in, extended by the shop's understanding.yaml.
  KIRA_ASSIGN_OR_RETURN(
      data->rules,
      UnderstandingRules::Load(opts_.defaults_dir + "/understanding/" + language + ".yaml"));
  std::string own = profile().dir + "/understanding." + language + ".yaml";
  if (!profile().dir.empty() && std::filesystem::exists(own))
    KIRA_RETURN_IF_ERROR(data->rules.Extend(own));
  data->profile = profile_.load();
  const AgentData* out = data.get();
  agents_[key] = std::move(data);
  return out;
}

Result<std::unique_ptr<DialogSession>> Engine::NewSession(const SessionParams& in) {
  SessionParams p = in;
  if (p.language.empty()) p.language = profile().language;
  if (p.language != "ru" && p.language != "en")
    return Status::Invalid("language must be ru or en, got '" + p.language + "'");
  if (p.agent != "kira" && p.agent != "vera")
    return Status::Invalid("unknown agent '" + p.agent + "' (known: kira, vera)");
  KIRA_ASSIGN_OR_RETURN(const AgentData* a, Agent(p.agent, p.language));
  if (p.agent == "kira") return NewKiraSession(*this, *a, p);
  return NewVeraSession(*this, *a, p);
}

}  // namespace kira::dialog
