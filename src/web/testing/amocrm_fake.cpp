#include "web/testing/amocrm_fake.h"

#include <fstream>
#include <sstream>

namespace kira::web::testing {
namespace {

using Json = nlohmann::json;

#ifndef KIRA_SOURCE_DIR
#define KIRA_SOURCE_DIR "."
#endif

// amoCRM takes at most 50 leads in one complex call and refuses large bodies.
constexpr size_t kMaxBatch = 50;
constexpr size_t kMaxBody = 1 << 20;

bool KeysWithin(const Json& obj, const Json& shape) {
  if (!obj.is_object() || !shape.is_object()) return false;
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (!shape.contains(it.key())) return false;
  return true;
}

}  // namespace

std::string AmoPhoneDigits(const std::string& phone) {
  std::string d;
  for (char c : phone)
    if (c >= '0' && c <= '9') d += c;
  if (d.size() == 11 && d[0] == '8') d[0] = '7';
  return d;
}

AmoFake::AmoFake(AmoFakeOptions opt) : opt_(std::move(opt)) {
  if (opt_.fixtures_dir.empty())
    opt_.fixtures_dir = std::string(KIRA_SOURCE_DIR) + "/tests/fixtures/amocrm";
  complex_shape_ = Fixture("leads_complex_request.json");
  notes_shape_ = Fixture("notes_request.json");
  server_.Post("/oauth2/access_token",
               [this](const httplib::Request& q, httplib::Response& r) { Token(q, r); });
  server_.Post("/api/v4/leads/complex", [this](const httplib::Request& q, httplib::Response& r) {
    if (Admit(q, r)) Complex(q, r);
  });
  server_.Get("/api/v4/contacts", [this](const httplib::Request& q, httplib::Response& r) {
    if (Admit(q, r)) FindContacts(q, r);
  });
  server_.Post("/api/v4/leads/notes", [this](const httplib::Request& q, httplib::Response& r) {
    if (Admit(q, r)) AddNotes(q, r);
  });
}

AmoFake::~AmoFake() { Stop(); }

Json AmoFake::Fixture(const std::string& name) {
  std::ifstream in(opt_.fixtures_dir + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  Json j = Json::parse(ss.str(), nullptr, false);
  return j.is_discarded() ? Json() : j;
}

Status AmoFake::Start() {
  if (!complex_shape_.is_array() || !notes_shape_.is_array())
    return Status::Internal("amoCRM fixtures not found in " + opt_.fixtures_dir);
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) return Status::Internal("amoCRM fake: cannot bind");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return Status::Ok();
}

void AmoFake::Stop() {
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

std::string AmoFake::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void AmoFake::ExpireAccessToken() {
  std::lock_guard<std::mutex> lock(mu_);
  access_ = "expired";
}
void AmoFake::Fail429(int n) {
  std::lock_guard<std::mutex> lock(mu_);
  fail429_ = n;
}
void AmoFake::Fail500(int n, const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  fail500_ = n;
  fail500_path_ = path;
}
void AmoFake::Slow(int n, std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> lock(mu_);
  slow_ = n;
  slow_delay_ = delay;
}

void AmoFake::set_auth_code(const std::string& code) {
  std::lock_guard<std::mutex> lock(mu_);
  opt_.auth_code = code;
  code_used_ = false;
}

int64_t AmoFake::AddContact(const std::string& name, const std::string& phone) {
  std::lock_guard<std::mutex> lock(mu_);
  contacts_.push_back({++next_id_, name, phone});
  return next_id_;
}

std::vector<AmoFake::Contact> AmoFake::contacts() {
  std::lock_guard<std::mutex> lock(mu_);
  return contacts_;
}
std::vector<AmoFake::Lead> AmoFake::leads() {
  std::lock_guard<std::mutex> lock(mu_);
  return leads_;
}
std::vector<AmoFake::Note> AmoFake::notes() {
  std::lock_guard<std::mutex> lock(mu_);
  return notes_;
}
std::vector<std::chrono::steady_clock::time_point> AmoFake::accepted_at() {
  std::lock_guard<std::mutex> lock(mu_);
  return accepted_;
}

std::string AmoFake::NewToken(const char* prefix) {
  return std::string(prefix) + "-" + std::to_string(++next_id_);
}

void AmoFake::Token(const httplib::Request& req, httplib::Response& res) {
  ++requests_;
  auto refuse = [&](const std::string& hint) {
    Json e = Fixture("oauth_error_400.json");
    e["hint"] = hint;
    res.status = 400;
    res.set_content(e.dump(), "application/problem+json");
  };
  Json body = Json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return refuse("The request body is not JSON");
  std::string grant = body.value("grant_type", "");
  Json shape = Fixture("oauth_request.json");
  if (!shape.contains(grant)) return refuse("Unsupported grant_type");
  if (!KeysWithin(body, shape[grant])) return refuse("Unknown parameter");
  for (auto it = shape[grant].begin(); it != shape[grant].end(); ++it)
    if (!body.contains(it.key()) || !body[it.key()].is_string())
      return refuse("Check the `" + it.key() + "` parameter");
  if (body["client_id"] != opt_.client_id || body["client_secret"] != opt_.client_secret)
    return refuse("Client authentication failed");
  if (body["redirect_uri"] != opt_.redirect_uri) return refuse("redirect_uri mismatch");
  std::lock_guard<std::mutex> lock(mu_);
  if (grant == "authorization_code") {
    if (code_used_ || body["code"] != opt_.auth_code)
      return refuse("Authorization code has been revoked");
    code_used_ = true;
  } else {
    if (refresh_.empty() || body["refresh_token"] != refresh_)
      return refuse("Token has been revoked");
    ++refreshes_;
  }
  access_ = NewToken("access");
  refresh_ = NewToken("refresh");  // rotation: the one just used stops working
  Json ok = Fixture("oauth_ok.json");
  ok["access_token"] = access_;
  ok["refresh_token"] = refresh_;
  res.status = 200;
  res.set_content(ok.dump(), "application/json");
}

bool AmoFake::Admit(const httplib::Request& req, httplib::Response& res) {
  ++requests_;
  auto problem = [&](int status, const char* fixture) {
    res.status = status;
    res.set_content(Fixture(fixture).dump(), "application/problem+json");
    return false;
  };
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
  if (opt_.max_per_second > 0) {  // counted over every call, as amoCRM does
    while (!window_.empty() && now - window_.front() >= std::chrono::seconds(1))
      window_.pop_front();
    window_.push_back(now);
    if (window_.size() > opt_.max_per_second) {
      ++throttled_;
      return problem(429, "error_429.json");
    }
  }
  std::string auth = req.get_header_value("Authorization");
  if (access_.empty() || auth != "Bearer " + access_) return problem(401, "error_401.json");
  if (fail500_ > 0 && (fail500_path_.empty() || fail500_path_ == req.path)) {
    --fail500_;
    return problem(500, "error_500.json");
  }
  if (fail429_ > 0) {
    --fail429_;
    return problem(429, "error_429.json");
  }
  if (req.body.size() > kMaxBody) return problem(400, "error_400_validation.json");
  accepted_.push_back(now);
  return true;
}

void AmoFake::FindContacts(const httplib::Request& req, httplib::Response& res) {
  std::string q = AmoPhoneDigits(req.get_param_value("query"));
  Json shape = Fixture("contacts_list_ok.json");
  Json item = shape["_embedded"]["contacts"][0];
  Json found = Json::array();
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& c : contacts_) {
    if (q.size() < 5 || AmoPhoneDigits(c.phone) != q) continue;
    Json j = item;
    j["id"] = c.id;
    j["name"] = c.name;
    j["first_name"] = c.name;
    j["custom_fields_values"][0]["values"][0]["value"] = c.phone;
    found.push_back(j);
  }
  if (found.empty()) {  // documented: nothing found is 204 No Content
    res.status = 204;
    return;
  }
  shape["_embedded"]["contacts"] = found;
  res.status = 200;
  res.set_content(shape.dump(), "application/hal+json");
}

void AmoFake::Complex(const httplib::Request& req, httplib::Response& res) {
  auto invalid = [&](const std::string& path) {
    Json e = Fixture("error_400_validation.json");
    e["validation-errors"][0]["errors"][0]["path"] = path;
    res.status = 400;
    res.set_content(e.dump(), "application/problem+json");
  };
  Json body = Json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_array() || body.empty() || body.size() > kMaxBatch)
    return invalid("");
  const Json& lshape = complex_shape_[0];
  const Json& cshape = lshape["_embedded"]["contacts"][0];
  for (const auto& l : body) {
    if (!KeysWithin(l, lshape)) return invalid("lead");
    if (l.contains("_embedded") && !KeysWithin(l["_embedded"], lshape["_embedded"]))
      return invalid("_embedded");
    const Json cs = l.value("_embedded", Json::object()).value("contacts", Json::array());
    if (cs.size() > 1) return invalid("_embedded.contacts");
    for (const auto& c : cs) {
      if (c.contains("id") ? c.size() != 1 || !c["id"].is_number_integer() : !KeysWithin(c, cshape))
        return invalid("_embedded.contacts.0");
    }
    for (const char* k : {"price", "pipeline_id", "status_id"})
      if (l.contains(k) && !l[k].is_number_integer()) return invalid(k);
    if (!l.value("name", Json()).is_string()) return invalid("name");
  }
  Json out = Json::array();
  Json item = Fixture("leads_complex_ok.json")[0];
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < body.size(); ++i) {
    const Json& l = body[i];
    Lead lead;
    lead.id = ++next_id_;
    lead.name = l["name"].get<std::string>();
    lead.price = l.value("price", int64_t{0});
    lead.pipeline_id = l.value("pipeline_id", int64_t{0});
    lead.status_id = l.value("status_id", int64_t{0});
    lead.custom_fields = l.value("custom_fields_values", Json::array());
    const Json cs = l.value("_embedded", Json::object()).value("contacts", Json::array());
    if (!cs.empty() && cs[0].contains("id")) {
      lead.contact_id = cs[0]["id"].get<int64_t>();
    } else if (!cs.empty()) {
      Contact c{++next_id_, cs[0].value("first_name", ""), ""};
      for (const auto& f : cs[0].value("custom_fields_values", Json::array()))
        if (f.value("field_code", "") == "PHONE" && f.contains("values") && !f["values"].empty())
          c.phone = f["values"][0].value("value", "");
      contacts_.push_back(c);
      lead.contact_id = c.id;
    }
    leads_.push_back(lead);
    Json r = item;
    r["id"] = lead.id;
    r["contact_id"] = lead.contact_id ? Json(lead.contact_id) : Json(nullptr);
    r["request_id"] = Json::array({std::to_string(i)});
    out.push_back(r);
  }
  res.status = 200;
  res.set_content(out.dump(), "application/hal+json");
}

