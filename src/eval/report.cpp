// The report of `kira eval`: a table per (shop, language, agent) with clean and noisy columns,
// or the same numbers as JSON.
#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "eval/harness.h"

namespace kira::eval {

namespace {

std::string Fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string Percent(int num, int den) {
  if (den == 0) return "—";
  return Fixed(100.0 * num / den, 1) + "%";
}

std::string F1Cell(const Counts& c) { return c.empty() ? "—" : Fixed(c.F1(), 3); }

Counts SlotCounts(const GroupScores& s, const std::string& slot) {
  auto it = s.utterances.slots.find(slot);
  return it == s.utterances.slots.end() ? Counts{} : it->second;
}

class Table {
 public:
  explicit Table(bool noisy, int label_width = 26) : noisy_(noisy), width_(label_width) {}
  void Row(const std::string& label, const std::string& clean, const std::string& noisy,
           const std::string& note = "") {
    char buf[256];
    if (noisy_)
      std::snprintf(buf, sizeof buf, "  %-*s %10s %10s", width_, label.c_str(), clean.c_str(),
                    noisy.c_str());
    else
      std::snprintf(buf, sizeof buf, "  %-*s %10s", width_, label.c_str(), clean.c_str());
    out_ += buf;
    if (!note.empty()) out_ += "   " + note;
    out_ += "\n";
  }
  std::string& out() { return out_; }

 private:
  bool noisy_;
  int width_;
  std::string out_;
};

// "—" is three bytes and one column: pad by display width.
std::string Pad(std::string s) { return s == "—" ? "  " + s : s; }

void Group(const GroupReport& g, const std::string& second, std::string* out) {
  bool noisy = g.noisy.has_value();
  const GroupScores& c = g.clean;
  GroupScores n = noisy ? *g.noisy : GroupScores{};
  Table t(noisy);
  std::string head = g.shop + " · " + g.lang + " · " + g.agent;
  // Padded by code points: "·" is two bytes and one column.
  size_t width = text::Decode(head).size();
  *out += head + std::string(width < 28 ? 28 - width : 1, ' ');
  if (noisy) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "      clean %10s\n", second.c_str());
    *out += buf;
  } else {
    *out += "      clean\n";
  }
  auto macro = [](const GroupScores& s) {
    auto m = s.utterances.IntentMacroF1();
    return m ? Fixed(*m, 3) : std::string("—");
  };
  t.Row("utterances", std::to_string(c.utterances.utterances),
        std::to_string(n.utterances.utterances));
  if (c.utterances.utterances > 0) {
    t.Row("intent macro-F1", Pad(macro(c)), Pad(macro(n)));
    for (const char* slot : kSlotNames) {
      Counts cc = SlotCounts(c, slot), nc = SlotCounts(n, slot);
      if (cc.empty() && nc.empty()) continue;
      t.Row(std::string("slot F1 ") + slot, Pad(F1Cell(cc)), Pad(F1Cell(nc)),
            "(labelled " + std::to_string(cc.tp + cc.fn) + ")");
    }
  }
  t.Row("conversations", std::to_string(c.conversations), std::to_string(n.conversations));
  if (c.conversations > 0) {
    t.Row("success", Pad(Percent(c.succeeded, c.conversations)),
          Pad(Percent(n.succeeded, n.conversations)));
    t.Row("wrong product", Pad(Percent(c.wrong_product_conversations, c.conversations)),
          Pad(Percent(n.wrong_product_conversations, n.conversations)),
          "(order lines: " + std::to_string(c.wrong_product_lines) +
              (noisy ? " / " + std::to_string(n.wrong_product_lines) : "") + ")");
    t.Row("unsupported facts", std::to_string(c.unsupported_facts),
          std::to_string(n.unsupported_facts),
          "(of " + std::to_string(c.agent_utterances) +
              (noisy ? " / " + std::to_string(n.agent_utterances) : "") + " agent utterances)");
  }
  *out += t.out() + "\n";
}

nlohmann::json ScoresJson(const GroupScores& s) {
  nlohmann::json j;
  j["utterances"] = s.utterances.utterances;
  auto m = s.utterances.IntentMacroF1();
  j["intent_macro_f1"] = m ? nlohmann::json(*m) : nlohmann::json(nullptr);
  auto counts = [](const Counts& c) {
    return nlohmann::json{{"tp", c.tp}, {"fp", c.fp}, {"fn", c.fn}, {"f1", c.F1()}};
  };
  j["intents"] = nlohmann::json::object();
  for (const auto& [k, c] : s.utterances.intents)
    if (!c.empty()) j["intents"][k] = counts(c);
  j["intent_confusions"] = nlohmann::json::object();
  for (const auto& [k, n] : s.utterances.confusions) j["intent_confusions"][k] = n;
  j["intents_by_after"] = nlohmann::json::object();
  for (const auto& [k, c] : s.utterances.intents_by_after)
    if (!c.empty()) j["intents_by_after"][k] = counts(c);
  j["slots"] = nlohmann::json::object();
  for (const auto& [k, c] : s.utterances.slots)
    if (!c.empty()) j["slots"][k] = counts(c);
  j["conversations"] = s.conversations;
  j["succeeded"] = s.succeeded;
  j["success"] = s.conversations ? nlohmann::json(1.0 * s.succeeded / s.conversations)
                                 : nlohmann::json(nullptr);
  j["wrong_product_conversations"] = s.wrong_product_conversations;
  j["wrong_product_rate"] =
      s.conversations ? nlohmann::json(1.0 * s.wrong_product_conversations / s.conversations)
                      : nlohmann::json(nullptr);
  j["wrong_product_lines"] = s.wrong_product_lines;
  j["agent_utterances"] = s.agent_utterances;
  j["unsupported_facts"] = s.unsupported_facts;
  j["failure_kinds"] = s.failure_kinds;
  return j;
}

