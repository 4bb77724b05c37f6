// PhoneOriginator: the dialer's Originator (dialer/dialer.h) over PhoneService — places Vera's
// calls over SIP and reports one CallResult per call: busy / no answer / failed straight from
// SIP, or answered with the conversation's outcome once the call has ended — or voicemail when
// the greeting audio showed a machine (a beep, a long greeting) and the conversation got nothing
// from a person (answering_machine.h).
//
//   voice::PhoneOriginator orig(&phone, [&](const dialer::CallRequest& r) {
//     return engine->NewSession({.agent = "vera", .caller = r.task.phone, .channel = "phone",
//                                .task_id = r.task.id});   // → unique_ptr or nullptr
//   });
//   dialer::Dialer d(store, &orig, cfg, &resolver, &clock);
#pragma once

#include <functional>
#include <memory>

#include "dialer/dialer.h"
#include "dialog/session.h"
#include "voice/phone_service.h"

namespace kira::voice {

class PhoneOriginator : public dialer::Originator {
 public:
  using SessionFactory =
      std::function<std::unique_ptr<dialog::DialogSession>(const dialer::CallRequest&)>;
  PhoneOriginator(PhoneService* phone, SessionFactory sessions)
      : phone_(phone), sessions_(std::move(sessions)) {}

  // Calls `done` exactly once (from a SIP or worker thread, or before returning).
  void Originate(const dialer::CallRequest& req, Done done) override;

 private:
  PhoneService* phone_;
  SessionFactory sessions_;
};

}  // namespace kira::voice
