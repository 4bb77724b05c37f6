// An amoCRM test server for the connector's tests and the benchmark: speaks the documented
// OAuth 2.0 token call (POST /oauth2/access_token: authorization_code and refresh_token grants,
// with refresh-token rotation: a used refresh token stops working), and the API v4 calls the
// connector makes — POST /api/v4/leads/complex, GET /api/v4/contacts?query=<phone>,
// POST /api/v4/leads/notes — with the answers and error bodies of tests/fixtures/amocrm/ (which
// name their documentation pages). It enforces amoCRM's 7 requests a second (429), and can be
// told to expire the access token (401), to answer 429 or 500, or to answer slowly.
//
//   AmoFake amo({});
//   ASSERT_TRUE(amo.Start().ok());   // 127.0.0.1, port 0
//   cfg.base_url = amo.url();        // instead of https://<subdomain>.amocrm.ru
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"

namespace kira::web::testing {

struct AmoFakeOptions {
  std::string client_id = "a1b2c3d4-0000-4000-8000-000000000001";
  std::string client_secret = "test-client-secret";
  std::string redirect_uri = "https://shop.example/amocrm/callback";
  std::string auth_code = "def50200-test-code";  // one use, as amoCRM's (20 minutes there)
  double max_per_second = 7;                     // 0 = no limit
  std::string fixtures_dir;                      // "" = <source>/tests/fixtures/amocrm
};

class AmoFake {
 public:
  struct Contact {
    int64_t id = 0;
    std::string name, phone;
  };
  struct Lead {
    int64_t id = 0, contact_id = 0, pipeline_id = 0, status_id = 0, price = 0;
    std::string name;
    nlohmann::json custom_fields;  // custom_fields_values as sent
  };
  struct Note {
    int64_t id = 0, entity_id = 0;
    std::string type;
    nlohmann::json params;
  };

  explicit AmoFake(AmoFakeOptions opt = {});
  ~AmoFake();
  Status Start();  // binds 127.0.0.1:0, serves on a thread
  void Stop();
  std::string url() const;  // "http://127.0.0.1:<port>"

  // The current access token stops working (as after its 24 hours): the next call gets 401.
  void ExpireAccessToken();
  // The next `n` API calls (not the token call) are answered 429 / 500; `path` set: only the
  // calls to that path (e.g. "/api/v4/leads/notes") are failed.
  void Fail429(int n);
  void Fail500(int n, const std::string& path = "");
  // The next `n` API calls are answered after `delay`.
  void Slow(int n, std::chrono::milliseconds delay);
  // A new one-use authorization code (the integration's page in amoCRM gives a fresh one).
  void set_auth_code(const std::string& code);
  // A contact that is already in the CRM (found by GET /api/v4/contacts?query=).
  int64_t AddContact(const std::string& name, const std::string& phone);

  std::vector<Contact> contacts();
  std::vector<Lead> leads();  // in the order they were created
  std::vector<Note> notes();
  int requests() const { return requests_.load(); }    // API and token calls
  int throttled() const { return throttled_.load(); }  // 429s for going over the limit
  int refreshes() const { return refreshes_.load(); }
  // Arrival times of the API calls answered 2xx (for the rate checks).
  std::vector<std::chrono::steady_clock::time_point> accepted_at();

 private:
  void Token(const httplib::Request& req, httplib::Response& res);
  // Auth, limits and injected faults common to the API calls: false when already answered.
  bool Admit(const httplib::Request& req, httplib::Response& res);
  void Complex(const httplib::Request& req, httplib::Response& res);
  void FindContacts(const httplib::Request& req, httplib::Response& res);
  void AddNotes(const httplib::Request& req, httplib::Response& res);
  nlohmann::json Fixture(const std::string& name);
  std::string NewToken(const char* prefix);

  AmoFakeOptions opt_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  bool code_used_ = false;
  std::string access_, refresh_;
  int64_t next_id_ = 1000;
  std::vector<Contact> contacts_;
  std::vector<Lead> leads_;
  std::vector<Note> notes_;
  std::deque<std::chrono::steady_clock::time_point> window_;  // calls in the last second
  std::vector<std::chrono::steady_clock::time_point> accepted_;
  int fail429_ = 0, fail500_ = 0, slow_ = 0;
  std::string fail500_path_;
  std::chrono::milliseconds slow_delay_{0};
  std::atomic<int> requests_{0}, throttled_{0}, refreshes_{0};
  nlohmann::json complex_shape_, notes_shape_;
};

// Digits of a phone number with a Russian 8 read as 7 ("8 (912) 000-11-22" = "79120001122").
std::string AmoPhoneDigits(const std::string& phone);

}  // namespace kira::web::testing
