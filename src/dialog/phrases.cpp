#include "dialog/phrases.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/text.h"
#include "core/yaml_strict.h"

namespace kira::dialog {

int RussianPluralIndex(long long n) { return text::RussianPluralIndex(n); }

namespace {

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

}  // namespace

std::string RenderTemplate(const std::string& tpl, const Vars& vars, const std::string& lang) {
  std::string out;
  size_t i = 0;
  while (i < tpl.size()) {
    if (tpl[i] != '{') {
      out += tpl[i++];
      continue;
    }
    size_t close = tpl.find('}', i);
    if (close == std::string::npos) {
      out += tpl.substr(i);
      break;
    }
    std::string inner = tpl.substr(i + 1, close - i - 1);
    std::vector<std::string> parts = Split(inner, '|');
    auto it = vars.find(parts[0]);
    if (it == vars.end()) {
      out += tpl.substr(i, close - i + 1);  // left visible on purpose
    } else if (parts.size() == 5 && (it->second == "m" || it->second == "f" || it->second == "n" ||
                                     it->second == "pl")) {
      // Gender forms: {gender|masculine|feminine|neuter|plural}.
      const std::string& g = it->second;
      out += parts[g == "m" ? 1 : g == "f" ? 2 : g == "n" ? 3 : 4];
    } else if (parts.size() == 1) {
      out += it->second;
      // A value ending in an abbreviation's dot ("2 690 руб.") absorbs the sentence's dot:
      // "итого {total}. Оформить?" never reads "руб.. Оформить?".
      if (!it->second.empty() && it->second.back() == '.' && close + 1 < tpl.size() &&
          tpl[close + 1] == '.')
        ++close;
    } else {
      // Plural forms: pick by the integer part of the value.
      std::string v = it->second;
      for (auto& c : v)
        if (c == ',') c = '.';
      double d = std::atof(v.c_str());
      bool whole = std::fabs(d - std::round(d)) < 1e-9;
      long long n = static_cast<long long>(std::llround(d));
      size_t idx;
      if (parts.size() >= 4) {
        idx = whole ? 1 + RussianPluralIndex(n) : 2;  // fractions take the "few" form: 2,5 дня
      } else {
        idx = (whole && n == 1) ? 1 : 2;
      }
      if (idx >= parts.size()) idx = parts.size() - 1;
      out += parts[idx];
    }
    i = close + 1;
  }
  (void)lang;
  return out;
}

Status Phrases::ParseLayer(const std::string& yaml, const std::string& file) {
  KIRA_ASSIGN_OR_RETURN(YAML::Node root, ParseYamlStrict(yaml, file));
  if (!root.IsMap()) return Status::Invalid(file + ": expected a mapping");
  static const std::set<std::string> kTop = {"language", "settings", "phrases",
                                             "lists",    "units",    "units_one"};
  for (const auto& kv : root) {
    std::string k = kv.first.as<std::string>();
    if (!kTop.count(k)) return Status::Invalid(file + ": " + k + ": unknown key");
  }
  if (YAML::Node l = root["language"]) {
    if (!l.IsScalar()) return Status::Invalid(file + ": language: expected ru or en");
    if (!language_.empty() && l.Scalar() != language_)
      return Status::Invalid(file + ": language is '" + l.Scalar() + "', expected '" + language_ +
                             "'");
    language_ = l.Scalar();
  }
  try {
    if (YAML::Node s = root["settings"]) {
      static const std::set<std::string> kSettings = {"max_clarifications", "abuse_warnings",
                                                      "intent_threshold", "max_analogs",
                                                      "silence_reprompts"};
      if (!s.IsMap()) return Status::Invalid(file + ": settings: expected a mapping");
      for (const auto& kv : s) {
        std::string k = kv.first.as<std::string>();
        if (!kSettings.count(k)) return Status::Invalid(file + ": settings." + k + ": unknown key");
      }
      if (s["max_clarifications"]) settings_.max_clarifications = s["max_clarifications"].as<int>();
      if (s["abuse_warnings"]) settings_.abuse_warnings = s["abuse_warnings"].as<int>();
      if (s["intent_threshold"]) settings_.intent_threshold = s["intent_threshold"].as<double>();
      if (s["max_analogs"]) settings_.max_analogs = s["max_analogs"].as<int>();
      if (s["silence_reprompts"]) settings_.silence_reprompts = s["silence_reprompts"].as<int>();
    }
  } catch (const YAML::Exception& e) {
    return Status::Invalid(file + ": settings: expected numbers: " + e.what());
  }
  if (YAML::Node ph = root["phrases"]) {
    if (!ph.IsMap()) return Status::Invalid(file + ": phrases: expected a mapping");
    for (const auto& kv : ph) {
      std::string k = kv.first.as<std::string>();
      std::vector<std::string> variants;
      if (kv.second.IsScalar()) {
        variants.push_back(kv.second.Scalar());
      } else if (kv.second.IsSequence()) {
        for (const auto& v : kv.second) {
          if (!v.IsScalar()) return Status::Invalid(file + ": phrases." + k + ": expected text");
          variants.push_back(v.Scalar());
        }
      } else {
        return Status::Invalid(file + ": phrases." + k + ": expected text or a list of texts");
      }
      if (variants.empty()) return Status::Invalid(file + ": phrases." + k + ": empty");
      if (!phrases_.count(k)) keys_.push_back(k);
      phrases_[k] = std::move(variants);
    }
  }
  try {
    if (YAML::Node ls = root["lists"]) {
      if (!ls.IsMap()) return Status::Invalid(file + ": lists: expected a mapping");
      for (const auto& kv : ls) {
        std::string k = kv.first.as<std::string>();
        if (!kv.second.IsSequence())
          return Status::Invalid(file + ": lists." + k + ": expected a list");
        std::vector<std::string> items;
        for (const auto& v : kv.second) items.push_back(v.as<std::string>());
        lists_[k] = std::move(items);
      }
    }
    for (const char* key : {"units", "units_one"}) {
      YAML::Node us = root[key];
      if (!us) continue;
      if (!us.IsMap()) return Status::Invalid(file + ": " + key + ": expected a mapping");
      auto& dst = std::string(key) == "units" ? units_ : units_one_;
      for (const auto& kv : us) dst[kv.first.as<std::string>()] = kv.second.as<std::string>();
    }
  } catch (const YAML::Exception& e) {
    return Status::Invalid(file + ": expected text: " + e.what());
  }
  return Status::Ok();
}

Result<Phrases> Phrases::Parse(const std::string& yaml, const std::string& file) {
  Phrases p;
  KIRA_RETURN_IF_ERROR(p.ParseLayer(yaml, file));
  if (p.language_.empty()) return Status::Invalid(file + ": language: required key is missing");
  if (p.phrases_.empty()) return Status::Invalid(file + ": phrases: required mapping is missing");
  return p;
}

namespace {

Result<std::string> ReadScenario(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read scenario " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Result<Phrases> Phrases::Load(const std::string& path) {
  KIRA_ASSIGN_OR_RETURN(std::string text, ReadScenario(path));
  return Parse(text, path);
}

Result<Phrases> Phrases::LoadLayers(const std::vector<std::string>& paths,
                                    const std::string& language,
                                    const std::map<std::string, std::string>& texts) {
  Phrases p;
  p.language_ = language;
  bool any = false;
  std::string tried;
  for (const auto& path : paths) {
    tried += (tried.empty() ? "" : ", ") + path;
    std::error_code ec;
    if (auto given = texts.find(path); given != texts.end()) {
      KIRA_RETURN_IF_ERROR(p.ParseLayer(given->second, path));
      any = true;
      continue;
    }
    if (!std::filesystem::exists(path, ec)) continue;
    KIRA_ASSIGN_OR_RETURN(std::string text, ReadScenario(path));
    KIRA_RETURN_IF_ERROR(p.ParseLayer(text, path));
    any = true;
  }
  if (!any) return Status::NotFound("no scenario file found (looked for " + tried + ")");
  return p;
}

std::string Phrases::Render(const std::string& key, const Vars& vars, int variant) const {
  auto it = phrases_.find(key);
  if (it == phrases_.end()) return "";
  const auto& v = it->second;
  return RenderTemplate(v[static_cast<size_t>(variant) % v.size()], vars, language_);
}

bool Phrases::Has(const std::string& key) const { return phrases_.count(key) > 0; }

const std::vector<std::string>* Phrases::Variants(const std::string& key) const {
  auto it = phrases_.find(key);
  return it == phrases_.end() ? nullptr : &it->second;
}

const std::vector<std::string>& Phrases::List(const std::string& key) const {
  static const std::vector<std::string> kEmpty;
  auto it = lists_.find(key);
  return it == lists_.end() ? kEmpty : it->second;
}

std::string Phrases::UnitOne(const std::string& unit) const {
  auto it = units_one_.find(unit);
  return it == units_one_.end() ? Unit(unit) : it->second;
}

std::string Phrases::Unit(const std::string& unit) const {
  auto it = units_.find(unit);
  return it == units_.end() ? unit : it->second;
}

}  // namespace kira::dialog
