// docs/openapi.yaml against the running server: every documented path/method exists and every
// API route is documented; each operation's x-test requests get a documented status with a
// body matching the documented schema; every secured operation answers 401 without a session
// and every state-changing one 403 without the CSRF token.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>

#include "web/recording_link.h"
#include "web/sealed_state.h"
#include "web/testing/bitrix24_fake.h"
#include "web/testing/test_support.h"

namespace kira::web {
namespace {

class Validator {
 public:
  explicit Validator(const YAML::Node& root) : root_(root) {}

  // Appends "where: problem" lines to errors.
  void Check(const YAML::Node& schema, const Json& v, const std::string& where,
             std::vector<std::string>* errors) const {
    if (schema["$ref"]) return Check(Resolve(schema["$ref"].as<std::string>()), v, where, errors);
    if (schema["allOf"]) {
      for (const auto& s : schema["allOf"]) Check(s, v, where, errors);
      return;
    }
    if (schema["oneOf"]) {
      for (const auto& s : schema["oneOf"]) {
        std::vector<std::string> e;
        Check(s, v, where, &e);
        if (e.empty()) return;
      }
      errors->push_back(where + ": matches none of oneOf");
      return;
    }
    if (v.is_null()) {
      if (!(schema["nullable"] && schema["nullable"].as<bool>()))
        errors->push_back(where + ": null but not nullable");
      return;
    }
    std::string type = schema["type"] ? schema["type"].as<std::string>() : "";
    auto fail = [&](const std::string& what) {
      errors->push_back(where + ": expected " + what + ", got " + v.dump().substr(0, 80));
    };
    if (type == "object") {
      if (!v.is_object()) return fail("object");
      if (schema["required"])
        for (const auto& r : schema["required"])
          if (!v.contains(r.as<std::string>()))
            errors->push_back(where + ": missing required '" + r.as<std::string>() + "'");
      if (schema["properties"])
        for (const auto& p : schema["properties"]) {
          std::string k = p.first.as<std::string>();
          if (v.contains(k)) Check(p.second, v[k], where + "." + k, errors);
        }
      if (schema["additionalProperties"] && schema["additionalProperties"].IsMap())
        for (const auto& [k, item] : v.items())
          Check(schema["additionalProperties"], item, where + "." + k, errors);
    } else if (type == "array") {
      if (!v.is_array()) return fail("array");
      for (size_t i = 0; i < v.size(); ++i)
        Check(schema["items"], v[i], where + "[" + std::to_string(i) + "]", errors);
    } else if (type == "string") {
      if (!v.is_string()) return fail("string");
      if (schema["enum"]) {
        bool ok = false;
        for (const auto& e : schema["enum"]) ok |= e.as<std::string>() == v.get<std::string>();
        if (!ok) fail("one of the enum");
      }
    } else if (type == "integer") {
      if (!v.is_number_integer()) fail("integer");
    } else if (type == "number") {
      if (!v.is_number()) fail("number");
    } else if (type == "boolean") {
      if (!v.is_boolean()) fail("boolean");
    }
  }

  YAML::Node Resolve(const std::string& ref) const {
    // "#/components/schemas/X"
    YAML::Node n = root_;
    size_t pos = 2;
    while (pos < ref.size()) {
      size_t end = ref.find('/', pos);
      if (end == std::string::npos) end = ref.size();
      n.reset(n[ref.substr(pos, end - pos)]);
      pos = end + 1;
    }
    return n;
  }

