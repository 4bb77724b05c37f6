// `kira serve`: the main job on one machine — the SIP endpoint answering calls with Kira, the
// manager's web workspace, and the dialer sending Vera to the callbacks managers assigned, all
// over one SQLite database in the data dir. Stops cleanly on SIGINT/SIGTERM.
#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "app/command.h"
#include "app/context.h"
#include "app/dialer_settings.h"
#include "app/runtime.h"
#include "business/setup_report.h"
#include "catalog/catalog_store.h"
#include "core/log.h"
#include "crm/change_feed.h"
#include "crm/phone.h"
#include "crm/workspace_store.h"
#include "dialer/dialer.h"
#include "dialer/dialer_config.h"
#include "dialer/phone_zones.h"
#include "dialog/recovery.h"
#include "web/web_server.h"
#include "web/web_settings.h"
#if KIRA_HAVE_VOICE
#include "speech/websocket_client.h"
#include "voice/phone_config.h"
#include "voice/phone_service.h"
#include "voice_dialer/phone_originator.h"
#endif

namespace kira::app {
namespace {

// host:data-dir: unique among running nodes (each has its own data directory, with its copy of
// dnc.key), so a node's leases and calls are never another's; and the same when the node starts
// again, so it reopens its own cut-off calls at once.
std::string DefaultNodeName(const std::string& data_dir) {
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) != 0) std::snprintf(host, sizeof(host), "kira");
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::weakly_canonical(data_dir, ec);
  return std::string(host) + ":" + (ec ? data_dir : dir.string());
}

struct ServeArgs {
  std::string web = "127.0.0.1:8080";
  std::string sip;           // overrides phone.listen
  std::string phone_config;  // YAML with a phone: section
  std::string dialer_config;
  std::string web_config;  // YAML with a web: section (limits, proxies, cookies)
  std::string node;        // this node's name among several on one PostgreSQL (task leases)
  std::vector<std::string> trusted_proxies;
  bool secure_cookies = false;
  bool no_phone = false, no_web = false, no_dialer = false;
  // Retention flags; -1 = not given, the profile's privacy: section decides.
  int keep_transcripts_days = -1, keep_recordings_days = -1;
};

// What the status report reads: filled in as the parts start; read by the web workspace's
// GET /api/admin/status on its own threads (under mu).
struct ServeStatus {
  std::mutex mu;
  business::SetupFacts facts;  // database, web, flags; the phone's part is read live
#if KIRA_HAVE_VOICE
  voice::PhoneService* phone = nullptr;  // set once started; outlived by the web server
#endif
};

// The one status report of `kira serve` (printed at start, served to the admin page). A Vosk
// server is probed (a WebSocket handshake, 1 s at most): configured is not the same as live.
business::SetupReport BuildServeReport(ServeStatus& st) {
  business::SetupFacts f;
  {
    std::lock_guard<std::mutex> lock(st.mu);
    f = st.facts;
  }
#if KIRA_HAVE_VOICE
  voice::PhoneService* phone = nullptr;
  {
    std::lock_guard<std::mutex> lock(st.mu);
    phone = st.phone;
  }
  if (phone) {
    const voice::PhoneConfig& pc = phone->config();
    f.phone_on = true;
    f.sip_listen = pc.sip.listen;  // with the bound port (the config may say port 0)
    uint16_t port = pc.sip.udp ? phone->endpoint().udp_port() : phone->endpoint().tcp_port();
    if (size_t c = f.sip_listen.rfind(':'); c != std::string::npos && port != 0)
      f.sip_listen = f.sip_listen.substr(0, c + 1) + std::to_string(port);
    f.trunk_registrar = pc.sip.trunk.registrar;
    f.trunk_registered = phone->endpoint().stats().registered;
    auto error_of = [&](const std::string& kind, const std::string& lang) {
      std::string prefix = kind + " '" + lang + "'";
      for (const auto& w : phone->warnings())
        if (w.rfind(prefix, 0) == 0) return w.substr(prefix.size() + 1);
      return std::string("not loaded");
    };
    for (const auto& e : pc.asr) {
      business::SetupFacts::Engine x{e.name, e.engine, e.Param("url"), ""};
      if (!phone->has_asr(e.name)) {
        x.error = error_of("ASR", e.name);
      } else if (e.engine == "vosk") {
        auto ws = speech::WebSocketClient::Connect(x.target, 1000);
        if (!ws.ok()) x.error = ws.status().message();
      }
      f.asr.push_back(std::move(x));
    }
    for (const auto& e : pc.tts) {
      business::SetupFacts::Engine x{e.name, e.engine, "", ""};
      if (!phone->has_tts(e.name)) x.error = error_of("TTS", e.name);
      f.tts.push_back(std::move(x));
    }
  }
#else
  f.voice_built = false;
#endif
  return business::BuildSetupReport(f);
}

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

