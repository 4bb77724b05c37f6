// Private to kira_web: the state shared by the route files (routes_*.cpp) of WebServer.
#pragma once

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/catalog_store.h"
#include "leads/campaign.h"
#include "leads/lead_service.h"
#include "web/alerts.h"
#include "web/amocrm.h"
#include "web/bitrix24.h"
#include "web/http_front.h"
#include "web/json_model.h"
#include "web/proxy_list.h"
#include "web/recording_link.h"
#include "web/web_server.h"

namespace kira::web {

// Broadcast of server-sent events: every subscriber sees every event after its cursor.
class EventHub {
 public:
  struct Event {
    uint64_t seq;
    std::string type;
    std::string data;  // JSON
  };
  void Publish(const std::string& type, const Json& data);
  // Events with seq > after; waits up to `timeout` for one. Empty on timeout or shutdown.
  std::vector<Event> WaitAfter(uint64_t after, std::chrono::milliseconds timeout);
  uint64_t last_seq();
  void Shutdown();
  bool stopped();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Event> events_;  // the last kKeep events
  uint64_t seq_ = 0;
  bool stop_ = false;
  static constexpr size_t kKeep = 512;
};

struct Ctx {
  Session session;
  std::string client;  // remote address
  std::string actor() const { return "user:" + session.user.name; }
};

enum class Access { kPublic, kUser, kAdmin };
using Handler = std::function<void(const httplib::Request&, httplib::Response&, Ctx&)>;

void SendJson(httplib::Response& res, int status, const Json& body);
void SendError(httplib::Response& res, int status, const std::string& code,
               const std::string& message);
// Maps a failed Status to 400/404/409/503/500 with its message.
void SendStatus(httplib::Response& res, const Status& s);
// Parses the JSON body of a request; on failure answers 400 and returns false.
bool ParseBody(const httplib::Request& req, httplib::Response& res, Json* out);
// body[key] when it is a string, else "" (a wrong type never throws).
std::string StrField(const Json& body, const char* key);
// A non-negative integer path/query parameter; false on anything else.
bool ParseId(const std::string& s, int64_t* out);
// The latest outbox rows of a CRM connector's channel (`event`), newest first, at most `limit`:
// id, the conversation, status, attempts, last error, times (the settings pages' "latest").
Json RecentConnectorRows(Webhooks& hooks, const std::string& event, size_t limit);
// The review queue's filters (status, outcome, reason, channel, from, to, before_id) from the
// query string; false with *error naming the parameter (routes_leads.cpp).
bool ParseQueueFilter(const httplib::Request& req, crm::LeadFilter* f, std::string* error);
// An order as the workspace shows it: the record, the customer's phone, the next statuses
// (routes_orders.cpp).
Json OrderJson(const crm::Order& o, const std::string& phone);

struct WebServer::Impl {
  WebConfig cfg;
  const Clock* clock = nullptr;
  std::unique_ptr<HttpFront> http;  // created by Start()
  ProxyList proxies;
  // Routes whose bodies may be as large as max_upload_bytes (others: http.max_body_bytes).
  std::vector<std::pair<std::string, std::regex>> upload_routes;  // (method, path pattern)
  int port = 0;
  std::unique_ptr<Auth> auth;
  std::unique_ptr<Webhooks> hooks;
  std::unique_ptr<Alerts> alerts;                   // manager alerts, through hooks' outbox
  std::unique_ptr<AmoCrm> amocrm;                   // the amoCRM connector, through hooks' outbox
  std::unique_ptr<Bitrix24> bitrix24;               // the Bitrix24 connector, through hooks' outbox
  std::unique_ptr<RecordingLinks> recording_links;  // signed recording links (Bitrix24)

  std::mutex store_mu;                                // CrmStore calls are serialised
  std::unique_ptr<leads::LeadService> leads;          // take, Vera, close, approve (under store_mu)
  std::unique_ptr<leads::CampaignService> campaigns;  // lists of numbers → Vera's tasks

