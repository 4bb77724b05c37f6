#include "web/testing/test_support.h"

#include <sodium.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace kira::web::testing {

Env::~Env() {
  if (server) server->Stop();
  server.reset();
  store.reset();
  workspace.reset();
  catalog.reset();
  if (!keep_dir && !dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
}

Result<std::unique_ptr<Env>> StartEnv(EnvOptions opt) {
  auto env = std::make_unique<Env>();
  if (opt.dir.empty()) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "kira-web-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) return Status::Io("mkdtemp failed");
    env->dir = tmpl;
  } else {
    env->dir = opt.dir;
    env->keep_dir = true;
    std::filesystem::create_directories(opt.dir);
  }
  std::filesystem::create_directories(env->dir + "/recordings");
  std::string db = env->dir + "/kira.db";
  KIRA_ASSIGN_OR_RETURN(env->store, crm::OpenSqliteCrmStore(db));
  KIRA_ASSIGN_OR_RETURN(env->workspace, crm::OpenSqliteWorkspaceStore(db));
  KIRA_ASSIGN_OR_RETURN(env->catalog, catalog::OpenSqliteCatalogStore(db));
  WebConfig cfg;
  cfg.port = opt.port;
  cfg.data_dir = env->dir;
  cfg.store = env->store.get();
  cfg.workspace = env->workspace.get();
  cfg.catalog = env->catalog.get();
  // A profile file of its own, so the settings page can be edited.
  {
    std::string path = env->dir + "/profile.yaml";
    std::ofstream(path) << "name: \"Test tiles\"\nlanguage: ru\ntimezone: " << opt.timezone
                        << "\naddress: \"Москва, ул. Тестовая, 1\"\nhours: \"9:00–21:00\"\n"
                           "delivery: \"по Москве\"\nassistant_disclosure: \"Я помощник.\"\n"
                           "manager: {name: \"Анна\"}\n";
    auto loaded = business::LoadProfile(path);
    if (loaded.ok()) {
      cfg.profile = *loaded;
      cfg.profile_path = path;
    } else {
      cfg.profile.timezone = opt.timezone;  // a zone the loader refuses: no settings file
    }
    cfg.profile.name = "Test tiles";
  }
  cfg.clock = &env->clock;
  cfg.poll_interval = opt.poll_interval;
  cfg.webhooks = opt.webhooks;
  cfg.max_upload_bytes = opt.max_upload_bytes;
  if (opt.cheap_hashing) {
    cfg.auth.ops_limit = crypto_pwhash_OPSLIMIT_MIN;
    cfg.auth.mem_limit = crypto_pwhash_MEMLIMIT_MIN;
  }
  if (opt.configure) opt.configure(cfg);
  env->server = std::make_unique<WebServer>(std::move(cfg));
  KIRA_RETURN_IF_ERROR(env->server->Start());
  if (!opt.admin_name.empty()) {
    auto u = env->server->auth()->AddUser(opt.admin_name, "admin", opt.admin_password);
    if (!u.ok() && u.status().code() != Status::Code::kConflict) return u.status();
  }
  return env;
}

Result<int64_t> AddLead(crm::CrmStore& store, const std::string& phone, const std::string& outcome,
                        const std::string& reason, const std::string& channel, int64_t created_at,
                        const std::string& name) {
  crm::Contact c;
  c.phone = phone;
  c.name = name;
  c.timezone = "Europe/Moscow";
  KIRA_ASSIGN_OR_RETURN(int64_t cid, store.UpsertContact(c));
  crm::Lead l;
  l.contact_id = cid;
  l.channel = channel;
  l.source = "inbound";
  // The names a test writes, checked as a store checks what it reads.
  KIRA_ASSIGN_OR_RETURN(crm::Outcome o, crm::ParseNamed(crm::kOutcomeTable, outcome, "outcome"));
  KIRA_ASSIGN_OR_RETURN(l.non_targeted_reason,
                        crm::ParseOptionalNamed(crm::kNonTargetedReasonTable, reason, "reason"));
  l.outcome = o;
  l.qualification = o == crm::Outcome::kNonTargeted ? crm::Qualification::kNonTargeted
                                                    : crm::Qualification::kTargeted;
  l.summary = "Спрашивала плитку Монте Тиберио серую 60x60, 12 м2.";
  l.interest = "MT-6060-GR";
  l.created_at = created_at;
  KIRA_ASSIGN_OR_RETURN(int64_t lid, store.CreateLead(l));
  crm::Conversation conv;
  conv.lead_id = lid;
  conv.agent = "kira";
  conv.channel = channel == "phone" ? "phone" : "chat";
  conv.language = "ru";
  conv.started_at = created_at ? created_at : ToUnixMillis(Clock::System().Now());
  KIRA_ASSIGN_OR_RETURN(int64_t conv_id, store.StartConversation(conv));
  KIRA_RETURN_IF_ERROR(
      store.AppendTurn(conv_id, "agent", "Здравствуйте! Магазин плитки, я Кира.", conv.started_at)
          .status());
  KIRA_RETURN_IF_ERROR(store
                           .AppendTurn(conv_id, "caller",
                                       "Есть Монте Тиберио серая шестьдесят "
                                       "на шестьдесят?",
                                       conv.started_at + 3000)
                           .status());
  conv.id = conv_id;
  conv.ended_at = conv.started_at + 60000;
  conv.outcome = l.outcome;
  conv.reason = l.non_targeted_reason;
  conv.summary = l.summary;
  KIRA_RETURN_IF_ERROR(store.EndConversation(conv));
  return lid;
}

httplib::Headers Client::headers(bool with_csrf) const {
  httplib::Headers h;
  if (!cookie.empty()) h.emplace("Cookie", cookie);
  if (with_csrf && !csrf_.empty()) h.emplace("X-CSRF-Token", csrf_);
  return h;
}

bool Client::Login(const std::string& name, const std::string& password, int* status) {
  Json body = {{"name", name}, {"password", password}};
  auto r = cli_.Post("/api/login", body.dump(), "application/json");
  if (status) *status = r ? r->status : 0;
  if (!r || r->status != 200) return false;
  std::string sc = r->get_header_value("Set-Cookie");
  cookie = sc.substr(0, sc.find(';'));
  csrf_ = Json::parse(r->body)["csrf"].get<std::string>();
  return true;
}

httplib::Result Client::Get(const std::string& path) { return cli_.Get(path, headers(false)); }

httplib::Result Client::Post(const std::string& path, const Json& body, bool with_csrf) {
  return cli_.Post(path, headers(with_csrf), body.dump(), "application/json");
}

httplib::Result Client::PostRaw(const std::string& path, const std::string& body,
                                const std::string& type, bool with_csrf) {
  return cli_.Post(path, headers(with_csrf), body, type);
}

httplib::Result Client::Delete(const std::string& path) { return cli_.Delete(path, headers(true)); }

}  // namespace kira::web::testing
