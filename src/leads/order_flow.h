// The life of an order after the caller placed it: which status may follow which.
//
//   new → confirmed → paid → shipped (delivery) | picked_up (pickup) → done
//   new, confirmed, paid → cancelled
//
// An order to be delivered is shipped, one to be picked up is picked up; an order whose
// fulfilment is unknown may take either. done and cancelled are final. LeadService::
// SetOrderStatus applies it; the web workspace asks NextOrderStatuses for its buttons.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crm/model.h"

namespace kira::leads {

// The statuses `order` may move to now, in the order a manager would usually pick them.
std::vector<crm::OrderStatus> NextOrderStatuses(const crm::Order& order);

// Ok when `order` may move to `to`; Conflict for a move the flow above forbids (naming both
// statuses).
Status CheckOrderTransition(const crm::Order& order, crm::OrderStatus to);
// The same for a status named by a person or a request: Invalid for a name that does not
// exist (listing the known ones).
Result<crm::OrderStatus> CheckOrderTransition(const crm::Order& order, std::string_view to);

}  // namespace kira::leads
