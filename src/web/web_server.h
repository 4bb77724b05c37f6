// WebServer: the manager's workspace (review queue, lead page, catalog, dashboard) and its
// JSON API, over cpp-httplib. The UI assets are embedded in the binary, so it serves from any
// working directory. It reads and changes the CRM through CrmStore (serialised by one mutex),
// keeps its own records (users, sessions, webhooks outbox) in a crm::WorkspaceStore and reads
// the catalog from a catalog::CatalogStore (it opens no database itself), and watches
// the store for new leads, ended conversations and orders (also those written by another
// process, e.g. `kira chat`) to push server-sent events and queue webhooks.
//
//   web::WebConfig cfg;
//   cfg.data_dir = data_dir;  cfg.store = store.get();  // stores: crm::OpenSqlite*Store, and
//   cfg.workspace = workspace.get();  cfg.catalog = catalog.get();  // OpenSqliteCatalogStore
//   cfg.port = 0;                          // any free port
//   web::WebServer server(std::move(cfg));
//   KIRA_RETURN_IF_ERROR(server.Start());  // listening when it returns
//   printf("http://127.0.0.1:%d/\n", server.port());
//   ...  server.Stop();
//
// Cookies: HttpOnly and SameSite=Strict always; Secure only with secure_cookies = true, which
// must be set when the server is reached over TLS (e.g. behind a reverse proxy), because a
// browser drops Secure cookies on plain http://127.0.0.1.
//
// The HTTP core (web/http_front.h) bounds what each client may cost: head and body sizes (also
// for chunked bodies), deadlines for the whole request, connections in all and per address
// (`http`, docs/web_limits.md). Behind a reverse proxy, list it in trusted_proxies: only then is
// X-Forwarded-For believed (for the login limits and the audit log).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "business/profile.h"
#include "business/setup_report.h"
#include "core/clock.h"
#include "core/status.h"
#include "crm/change_feed.h"
#include "crm/crm_store.h"
#include "web/auth.h"
#include "web/http_limits.h"
#include "web/webhooks.h"

namespace kira::catalog {
class CatalogStore;
}  // namespace kira::catalog

namespace kira::web {

struct WebConfig {
  std::string bind_address = "127.0.0.1";
  int port = 8080;       // 0 = a free port chosen by the OS; see WebServer::port()
  std::string data_dir;  // recordings are served only from inside this directory
  // Not owned; each must outlive the server.
  crm::CrmStore* store = nullptr;            // leads, conversations, orders, tasks, audit
  crm::WorkspaceStore* workspace = nullptr;  // users, sessions, webhooks, watcher state
  catalog::CatalogStore* catalog = nullptr;  // the catalog and stock (uploads, search)
  business::Profile profile;                 // default UI language, the dashboard's time zone
  std::string lexicon_path;     // catalog search words; "" = <profile.dir>/lexicon.yaml if any
  bool secure_cookies = false;  // add Secure to the session cookie (set when behind TLS)
  // Addresses or CIDR networks of reverse proxies whose X-Forwarded-For is believed.
  std::vector<std::string> trusted_proxies;
  size_t max_upload_bytes =
      8u << 20;                // catalog / stock uploads (other bodies: http.max_body_bytes)
  HttpLimits http;             // sizes, deadlines, connections, worker threads
  int max_event_streams = 12;  // concurrent server-sent event connections
  std::chrono::milliseconds poll_interval{500};  // how often the store is checked for news
  // Not owned. Writes by other nodes sharing the database (PostgreSQL LISTEN/NOTIFY,
  // crm/change_feed.h) wake the watcher at once, so a lead written on another node reaches
  // this node's event stream in milliseconds; nullptr = polling alone.
  crm::ChangeFeed* changes = nullptr;
  AuthOptions auth;
  WebhookOptions webhooks;
  const Clock* clock = nullptr;  // nullptr = the system clock
  // Called after a catalog or stock upload changed the catalog (e.g. to reload the dialog's).
  std::function<void()> on_catalog_changed;
  // The profile file the settings page edits ("" = read-only: the page shows it, edits are
  // refused). Usually the file `profile` was loaded from.
  std::string profile_path;
  // Why the settings are read-only when profile_path is "" (shown on the page and in the 409
  // of an edit), e.g. "this server runs the built-in demo profile … --business …".
  std::string profile_read_only_reason;
  // Called after the settings page saved the profile (e.g. to hand it to the dialog engine).
  std::function<void(const business::Profile&)> on_profile_changed;
  // Called after the settings page saved the shop's phrases (agents/<agent>/<lang>/scenario.yaml
  // beside profile_path), e.g. Engine::ReloadScenarios. A lexicon edit calls on_catalog_changed.
  std::function<Status()> on_phrases_changed;
  // What of Kira is live (GET /api/admin/status, the admin page): `kira serve` passes the same
  // function that printed its start-up report. nullptr = a report of the workspace alone
  // (database and web live, no phone side).
  std::function<business::SetupReport()> setup_report;
};

class WebServer {
 public:
  explicit WebServer(WebConfig cfg);
  ~WebServer();  // Stop()s
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Loads the catalog, binds and starts serving. Fails on a busy port, a missing store or an
  // unreadable one.
  Status Start();
  void Stop();
  int port() const;

  // Wakes the store watcher at once (in-process callers that just wrote a lead); without it
  // the watcher still finds new leads within poll_interval.
  void NotifyStoreChanged();

  // Every API route as (method, path template), e.g. ("GET", "/api/leads/{id}"); used by the
  // OpenAPI conformance test.
  std::vector<std::pair<std::string, std::string>> ApiRoutes() const;

  HttpStats http_stats() const;  // refusals, timeouts, open connections
  Auth* auth();                  // valid after Start()
  Webhooks* webhooks();          // valid after Start()

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace kira::web
