// The shop's settings in the workspace: the business profile (address, hours, delivery, the
// assistant's disclosure, the manager, rules, calling windows, FAQ). An edit is applied and
// judged by the profile loader itself (business/profile_edit.h), written atomically with the
// previous version kept, audited with who changed which keys, and handed to the running
// agents through WebConfig::on_profile_changed so new conversations use it without a restart.
#include "business/profile_edit.h"
#include "core/log.h"
#include "web/server_impl.h"

namespace kira::web {
namespace {

// The keys the workspace edits; name, language, time zone, currency and privacy stay in the
// file (they change what the whole installation does).
constexpr const char* kEditable[] = {"address", "hours", "delivery", "assistant_disclosure",
                                     "manager", "rules", "faq",      "calling_window"};
constexpr size_t kMaxProfileEditBytes = 256 * 1024;
constexpr size_t kMaxFaqEntries = 200;
constexpr size_t kMaxTextBytes = 4000;  // one answer, address, delivery text

Json ProfileJson(const business::Profile& p, int version, const std::string& read_only) {
  const bool editable = read_only.empty();
  YAML::Node y = business::ProfileToYaml(p);
  auto str = [&](const char* a, const char* b = nullptr) {
    return b ? y[a][b].as<std::string>("") : y[a].as<std::string>("");
  };
  Json faq = Json::array();
  for (const auto& e : p.faq) faq.push_back({{"q", e.q}, {"a", e.a}});
  return {
      {"profile",
       {{"name", p.name},
        {"address", p.address},
        {"hours", p.hours},
        {"delivery", p.delivery},
        {"assistant_disclosure", p.assistant_disclosure},
        {"manager", {{"name", p.manager.name}, {"phone", p.manager.phone}, {"sip", p.manager.sip}}},
        {"rules",
         {{"min_order_m2", p.rules.min_order_m2}, {"big_project_m2", p.rules.big_project_m2}}},
        {"calling_window",
         {{"weekdays", str("calling_window", "weekdays")},
          {"weekends", str("calling_window", "weekends")}}},
        {"faq", faq}}},
      {"version", version},
      {"editable", editable},
      {"read_only_reason", read_only}};
}

// A JSON value as the YAML scalar / mapping / list the file would hold. Text and numbers only:
// the loader then judges types and ranges as it does for the file.
bool ToYaml(const Json& j, const std::string& path, YAML::Node* out, std::string* error) {
  if (j.is_string()) {
    if (j.get_ref<const std::string&>().size() > kMaxTextBytes) {
      *error = path + ": longer than " + std::to_string(kMaxTextBytes) + " bytes";
      return false;
    }
    *out = YAML::Node(j.get<std::string>());
    return true;
  }
  if (j.is_number()) {
    *out = YAML::Node(j.dump());
    return true;
  }
  if (j.is_object()) {
    *out = YAML::Node(YAML::NodeType::Map);
    for (const auto& [k, v] : j.items()) {
      if (v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty() &&
                          (k == "phone" || k == "sip")))
        continue;  // an optional field left empty
      YAML::Node child;
      if (!ToYaml(v, path + "." + k, &child, error)) return false;
      (*out)[k] = child;
    }
    return true;
  }
  if (j.is_array()) {
    if (j.size() > kMaxFaqEntries) {
      *error = path + ": more than " + std::to_string(kMaxFaqEntries) + " entries";
      return false;
    }
    *out = YAML::Node(YAML::NodeType::Sequence);
    for (size_t i = 0; i < j.size(); ++i) {
      YAML::Node child;
      if (!ToYaml(j[i], path + "[" + std::to_string(i) + "]", &child, error)) return false;
      out->push_back(child);
    }
    return true;
  }
  *error = path + ": expected text or a number";
  return false;
}

void SendFieldError(httplib::Response& res, const std::string& field, const std::string& msg) {
  SendJson(res, 400, {{"error", msg}, {"code", "invalid"}, {"field", field}});
}

// A refused edit: the English message for logs and the API, the field, and the problem as a
// code and its values for the page to say in its own language (business::DescribeProfileError;
// the phrase and lexicon edits answer the same way).
void SendProfileError(httplib::Response& res, const std::string& msg, const std::string& name) {
  business::ProfileError d = business::DescribeProfileError(msg, name);
  SendJson(res, 400,
           {{"error", msg},
            {"code", "invalid"},
            {"field", d.field},
            {"problem",
             {{"code", d.code}, {"value", d.value}, {"allowed", d.allowed}, {"limit", d.limit}}}});
}

}  // namespace

