// A Bitrix24 test server for the connector's tests and the benchmark: a portal's REST API as an
// inbound webhook calls it — POST /rest/<user id>/<code>/<method>.json with a JSON body — and as a
// local application calls it (POST /rest/<method>.json with "auth": <access token>, the tokens
// from the OAuth server's GET /oauth/token/: authorization_code and refresh_token grants, the
// used refresh token dead);
// answers {"result": …, "time": {…}} and errors {"error", "error_description"} — for the methods
// the connector uses: crm.contact.list (by PHONE), crm.contact.add, crm.contact.update,
// crm.lead.add, telephony.externalcall.register (the same CALL_ID for the same EXTERNAL_CALL_ID
// within 30 minutes), .finish and .attachRecord (only after finish; a non-public RECORD_URL is
// refused; with download_records it fetches the file, as Bitrix24 does). Shapes and errors are
// tests/fixtures/bitrix24/ (which name their documentation pages); a parameter or field not in a
// request's shape is refused. It keeps Bitrix24's leaky bucket (each request adds one, 2 drain a
// second, past 50 a request gets 503 QUERY_LIMIT_EXCEEDED), and can be told to refuse telephony to
// webhooks (WRONG_AUTH_TYPE), to fail with 503/500, or to answer slowly.
//
//   Bitrix24Fake b24({});
//   ASSERT_TRUE(b24.Start().ok());         // 127.0.0.1, port 0
//   settings["webhook_url"] = b24.webhook_url();
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"

namespace kira::web::testing {

struct Bitrix24FakeOptions {
  int64_t user_id = 1;                    // the webhook's user (an active portal user)
  std::string code = "k2f9x7q1w3e5r8t0";  // the webhook's secret code
  std::vector<std::string> scopes = {"crm", "telephony"};
  bool telephony_via_webhook = true;  // false: WRONG_AUTH_TYPE, as the newest pages say
  double drain_per_second = 2;        // Y of the leaky bucket (0 = no limit)
  double bucket = 50;                 // X: past it, 503 QUERY_LIMIT_EXCEEDED
  // attachRecord downloads RECORD_URL, as Bitrix24 does (the test's workspace is local, so the
  // refusal of non-public addresses is off then); a failed download is Bitrix24's error.
  bool download_records = false;
  // A local application (OAuth 2.0): its keys, as the portal shows them.
  std::string client_id = "local.6745a1b2c3d4e5.12345678";
  std::string client_secret = "test-app-secret";
  std::string fixtures_dir;  // "" = <source>/tests/fixtures/bitrix24
};

class Bitrix24Fake {
 public:
  struct Contact {
    int64_t id = 0;
    std::string name, phone;
  };
  struct Lead {
    int64_t id = 0;
    nlohmann::json fields;  // as sent
  };
  struct Call {
    std::string call_id, external_id, phone, start;
    int64_t user_id = 0, entity_id = 0;
    int type = 0, duration = -1;  // duration -1: not finished
    std::string status_code, entity_type, record_url, filename;
    size_t record_bytes = 0;  // what the download brought (download_records)
    int registrations = 0;    // how many register calls gave this CALL_ID
  };

  explicit Bitrix24Fake(Bitrix24FakeOptions opt = {});
  ~Bitrix24Fake();
  Status Start();  // binds 127.0.0.1:0, serves on a thread
  void Stop();
  std::string url() const;          // "http://127.0.0.1:<port>"
  std::string webhook_url() const;  // url() + "/rest/<user id>/<code>/"

  // The next `n` calls are answered 503 QUERY_LIMIT_EXCEEDED / 500 (only calls of `method`, when
  // set, e.g. "crm.lead.add").
  void Fail503(int n);
  void Fail500(int n, const std::string& method = "");
  // The next `n` calls are answered after `delay`.
  void Slow(int n, std::chrono::milliseconds delay);
  void set_telephony_via_webhook(bool on);
  // OAuth 2.0 for a local application: the one-use code the portal gives its address after
  // /oauth/authorize/ (30 seconds there); the access token stops working (as after its hour:
  // the next call gets 401 expired_token).
  std::string IssueCode();
  void ExpireAccessToken();
  int refreshes() const { return refreshes_.load(); }
  // A contact that is already in the CRM (found by crm.contact.list).
  int64_t AddContact(const std::string& name, const std::string& phone);

  std::vector<Contact> contacts();
  std::vector<Lead> leads();  // in the order they were made
  std::vector<Call> calls();
  std::vector<std::string> methods();  // every method called, in order (lower case)
  int requests() const { return requests_.load(); }
  int throttled() const { return throttled_.load(); }  // 503s of the bucket
  // Arrival times of the calls answered 200 (for the rate checks).
  std::vector<std::chrono::steady_clock::time_point> accepted_at();

 private:
  void Handle(const httplib::Request& req, httplib::Response& res);
  void Token(const httplib::Request& req, httplib::Response& res);
  nlohmann::json Dispatch(const std::string& method, const nlohmann::json& body, int* status);
  nlohmann::json Fixture(const std::string& name);
  nlohmann::json Error(const std::string& code, int* status, const std::string& description = "");

  Bitrix24FakeOptions opt_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  nlohmann::json requests_shape_, responses_, errors_;
  int64_t next_id_ = 100;
  std::vector<Contact> contacts_;
  std::vector<Lead> leads_;
  std::vector<Call> calls_;
  std::vector<std::string> methods_;
  double level_ = 0;  // the bucket's counter
  std::chrono::steady_clock::time_point level_at_{};
  std::vector<std::chrono::steady_clock::time_point> accepted_;
  int fail503_ = 0, fail500_ = 0, slow_ = 0;
  std::string fail500_method_;
  std::chrono::milliseconds slow_delay_{0};
  std::atomic<int> requests_{0}, throttled_{0}, refreshes_{0};
  std::string code_, access_, refresh_, expired_;
};

}  // namespace kira::web::testing
