// Signed links to a conversation's recording, for a service that fetches it without a session:
// Bitrix24's telephony.externalcall.attachRecord downloads RECORD_URL itself. A link names one
// conversation and an expiry and carries HMAC-SHA256 over both, under a key derived from the
// connectors' key (web/sealed_state.h), so it cannot be made for another conversation or made to
// last longer. GET /api/recordings/<id>?exp=…&sig=… serves it (routes_leads.cpp), audited; staff
// keep using /api/conversations/<id>/recording with their session.
//
//   RecordingLinks links(key);
//   std::string url = links.Sign("https://kira.shop.ru/api/conversations/12/recording", exp);
//   // "https://kira.shop.ru/api/recordings/12?exp=…&sig=…"
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace kira::web {

// How long a link made for a service works (it fetches at once; retries within a day).
inline constexpr int64_t kRecordingLinkSeconds = 24 * 3600;

class RecordingLinks {
 public:
  explicit RecordingLinks(const std::string& key);  // the 32-byte connectors' key
  // The signed link for the staff link "<base>/api/conversations/<id>/recording" (as the watcher
  // writes it), valid until `exp_unix_s`; "" when `staff_url` is not one.
  std::string Sign(const std::string& staff_url, int64_t exp_unix_s) const;
  // True when `sig_hex` is the signature of (conversation, exp) and exp is not past.
  bool Verify(int64_t conversation_id, int64_t exp_unix_s, const std::string& sig_hex,
              int64_t now_unix_s) const;

 private:
  std::string Mac(int64_t conversation_id, int64_t exp_unix_s) const;
  std::array<unsigned char, 32> key_{};
};

}  // namespace kira::web