bool SplitHostPort(const std::string& s, std::string* host, int* port) {
  size_t c = s.rfind(':');
  if (c == std::string::npos) return false;
  *host = s.substr(0, c);
  try {
    *port = std::stoi(s.substr(c + 1));
  } catch (...) {
    return false;
  }
  return *port >= 0 && *port < 65536;
}

int RunServe(const AppOptions& o, const ServeArgs& a) {
  // glibc gives each thread that allocates a lot its own arena (up to 8 per core) and keeps each
  // arena's high-water mark: every catalog upload, handled by whichever of the web workers,
  // left ~3.4 MB behind until 16 arenas had one (measured: +55 MB over 16 uploads of the demo
  // catalog, the soak test's growth). Four arenas bound that at a few MB.
  mallopt(M_ARENA_MAX, 4);
  // Several nodes on one PostgreSQL: this node's name goes on its task leases and on the
  // conversations it holds. One node (SQLite): no name, every open conversation is its own.
  const std::string node = !CrmOnPostgres(o) ? std::string()
                           : a.node.empty()  ? DefaultNodeName(o.data_dir)
                                             : a.node;
  RuntimeOptions ro;
  ro.node = node;
  auto rt_r = OpenRuntime(o, ro);
  if (!rt_r.ok()) return Fail(rt_r.status());
  Runtime& rt = **rt_r;
  [[maybe_unused]] dialog::Engine& engine = *rt.engine;
  // Conversations a previous run of this node left open (a crash, a kill) end as interrupted
  // before any new call starts (other nodes' calls go on); then every minute for calls lost on
  // the way (any node's, idle long enough), and retention daily.
  {
    auto n = dialog::EndInterrupted(engine, ToUnixMillis(Clock::System().Now()) + 1, node);
    if (!n.ok()) return Fail(n.status().WithContext("ending interrupted conversations"));
    if (*n > 0) std::printf("kira: %d conversation(s) cut off by the last stop: interrupted\n", *n);
  }
  dialog::HousekeepingOptions hk;
  hk.data_dir = o.data_dir;
  // Retention: the profile's privacy: section, unless a flag says otherwise.
  hk.retention.transcripts_days = a.keep_transcripts_days >= 0
                                      ? a.keep_transcripts_days
                                      : rt.profile.privacy.keep_transcripts_days;
  hk.retention.recordings_days = a.keep_recordings_days >= 0
                                     ? a.keep_recordings_days
                                     : rt.profile.privacy.keep_recordings_days;
  dialog::Housekeeper housekeeper(engine, hk);
  std::jthread housekeeping([&housekeeper](std::stop_token st) {
    while (!st.stop_requested()) {
      housekeeper.Tick(ToUnixMillis(Clock::System().Now()));
      for (int i = 0; i < 600 && !st.stop_requested(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });

  ServeStatus status;  // outlives `web`, which serves it
  status.facts.shop_language = rt.profile.language;
  // A postgres:// URL may carry a password: the status page names the engine only.
  status.facts.database = CrmOnPostgres(o) ? std::string("PostgreSQL (--db)") : rt.db_path;
  status.facts.dialer_disabled = a.no_dialer;
#if KIRA_HAVE_VOICE
  std::unique_ptr<voice::PhoneService> phone;  // declared before `web`: destroyed after it
#endif
  // The running dialer, for the settings page's calling windows (set while it runs).
  struct LiveDialer {
    std::mutex mu;
    dialer::Dialer* d = nullptr;
  } live_dialer;
  std::unique_ptr<crm::WorkspaceStore> workspace;  // outlive `web`
  std::unique_ptr<crm::ChangeFeed> changes;        // PostgreSQL: other nodes' writes
  std::unique_ptr<web::WebServer> web;
  if (!a.no_web) {
    web::WebConfig wc;
    if (!SplitHostPort(a.web, &wc.bind_address, &wc.port))
      return Fail(Status::Invalid("--web: expected ADDRESS:PORT, got '" + a.web + "'"));
    // Settings: --web-config, else web.yaml in the data dir; then the flags.
    std::string settings = a.web_config;
    if (settings.empty()) {
      std::error_code ec;
      if (std::filesystem::exists(o.data_dir + "/web.yaml", ec))
        settings = o.data_dir + "/web.yaml";
    }
    if (!settings.empty()) {
      Status s = web::LoadWebSettings(settings, &wc);
      if (!s.ok()) return Fail(s);
    }
    if (a.secure_cookies) wc.secure_cookies = true;
    if (!a.trusted_proxies.empty()) wc.trusted_proxies = a.trusted_proxies;
    wc.data_dir = o.data_dir;
    auto ws = OpenWorkspace(o);
    if (!ws.ok()) return Fail(ws.status().WithContext("web workspace"));
    workspace = std::move(*ws);
    wc.store = rt.store.get();
    wc.workspace = workspace.get();
    wc.catalog = rt.catalog_store.get();
    if (CrmOnPostgres(o)) {
      // Leads written on any node reach this node's browsers at once (LISTEN/NOTIFY).
      auto feed = crm::OpenPgChangeFeed(o.db);
      if (!feed.ok()) return Fail(feed.status().WithContext("web workspace: change feed"));
      changes = std::move(*feed);
      wc.changes = changes.get();
    }
    wc.profile = rt.profile;
    // A catalog or stock upload in the workspace reaches the agents' next conversations.
    wc.on_catalog_changed = [&rt] {
      Status s = rt.ReloadCatalog();
      if (!s.ok()) log::Error("serve", "cannot reload the catalog: " + s.message());
    };
    wc.setup_report = [&status] { return BuildServeReport(status); };
    // The settings page edits the shop's own profile file (--business) and the files beside
    // it; the built-in demo is shown read-only, the page saying which option to give. New
    // conversations use a saved profile at once.
    if (auto editable = EditableProfilePath(o); editable.ok())
      wc.profile_path = *editable;
    else
      wc.profile_read_only_reason = editable.status().message();
    wc.on_profile_changed = [&rt, &live_dialer](const business::Profile& p) {
      rt.engine->SetProfile(p);
      {
        std::lock_guard<std::mutex> lock(live_dialer.mu);
        if (live_dialer.d) live_dialer.d->SetCallingWindow(p.calling_window);
      }
      log::Info("serve", "the profile was changed in the workspace; new conversations use it");
    };
    // The shop's phrases saved on the settings page; a lexicon edit reloads the catalog
    // through on_catalog_changed (its words are part of it).
    wc.on_phrases_changed = [&rt] {
      Status s = rt.engine->ReloadScenarios();
      if (s.ok())
        log::Info("serve", "the phrases were changed in the workspace; new conversations use them");
      return s;
    };
    web = std::make_unique<web::WebServer>(std::move(wc));
    Status s = web->Start();
    if (!s.ok()) return Fail(s.WithContext("web workspace"));
    std::string host = a.web.substr(0, a.web.rfind(':'));
    {
      std::lock_guard<std::mutex> lock(status.mu);
      status.facts.web_on = true;
      status.facts.web_url = "http://" + host + ":" + std::to_string(web->port()) + "/";
    }
    std::printf(
        "kira: web workspace on http://%s:%d/ (create a user: kira users add NAME "
        "--role admin)\n",
        host.c_str(), web->port());
  }

#if KIRA_HAVE_VOICE
  if (!a.no_phone) {
    voice::PhoneConfig pc;
    if (!a.phone_config.empty()) {
      auto loaded = voice::LoadPhoneConfig(a.phone_config);
      if (!loaded.ok()) return Fail(loaded.status());
      pc = *loaded;
    }
    if (!a.sip.empty()) pc.sip.listen = a.sip;
    pc.data_dir = o.data_dir;
    pc.shop_dir = rt.profile.dir;  // its turn_taking/<lang>.yaml, beside the profile
    phone = std::make_unique<voice::PhoneService>();
    Status s = phone->Start(
        pc,
        [&engine](const std::string& caller, const std::string& called,
                  const std::string& channel) -> std::unique_ptr<dialog::DialogSession> {
          dialog::SessionParams p;
          p.agent = "kira";
          p.caller = crm::CallerNumber(caller);  // the SIP From user: E.164 when a number
          p.channel = channel;
          auto s = engine.NewSession(p);
          if (!s.ok()) {
            log::Error("serve", "cannot start a conversation: " + s.status().message());
            return nullptr;
          }
          return std::move(s).value();
        });
    if (!s.ok()) return Fail(s.WithContext("phone"));
    for (const auto& w : phone->warnings()) std::fprintf(stderr, "kira: phone: %s\n", w.c_str());
    std::printf("kira: answering SIP calls on %s\n", pc.sip.listen.c_str());
    std::lock_guard<std::mutex> lock(status.mu);
    status.phone = phone.get();
  }

  // The Dialer keeps a reference to its config: it lives here, as long as the dialer does.
  Result<dialer::DialerConfig> dc = dialer::DialerConfig{};
  std::unique_ptr<dialer::ZoneDb> zones;
  std::unique_ptr<dialer::PhoneZoneResolver> resolver;
  std::unique_ptr<voice::PhoneOriginator> originator;
  std::unique_ptr<dialer::Dialer> dialer_loop;
  std::jthread dialer_thread;
  if (phone && !a.no_dialer) {
    dc = LoadDialerSettings(o, rt.profile, a.dialer_config);
    if (!dc.ok()) return Fail(dc.status());
    zones = std::make_unique<dialer::ZoneDb>();
    resolver = std::make_unique<dialer::PhoneZoneResolver>(zones.get(), dc->default_region);
    originator = std::make_unique<voice::PhoneOriginator>(
        phone.get(),
        [&engine](const dialer::CallRequest& r) -> std::unique_ptr<dialog::DialogSession> {
          dialog::SessionParams p;
          p.agent = "vera";
          p.caller = r.task.phone;
          p.channel = "phone";
          p.task_id = r.task.id;
          auto s = engine.NewSession(p);
          if (!s.ok()) {
            log::Error("serve", "cannot start Vera's call: " + s.status().message());
            return nullptr;
          }
          return std::move(s).value();
        });
    dialer::DialerOptions dopts;
    if (CrmOnPostgres(o)) {
      // Several nodes may share the database: leases and the limits go through the store.
      dopts.node = node;
      std::printf("kira: dialer node '%s' (task leases in PostgreSQL)\n", dopts.node.c_str());
    }
    dialer_loop = std::make_unique<dialer::Dialer>(rt.store.get(), originator.get(), *dc,
                                                   resolver.get(), &Clock::System(), dopts);
    Status s = dialer_loop->Start();
    if (!s.ok()) return Fail(s.WithContext("dialer"));
    dialer_thread = std::jthread([&](std::stop_token st) { dialer_loop->Run(st); });
    {
      std::lock_guard<std::mutex> lock(live_dialer.mu);
      live_dialer.d = dialer_loop.get();
    }
    std::printf("kira: dialer running (calling windows from the profile)\n");
    std::lock_guard<std::mutex> lock(status.mu);
    status.facts.dialer_on = true;
  }
#else
  if (!a.no_phone)
    std::fprintf(stderr, "kira: this build has no phone side (built with KIRA_VOICE=OFF)\n");
#endif
  {
    // What is live and what is missing, with the setting to fix it (also on the admin page).
    business::SetupReport report = BuildServeReport(status);
    std::fputs(business::FormatSetupReport(report).c_str(), stdout);
    for (const auto& w : report.warnings) log::Warn("serve", w);
  }
  std::fflush(stdout);

  signal(SIGINT, OnSignal);
  signal(SIGTERM, OnSignal);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::printf("kira: stopping\n");
  {
    std::lock_guard<std::mutex> lock(live_dialer.mu);
    live_dialer.d = nullptr;
  }
#if KIRA_HAVE_VOICE
  if (dialer_thread.joinable()) {
    dialer_thread.request_stop();
    dialer_thread.join();
  }
#endif
#if KIRA_HAVE_VOICE
  {
    std::lock_guard<std::mutex> lock(status.mu);
    status.phone = nullptr;  // the report no longer reads a stopping phone
  }
  if (phone) phone->Stop();
#endif
  if (web) web->Stop();
  return 0;
}

void RegisterServe(CLI::App& app, AppOptions& opts) {
  auto* a = new ServeArgs;
  auto* c = app.add_subcommand("serve", "Answer calls, serve the web workspace, run the dialer");
  c->add_option("--web", a->web, "Web workspace address")->capture_default_str();
  c->add_option("--sip", a->sip, "SIP listen address (default 127.0.0.1:5080)");
  c->add_option("--phone-config", a->phone_config, "YAML file with a phone: section");
  c->add_option("--dialer-config", a->dialer_config,
                "Dialer YAML (default: dialer.yaml in "
                "the data dir or beside the profile)");
  c->add_option("--web-config", a->web_config,
                "YAML with a web: section: limits, trusted proxies, cookies (default: web.yaml "
                "in the data dir; see docs/web_limits.md)");
  c->add_flag("--secure-cookies", a->secure_cookies,
              "Mark the session cookie Secure (set when users reach the workspace over https)");
  c->add_option("--trusted-proxy", a->trusted_proxies,
                "Address or network of a reverse proxy whose X-Forwarded-For is believed "
                "(repeatable)");
  c->add_option("--keep-transcripts-days", a->keep_transcripts_days,
                "Delete the transcripts of conversations ended longer ago (0 = keep; daily; "
                "default: the profile's privacy.keep_transcripts_days)")
      ->check(CLI::Range(0, 36500));
  c->add_option("--keep-recordings-days", a->keep_recordings_days,
                "Delete recordings of conversations ended longer ago (0 = keep; daily; default: "
                "the profile's privacy.keep_recordings_days)")
      ->check(CLI::Range(0, 36500));
  c->add_option("--node", a->node,
                "This node's name among several sharing one PostgreSQL (--db postgres://): "
                "its dialer's task leases and its conversations carry it, and started again it "
                "ends only its own cut-off calls (default: host name and data directory; give "
                "every node its own)");
  c->add_flag("--no-phone", a->no_phone, "Do not start the SIP side");
  c->add_flag("--no-web", a->no_web, "Do not start the web workspace");
  c->add_flag("--no-dialer", a->no_dialer, "Do not place outbound calls");
  c->callback([&opts, a] { opts.exit_code = RunServe(opts, *a); });
}
KIRA_COMMAND(RegisterServe);

}  // namespace
}  // namespace kira::app
