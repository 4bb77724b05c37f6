#include "web/testing/bitrix24_fake.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace kira::web::testing {
namespace {

using Json = nlohmann::json;

#ifndef KIRA_SOURCE_DIR
#define KIRA_SOURCE_DIR "."
#endif

constexpr size_t kMaxBody = 1 << 20;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Digits(const std::string& phone) {
  std::string d;
  for (char c : phone)
    if (c >= '0' && c <= '9') d += c;
  if (d.size() == 11 && d[0] == '8') d[0] = '7';
  return d;
}

// Keys of `obj` all in `shape` (UF_CRM_* custom fields are allowed in `fields`).
bool KeysWithin(const Json& obj, const Json& shape, bool custom_fields, std::string* bad) {
  if (!obj.is_object()) return false;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (shape.contains(it.key())) continue;
    if (custom_fields && it.key().rfind("UF_CRM_", 0) == 0) continue;
    *bad = it.key();
    return false;
  }
  return true;
}

int64_t IdOf(const Json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_string()) {
    try {
      return std::stoll(v.get<std::string>());
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

// A host Bitrix24 would not download from (documented for attachRecord's RECORD_URL).
bool NonPublic(const std::string& url) {
  size_t p = url.find("://");
  if (p == std::string::npos) return true;
  std::string host = url.substr(p + 3);
  host = host.substr(0, host.find_first_of(":/"));
  return host == "localhost" || host.rfind("127.", 0) == 0 || host.rfind("10.", 0) == 0 ||
         host.rfind("192.168.", 0) == 0 || host.empty();
}

}  // namespace

Bitrix24Fake::Bitrix24Fake(Bitrix24FakeOptions opt) : opt_(std::move(opt)) {
  if (opt_.fixtures_dir.empty())
    opt_.fixtures_dir = std::string(KIRA_SOURCE_DIR) + "/tests/fixtures/bitrix24";
  requests_shape_ = Fixture("requests.json");
  responses_ = Fixture("responses.json");
  errors_ = Fixture("errors.json");
  auto h = [this](const httplib::Request& q, httplib::Response& r) { Handle(q, r); };
  server_.Get("/oauth/token/",
              [this](const httplib::Request& q, httplib::Response& r) { Token(q, r); });
  server_.Post(R"(/rest/.*)", h);
  server_.Get(R"(/rest/.*)", h);
}

Bitrix24Fake::~Bitrix24Fake() { Stop(); }

Json Bitrix24Fake::Fixture(const std::string& name) {
  std::ifstream in(opt_.fixtures_dir + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  Json j = Json::parse(ss.str(), nullptr, false);
  return j.is_discarded() ? Json() : j;
}

Status Bitrix24Fake::Start() {
  if (!requests_shape_.is_object() || !responses_.is_object() || !errors_.is_object())
    return Status::Internal("Bitrix24 fixtures not found in " + opt_.fixtures_dir);
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) return Status::Internal("Bitrix24 fake: cannot bind");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return Status::Ok();
}

void Bitrix24Fake::Stop() {
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

std::string Bitrix24Fake::url() const { return "http://127.0.0.1:" + std::to_string(port_); }
std::string Bitrix24Fake::webhook_url() const {
  return url() + "/rest/" + std::to_string(opt_.user_id) + "/" + opt_.code + "/";
}

void Bitrix24Fake::Fail503(int n) {
  std::lock_guard<std::mutex> lock(mu_);
  fail503_ = n;
}
void Bitrix24Fake::Fail500(int n, const std::string& method) {
  std::lock_guard<std::mutex> lock(mu_);
  fail500_ = n;
  fail500_method_ = Lower(method);
}
void Bitrix24Fake::Slow(int n, std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> lock(mu_);
  slow_ = n;
  slow_delay_ = delay;
}
void Bitrix24Fake::set_telephony_via_webhook(bool on) {
  std::lock_guard<std::mutex> lock(mu_);
  opt_.telephony_via_webhook = on;
}
std::string Bitrix24Fake::IssueCode() {
  std::lock_guard<std::mutex> lock(mu_);
  code_ = "code" + std::to_string(++next_id_);
  return code_;
}
void Bitrix24Fake::ExpireAccessToken() {
  std::lock_guard<std::mutex> lock(mu_);
  expired_ = access_;
  access_.clear();
}

// GET /oauth/token/?grant_type=…&client_id=…&client_secret=…&(code|refresh_token)=…
void Bitrix24Fake::Token(const httplib::Request& req, httplib::Response& res) {
  ++requests_;
  int status = 200;
  auto answer = [&](const Json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
  };
  std::lock_guard<std::mutex> lock(mu_);
  if (req.get_param_value("client_id") != opt_.client_id ||
      req.get_param_value("client_secret") != opt_.client_secret)
    return answer(Error("invalid_client", &status));
  std::string grant = req.get_param_value("grant_type");
  if (grant == "authorization_code") {
    if (code_.empty() || req.get_param_value("code") != code_)
      return answer(Error("invalid_grant", &status));
    code_.clear();  // one use
  } else if (grant == "refresh_token") {
    if (refresh_.empty() || req.get_param_value("refresh_token") != refresh_)
      return answer(Error("invalid_grant", &status));
    ++refreshes_;
  } else {
    return answer(Error("invalid_grant", &status, "Unsupported grant_type"));
  }
  expired_.clear();
  access_ = "access" + std::to_string(++next_id_);
  refresh_ = "refresh" + std::to_string(++next_id_);  // the one just used stops working
  Json ok = responses_["oauth.token"];
  ok["access_token"] = access_;
  ok["refresh_token"] = refresh_;
  ok["client_endpoint"] = url() + "/rest/";
  answer(ok);
}

int64_t Bitrix24Fake::AddContact(const std::string& name, const std::string& phone) {
  std::lock_guard<std::mutex> lock(mu_);
  contacts_.push_back({++next_id_, name, phone});
  return next_id_;
}
std::vector<Bitrix24Fake::Contact> Bitrix24Fake::contacts() {
  std::lock_guard<std::mutex> lock(mu_);
  return contacts_;
}
std::vector<Bitrix24Fake::Lead> Bitrix24Fake::leads() {
  std::lock_guard<std::mutex> lock(mu_);
  return leads_;
}
std::vector<Bitrix24Fake::Call> Bitrix24Fake::calls() {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}
std::vector<std::string> Bitrix24Fake::methods() {
  std::lock_guard<std::mutex> lock(mu_);
  return methods_;
}
std::vector<std::chrono::steady_clock::time_point> Bitrix24Fake::accepted_at() {
  std::lock_guard<std::mutex> lock(mu_);
  return accepted_;
}

Json Bitrix24Fake::Error(const std::string& code, int* status, const std::string& description) {
  Json e = errors_.value(code, Json());
  *status = e.value("status", 500);
  Json body = e.value("body", Json{{"error", code}, {"error_description", ""}});
  if (!description.empty()) body["error_description"] = description;
  return body;
}

void Bitrix24Fake::Handle(const httplib::Request& req, httplib::Response& res) {
  ++requests_;
  auto answer = [&](int status, const Json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json; charset=utf-8");
  };
  int status = 200;
  // /rest/<user id>/<code>/<method>[.json]
  std::vector<std::string> parts;
  for (size_t i = 1; i <= req.path.size();) {
    size_t slash = req.path.find('/', i);
    if (slash == std::string::npos) slash = req.path.size();
    parts.push_back(req.path.substr(i, slash - i));
    i = slash + 1;
  }
  std::chrono::milliseconds delay{0};
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (slow_ > 0) {
      --slow_;
      delay = slow_delay_;
    }
  }
  if (delay.count() > 0) std::this_thread::sleep_for(delay);
  std::lock_guard<std::mutex> lock(mu_);
  auto now = std::chrono::steady_clock::now();
  // The leaky bucket, over every request of the portal.
  if (opt_.drain_per_second > 0) {
    if (level_at_ != std::chrono::steady_clock::time_point{})
      level_ = std::max(0.0, level_ - opt_.drain_per_second *
                                          std::chrono::duration<double>(now - level_at_).count());
    level_at_ = now;
    if (level_ + 1 > opt_.bucket) {
      ++throttled_;
      return answer(503, Error("QUERY_LIMIT_EXCEEDED", &status));
    }
    level_ += 1;
  }
  Json body = req.body.empty() ? Json::object() : Json::parse(req.body, nullptr, false);
  bool app = false;  // a local application's call: /rest/<method>.json, "auth" in the body
  if (parts.size() == 2 && parts[0] == "rest") {
    std::string token = body.is_object() && body.value("auth", Json()).is_string()
                            ? body["auth"].get<std::string>()
                            : req.get_param_value("auth");
    if (token.empty()) return answer(401, Error("NO_AUTH_FOUND", &status));
    if (!expired_.empty() && token == expired_) return answer(401, Error("expired_token", &status));
    if (access_.empty() || token != access_) return answer(401, Error("invalid_token", &status));
    app = true;
    if (body.is_object()) body.erase("auth");
  } else if (parts.size() != 4 || parts[0] != "rest") {
    return answer(401, Error("NO_AUTH_FOUND", &status));
  } else if (parts[1] != std::to_string(opt_.user_id) || parts[2] != opt_.code) {
    Json e = Error("INVALID_CREDENTIALS", &status);
    return answer(status, e);
  }
  std::string method = Lower(parts.back());
  if (method.size() > 5 && method.compare(method.size() - 5, 5, ".json") == 0)
    method.resize(method.size() - 5);
  methods_.push_back(method);
  if (fail503_ > 0) {
    --fail503_;
    return answer(503, Error("QUERY_LIMIT_EXCEEDED", &status));
  }
  if (fail500_ > 0 && (fail500_method_.empty() || fail500_method_ == method)) {
    --fail500_;
    return answer(500, Error("INTERNAL_SERVER_ERROR", &status));
  }
  if (!requests_shape_.contains(method))
    return answer(404, Error("ERROR_METHOD_NOT_FOUND", &status));
  std::string scope = method.substr(0, method.find('.'));
  if (std::find(opt_.scopes.begin(), opt_.scopes.end(), scope) == opt_.scopes.end())
    return answer(401, Error("insufficient_scope", &status));
  if (scope == "telephony" && !app && !opt_.telephony_via_webhook) {
    Json e = Error("WRONG_AUTH_TYPE", &status);
    return answer(status, e);
  }
  if (req.body.size() > kMaxBody) return answer(400, Error("ACCESS_DENIED", &status));
  if (body.is_discarded() || !body.is_object())
    return answer(400, Error("INVALID_ARGUMENT", &status, "The request body is not JSON"));
  Json out = Dispatch(method, body, &status);
  if (status != 200) return answer(status, out);
  accepted_.push_back(now);
  out["time"] = responses_["time"];
  answer(200, out);
}

Json Bitrix24Fake::Dispatch(const std::string& method, const Json& body, int* status) {
  const Json& shape = requests_shape_[method];
  std::string bad;
  if (!KeysWithin(body, shape, false, &bad))
    return Error("INVALID_ARGUMENT", status, "Unknown parameter " + bad);
  if (body.contains("fields") &&
      !KeysWithin(body["fields"], shape.value("fields", Json::object()), true, &bad))
    return Error("INVALID_ARGUMENT", status, "Unknown field " + bad);
  Json ok = responses_[method];

  if (method == "crm.contact.list") {
    std::string want = Digits(body.value("filter", Json::object()).value("PHONE", ""));
    Json item = ok["result"][0];
    Json found = Json::array();
    for (const auto& c : contacts_) {
      if (want.size() < 5 || Digits(c.phone) != want) continue;
      Json j = item;
      j["ID"] = std::to_string(c.id);  // Bitrix24 gives ids as strings here
      j["NAME"] = c.name;
      j["LAST_NAME"] = "";
      j["PHONE"][0]["VALUE"] = c.phone;
      found.push_back(j);
    }
    ok["result"] = found;
    ok["total"] = found.size();
    return ok;
  }
  if (method == "crm.contact.add" || method == "crm.lead.add") {
    const Json& f = body.value("fields", Json::object());
    if (!f.is_object() || f.empty()) return Error("ACCESS_DENIED", status, "No fields");
    if (f.contains("PHONE") && (!f["PHONE"].is_array() || f["PHONE"].empty() ||
                                !f["PHONE"][0].value("VALUE", Json()).is_string()))
      return Error("INVALID_ARGUMENT", status, "PHONE must be a list of {VALUE, VALUE_TYPE}");
    if (method == "crm.contact.add") {
      Contact c{++next_id_, f.value("NAME", ""),
                f.contains("PHONE") ? f["PHONE"][0]["VALUE"].get<std::string>() : ""};
      contacts_.push_back(c);
      ok["result"] = c.id;
      return ok;
    }
    if (!f.value("TITLE", Json()).is_string()) return Error("ACCESS_DENIED", status, "No TITLE");
    if (f.contains("CONTACT_ID")) {
      int64_t cid = IdOf(f["CONTACT_ID"]);
      if (std::none_of(contacts_.begin(), contacts_.end(),
                       [&](const Contact& c) { return c.id == cid; }))
        return Error("ACCESS_DENIED", status, "Contact not found");
    }
    leads_.push_back({++next_id_, f});
    ok["result"] = next_id_;
    return ok;
  }
  if (method == "crm.contact.update") {
    int64_t id = IdOf(body.value("id", Json()));
    for (auto& c : contacts_)
      if (c.id == id) {
        const Json& f = body.value("fields", Json::object());
        if (f.value("NAME", Json()).is_string()) c.name = f["NAME"];
        return ok;
      }
    return Error("ACCESS_DENIED", status, "Not found");
  }
  // Telephony.
  auto user_ok = [&]() {
    return body.contains("USER_ID") && IdOf(body["USER_ID"]) == opt_.user_id;
  };
  if (method == "telephony.externalcall.register") {
    if (!body.contains("USER_ID") && !body.contains("USER_PHONE_INNER"))
      return Error("ERROR_CORE", status, "USER_ID or USER_PHONE_INNER should be set");
    if (!user_ok()) return Error("ERROR_CORE", status, "User is not found or is not active");
    int type = body.value("TYPE", Json()).is_number_integer() ? body["TYPE"].get<int>() : 0;
    if (type < 1 || type > 5) return Error("ERROR_CORE", status, "Unknown TYPE");
    std::string phone = body.value("PHONE_NUMBER", "");
    if (Digits(phone).size() < 5)
      return Error("ERROR_CORE", status, "Unsupported phone number format");
    std::string start = body.value("CALL_START_DATE", "");
    if (body.contains("CALL_START_DATE") &&
        (start.size() < 19 || start[4] != '-' || start[10] != 'T'))
      return Error("ERROR_CORE", status, "CALL_START_DATE should be in the ISO-8601 format");
    std::string ext = body.value("EXTERNAL_CALL_ID", "");
    // The same number, type, user and external id, not finished: the same CALL_ID (documented
    // for 30 minutes; the fake's calls are all within them).
    for (auto& c : calls_)
      if (c.duration < 0 && c.external_id == ext && c.phone == phone && c.type == type &&
          c.user_id == opt_.user_id) {
        ++c.registrations;
        ok["result"]["CALL_ID"] = c.call_id;
        ok["result"]["CRM_ENTITY_TYPE"] = c.entity_type;
        ok["result"]["CRM_ENTITY_ID"] = c.entity_id;
        return ok;
      }
    Call c;
    c.call_id = "externalCall." + std::to_string(++next_id_) + ".1764590400";
    c.external_id = ext;
    c.phone = phone;
    c.start = start;
    c.user_id = opt_.user_id;
    c.type = type;
    c.entity_type = body.value("CRM_ENTITY_TYPE", "");
    c.entity_id = IdOf(body.value("CRM_ENTITY_ID", Json()));
    c.registrations = 1;
    calls_.push_back(c);
    ok["result"]["CALL_ID"] = c.call_id;
    ok["result"]["CRM_ENTITY_TYPE"] = c.entity_type;
    ok["result"]["CRM_ENTITY_ID"] = c.entity_id;
    return ok;
  }
  if (method == "telephony.externalcall.finish") {
    if (!body.value("CALL_ID", Json()).is_string())
      return Error("INVALID_ARGUMENT", status, "CALL_ID must be a string");
    if (!user_ok()) return Error("ERROR_CORE", status, "User is not found or is not active");
    for (auto& c : calls_)
      if (c.call_id == body["CALL_ID"]) {
        c.duration =
            body.value("DURATION", Json()).is_number_integer() ? body["DURATION"].get<int>() : 0;
        c.status_code = body.value("STATUS_CODE", c.duration > 0 ? "200" : "304");
        ok["result"]["CALL_ID"] = c.call_id;
        ok["result"]["CALL_DURATION"] = c.duration;
        ok["result"]["PHONE_NUMBER"] = c.phone;
        ok["result"]["CRM_ENTITY_TYPE"] = c.entity_type;
        ok["result"]["CRM_ENTITY_ID"] = c.entity_id;
        ok["result"]["CALL_FAILED_CODE"] = c.status_code;
        return ok;
      }
    return Error("ERROR_CORE", status,
                 "Call is not found (call should be registered prior to finishing)");
  }
  // telephony.externalcall.attachrecord
  std::string record = body.value("RECORD_URL", "");
  std::string file = body.value("FILENAME", "");
  if (record.empty() && file.empty())
    return Error("NOT_FINISHED", status,
                 "Required parameters are not set. Request should contain either URL or FILENAME "
                 "parameter");
  if (!file.empty() && file.size() > 4 && Lower(file.substr(file.size() - 4)) != ".wav" &&
      Lower(file.substr(file.size() - 4)) != ".mp3")
    return Error("ERROR_CORE", status, "Wrong file extension. Only wav and mp3 are allowed");
  if (!record.empty() && !opt_.download_records && NonPublic(record))
    return Error("NOT_FINISHED", status,
                 "Record URL resolves to a non-public address and was blocked.");
  for (auto& c : calls_)
    if (c.call_id == body.value("CALL_ID", "")) {
      if (c.duration < 0) return Error("NOT_FINISHED", status);
      size_t bytes = 0;
      if (opt_.download_records && !record.empty()) {
        size_t p = record.find('/', record.find("://") + 3);
        httplib::Client cli(record.substr(0, p));
        cli.set_read_timeout(5);
        auto got = cli.Get(p == std::string::npos ? "/" : record.substr(p));
        if (!got || got->status != 200)
          return Error("ERROR_CORE", status,
                       "Server returns HTTP error code " + std::to_string(got ? got->status : 0));
        bytes = got->body.size();
      }
      c.record_url = record;  // a second call replaces the first record
      c.filename = file;
      c.record_bytes = bytes;
      ok["result"]["FILE_ID"] = ++next_id_;
      return ok;
    }
  return Error("NOT_FINISHED", status);
}

}  // namespace kira::web::testing