std::shared_ptr<const business::Profile> WebServer::Impl::ProfileNow() {
  std::lock_guard<std::mutex> lock(profile_mu);
  if (!profile_now) profile_now = std::make_shared<business::Profile>(cfg.profile);
  return profile_now;
}

std::string WebServer::Impl::ReadOnlyReason() const {
  if (!cfg.profile_path.empty()) return "";
  return cfg.profile_read_only_reason.empty()
             ? "this server was started without a profile file it may write"
             : cfg.profile_read_only_reason;
}

int WebServer::Impl::ProfileVersion() { return EditVersion("profile", "profile.update"); }

void WebServer::Impl::RegisterSettingsRoutes() {
  Route("GET", "/api/settings/profile", Access::kAdmin,
        [this](const httplib::Request&, httplib::Response& res, Ctx&) {
          SendJson(res, 200, ProfileJson(*ProfileNow(), ProfileVersion(), ReadOnlyReason()));
        });

  Route("POST", "/api/settings/profile", Access::kAdmin,
        [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          if (req.body.size() > kMaxProfileEditBytes)
            return SendError(res, 413, "too_large",
                             "the profile edit is larger than " +
                                 std::to_string(kMaxProfileEditBytes / 1024) + " KiB");
          if (cfg.profile_path.empty()) return SendError(res, 409, "read_only", ReadOnlyReason());
          Json body;
          if (!ParseBody(req, res, &body)) return;
          if (!body.contains("profile") || !body["profile"].is_object())
            return SendFieldError(res, "profile", "profile must be an object");
          YAML::Node edit(YAML::NodeType::Map);
          for (const auto& [k, v] : body["profile"].items()) {
            if (std::find(std::begin(kEditable), std::end(kEditable), k) == std::end(kEditable))
              return SendProfileError(res, k.substr(0, 64) + ": cannot be changed here", "");
            YAML::Node n;
            std::string error;
            if (!ToYaml(v, k, &n, &error)) return SendProfileError(res, error, "");
            edit[k] = n;
          }
          // One edit at a time: version numbers and the file follow each other.
          std::lock_guard<std::mutex> edit_lock(profile_edit_mu);
          if (body.contains("version") && body["version"].is_number_integer() &&
              body["version"].get<int>() != ProfileVersion())
            return SendError(res, 409, "conflict",
                             "the profile was changed by someone else meanwhile; reload it");
          std::string name = std::filesystem::path(cfg.profile_path).filename().string();
          auto e = business::EditProfile(*ProfileNow(), edit, name);
          if (!e.ok()) {
            return SendProfileError(res, e.status().message(), name);
          }
          if (e->changed.empty()) {
            return SendJson(res, 200, ProfileJson(*ProfileNow(), ProfileVersion(), ""));
          }
          int version = ProfileVersion() + 1;
          if (Status s = business::SaveProfile(cfg.profile_path, e->yaml, version); !s.ok())
            return SendStatus(res, s);
          auto fresh = std::make_shared<business::Profile>(e->profile);
          {
            std::lock_guard<std::mutex> lock(profile_mu);
            profile_now = fresh;
          }
          std::string keys;
          for (const auto& k : e->changed) keys += (keys.empty() ? "" : ", ") + k;
          Audit(ctx, "profile.update", "profile", version, "changed " + keys);
          if (cfg.on_profile_changed) cfg.on_profile_changed(*fresh);
          hub.Publish("profile.updated", {{"version", version}});
          SendJson(res, 200, ProfileJson(*fresh, version, ""));
        });
}

}  // namespace kira::web
