// GroundingChecker: proves that an agent utterance states no fact the data does not support.
// It reads the utterance independently of how it was produced: finds the products it names,
// extracts every number (money amounts, quantities, days, clock times, SKUs) and checks each
// against the catalog, the distributor's stock, the business profile, what the caller said and
// the CRM records of this conversation (order and task numbers). Tests run it on every turn.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "business/profile.h"
#include "catalog/catalog.h"

namespace kira::dialog {

struct GroundingContext {
  std::vector<std::string> caller_turns;  // everything the caller said so far
  std::vector<std::string> agent_turns;   // the agent's earlier utterances: products named
                                          // there stay in scope ("итого 54 230 руб.")
  std::vector<int64_t> record_ids;        // order/task/lead ids created in this conversation
  std::vector<std::string> extra_texts;   // other data the agent may quote (e.g. a task note)
  // The scenario's order_line_separators: a caller's turn naming several products has a
  // quantity for each ("ten sheets of the mosaic and a tub of the grout").
  std::vector<std::string> line_separators;
};

struct GroundingIssue {
  std::string fact;  // the number or SKU as it appears
  std::string why;
};

class GroundingChecker {
 public:
  GroundingChecker(const catalog::Catalog& catalog, const business::Profile& profile);
  std::vector<GroundingIssue> Check(const std::string& utterance,
                                    const GroundingContext& ctx) const;

  // The names a product may be mentioned by, normalised (also used by the agent's renderer:
  // an utterance about a product names it by one of these).
  static std::string SpokenName(const catalog::Product& p, const std::string& language,
                                const catalog::Lexicon& lex);

 private:
  const catalog::Catalog& catalog_;
  const business::Profile& profile_;
  std::vector<double> profile_numbers_;
  std::set<std::string> formats_;
  std::set<std::string> name_codes_;  // catalog words mixing letters and digits, lower case
  // A number word → the collections and brands (normalised) that have it as a word: "11" →
  // {"cm 11"}.
  std::map<std::string, std::vector<std::string>> numbered_names_;
};

// Every number in a text, as values ("1 250,50" → 1250.5, "9:00" → 9 and 0, "60x60" → 60, 60).
std::vector<double> NumbersIn(const std::string& text);

}  // namespace kira::dialog
