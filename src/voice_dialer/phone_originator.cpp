#include "voice_dialer/phone_originator.h"

#include <atomic>

#include "core/log.h"

namespace kira::voice {

void PhoneOriginator::Originate(const dialer::CallRequest& req, Done done) {
  struct Once {
    Done done;
    std::atomic<bool> fired{false};
    std::atomic<AmdVerdict> greeting{AmdVerdict::kUndecided};
    void Fire(dialer::CallResult r) {
      if (!fired.exchange(true)) done(r);
    }
  };
  auto once = std::make_shared<Once>();
  once->done = std::move(done);
  std::unique_ptr<dialog::DialogSession> session = sessions_ ? sessions_(req) : nullptr;
  if (!session) {
    log::Warn("phone", "task " + std::to_string(req.task.id) + ": no dialog session; not dialled");
    once->Fire({dialer::CallDisposition::kFailed, ""});
    return;
  }
  Status st = phone_->Originate(
      req.task.phone, req.caller_id, std::move(session),
      [once](telephony::OriginateResult r, const std::string&) {
        switch (r) {
          case telephony::OriginateResult::kAnswered:
            return;  // reported with the outcome when the conversation ends
          case telephony::OriginateResult::kBusy:
            return once->Fire({dialer::CallDisposition::kBusy, ""});
          case telephony::OriginateResult::kNoAnswer:
            return once->Fire({dialer::CallDisposition::kNoAnswer, ""});
          case telephony::OriginateResult::kFailed:
            return once->Fire({dialer::CallDisposition::kFailed, ""});
        }
      },
      [once, id = req.task.id](const dialog::EndInfo& end) {
        // The audio may know better than a conversation nobody took part in (a beep-only
        // mailbox, a greeting the grammar could not transcribe).
        const AmdVerdict v = once->greeting.load();
        if (MachineDisposition(v, end.outcome) == "voicemail") {
          log::Info("phone", "task " + std::to_string(id) + ": " + ToString(v) +
                                 " in the greeting audio; recorded as voicemail");
          return once->Fire({dialer::CallDisposition::kVoicemail, ""});
        }
        once->Fire(
            {dialer::CallDisposition::kAnswered, std::string(crm::OptionalName(end.outcome))});
      },
      [once](AmdVerdict v, const media::GreetingFeatures&) { once->greeting = v; });
  if (!st.ok()) {
    log::Warn("phone", "task " + std::to_string(req.task.id) + ": " + log::Pii(st.message()));
    once->Fire({dialer::CallDisposition::kFailed, ""});
  }
}

}  // namespace kira::voice