nlohmann::json GroupJson(const GroupReport& g, const std::string& second) {
  nlohmann::json j{{"shop", g.shop}, {"lang", g.lang}, {"agent", g.agent}};
  j["clean"] = ScoresJson(g.clean);
  if (g.noisy) j[second] = ScoresJson(*g.noisy);
  return j;
}

// How many conversations failed with each kind of reason, over everything measured, most
// frequent first: where understanding fails, without naming a single conversation.
void FailureKinds(const GroupReport& g, const std::string& second, std::string* out) {
  std::map<std::string, std::pair<int, int>> both;
  for (const auto& [k, n] : g.clean.failure_kinds) both[k].first = n;
  if (g.noisy)
    for (const auto& [k, n] : g.noisy->failure_kinds) both[k].second = n;
  if (both.empty()) return;
  std::vector<std::pair<std::string, std::pair<int, int>>> rows(both.begin(), both.end());
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.second.first + a.second.second > b.second.first + b.second.second;
  });
  // Kinds are ASCII (outcome and reason names): byte width is display width.
  Table t(g.noisy.has_value(), 44);
  for (const auto& [k, n] : rows) t.Row(k, std::to_string(n.first), std::to_string(n.second));
  char buf[96];
  std::snprintf(buf, sizeof buf, "%-46s %10s%s%10s\n", "failure kinds (conversations)", "clean",
                g.noisy ? " " : "", g.noisy ? second.c_str() : "");
  *out += buf + t.out() + "\n";
}

}  // namespace

std::string FormatReport(const EvalReport& r, bool verbose) {
  std::string out;
  out += "kira eval: " + std::to_string(r.files) + " file(s), " +
         std::to_string(r.total.clean.utterances.utterances) + " utterances, " +
         std::to_string(r.total.clean.conversations) + " conversations" +
         (r.noise && r.channel == "noisy" ? "; noise seed " + std::to_string(r.seed) : "") + "\n";
  for (const auto& why : r.not_carried) out += r.channel + ": not measured for " + why + "\n";
  out += "\n";
  for (const auto& g : r.groups) Group(g, r.channel, &out);
  if (r.groups.size() > 1) Group(r.total, r.channel, &out);
  FailureKinds(r.total, r.channel, &out);
  int failed_clean = 0, failed_noisy = 0;
  for (const auto& f : r.failed) (f.noisy ? failed_noisy : failed_clean)++;
  out += "failed conversations: " + std::to_string(failed_clean) + " clean" +
         (r.noise ? ", " + std::to_string(failed_noisy) + " " + r.channel : "") +
         (verbose || r.failed.empty() ? "" : " (--verbose lists them)") + "\n";
  if (!verbose) return out;
  for (const auto& f : r.failed) {
    out += "\n" + f.file + " " + f.id + " [" + f.shop + " · " + f.lang + " · " + f.agent +
           (f.noisy ? " · " + r.channel : "") + "]\n";
    for (const auto& why : f.reasons) out += "  ✗ " + why + "\n";
    for (const auto& line : f.transcript) out += "    " + line + "\n";
  }
  return out;
}

std::string ReportJson(const EvalReport& r, bool verbose) {
  nlohmann::json j;
  j["files"] = r.files;
  j["noise"] = r.noise;
  if (r.noise) j["channel"] = r.channel;
  if (r.noise && r.channel == "noisy") j["seed"] = r.seed;
  if (!r.not_carried.empty()) j["not_measured"] = r.not_carried;
  j["groups"] = nlohmann::json::array();
  for (const auto& g : r.groups) j["groups"].push_back(GroupJson(g, r.channel));
  j["total"] = GroupJson(r.total, r.channel);
  j["failed"] = nlohmann::json::array();
  for (const auto& f : r.failed) {
    nlohmann::json x{{"file", f.file},      {"id", f.id},       {"shop", f.shop},
                     {"lang", f.lang},      {"agent", f.agent}, {"noisy", f.noisy},
                     {"reasons", f.reasons}};
    if (verbose) x["transcript"] = f.transcript;
    j["failed"].push_back(x);
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace kira::eval
