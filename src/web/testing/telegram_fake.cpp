#include "web/testing/telegram_fake.h"

#include <fstream>
#include <sstream>

namespace kira::web::testing {
namespace {

using Json = nlohmann::json;

#ifndef KIRA_SOURCE_DIR
#define KIRA_SOURCE_DIR "."
#endif

}  // namespace

TelegramFake::TelegramFake(TelegramFakeOptions opt) : opt_(std::move(opt)) {
  if (opt_.fixtures_dir.empty())
    opt_.fixtures_dir = std::string(KIRA_SOURCE_DIR) + "/tests/fixtures/telegram";
  request_shape_ = Fixture("sendMessage_request.json");
  server_.Post(R"(/bot([^/]+)/sendMessage)",
               [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); });
}

TelegramFake::~TelegramFake() { Stop(); }

Json TelegramFake::Fixture(const std::string& name) {
  std::ifstream in(opt_.fixtures_dir + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  Json j = Json::parse(ss.str(), nullptr, false);
  return j.is_discarded() ? Json{{"ok", false}, {"description", "fixture " + name + " missing"}}
                          : j;
}

Status TelegramFake::Start() {
  if (request_shape_.value("required", Json()).is_null())
    return Status::Internal("telegram fixtures not found in " + opt_.fixtures_dir);
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) return Status::Internal("telegram fake: cannot bind");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return Status::Ok();
}

void TelegramFake::Stop() {
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

std::string TelegramFake::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void TelegramFake::Fail429(int n) {
  std::lock_guard<std::mutex> lock(mu_);
  fail429_ = n;
}

void TelegramFake::Fail500(int n) {
  std::lock_guard<std::mutex> lock(mu_);
  fail500_ = n;
}

void TelegramFake::set_retry_after(int seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  opt_.retry_after_s = seconds;
}

std::vector<TelegramFake::Message> TelegramFake::messages() {
  std::lock_guard<std::mutex> lock(mu_);
  return messages_;
}

void TelegramFake::Handle(const httplib::Request& req, httplib::Response& res) {
  ++requests_;
  auto answer = [&](int status, const Json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
  };
  auto too_many = [&] {
    ++throttled_;
    Json e = Fixture("error_429.json");
    e["parameters"]["retry_after"] = opt_.retry_after_s;
    e["description"] = "Too Many Requests: retry after " + std::to_string(opt_.retry_after_s);
    answer(429, e);
  };
  if (req.matches[1] != opt_.token) return answer(401, Fixture("error_401.json"));
  Json body = Json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return answer(400, {{"ok", false},
                        {"error_code", 400},
                        {"description", "Bad Request: message text is empty"}});
  // Only documented parameters; the required ones present.
  for (auto it = body.begin(); it != body.end(); ++it) {
    bool known = false;
    for (const auto& p : request_shape_["parameters"]) known = known || p == it.key();
    if (!known)
      return answer(400, {{"ok", false},
                          {"error_code", 400},
                          {"description", "Bad Request: unknown parameter " + it.key()}});
  }
  for (const auto& r : request_shape_["required"])
    if (!body.contains(r.get<std::string>()))
      return answer(400, {{"ok", false},
                          {"error_code", 400},
                          {"description", "Bad Request: " + r.get<std::string>() + " is empty"}});
  std::string chat =
      body["chat_id"].is_string() ? body["chat_id"].get<std::string>() : body["chat_id"].dump();
  if (chat != opt_.chat_id) return answer(400, Fixture("error_400_chat_not_found.json"));
  std::string text = body["text"].is_string() ? body["text"].get<std::string>() : "";
  if (text.empty())
    return answer(400, {{"ok", false},
                        {"error_code", 400},
                        {"description", "Bad Request: message text is empty"}});
  if (text.size() > 4096 * 4)
    return answer(
        400,
        {{"ok", false}, {"error_code", 400}, {"description", "Bad Request: message is too long"}});
  std::lock_guard<std::mutex> lock(mu_);
  if (fail500_ > 0) {
    --fail500_;
    return answer(500,
                  {{"ok", false}, {"error_code", 500}, {"description", "Internal Server Error"}});
  }
  if (fail429_ > 0) {
    --fail429_;
    return too_many();
  }
  auto now = std::chrono::steady_clock::now();
  if (opt_.max_per_second > 0) {
    while (!window_.empty() && now - window_.front() >= std::chrono::seconds(1))
      window_.erase(window_.begin());
    if (window_.size() + 1 > opt_.max_per_second) return too_many();
    window_.push_back(now);
  }
  messages_.push_back({chat, text, now});
  Json ok = Fixture("sendMessage_ok.json");
  ok["result"]["message_id"] = static_cast<int64_t>(messages_.size());
  ok["result"]["chat"]["id"] = std::strtoll(chat.c_str(), nullptr, 10);
  ok["result"]["date"] = static_cast<int64_t>(std::time(nullptr));
  ok["result"]["text"] = text;
  answer(200, ok);
}

}  // namespace kira::web::testing