  // The profile as the settings page last saved it (cfg.profile until the first edit).
  std::mutex profile_mu, profile_edit_mu;
  std::shared_ptr<const business::Profile> profile_now;
  std::shared_ptr<const business::Profile> ProfileNow();
  int ProfileVersion();                // profile.update entries in the audit log so far
  std::string ReadOnlyReason() const;  // "" when the settings page may write
  // The folder of the shop's own profile file: its lexicon.yaml and agents/ ("" = none).
  std::string ShopDir() const;
  // The highest version `action` entries of `entity` in the audit log have reached (0 = none).
  int EditVersion(const std::string& entity, const std::string& action);

  std::mutex cat_mu;
  std::shared_ptr<const catalog::Catalog> catalog;
  // What the catalog page's filters need, built once per catalog version (routes_catalog.cpp):
  // for each filter asked so far, the positions in products() of the products passing it, and
  // the categories with their counts. Replaced when the catalog is.
  struct CatalogIndex {
    std::mutex mu;
    std::shared_ptr<const catalog::Catalog> of;
    std::map<std::string, std::shared_ptr<const std::vector<uint32_t>>> filtered;
    std::shared_ptr<const std::vector<std::pair<std::string, size_t>>> categories;
  } catalog_index;
  std::string catalog_error;  // why the catalog could not be loaded, "" when fine

  EventHub hub;
  std::atomic<int> streams{0};
  std::vector<std::pair<std::string, std::string>> routes;

  // Store watcher (watcher.cpp).
  std::thread watcher;
  std::thread change_listener;  // waits on cfg.changes and pokes the watcher
  std::mutex watch_mu;
  std::condition_variable watch_cv;
  bool watch_stop = false, watch_poke = false;
  int64_t last_lead_id = 0;
  std::map<int64_t, int64_t> watched;  // lead id -> watch until (ms)

  int64_t NowMs() const { return ToUnixMillis(clock->Now()); }

  void Route(const std::string& method, const std::string& tmpl, Access access, Handler h);
  // Lets a route take bodies up to max_upload_bytes (file uploads).
  void AllowUpload(const std::string& method, const std::string& tmpl);
  void RegisterAuthRoutes();
  void RegisterLeadRoutes();  // the four below (routes_leads.cpp)
  void RegisterLeadQueueRoutes();
  void RegisterLeadPageRoute();
  void RegisterLeadActionRoutes();
  void RegisterRecordingRoute();
  void ServeRecording(const httplib::Request& req, httplib::Response& res, int64_t id,
                      const std::string& actor);  // routes_leads.cpp
  void RegisterOrderRoutes();     // orders, their status, exports (routes_orders.cpp)
  void RegisterSettingsRoutes();  // the business profile editor (routes_settings.cpp)
  void QueueCrmConnectors(const crm::Conversation& c, int64_t lead_id);  // watcher.cpp
  void RegisterAmoCrmRoutes();    // the amoCRM connector's settings (routes_amocrm.cpp)
  void RegisterBitrix24Routes();  // the Bitrix24 connector's settings (routes_bitrix24.cpp)
  void RegisterAlertRoutes();     // the manager alerts' settings (routes_alerts.cpp)
  void RegisterTextRoutes();      // the lexicon and the phrases (routes_texts.cpp)
  void RegisterCatalogRoutes();
  void RegisterDashboardRoutes();
  void RegisterAdminRoutes();
  void RegisterCampaignRoutes();  // routes_campaigns.cpp
  void RegisterStaticRoutes();

  Status LoadCatalog();
  std::shared_ptr<const catalog::Catalog> Catalog();
  void Audit(const Ctx& ctx, const std::string& action, const std::string& entity, int64_t id,
             const std::string& detail);

  Status StartWatcher();
  void StopWatcher();
  void WatchOnce();
  void Watch(int64_t lead_id, int64_t until_ms);
};

}  // namespace kira::web
