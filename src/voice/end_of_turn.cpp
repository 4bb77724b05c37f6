#include "voice/end_of_turn.h"

#include <algorithm>
#include <filesystem>

#include "core/defaults.h"
#include "core/yaml_fields.h"
#include "core/yaml_strict.h"
#include "speech/asr.h"

namespace kira::voice {

namespace {

constexpr size_t kMaxPhrases = 2000;
constexpr size_t kMaxPhraseWords = 8;

Words Split(std::string_view normalised) {
  Words w;
  size_t i = 0;
  while (i < normalised.size()) {
    size_t j = normalised.find(' ', i);
    if (j == std::string_view::npos) j = normalised.size();
    if (j > i) w.emplace_back(normalised.substr(i, j - i));
    i = j + 1;
  }
  return w;
}

bool EndsWith(const Words& words, const Words& ending) {
  if (ending.empty() || ending.size() > words.size()) return false;
  return std::equal(ending.rbegin(), ending.rend(), words.rbegin());
}

// The number of words of the longest of `endings` the words end on (0 = none).
size_t LongestEnding(const Words& words, const std::vector<Words>& endings) {
  size_t longest = 0;
  for (const Words& e : endings)
    if (e.size() > longest && EndsWith(words, e)) longest = e.size();
  return longest;
}

// A list of phrases at `key` of `f`, normalised as the recogniser's words are.
Status Phrases(const YamlFields& f, const std::string& key, std::vector<Words>* out) {
  if (!f.Has(key)) return Status::Ok();
  std::vector<std::string> list;
  KIRA_RETURN_IF_ERROR(f.StrList(key, &list));
  if (list.size() > kMaxPhrases)
    return f.Err(key,
                 std::to_string(list.size()) + " phrases; at most " + std::to_string(kMaxPhrases));
  std::vector<Words> parsed;
  for (const std::string& p : list) {
    Words w = Split(speech::NormalizeTranscript(p));
    if (w.empty()) return f.Err(key, "an empty phrase ('" + p + "')");
    if (w.size() > kMaxPhraseWords)
      return f.Err(key, "'" + p + "' has " + std::to_string(w.size()) + " words; at most " +
                            std::to_string(kMaxPhraseWords));
    parsed.push_back(std::move(w));
  }
  *out = std::move(parsed);
  return Status::Ok();
}

}  // namespace

std::string_view TurnEndName(TurnEnd e) {
  switch (e) {
    case TurnEnd::kComplete:
      return "complete";
    case TurnEnd::kOpen:
      return "open";
    case TurnEnd::kUnfinished:
      return "unfinished";
  }
  return "?";
}

TurnEnd EndOfTurnRules::Classify(std::string_view hypothesis, dialog::Expect pending,
                                 const std::unordered_set<std::string>& phrases) const {
  const std::string norm = speech::NormalizeTranscript(hypothesis);
  const Words words = Split(norm);
  if (words.empty()) return TurnEnd::kOpen;
  // The longer ending decides ("it is" is a complete answer, "my order number is" is not); an
  // unfinished one wins a tie.
  const size_t unfinished = LongestEnding(words, unfinished_endings);
  auto it = complete_endings.find(pending);
  const size_t complete = it != complete_endings.end() ? LongestEnding(words, it->second) : 0;
  if (unfinished > 0 && unfinished >= complete) return TurnEnd::kUnfinished;
  if (complete > 0) return TurnEnd::kComplete;
  if (whole_phrase_min_words > 0 && words.size() >= size_t(whole_phrase_min_words) &&
      phrases.count(norm))
    return TurnEnd::kComplete;
  return TurnEnd::kOpen;
}

namespace {

Status Apply(const YAML::Node& root, const std::string& name, EndOfTurnRules* rules) {
  if (!root) return Status::Ok();  // an empty file changes nothing
  EndOfTurnRules r = *rules;
  YamlFields top(name, root, "");
  KIRA_RETURN_IF_ERROR(
      top.Keys({"wait_ms", "unfinished_endings", "complete_endings", "whole_phrase_min_words"}));
  if (top.Has("wait_ms")) {
    YamlFields wait = top.Sub("wait_ms");
    KIRA_RETURN_IF_ERROR(wait.Keys({"complete", "open", "unfinished"}));
    KIRA_RETURN_IF_ERROR(wait.Int("complete", &r.complete_ms, 40, 3000));
    KIRA_RETURN_IF_ERROR(wait.Int("open", &r.open_ms, 40, 3000));
    KIRA_RETURN_IF_ERROR(wait.Int("unfinished", &r.unfinished_ms, 40, 3000));
  }
  if (!(r.complete_ms <= r.open_ms && r.open_ms <= r.unfinished_ms))
    return top.Err("wait_ms", "expected complete <= open <= unfinished, got " +
                                  std::to_string(r.complete_ms) + ", " + std::to_string(r.open_ms) +
                                  ", " + std::to_string(r.unfinished_ms));
  KIRA_RETURN_IF_ERROR(top.Int("whole_phrase_min_words", &r.whole_phrase_min_words, 0, 20));
  KIRA_RETURN_IF_ERROR(Phrases(top, "unfinished_endings", &r.unfinished_endings));
  if (top.Has("complete_endings")) {
    YamlFields ce = top.Sub("complete_endings");
    if (!ce.node().IsMap()) return top.Err("complete_endings", "expected a mapping");
    for (const auto& kv : ce.node()) {
      // "yesno, order_offer": several question kinds share one list.
      const std::string key = kv.first.as<std::string>();
      std::vector<Words> list;
      KIRA_RETURN_IF_ERROR(Phrases(ce, key, &list));
      std::string names = key;
      std::replace(names.begin(), names.end(), ',', ' ');
      for (const std::string& q : Split(names)) {
        auto e = dialog::ParseExpect(q);
        if (!e)
          return ce.Err(key,
                        "unknown question kind '" + q + "' (known: " + dialog::ExpectNames() + ")");
        r.complete_endings[*e] = list;
      }
    }
  }
  *rules = std::move(r);
  return Status::Ok();
}

}  // namespace

Status ParseEndOfTurnRules(std::string_view yaml_text, const std::string& name,
                           EndOfTurnRules* rules) {
  KIRA_ASSIGN_OR_RETURN(YAML::Node root, ParseYamlStrict(yaml_text, name));
  return Apply(root, name, rules);
}

Result<EndOfTurnRules> LoadEndOfTurnRules(const std::string& language, const std::string& shop_dir,
                                          const std::string& defaults_dir) {
  const bool plain = !language.empty() && language.size() <= 8 &&
                     language.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos;
  if (!plain) return Status::Invalid("turn taking: bad language name '" + language + "'");
  EndOfTurnRules rules;
  const std::string file = "/turn_taking/" + language + ".yaml";
  std::error_code ec;
  for (const std::string& dir : {defaults_dir.empty() ? DefaultsDir() : defaults_dir, shop_dir}) {
    if (dir.empty() || !std::filesystem::exists(dir + file, ec)) continue;
    KIRA_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlStrict(dir + file));
    KIRA_RETURN_IF_ERROR(Apply(root, dir + file, &rules));
  }
  return rules;
}

}  // namespace kira::voice
