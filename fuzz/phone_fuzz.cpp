// Fuzzes phone numbers: the one normaliser (crm/phone.h: the E.164 form and the matching key)
// and the callee's zones (dialer/phone_zones.h). A key is "" or "+digits".
#include <cstdint>
#include <string>

#include "crm/phone.h"
#include "dialer/phone_zones.h"
#include "fuzz_util.h"

using kira::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s(reinterpret_cast<const char*>(data), size);
  const std::string key = kira::crm::NormalizePhone(s);
  if (!key.empty()) {
    size_t digits = 0;
    for (size_t i = 0; i < key.size(); ++i) {
      Check((key[i] >= '0' && key[i] <= '9') || (i == 0 && key[i] == '+'));
      Check(i > 0 || key[i] == '+');
      digits += key[i] != '+';
    }
    Check(digits >= 3 && digits <= 15);
    Check(kira::crm::NormalizePhone(key) == key);  // idempotent
  }
  static kira::dialer::ZoneDb zones;
  // A fresh resolver each time: its per-number cache would otherwise grow with the corpus.
  kira::dialer::PhoneZoneResolver resolver(&zones, "RU");
  auto e164 = kira::crm::ToE164(s);
  if (e164.ok()) Check(!e164->empty() && (*e164)[0] == '+' && *e164 == key);
  auto z = resolver.Resolve(s);
  if (z.ok() && z->set != kira::dialer::kNoZoneSet) Check(!zones.Members(z->set).empty());
  return 0;
}
