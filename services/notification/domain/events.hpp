#pragma once
// What other services tell the notification service: an event about one user's order, read
// and checked from POST /internal/events. An unknown kind is bad input (a 400), so a typo in
// a caller shows up at once instead of as silence.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.hpp"
#include "core/json/json.hpp"

namespace qm::notification {

enum class event_kind : std::uint8_t {
  order_confirmed,
  order_cancelled,
  partner_assigned,
  out_for_delivery,
  delivered,
};

std::string_view to_string(event_kind k);
std::optional<event_kind> kind_from_string(std::string_view s);

inline constexpr std::int64_t max_id = (std::int64_t{1} << 53) - 1;
inline constexpr std::size_t max_message_chars = 500;

struct event {
  std::int64_t id = 0;  // chosen by the service when the event is accepted
  std::int64_t user_id = 0;
  event_kind kind = event_kind::order_confirmed;
  std::int64_t order_id = 0;
  std::string message;
  std::int64_t created_at = 0;  // unix seconds, when accepted
};

// {"user_id","kind","order_id","message"?}: the event without id and created_at. A missing
// or empty message gets the kind's standard text.
result<event, json::input_error> parse_event(std::string_view body);

// The text a user reads when the caller sent none ("Your order 12 is confirmed.").
std::string standard_message(event_kind k, std::int64_t order_id);

}  // namespace qm::notification
