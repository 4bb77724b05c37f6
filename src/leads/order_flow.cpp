#include "leads/order_flow.h"

#include <algorithm>

namespace kira::leads {

using crm::Name;
using crm::OrderStatus;

std::vector<OrderStatus> NextOrderStatuses(const crm::Order& o) {
  switch (o.status) {
    case OrderStatus::kNew:
      return {OrderStatus::kConfirmed, OrderStatus::kCancelled};
    case OrderStatus::kConfirmed:
      return {OrderStatus::kPaid, OrderStatus::kCancelled};
    case OrderStatus::kPaid:
      if (o.fulfilment == "delivery") return {OrderStatus::kShipped, OrderStatus::kCancelled};
      if (o.fulfilment == "pickup") return {OrderStatus::kPickedUp, OrderStatus::kCancelled};
      return {OrderStatus::kShipped, OrderStatus::kPickedUp, OrderStatus::kCancelled};
    case OrderStatus::kShipped:
    case OrderStatus::kPickedUp:
      return {OrderStatus::kDone};
    case OrderStatus::kDone:
    case OrderStatus::kCancelled:
      break;
  }
  return {};  // final
}

Status CheckOrderTransition(const crm::Order& o, OrderStatus to) {
  auto next = NextOrderStatuses(o);
  if (std::find(next.begin(), next.end(), to) != next.end()) return Status::Ok();
  const std::string from(Name(o.status));
  if (next.empty())
    return Status::Conflict("the order is " + from + "; its status can no longer change");
  std::string allowed;
  for (OrderStatus n : next) (allowed += allowed.empty() ? "" : ", ") += Name(n);
  return Status::Conflict("an order that is " + from + " cannot become " + std::string(Name(to)) +
                          " (next: " + allowed + ")");
}

Result<OrderStatus> CheckOrderTransition(const crm::Order& o, std::string_view to) {
  auto status = crm::ParseOrderStatus(to);
  if (!status) {
    return Status::Invalid("status '" + std::string(to) +
                           "' is unknown (known: " + crm::Names(crm::kOrderStatusTable) + ")");
  }
  KIRA_RETURN_IF_ERROR(CheckOrderTransition(o, *status));
  return *status;
}

}  // namespace kira::leads
