// A Telegram Bot API test server for the alert tests and the benchmark: speaks the documented
// sendMessage call (POST /bot<token>/sendMessage, JSON body) with the answers and error bodies
// of tests/fixtures/telegram/ (which name their documentation pages). It enforces a rate limit
// the way Telegram does (429 with parameters.retry_after), and can be told to fail the next
// requests with a given HTTP status.
//
//   TelegramFake tg({.token = "123:abc", .chat_id = "-100500"});
//   ASSERT_TRUE(tg.Start().ok());   // 127.0.0.1, port 0
//   cfg.telegram.api_url = tg.url();
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

struct TelegramFakeOptions {
  std::string token = "123456:test-token";
  std::string chat_id = "-1001234567890";
  double max_per_second = 0;  // 0 = no limit; else more in one second → 429
  int retry_after_s = 1;      // what a 429 tells the client
  std::string fixtures_dir;   // "" = <source>/tests/fixtures/telegram
};

class TelegramFake {
 public:
  struct Message {
    std::string chat_id, text;
    std::chrono::steady_clock::time_point at;
  };

  explicit TelegramFake(TelegramFakeOptions opt = {});
  ~TelegramFake();
  Status Start();  // binds 127.0.0.1:0, serves on a thread
  void Stop();
  std::string url() const;  // "http://127.0.0.1:<port>"

  // The next `n` sendMessage calls are answered 429 (with retry_after_s) / 500 / closed.
  void Fail429(int n);
  void Fail500(int n);
  void set_retry_after(int seconds);
  std::vector<Message> messages();  // accepted, in order
  int requests() const { return requests_.load(); }
  int throttled() const { return throttled_.load(); }

 private:
  void Handle(const httplib::Request& req, httplib::Response& res);
  nlohmann::json Fixture(const std::string& name);

  TelegramFakeOptions opt_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::vector<Message> messages_;
  std::vector<std::chrono::steady_clock::time_point> window_;  // accepted in the last second
  int fail429_ = 0, fail500_ = 0;
  std::atomic<int> requests_{0}, throttled_{0};
  nlohmann::json request_shape_;
};

}  // namespace kira::web::testing
