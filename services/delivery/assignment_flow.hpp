#pragma once
// What follows a committed assignment: the order service learns its partner and the customer
// learns someone is coming; and whenever a partner is freed, waiting orders (oldest first)
// are given to the available partners.

#include <cstdint>
#include <string_view>

#include "core/task/task.hpp"
#include "services/delivery/context.hpp"

namespace qm::delivery {

// One trigger assigns at most this many waiting orders; the next trigger continues.
inline constexpr int max_drain_batch = 32;

// Counts an event of the assignment machine (delivery_events_total{event}): assigned,
// waiting, picked_up, delivered, cancelled, reassigned.
void count_event(delivery_context& c, std::string_view event);

// Tells the order service the partner of a (now) assigned order.
task<order_verdict> tell_order(delivery_context& c, const assignment& a,
                               const observe::request_scope* origin);

// tell_order, then a partner_assigned event for the customer; for a fresh assignment.
task<order_verdict> announce_assignment(delivery_context& c, const assignment& a,
                                        const observe::request_scope* origin);

// Assigns waiting orders oldest first while partners are available (at most
// max_drain_batch), announcing each. A failure stops the batch and is logged: the orders
// keep waiting for the next trigger. Returns how many were assigned.
task<int> drain_waiting(delivery_context& c, const observe::request_scope* origin);

}  // namespace qm::delivery
