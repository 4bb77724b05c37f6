// Every row of the CRM's vocabularies (crm/outcome.h) has its phrases in every language: the
// agents' summary phrase (data/defaults/agents/{common,kira,vera}/<lang>/scenario.yaml,
// "phrases"; order statuses also have the phrase an agent says) and the workspace's label
// (src/web/assets/i18n/<lang>.json). Adding an outcome without them fails here, naming the row, the
// key and the language.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "crm/outcome.h"

namespace kira::crm {
namespace {

namespace fs = std::filesystem;
const char* kLanguages[] = {"ru", "en"};

// The phrase keys any agent may use in `lang`: the shared layer and both agents' own.
std::set<std::string> SummaryKeys(const std::string& lang) {
  std::set<std::string> keys;
  for (const char* agent : {"common", "kira", "vera"}) {
    fs::path p = fs::path(KIRA_DEFAULTS_DIR) / "agents" / agent / lang / "scenario.yaml";
    if (!fs::exists(p)) continue;
    YAML::Node root = YAML::LoadFile(p.string());
    for (const auto& kv : root["phrases"]) keys.insert(kv.first.as<std::string>());
  }
  return keys;
}

std::set<std::string> LabelKeys(const std::string& lang) {
  fs::path p = fs::path(KIRA_SOURCE_DIR) / "src/web/assets/i18n" / (lang + ".json");
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  auto j = nlohmann::json::parse(s.str(), nullptr, false);
  std::set<std::string> keys;
  if (j.is_object())
    for (const auto& [k, _] : j.items()) keys.insert(k);
  return keys;
}

TEST(Vocabulary, EveryRowHasItsPhrasesInEveryLanguage) {
  for (std::string lang : kLanguages) {
    auto summaries = SummaryKeys(lang);
    auto labels = LabelKeys(lang);
    ASSERT_GT(summaries.size(), 20u) << lang;  // the files were found and read
    ASSERT_GT(labels.size(), 50u) << lang;
    auto has = [&](const std::set<std::string>& keys, std::string_view key, std::string_view row,
                   const char* what) {
      EXPECT_TRUE(keys.count(std::string(key)))
          << row << ": no " << what << " '" << key << "' in " << lang;
    };
    for (const auto& r : kOutcomeTable) {
      has(summaries, r.summary_key, r.name, "summary phrase");
      has(labels, r.label_key, r.name, "label");
    }
    for (const auto& r : kNonTargetedReasonTable) {
      has(summaries, r.summary_key, r.name, "summary phrase");
      has(labels, r.label_key, r.name, "label");
    }
    for (const auto& r : kQualificationTable) has(labels, r.label_key, r.name, "label");
    for (const auto& r : kLeadStatusTable) has(labels, r.label_key, r.name, "label");
    for (const auto& r : kCloseReasonTable) has(labels, r.label_key, r.name, "label");
    for (const auto& r : kTaskKindTable) has(labels, r.label_key, r.name, "label");
    for (const auto& r : kTaskStatusTable) has(labels, r.label_key, r.name, "label");
    for (const auto& r : kOrderStatusTable) {
      has(summaries, r.phrase_key, r.name, "phrase");
      has(labels, r.label_key, r.name, "label");
    }
  }
}

TEST(Vocabulary, NamesAreUniqueAndParseBack) {
  std::set<std::string_view> outcomes;
  for (const auto& r : kOutcomeTable) {
    EXPECT_TRUE(outcomes.insert(r.name).second) << r.name;
    EXPECT_EQ(ParseOutcome(r.name), r.id);
    EXPECT_EQ(Name(r.id), r.name);
  }
  EXPECT_FALSE(ParseOutcome("Order_Placed"));
  EXPECT_FALSE(ParseOutcome(""));
  for (const auto& r : kNonTargetedReasonTable) EXPECT_EQ(ParseNonTargetedReason(r.name), r.id);
  for (const auto& r : kLeadStatusTable) EXPECT_EQ(ParseLeadStatus(r.name), r.id);
  for (const auto& r : kCloseReasonTable)
    EXPECT_EQ(ParseCloseReason(r.name), r.manager_choice ? std::optional(r.id) : std::nullopt);
  for (const auto& r : kQualificationTable) EXPECT_EQ(ParseQualification(r.name), r.id);
  for (const auto& r : kTaskKindTable) EXPECT_EQ(ParseTaskKind(r.name), r.id);
  for (const auto& r : kTaskStatusTable) EXPECT_EQ(ParseTaskStatus(r.name), r.id);
  for (const auto& r : kOrderStatusTable) EXPECT_EQ(ParseOrderStatus(r.name), r.id);
}

TEST(Vocabulary, AStoredNameNoRowHasIsAnErrorListingTheRows) {
  auto s = ParseNamed(kTaskStatusTable, "sleeping", "task status");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(),
            "task status 'sleeping' is not one of open, in_progress, done, cancelled, failed");
  EXPECT_EQ(*ParseNamed(kOrderStatusTable, "picked_up", "order status"), OrderStatus::kPickedUp);
}

TEST(Vocabulary, QualificationFollowsTheTable) {
  EXPECT_EQ(Qualify(Row(Outcome::kOrderPlaced).inbound), Qualification::kTargeted);
  EXPECT_EQ(Qualify(Row(Outcome::kOptOut).outbound), Qualification::kNonTargeted);
  EXPECT_EQ(Qualify(Row(Outcome::kTransferred).outbound), std::nullopt);
  EXPECT_EQ(Qualify(Row(Outcome::kInfoOnly).inbound, /*caller_asked=*/true),
            Qualification::kTargeted);
  EXPECT_EQ(Qualify(Row(Outcome::kInfoOnly).inbound, /*caller_asked=*/false), std::nullopt);
  EXPECT_EQ(Name(Qualification::kNonTargeted), "non_targeted");
  EXPECT_EQ(Name(Qualification::kUnknown), "");
}

}  // namespace
}  // namespace kira::crm
