#include "dialog/phrase_edit.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/atomic_file.h"
#include "core/text.h"
#include "core/yaml_strict.h"
#include "dialog/phrases.h"
#include "dialog/scenario_keys.h"

namespace kira::dialog {
namespace {

struct Layers {
  std::vector<std::string> builtin;  // common, agent
  std::vector<std::string> all;      // + the shop's common, the shop's agent (edited)
  std::string own;                   // the shop's file of this agent and language
};

Result<Layers> LayersOf(const PhraseFiles& f, const std::string& agent, const std::string& lang) {
  if (agent != "kira" && agent != "vera")
    return Status::Invalid("agent: unknown agent '" + agent + "' (known: kira, vera)");
  if (lang != "ru" && lang != "en")
    return Status::Invalid("language: must be ru or en, got '" + lang + "'");
  if (f.agents_dir.empty()) return Status::Invalid("the shop has no folder for its own phrases");
  const std::string tail = "/" + lang + "/scenario.yaml";
  Layers l;
  l.builtin = {f.defaults_dir + "/agents/common" + tail,
               f.defaults_dir + "/agents/" + agent + tail};
  l.own = f.agents_dir + "/" + agent + tail;
  l.all = l.builtin;
  l.all.push_back(f.agents_dir + "/common" + tail);
  l.all.push_back(l.own);
  return l;
}

// The {values} a template uses ("{lead_days|день|дня|дней}" uses lead_days); false on an
// unclosed brace.
bool ValuesOf(const std::string& tpl, std::set<std::string>* out) {
  for (size_t i = tpl.find('{'); i != std::string::npos; i = tpl.find('{', i + 1)) {
    size_t close = tpl.find('}', i);
    if (close == std::string::npos) return false;
    std::string inner = tpl.substr(i + 1, close - i - 1);
    out->insert(inner.substr(0, inner.find('|')));
  }
  return true;
}

std::string Join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& v : s) out += (out.empty() ? "{" : ", {") + v + "}";
  return out;
}

std::string Emit(const YAML::Node& n) {
  YAML::Emitter out;
  out.SetIndent(2);
  out << n;
  return std::string(out.c_str()) + "\n";
}

