// ScriptedSession: a test double of the dialog (not of SIP) for the phone tests — fixed
// English replies, records every event it gets so a test can assert what the pipeline
// delivered (recognised text, digits, silence, transfer failures, Finish).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dialog/session.h"

namespace kira::siptest {

struct SessionLog {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string>
      events;  // "start", "text:<t>", "not_heard", "dtmf:<d>", "silence:<n>", ...
  std::string recording;
  int finished = 0;

  void Add(const std::string& e) {
    std::lock_guard<std::mutex> l(mu);
    events.push_back(e);
    cv.notify_all();
  }
  // Waits for an event starting with `prefix`; returns it ("" on timeout).
  std::string WaitFor(const std::string& prefix, std::chrono::milliseconds t) {
    std::unique_lock<std::mutex> l(mu);
    std::string found;
    cv.wait_for(l, t, [&] {
      for (const auto& e : events)
        if (e.rfind(prefix, 0) == 0) {
          found = e;
          return true;
        }
      return false;
    });
    return found;
  }
};

struct Script {
  std::string greeting = "Hello, this is Kira from the tile shop. How can I help you?";
  std::string answer =
      "Yes, the grey sixty by sixty porcelain tile is in stock. It costs twelve dollars per "
      "square meter.";
  std::string manager_uri;  // transfer target for digit 0
  std::string language = "en";
  dialog::Expect pending = dialog::Expect::kNone;  // what the agent "asked" (end-of-turn rules)
  // When set, what the agent asked is read from here (a test's caller changes it per turn).
  std::shared_ptr<std::atomic<dialog::Expect>> pending_now;
  // Makes every answer's first sentence different so TTS really runs each turn (no cache hit).
  bool number_answers = false;
  std::vector<std::string> phrases = {"do you have the grey sixty by sixty porcelain tile in stock",
                                      "yes", "no", "i want to talk to a manager",
                                      "thank you goodbye"};
};

class ScriptedSession : public dialog::DialogSession {
 public:
  ScriptedSession(std::shared_ptr<SessionLog> log, Script s)
      : log_(std::move(log)), s_(std::move(s)), lang_(s_.language) {}
  dialog::Reply Start() override {
    log_->Add("start");
    return {{s_.greeting}, false, ""};
  }
  dialog::Reply OnCallerText(const std::string& text) override {
    if (text.empty()) {  // speech that was not recognised (the pipeline asks again)
      log_->Add("not_heard");
      return {{"Sorry, I didn't catch that."}, false, ""};
    }
    log_->Add("text:" + text);
    if (s_.number_answers)
      return {{"Yes, tile number " + std::to_string(++answers_) +
               " is in stock, and it costs twelve dollars per square meter. " + s_.answer},
              false,
              ""};
    return {{s_.answer}, false, ""};
  }
  dialog::Reply OnDtmf(char digit) override {
    log_->Add(std::string("dtmf:") + digit);
    if (digit == '0' && !s_.manager_uri.empty())
      return {{"Connecting you to the manager."}, false, s_.manager_uri};
    if (digit == '9') return {{"Goodbye."}, true, ""};
    return {{std::string("You pressed ") + digit + "."}, false, ""};
  }
  dialog::Reply OnSilence(int count) override {
    log_->Add("silence:" + std::to_string(count));
    if (count >= 2) return {{"Goodbye."}, true, ""};
    return {{"Are you still there?"}, false, ""};
  }
  dialog::Reply OnTransferFailed(const std::string& why) override {
    log_->Add("transfer_failed:" + why);
    return {{"Sorry, the manager is not available. We will call you back."}, false, ""};
  }
  dialog::Reply OnRecognitionUnavailable() override {
    log_->Add("asr_unavailable");
    return {{"Sorry, I cannot understand speech right now. Press zero for a manager."}, false, ""};
  }
  dialog::EndInfo Finish() override {
    if (!ended_) {
      ended_ = true;
      log_->Add("finish");
      std::lock_guard<std::mutex> l(log_->mu);
      ++log_->finished;
    }
    dialog::EndInfo e;
    e.outcome = crm::Outcome::kInfoOnly;
    return e;
  }
  bool ended() const override { return ended_; }
  std::vector<std::string> ExpectedPhrases() const override { return s_.phrases; }
  const std::string& language() const override { return lang_; }
  dialog::Expect Pending() const override {
    return s_.pending_now ? s_.pending_now->load() : s_.pending;
  }
  void SetRecordingPath(const std::string& path) override {
    log_->Add("recording:" + path);
    std::lock_guard<std::mutex> l(log_->mu);
    log_->recording = path;
  }

 private:
  std::shared_ptr<SessionLog> log_;
  Script s_;
  bool ended_ = false;
  std::string lang_;
  int answers_ = 0;
};

}  // namespace kira::siptest
