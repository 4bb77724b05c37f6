#include "dialog/expect.h"

namespace kira::dialog {

namespace {
struct Named {
  Expect e;
  std::string_view name;
};
constexpr Named kNames[] = {
    {Expect::kNone, "none"},
    {Expect::kYesNo, "yesno"},
    {Expect::kOrderOffer, "order_offer"},
    {Expect::kConfirm, "confirm"},
    {Expect::kQuantity, "quantity"},
    {Expect::kWhich, "which"},
    {Expect::kAnalogs, "analogs"},
    {Expect::kName, "name"},
    {Expect::kFulfilment, "fulfilment"},
    {Expect::kAddress, "address"},
    {Expect::kCallbackTime, "callback_time"},
    {Expect::kManager, "manager"},
    {Expect::kConsent, "consent"},
};
}  // namespace

std::string_view ExpectName(Expect e) {
  for (const auto& n : kNames)
    if (n.e == e) return n.name;
  return "none";
}

std::optional<Expect> ParseExpect(std::string_view name) {
  for (const auto& n : kNames)
    if (n.name == name) return n.e;
  return std::nullopt;
}

std::string ExpectNames() {
  std::string out;
  for (const auto& n : kNames) (out += out.empty() ? "" : ", ") += n.name;
  return out;
}

}  // namespace kira::dialog
