#include "web/alert_texts.h"

#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/defaults.h"
#include "core/yaml_strict.h"
#include "crm/outcome.h"
#include "web/assets.h"

namespace kira::web {
namespace {

struct Key {
  const char* name;
  std::string AlertTexts::*field;
  std::vector<std::string_view> slots;
};

const std::vector<Key>& Keys() {
  static const std::vector<Key> keys = {
      {"subject", &AlertTexts::subject, {"event", "lead"}},
      {"lead", &AlertTexts::lead, {"lead_id"}},
      {"order", &AlertTexts::order, {"order_id"}},
      {"order_total", &AlertTexts::order_total, {"order_id", "total"}},
      {"outcome", &AlertTexts::outcome, {"outcome"}},
      {"transfer_failed", &AlertTexts::transfer_failed, {}},
      {"no_link", &AlertTexts::no_link, {"lead"}},
      {"test_subject", &AlertTexts::test_subject, {}},
      {"test_body", &AlertTexts::test_body, {}},
  };
  return keys;
}

// The slots a template uses, or the first thing wrong with it.
Status CheckTemplate(std::string_view t, const std::vector<std::string_view>& allowed,
                     const std::string& where) {
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '}') {
      if (i + 1 < t.size() && t[i + 1] == '}') {
        ++i;
        continue;
      }
      return Status::Invalid(where + ": a lone '}' (write '}}' for a brace)");
    }
    if (t[i] != '{') continue;
    if (i + 1 < t.size() && t[i + 1] == '{') {
      ++i;
      continue;
    }
    size_t end = t.find('}', i);
    if (end == std::string_view::npos)
      return Status::Invalid(where + ": '{' without '}' (write '{{' for a brace)");
    std::string_view name = t.substr(i + 1, end - i - 1);
    bool ok = false;
    for (std::string_view a : allowed) ok = ok || a == name;
    if (!ok) {
      std::string list;
      for (std::string_view a : allowed)
        list += (list.empty() ? "{" : ", {") + std::string(a) + "}";
      return Status::Invalid(where + ": unknown slot {" + std::string(name.substr(0, 40)) + "} (" +
                             (list.empty() ? std::string("this text has none") : "known: " + list) +
                             ")");
    }
    i = end;
  }
  return Status::Ok();
}

Result<std::string> Text(const YAML::Node& n, const std::string& where,
                         const std::vector<std::string_view>& slots) {
  if (!n.IsScalar()) return Status::Invalid(where + ": must be text");
  std::string s = n.as<std::string>();
  if (s.size() > kMaxAlertTextBytes)
    return Status::Invalid(where + ": longer than " + std::to_string(kMaxAlertTextBytes) +
                           " bytes");
  KIRA_RETURN_IF_ERROR(CheckTemplate(s, slots, where));
  return s;
}

Status Apply(const YAML::Node& root, const std::string& file, AlertTexts* t) {
  if (root.IsNull()) return Status::Ok();
  if (!root.IsMap()) return Status::Invalid(file + ": must be a mapping of keys to texts");
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    const std::string where = file + ": " + key;
    if (key == "events") {
      if (!kv.second.IsMap()) return Status::Invalid(where + ": must be a mapping of events");
      for (const auto& ev : kv.second) {
        const std::string name = ev.first.as<std::string>();
        auto kind = ParseAlertKind(name);
        if (!kind) {
          std::string list;
          for (std::string_view k : kAlertKindNames)
            list += (list.empty() ? "" : ", ") + std::string(k);
          return Status::Invalid(where + ": unknown event '" + name.substr(0, 40) +
                                 "' (known: " + list + ")");
        }
        KIRA_ASSIGN_OR_RETURN(t->events[static_cast<size_t>(*kind)],
                              Text(ev.second, where + "." + name, {}));
      }
      continue;
    }
    const Key* k = nullptr;
    for (const Key& c : Keys())
      if (key == c.name) k = &c;
    if (!k) {
      std::string list = "events";
      for (const Key& c : Keys()) list += std::string(", ") + c.name;
      return Status::Invalid(file + ": unknown key '" + key.substr(0, 40) + "' (known: " + list +
                             ")");
    }
    KIRA_ASSIGN_OR_RETURN(t->*(k->field), Text(kv.second, where, k->slots));
  }
  return Status::Ok();
}

}  // namespace

Result<AlertTexts> LoadAlertTexts(const std::string& language, const std::string& shop_dir,
                                  const std::string& defaults_dir) {
  const bool plain = !language.empty() && language.size() <= 8 &&
                     language.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos;
  if (!plain)
    return Status::Invalid("alert texts: bad language name '" + language.substr(0, 20) + "'");
  const std::string file = "/alerts/" + language + ".yaml";
  const std::string builtin = (defaults_dir.empty() ? DefaultsDir() : defaults_dir) + file;
  YamlLimits limits;
  limits.max_bytes = 64 * 1024;
  limits.max_scalar_bytes = 4 * 1024;
  AlertTexts t;
  std::error_code ec;
  if (!std::filesystem::exists(builtin, ec))
    return Status::NotFound("alert texts: no " + builtin + " (language '" + language + "')");
  for (const std::string& path : {builtin, shop_dir.empty() ? std::string() : shop_dir + file}) {
    if (path.empty() || !std::filesystem::exists(path, ec)) continue;
    KIRA_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlStrict(path, limits));
    KIRA_RETURN_IF_ERROR(Apply(root, path, &t));
  }
  for (size_t i = 0; i < kAlertKinds; ++i)
    if (t.events[i].empty())
      return Status::Invalid(builtin + ": no text for events." + std::string(kAlertKindNames[i]));
  for (const Key& k : Keys())
    if ((t.*(k.field)).empty()) return Status::Invalid(builtin + ": no text for " + k.name);
  return t;
}

std::string FillAlertText(std::string_view t,
                          const std::vector<std::pair<std::string_view, std::string>>& slots) {
  std::string out;
  out.reserve(t.size() + 32);
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if ((c == '{' || c == '}') && i + 1 < t.size() && t[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    size_t end = c == '{' ? t.find('}', i) : std::string_view::npos;
    if (end == std::string_view::npos) {
      out += c;
      continue;
    }
    std::string_view name = t.substr(i + 1, end - i - 1);
    const std::string* value = nullptr;
    for (const auto& [n, v] : slots)
      if (n == name) value = &v;
    if (!value) {
      out += c;
      continue;
    }
    out += *value;
    i = end;
  }
  return out;
}

std::string OutcomeLabel(const std::string& outcome, const std::string& language) {
  static std::mutex mu;
  static std::map<std::string, nlohmann::json> tables;  // the embedded i18n tables, parsed once
  auto o = crm::ParseOutcome(outcome);
  if (!o) return outcome;
  std::lock_guard<std::mutex> lock(mu);
  auto it = tables.find(language);
  if (it == tables.end()) {
    nlohmann::json j;
    if (const EmbeddedAsset* a = FindAsset("i18n/" + language + ".json"))
      j = nlohmann::json::parse(a->data, a->data + a->size, nullptr, false);
    it = tables.emplace(language, j.is_object() ? j : nlohmann::json::object()).first;
  }
  const std::string key(crm::Row(*o).label_key);
  auto label = it->second.find(key);
  return label != it->second.end() && label->is_string() ? label->get<std::string>() : outcome;
}

}  // namespace kira::web