void AmoFake::AddNotes(const httplib::Request& req, httplib::Response& res) {
  auto invalid = [&](const std::string& path) {
    Json e = Fixture("error_400_validation.json");
    e["validation-errors"][0]["errors"][0]["path"] = path;
    res.status = 400;
    res.set_content(e.dump(), "application/problem+json");
  };
  Json body = Json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_array() || body.empty() || body.size() > kMaxBatch)
    return invalid("");
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& n : body) {
    const Json* shape = nullptr;
    for (const auto& s : notes_shape_)
      if (n.is_object() && s["note_type"] == n.value("note_type", "")) shape = &s;
    if (!shape || !KeysWithin(n, *shape) || !n.contains("params") ||
        !KeysWithin(n["params"], (*shape)["params"]))
      return invalid("note_type");
    if (!n.value("entity_id", Json()).is_number_integer()) return invalid("entity_id");
    int64_t e = n["entity_id"].get<int64_t>();
    bool known = false;
    for (const auto& l : leads_) known = known || l.id == e;
    if (!known) return invalid("entity_id");
  }
  Json ok = Fixture("notes_ok.json");
  Json item = ok["_embedded"]["notes"][0];
  Json out = Json::array();
  for (size_t i = 0; i < body.size(); ++i) {
    Note note{++next_id_, body[i]["entity_id"].get<int64_t>(), body[i]["note_type"],
              body[i]["params"]};
    notes_.push_back(note);
    Json r = item;
    r["id"] = note.id;
    r["entity_id"] = note.entity_id;
    r["request_id"] = std::to_string(i);
    out.push_back(r);
  }
  ok["_embedded"]["notes"] = out;
  res.status = 200;
  res.set_content(ok.dump(), "application/hal+json");
}

}  // namespace kira::web::testing