 private:
  YAML::Node root_;
};

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spec = YAML::LoadFile(std::string(KIRA_SOURCE_DIR) + "/docs/openapi.yaml");
    auto e = testing::StartEnv();
    ASSERT_TRUE(e.ok()) << e.status().message();
    env = std::move(*e);
    client = std::make_unique<testing::Client>(env->port());
    ASSERT_TRUE(client->Login("admin", "correct horse battery"));
    // Fixtures the x-test entries refer to by name.
    auto lead = testing::AddLead(*env->store, "+79160000001", "non_targeted", "discontinued");
    auto lead2 = testing::AddLead(*env->store, "+79160000002", "qualified", "");
    auto done = testing::AddLead(*env->store, "+79160000003", "qualified", "");
    ASSERT_TRUE(lead.ok() && lead2.ok() && done.ok());
    crm::Task t;
    t.lead_id = *done;
    t.kind = crm::TaskKind::kVeraCall;
    t.agent = "vera";
    t.phone = "+79160000003";
    t.status = crm::TaskStatus::kDone;
    t.last_result = "order_placed";
    ASSERT_TRUE(env->store->CreateTask(t).ok());
    auto convs = env->store->ListConversations(*lead);
    ASSERT_TRUE(convs.ok() && !convs->empty());
    crm::Conversation c = convs->front();
    std::ofstream(env->dir + "/recordings/a.wav", std::ios::binary) << std::string(100, 'x');
    c.recording_path = "recordings/a.wav";
    ASSERT_TRUE(env->store->EndConversation(c).ok());
    crm::Order order;
    order.lead_id = *lead2;
    order.fulfilment = "pickup";
    order.lines.push_back({"A-1", "Tile", 2, "m2", 10});
    order.total = 20;
    auto order_id = env->store->CreateOrder(order);
    ASSERT_TRUE(order_id.ok()) << order_id.status().message();
    auto hook = env->server->webhooks()->Add("http://127.0.0.1:9/x", "a-secret-of-16-chars",
                                             {"lead.created"});
    ASSERT_TRUE(hook.ok());
    // A signed recording link's query, as the Bitrix24 connector makes it (the server's key).
    auto key = LoadOrCreateKeyFile(env->dir + "/amocrm.key");
    ASSERT_TRUE(key.ok()) << key.status().message();
    std::string link = RecordingLinks(*key).Sign(
        "http://x/api/conversations/" + std::to_string(c.id) + "/recording", 4102444800);
    ASSERT_NE(link.find('?'), std::string::npos);
    // Connecting Bitrix24 as an application: its settings, a connection started (the state), and
    // the one-use code the Bitrix24 test server (also the OAuth server here) gives.
    b24 = std::make_unique<testing::Bitrix24Fake>();
    ASSERT_TRUE(b24->Start().ok());
    testing::Bitrix24FakeOptions b24o;
    auto app = client->Post("/api/settings/bitrix24", Json{{"portal_url", b24->url()},
                                                           {"oauth_url", b24->url()},
                                                           {"client_id", b24o.client_id},
                                                           {"client_secret", b24o.client_secret}});
    ASSERT_TRUE(app && app->status == 200) << (app ? app->body : "no answer");
    auto started = client->Post("/api/settings/bitrix24/connect", Json::object());
    ASSERT_TRUE(started && started->status == 200) << (started ? started->body : "no answer");
    std::string authorize = Json::parse(started->body)["url"];
    fixtures["b24_oauth"] =
        "code=" + b24->IssueCode() + "&state=" + authorize.substr(authorize.find("state=") + 6);
    fixtures.insert({{"signed_recording", link.substr(link.find('?') + 1)},
                     {"lead", std::to_string(*lead)},
                     {"lead2", std::to_string(*lead2)},
                     {"lead_vera_done", std::to_string(*done)},
                     {"conversation", std::to_string(c.id)},
                     {"order", std::to_string(*order_id)},
                     {"webhook", std::to_string(hook->id)},
                     {"sku", "A-1"},
                     {"campaign", "1"},  // made by POST /api/campaigns's x-test, documented before
                     {"missing", "999999"}});
  }

  std::string Fill(std::string path, const YAML::Node& params) {
    for (auto [k, v] : {std::pair{"{id}", "id"}, std::pair{"{sku}", "sku"}}) {
      size_t at = path.find(k);
      if (at == std::string::npos) continue;
      std::string name = params && params[v] ? params[v].as<std::string>() : "missing";
      path.replace(at, std::string(k).size(), fixtures.at(name));
    }
    return path;
  }

  httplib::Result Send(const std::string& method, const std::string& path, const YAML::Node& t,
                       testing::Client& c, bool csrf) {
    auto h = c.headers(csrf);
    if (t["headers"])
      for (const auto& kv : t["headers"])
        h.emplace(kv.first.as<std::string>(), kv.second.as<std::string>());
    std::string body, type = "application/json";
    if (t["body"]) body = YamlToJson(t["body"]).dump();
    if (t["raw"]) body = t["raw"].as<std::string>();
    if (t["raw_size"]) body.assign(t["raw_size"].as<size_t>(), 'a');
    if (t["type"]) type = t["type"].as<std::string>();
    auto& cli = c.raw();
    if (method == "get") {
      if (t["stream"]) {
        auto res = std::make_unique<httplib::Response>();
        cli.Get(
            path, h,
            [&](const httplib::Response& head) {
              res->status = head.status;
              res->headers = head.headers;
              return true;
            },
            [&](const char* d, size_t n) {
              res->body.append(d, n);
              return false;  // the first chunk is enough
            });
        return httplib::Result(std::move(res), httplib::Error::Success);
      }
      return cli.Get(path, h);
    }
    if (method == "delete") return cli.Delete(path, h);
    return cli.Post(path, h, body, type);
  }

  static Json YamlToJson(const YAML::Node& n) {
    if (n.IsMap()) {
      Json j = Json::object();
      for (const auto& kv : n) j[kv.first.as<std::string>()] = YamlToJson(kv.second);
      return j;
    }
    if (n.IsSequence()) {
      Json j = Json::array();
      for (const auto& x : n) j.push_back(YamlToJson(x));
      return j;
    }
    if (n.IsNull()) return nullptr;
    return n.as<std::string>();
  }

  // Checks that the status is documented and the JSON body matches its schema.
  void CheckResponse(const YAML::Node& op, const std::string& what, const httplib::Response& r) {
    YAML::Node resp = op["responses"][std::to_string(r.status)];
    ASSERT_TRUE(resp) << what << ": status " << r.status << " is not documented; body "
                      << r.body.substr(0, 300);
    Validator val(spec);
    if (resp["$ref"]) resp.reset(val.Resolve(resp["$ref"].as<std::string>()));
    if (!resp["content"] || !resp["content"]["application/json"]) return;
    Json body = Json::parse(r.body, nullptr, false);
    ASSERT_FALSE(body.is_discarded()) << what << ": not JSON: " << r.body.substr(0, 200);
    std::vector<std::string> errors;
    val.Check(resp["content"]["application/json"]["schema"], body, what, &errors);
    for (const auto& e : errors) ADD_FAILURE() << e;
  }

