#include "dialog/scenario_keys.h"

#include <filesystem>
#include <iterator>

namespace kira::dialog {

namespace {

template <size_t N, size_t M>
std::vector<std::string_view> Keys(const std::string& agent, const std::string_view (&both)[N],
                                   const std::string_view (&vera)[M]) {
  std::vector<std::string_view> out(std::begin(both), std::end(both));
  if (agent == "vera") out.insert(out.end(), std::begin(vera), std::end(vera));
  return out;
}

}  // namespace

std::vector<std::string_view> RequiredPhrases(const std::string& agent) {
  return Keys(agent, kBothAgentsPhrases, kVeraOnlyPhrases);
}

std::vector<std::string_view> RequiredLists(const std::string& agent) {
  return Keys(agent, kBothAgentsLists, kVeraOnlyLists);
}

Status CheckRequiredKeys(const Phrases& p, const std::string& agent,
                         const std::vector<std::string>& files) {
  std::string missing;
  size_t n = 0;
  auto add = [&](const std::string& what) {
    missing += (missing.empty() ? "" : ", ") + what;
    ++n;
  };
  for (std::string_view k : RequiredPhrases(agent))
    if (!p.Has(std::string(k))) add("phrases." + std::string(k));
  for (std::string_view k : RequiredLists(agent))
    if (!p.HasList(std::string(k))) add("lists." + std::string(k));
  if (missing.empty()) return Status::Ok();
  std::string where;
  for (const auto& f : files) {
    std::error_code ec;
    if (!std::filesystem::exists(f, ec)) continue;
    where += (where.empty() ? "" : " or ") + f;
  }
  return Status::Invalid("agent " + agent + ", language " + p.language() + ": " + missing +
                         (n == 1 ? " is" : " are") + " missing (add " + (n == 1 ? "it" : "them") +
                         " to " + where + ")");
}

}  // namespace kira::dialog
