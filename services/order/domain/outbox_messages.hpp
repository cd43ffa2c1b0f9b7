#pragma once
// The calls an order owes other services, as outbox messages (written in the transaction that
// makes them owed, delivered later by the dispatcher), and the dispatcher's retry schedule.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/order/domain/order.hpp"

namespace qm::order {

struct outbox_message {
  std::optional<std::int64_t> order_id;  // messages of one order and upstream go in order
  std::string upstream;                  // "cart", "product", "delivery", "notification"
  std::string target;                    // the POST's path
  std::string body;                      // JSON
};

// After a checkout commits: clear the bought lines from the cart, ask delivery for a partner,
// tell the customer.
std::vector<outbox_message> checkout_messages(const order_record& o);

// After a cancellation: return the stock, free the partner, tell the customer.
std::vector<outbox_message> cancel_messages(const order_record& o);

// The customer's notification for a move to `to`, when that move has one.
std::optional<outbox_message> status_notification(const order_record& o, order_status to);

// Compensation of a checkout attempt: give back whatever its reservation holds (product
// records an unknown id as released, so a reserve still in flight is refused when it lands).
outbox_message release_message(std::string_view reservation_id);

// Seconds before retry number `attempts` (1-based) of a failed delivery: 1, 2, 4, ... capped
// at max_backoff_s.
inline constexpr std::int64_t max_backoff_s = 60;
std::int64_t retry_delay_s(std::int64_t attempts);

}  // namespace qm::order