  YAML::Node spec;
  std::unique_ptr<testing::Env> env;
  std::unique_ptr<testing::Client> client;
  std::unique_ptr<testing::Bitrix24Fake> b24;
  std::map<std::string, std::string> fixtures;
};

TEST_F(OpenApiTest, EveryRouteIsDocumentedAndEveryDocumentedRouteExists) {
  std::set<std::pair<std::string, std::string>> documented, served;
  for (const auto& p : spec["paths"])
    for (const auto& m : p.second) {
      std::string method = m.first.as<std::string>();
      std::transform(method.begin(), method.end(), method.begin(), ::toupper);
      documented.insert({method, p.first.as<std::string>()});
    }
  for (const auto& r : env->server->ApiRoutes()) served.insert(r);
  for (const auto& d : documented)
    EXPECT_TRUE(served.count(d)) << d.first << " " << d.second << " is documented but not served";
  for (const auto& s : served)
    EXPECT_TRUE(documented.count(s))
        << s.first << " " << s.second << " is served but not documented";
}

TEST_F(OpenApiTest, ExamplesAnswerAsDocumented) {
  int requests = 0;
  for (const auto& p : spec["paths"]) {
    std::string path = p.first.as<std::string>();
    for (const auto& m : p.second) {
      std::string method = m.first.as<std::string>();
      const YAML::Node& op = m.second;
      std::string what = method + " " + path;
      ASSERT_TRUE(op["x-test"]) << what << " has no x-test";
      bool success = false;
      for (const auto& t : op["x-test"]) {
        std::string url = Fill(path, t["params"]);
        if (t["query"]) {  // a fixture's name, or the query itself
          std::string q = t["query"].as<std::string>();
          url += "?" + (fixtures.count(q) ? fixtures.at(q) : q);
        }
        bool anon = t["auth"] && !t["auth"].as<bool>();
        bool fresh = t["session"] && t["session"].as<std::string>() == "fresh";
        testing::Client other(env->port());
        if (fresh) {
          ASSERT_TRUE(other.Login("admin", "correct horse battery"));
        }
        testing::Client& c = anon || fresh ? other : *client;
        bool csrf = !(t["csrf"] && !t["csrf"].as<bool>());
        auto r = Send(method, url, t, c, csrf);
        ++requests;
        ASSERT_TRUE(r) << what << ": no answer";
        int want = t["status"].as<int>();
        EXPECT_EQ(r->status, want) << what << " (" << url << "): " << r->body.substr(0, 300);
        CheckResponse(op, what + " " + std::to_string(r->status), *r);
        success |= want >= 200 && want < 300;
      }
      EXPECT_TRUE(success) << what << ": no x-test shows a successful answer";
    }
  }
  EXPECT_GT(requests, 40);
}

TEST_F(OpenApiTest, SecuredOperationsRefuseWithoutSessionOrCsrf) {
  testing::Client anon(env->port());
  for (const auto& p : spec["paths"]) {
    std::string path = p.first.as<std::string>();
    for (const auto& m : p.second) {
      std::string method = m.first.as<std::string>();
      const YAML::Node& op = m.second;
      if (op["security"] && op["security"].size() == 0) continue;
      YAML::Node none;
      std::string url = Fill(path, YAML::Node(YAML::NodeType::Map));
      auto r = Send(method, url, none, anon, false);
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 401) << method << " " << path;
      CheckResponse(op, method + " " + path + " anonymous", *r);
      if (method == "get") continue;
      auto f = Send(method, url, none, *client, false);
      ASSERT_TRUE(f);
      EXPECT_EQ(f->status, 403) << method << " " << path << " without CSRF";
      CheckResponse(op, method + " " + path + " without CSRF", *f);
    }
  }
}

}  // namespace
}  // namespace kira::web

namespace kira::web {
namespace {

TEST(OpenApiValidator, CatchesMismatches) {
  YAML::Node spec = YAML::LoadFile(std::string(KIRA_SOURCE_DIR) + "/docs/openapi.yaml");
  Validator v(spec);
  YAML::Node lead = v.Resolve("#/components/schemas/LeadPage");
  std::vector<std::string> errors;
  v.Check(lead, Json{{"leads", Json::array({Json{{"id", "7"}}})}, {"total", 1}}, "page", &errors);
  // next_before_id missing, leads[0].id not an integer, leads[0] missing most fields.
  EXPECT_GE(errors.size(), 3u);
  errors.clear();
  v.Check(lead, Json{{"leads", Json::array()}, {"total", 0}, {"next_before_id", nullptr}}, "page",
          &errors);
  EXPECT_TRUE(errors.empty()) << errors[0];
}

}  // namespace
}  // namespace kira::web
