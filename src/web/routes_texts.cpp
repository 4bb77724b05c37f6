// The shop's words and phrases in the workspace (admins): the lexicon (catalog words callers
// use: categories, colours, surfaces, …; the shop's lexicon.yaml over the built-in one) and the
// agents' phrases (the shop's agents/<agent>/<lang>/scenario.yaml over the built-in ones).
// Both live beside the shop's own profile file and are read-only without one (the built-in
// demo and defaults are never written). An edit is judged by the loader every start uses
// (catalog::ParseShopLexicon, dialog::EditPhrases), written atomically with the previous
// version kept, audited with who changed what, and handed on (on_catalog_changed,
// on_phrases_changed) so new conversations use it without a restart.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "catalog/lexicon.h"
#include "core/atomic_file.h"
#include "core/defaults.h"
#include "core/log.h"
#include "dialog/phrase_edit.h"
#include "web/server_impl.h"

namespace kira::web {
namespace {

constexpr size_t kMaxLexiconBytes = 512 * 1024;
constexpr size_t kMaxPhrasesEditBytes = 256 * 1024;

void SendFieldError(httplib::Response& res, const std::string& field, const std::string& msg) {
  SendJson(res, 400, {{"error", msg}, {"code", "invalid"}, {"field", field}});
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string WebServer::Impl::ShopDir() const {
  if (cfg.profile_path.empty()) return "";
  std::filesystem::path p(cfg.profile_path);
  return p.parent_path().empty() ? "." : p.parent_path().string();
}

int WebServer::Impl::EditVersion(const std::string& entity, const std::string& action) {
  std::lock_guard<std::mutex> lock(store_mu);
  auto a = cfg.store->ListAudit(entity, 0);
  if (!a.ok()) return 0;
  int v = 0;
  for (const auto& e : *a)
    if (e.action == action) v = std::max<int>(v, static_cast<int>(e.entity_id));
  return v;
}

void WebServer::Impl::RegisterTextRoutes() {
  auto phrases_json = [this](const std::string& agent, const std::string& lang,
                             httplib::Response& res) {
    dialog::PhraseFiles files{DefaultsDir(), ShopDir().empty() ? "" : ShopDir() + "/agents"};
    if (files.agents_dir.empty()) files.agents_dir = cfg.profile.dir + "/agents";
    auto list = dialog::ListPhrases(files, agent, lang);
    if (!list.ok()) return SendStatus(res, list.status());
    Json items = Json::array();
    for (const auto& p : *list)
      items.push_back({{"key", p.key},
                       {"text", p.text},
                       {"builtin", p.builtin},
                       {"values", p.values},
                       {"own", p.own}});
    SendJson(res, 200,
             {{"agent", agent},
              {"language", lang},
              {"version", EditVersion("phrases", "phrases.update")},
              {"editable", ReadOnlyReason().empty()},
              {"read_only_reason", ReadOnlyReason()},
              {"phrases", items}});
  };

  Route("GET", "/api/settings/phrases", Access::kAdmin,
        [phrases_json](const httplib::Request& req, httplib::Response& res, Ctx&) {
          std::string agent = req.has_param("agent") ? req.get_param_value("agent") : "kira";
          std::string lang = req.has_param("language") ? req.get_param_value("language") : "ru";
          phrases_json(agent, lang, res);
        });

  Route(
      "POST", "/api/settings/phrases", Access::kAdmin,
      [this, phrases_json](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
        if (req.body.size() > kMaxPhrasesEditBytes)
          return SendError(res, 413, "too_large",
                           "the phrases edit is larger than " +
                               std::to_string(kMaxPhrasesEditBytes / 1024) + " KiB");
        if (!ReadOnlyReason().empty()) return SendError(res, 409, "read_only", ReadOnlyReason());
        Json body;
        if (!ParseBody(req, res, &body)) return;
        const std::string agent = StrField(body, "agent"), lang = StrField(body, "language");
        if (!body.contains("phrases") || !body["phrases"].is_object())
          return SendFieldError(res, "phrases", "phrases must be an object: key → text(s)");
        std::map<std::string, std::vector<std::string>> edits;
        for (const auto& [k, v] : body["phrases"].items()) {
          std::vector<std::string> variants;
          if (v.is_string()) {
            variants.push_back(v.get<std::string>());
          } else if (v.is_array() && v.size() <= dialog::kMaxPhraseVariants) {
            for (const auto& x : v) {
              if (!x.is_string())
                return SendFieldError(res, "phrases." + k, "phrases." + k + ": expected text");
              variants.push_back(x.get<std::string>());
            }
          } else {
            return SendFieldError(res, "phrases." + k,
                                  "phrases." + k + ": expected text or a list of up to " +
                                      std::to_string(dialog::kMaxPhraseVariants) + " texts");
          }
          edits[k] = std::move(variants);
        }
        std::lock_guard<std::mutex> edit_lock(profile_edit_mu);
        const int now = EditVersion("phrases", "phrases.update");
        if (body.contains("version") && body["version"].is_number_integer() &&
            body["version"].get<int>() != now)
          return SendError(res, 409, "conflict",
                           "the phrases were changed by someone else meanwhile; reload them");
        dialog::PhraseFiles files{DefaultsDir(), ShopDir() + "/agents"};
        auto e = dialog::EditPhrases(files, agent, lang, edits);
        if (!e.ok()) {
          const std::string& msg = e.status().message();
          dialog::PhraseError d = dialog::DescribePhraseError(msg);
          std::string field = d.field;
          if (field.empty() && msg.rfind("agent:", 0) == 0) field = "agent";
          if (field.empty() && msg.rfind("language:", 0) == 0) field = "language";
          // The problem as a code and its values, for the page to say in its language.
          Json body = {
              {"error", msg},
              {"code", "invalid"},
              {"field", field},
              {"problem",
               {{"code", d.code}, {"value", d.value}, {"allowed", d.allowed}, {"limit", d.limit}}}};
          return SendJson(res, 400, body);
        }
        if (!e->changed.empty()) {
          if (Status s = dialog::SavePhrases(*e, now + 1); !s.ok()) return SendStatus(res, s);
          std::string keys;
          for (const auto& k : e->changed) keys += (keys.empty() ? "" : ", ") + k;
          Audit(ctx, "phrases.update", "phrases", now + 1,
                agent + "/" + lang + ": changed " + keys);
          if (cfg.on_phrases_changed) {
            Status s = cfg.on_phrases_changed();
            if (!s.ok()) log::Error("web", "the saved phrases were not taken: " + s.message());
          }
          hub.Publish("phrases.updated", {{"version", now + 1}});
        }
        phrases_json(agent, lang, res);
      });

  auto lexicon_json = [this](httplib::Response& res) {
    std::string path =
        ShopDir().empty() ? cfg.profile.dir + "/lexicon.yaml" : ShopDir() + "/lexicon.yaml";
    std::error_code ec;
    std::string text = std::filesystem::exists(path, ec) ? ReadText(path) : "";
    auto cat = Catalog();
    Json counts = Json::object();
    if (cat) {
      const auto& lex = cat->lexicon();
      counts = {{"categories", lex.categories.size()}, {"colors", lex.colors.size()},
                {"surfaces", lex.surfaces.size()},     {"materials", lex.materials.size()},
                {"looks", lex.looks.size()},           {"not_sold", lex.not_sold.size()}};
    }
    SendJson(res, 200,
             {{"yaml", text},
              {"counts", counts},
              {"version", EditVersion("lexicon", "lexicon.update")},
              {"editable", ReadOnlyReason().empty()},
              {"read_only_reason", ReadOnlyReason()}});
  };

  Route(
      "GET", "/api/settings/lexicon", Access::kAdmin,
      [lexicon_json](const httplib::Request&, httplib::Response& res, Ctx&) { lexicon_json(res); });

  Route("POST", "/api/settings/lexicon", Access::kAdmin,
        [this, lexicon_json](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          if (req.body.size() > kMaxLexiconBytes + 4096)
            return SendError(
                res, 413, "too_large",
                "the lexicon is larger than " + std::to_string(kMaxLexiconBytes / 1024) + " KiB");
          if (!ReadOnlyReason().empty()) return SendError(res, 409, "read_only", ReadOnlyReason());
          Json body;
          if (!ParseBody(req, res, &body)) return;
          if (!body.contains("yaml") || !body["yaml"].is_string())
            return SendFieldError(res, "yaml", "yaml must be the lexicon's text");
          const std::string text = body["yaml"].get<std::string>();
          std::lock_guard<std::mutex> edit_lock(profile_edit_mu);
          const int now = EditVersion("lexicon", "lexicon.update");
          if (body.contains("version") && body["version"].is_number_integer() &&
              body["version"].get<int>() != now)
            return SendError(res, 409, "conflict",
                             "the lexicon was changed by someone else meanwhile; reload it");
          const std::string path = ShopDir() + "/lexicon.yaml";
          // An empty text: the shop keeps no words of its own (the built-in lexicon alone).
          if (!text.empty()) {
            auto lex = catalog::ParseShopLexicon(text, "lexicon.yaml");
            if (!lex.ok()) {
              const std::string& msg = lex.status().message();
              catalog::LexiconError d = catalog::DescribeLexiconError(msg, "lexicon.yaml");
              // The problem as a code and its values, for the page to say in its language.
              Json body = {
                  {"error", msg},
                  {"code", "invalid"},
                  {"field", d.field},
                  {"problem", {{"code", d.code}, {"value", d.value}, {"allowed", d.allowed}}}};
              if (d.line > 0) body["line"] = d.line;
              return SendJson(res, 400, body);
            }
          }
          std::error_code ec;
          if ((std::filesystem::exists(path, ec) ? ReadText(path) : "") == text)
            return lexicon_json(res);
          if (text.empty()) {
            // Kept as a version, then removed.
            Status s = ReplaceFileKeepingVersion(path, "", "lexicon-history", now + 1);
            if (!s.ok()) return SendStatus(res, s);
            std::filesystem::remove(path, ec);
          } else if (Status s = ReplaceFileKeepingVersion(path, text, "lexicon-history", now + 1);
                     !s.ok()) {
            return SendStatus(res, s);
          }
          Audit(ctx, "lexicon.update", "lexicon", now + 1,
                "lexicon.yaml: " + std::to_string(text.size()) + " bytes");
          if (Status s = LoadCatalog(); !s.ok())
            log::Error("web", "cannot reload the catalog after the lexicon edit: " + s.message());
          if (cfg.on_catalog_changed) cfg.on_catalog_changed();
          hub.Publish("lexicon.updated", {{"version", now + 1}});
          lexicon_json(res);
        });
}

}  // namespace kira::web
