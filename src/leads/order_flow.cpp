#include "leads/order_flow.h"

#include <algorithm>
#include <iterator>

namespace kira::leads {

std::vector<std::string> NextOrderStatuses(const crm::Order& o) {
  const std::string& s = o.status;
  if (s == "new") return {"confirmed", "cancelled"};
  if (s == "confirmed") return {"paid", "cancelled"};
  if (s == "paid") {
    if (o.fulfilment == "delivery") return {"shipped", "cancelled"};
    if (o.fulfilment == "pickup") return {"picked_up", "cancelled"};
    return {"shipped", "picked_up", "cancelled"};
  }
  if (s == "shipped" || s == "picked_up") return {"done"};
  return {};  // done, cancelled: final
}

Status CheckOrderTransition(const crm::Order& o, const std::string& to) {
  if (std::find(std::begin(crm::kOrderStatuses), std::end(crm::kOrderStatuses), to) ==
      std::end(crm::kOrderStatuses)) {
    std::string known;
    for (const char* s : crm::kOrderStatuses) known += (known.empty() ? "" : ", ") + std::string(s);
    return Status::Invalid("status '" + to + "' is unknown (known: " + known + ")");
  }
  auto next = NextOrderStatuses(o);
  if (std::find(next.begin(), next.end(), to) != next.end()) return Status::Ok();
  if (next.empty())
    return Status::Conflict("the order is " + o.status + "; its status can no longer change");
  std::string allowed;
  for (const auto& n : next) allowed += (allowed.empty() ? "" : ", ") + n;
  return Status::Conflict("an order that is " + o.status + " cannot become " + to +
                          " (next: " + allowed + ")");
}

}  // namespace kira::leads