Result<std::string> ReadIfExists(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::string();
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Result<std::vector<PhraseInfo>> ListPhrases(const PhraseFiles& f, const std::string& agent,
                                            const std::string& language) {
  KIRA_ASSIGN_OR_RETURN(Layers l, LayersOf(f, agent, language));
  KIRA_ASSIGN_OR_RETURN(Phrases builtin, Phrases::LoadLayers(l.builtin, language));
  KIRA_ASSIGN_OR_RETURN(Phrases now, Phrases::LoadLayers(l.all, language));
  Phrases own;
  KIRA_ASSIGN_OR_RETURN(std::string own_text, ReadIfExists(l.own));
  if (!own_text.empty()) {
    KIRA_ASSIGN_OR_RETURN(own, Phrases::LoadLayers({l.own}, language));
  }
  std::vector<PhraseInfo> out;
  for (const auto& key : builtin.keys()) {
    PhraseInfo p;
    p.key = key;
    p.builtin = *builtin.Variants(key);
    p.text = now.Variants(key) ? *now.Variants(key) : p.builtin;
    p.own = own.Has(key);
    std::set<std::string> values;
    for (const auto& v : p.builtin) ValuesOf(v, &values);
    p.values.assign(values.begin(), values.end());
    out.push_back(std::move(p));
  }
  return out;
}

Result<PhrasesEdit> EditPhrases(const PhraseFiles& f, const std::string& agent,
                                const std::string& language,
                                const std::map<std::string, std::vector<std::string>>& edits) {
  KIRA_ASSIGN_OR_RETURN(Layers l, LayersOf(f, agent, language));
  KIRA_ASSIGN_OR_RETURN(Phrases builtin, Phrases::LoadLayers(l.builtin, language));
  KIRA_ASSIGN_OR_RETURN(Phrases before, Phrases::LoadLayers(l.all, language));
  KIRA_ASSIGN_OR_RETURN(std::string text, ReadIfExists(l.own));
  YAML::Node root(YAML::NodeType::Map);
  if (!text.empty()) {
    KIRA_ASSIGN_OR_RETURN(root, ParseYamlStrict(text, l.own));
    if (!root.IsMap()) return Status::Invalid(l.own + ": expected a mapping");
  }
  if (!root["language"]) root["language"] = language;
  YAML::Node phrases = root["phrases"];
  if (!phrases || !phrases.IsMap()) phrases = YAML::Node(YAML::NodeType::Map);
  for (const auto& [key, variants_in] : edits) {
    const std::string field = "phrases." + key;
    const std::vector<std::string>* base = builtin.Variants(key);
    if (!base) return Status::Invalid(field + ": " + agent + " has no such phrase");
    if (variants_in.size() > kMaxPhraseVariants)
      return Status::Invalid(field + ": more than " + std::to_string(kMaxPhraseVariants) +
                             " variants");
    std::set<std::string> allowed;
    for (const auto& v : *base) ValuesOf(v, &allowed);
    std::vector<std::string> variants;
    for (const auto& raw : variants_in) {
      if (raw.size() > kMaxPhraseBytes)
        return Status::Invalid(field + ": a variant is longer than " +
                               std::to_string(kMaxPhraseBytes) + " bytes");
      std::string v = text::Trim(raw);
      if (v.empty()) continue;
      std::set<std::string> used;
      if (!ValuesOf(v, &used))
        return Status::Invalid(field + ": a '{' is not closed with '}' in \"" + v + "\"");
      for (const auto& u : used)
        if (!allowed.count(u))
          return Status::Invalid(
              field + ": {" + u + "} is not a value this phrase can use" +
              (allowed.empty() ? " (it uses none)" : " (it can use " + Join(allowed) + ")"));
      variants.push_back(std::move(v));
    }
    if (variants.empty()) {
      phrases.remove(key);  // back to the built-in text
    } else if (variants.size() == 1) {
      phrases[key] = variants[0];
    } else {
      YAML::Node seq(YAML::NodeType::Sequence);
      for (const auto& v : variants) seq.push_back(v);
      phrases[key] = seq;
    }
  }
  if (phrases.size() > 0) {
    root["phrases"] = phrases;
  } else {
    root.remove("phrases");
  }
  PhrasesEdit out;
  out.path = l.own;
  out.yaml = Emit(root);
  // The loader decides, on the very text that will be written, layered as every start does.
  KIRA_ASSIGN_OR_RETURN(Phrases after, Phrases::LoadLayers(l.all, language, {{l.own, out.yaml}}));
  KIRA_RETURN_IF_ERROR(CheckRequiredKeys(after, agent, l.all));
  for (const auto& [key, v] : edits) {
    const auto* a = before.Variants(key);
    const auto* b = after.Variants(key);
    if (!a || !b || *a != *b) out.changed.push_back(key);
  }
  return out;
}

Status SavePhrases(const PhrasesEdit& e, int version) {
  return ReplaceFileKeepingVersion(e.path, e.yaml, "scenario-history", version);
}

std::string PhraseErrorField(const std::string& message) {
  size_t at = message.find("phrases.");
  if (at == std::string::npos) return "";
  size_t end = at + 8;
  while (end < message.size() &&
         (std::isalnum(static_cast<unsigned char>(message[end])) || message[end] == '_'))
    ++end;
  return message.substr(at, end - at);
}

const char* const* PhraseErrorCodes() {
  static const char* const kCodes[] = {"unknown_phrase", "too_many_variants", "too_long",
                                       "unclosed_brace", "unknown_value",     "other",
                                       nullptr};
  return kCodes;
}

// Reads back the forms EditPhrases writes its refusals in (phrase_edit_test sends every kind
// of refused edit through EditPhrases, so a changed message fails there).
PhraseError DescribePhraseError(const std::string& message) {
  PhraseError e;
  e.field = PhraseErrorField(message);
  e.code = "other";
  if (e.field.empty() || message.compare(0, e.field.size() + 2, e.field + ": ") != 0) return e;
  const std::string rest = message.substr(e.field.size() + 2);
  auto number_after = [&](const std::string& prefix) {
    return static_cast<size_t>(std::strtoull(rest.c_str() + prefix.size(), nullptr, 10));
  };
  const std::string no_such = " has no such phrase";
  if (rest.size() > no_such.size() &&
      rest.compare(rest.size() - no_such.size(), no_such.size(), no_such) == 0) {
    e.code = "unknown_phrase";
  } else if (rest.rfind("more than ", 0) == 0) {
    e.code = "too_many_variants";
    e.limit = number_after("more than ");
  } else if (rest.rfind("a variant is longer than ", 0) == 0) {
    e.code = "too_long";
    e.limit = number_after("a variant is longer than ");
  } else if (const std::string pre = "a '{' is not closed with '}' in \"";
             rest.rfind(pre, 0) == 0) {
    e.code = "unclosed_brace";
    e.value = rest.substr(pre.size(), rest.size() - pre.size() - (rest.back() == '"' ? 1 : 0));
  } else if (size_t close = rest.find("} is not a value this phrase can use");
             rest.rfind("{", 0) == 0 && close != std::string::npos) {
    e.code = "unknown_value";
    e.value = rest.substr(1, close - 1);
    const std::string can = "(it can use ";
    if (size_t at = rest.find(can, close); at != std::string::npos)
      e.allowed = rest.substr(at + can.size(), rest.size() - at - can.size() - 1);
  }
  return e;
}

}  // namespace kira::dialog
