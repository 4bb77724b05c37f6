// Test support for kira_web: a WebServer on a temporary directory with a real SQLite CRM
// store, a clock tests can move forward, a signed-in HTTP client, and lead fixtures. Used by
// the API tests, the benchmark and the browser test's server (web_devserver).
#pragma once

#include <httplib.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "catalog/catalog_store.h"
#include "crm/crm_store.h"
#include "crm/workspace_store.h"
#include "web/json_model.h"
#include "web/web_server.h"

namespace kira::web::testing {

// The system clock plus an offset the test can advance (to expire sessions).
class ShiftClock : public Clock {
 public:
  TimePoint Now() const override {
    return Clock::System().Now() + std::chrono::milliseconds(shift_ms_.load());
  }
  void Advance(std::chrono::milliseconds d) { shift_ms_ += d.count(); }

 private:
  std::atomic<int64_t> shift_ms_{0};
};

struct Env {
  std::string dir;  // temp dir: kira.db, recordings/
  ShiftClock clock;
  std::unique_ptr<crm::CrmStore> store;
  std::unique_ptr<crm::WorkspaceStore> workspace;
  std::unique_ptr<catalog::CatalogStore> catalog;
  std::unique_ptr<WebServer> server;
  ~Env();  // stops the server, removes dir (unless keep_dir)
  bool keep_dir = false;
  int port() const { return server->port(); }
};

struct EnvOptions {
  std::string dir;            // "" = a fresh temp dir
  bool cheap_hashing = true;  // minimal argon2id cost so tests sign in fast
  std::chrono::milliseconds poll_interval{100};
  WebhookOptions webhooks;
  size_t max_upload_bytes = 1u << 20;
  std::string admin_name = "admin";
  std::string admin_password = "correct horse battery";
  std::string timezone = "Europe/Moscow";
  int port = 0;
  // Last word on the server's settings (limits, proxies, cookies), applied just before Start.
  std::function<void(WebConfig&)> configure;
};

Result<std::unique_ptr<Env>> StartEnv(EnvOptions opt = {});

// A lead with a contact and a finished Kira conversation (two turns) as the dialog leaves it.
Result<int64_t> AddLead(crm::CrmStore& store, const std::string& phone, const std::string& outcome,
                        const std::string& reason, const std::string& channel = "phone",
                        int64_t created_at = 0, const std::string& name = "Ирина");

// An HTTP client that keeps the session cookie and the CSRF token.
class Client {
 public:
  explicit Client(int port) : cli_("127.0.0.1", port) { cli_.set_read_timeout(10); }
  // Signs in; false on any failure.
  bool Login(const std::string& name, const std::string& password, int* status = nullptr);
  httplib::Result Get(const std::string& path);
  httplib::Result Post(const std::string& path, const Json& body, bool with_csrf = true);
  httplib::Result PostRaw(const std::string& path, const std::string& body, const std::string& type,
                          bool with_csrf = true);
  httplib::Result Delete(const std::string& path);
  httplib::Headers headers(bool with_csrf) const;
  const std::string& csrf() const { return csrf_; }
  httplib::Client& raw() { return cli_; }
  std::string cookie;

 private:
  httplib::Client cli_;
  std::string csrf_;
};

}  // namespace kira::web::testing
