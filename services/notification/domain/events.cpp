#include "services/notification/domain/events.hpp"

#include <array>
#include <utility>

namespace qm::notification {

namespace {

constexpr std::array<std::pair<event_kind, std::string_view>, 5> kind_names = {{
    {event_kind::order_confirmed, "order_confirmed"},
    {event_kind::order_cancelled, "order_cancelled"},
    {event_kind::partner_assigned, "partner_assigned"},
    {event_kind::out_for_delivery, "out_for_delivery"},
    {event_kind::delivered, "delivered"},
}};

constexpr std::size_t max_body_bytes = 16 * 1024;

}  // namespace

std::string_view to_string(event_kind k) {
  for (const auto& [kind, name] : kind_names) {
    if (kind == k) {
      return name;
    }
  }
  QM_ASSERT_MSG(false, "an event kind without a name");
  return {};
}

std::optional<event_kind> kind_from_string(std::string_view s) {
  for (const auto& [kind, name] : kind_names) {
    if (name == s) {
      return kind;
    }
  }
  return std::nullopt;
}

std::string standard_message(event_kind k, std::int64_t order_id) {
  const std::string order = "Your order " + std::to_string(order_id);
  switch (k) {
    case event_kind::order_confirmed:
      return order + " is confirmed.";
    case event_kind::order_cancelled:
      return order + " was cancelled.";
    case event_kind::partner_assigned:
      return order + " has a delivery partner.";
    case event_kind::out_for_delivery:
      return order + " is on its way.";
    case event_kind::delivered:
      return order + " was delivered.";
  }
  QM_ASSERT_MSG(false, "an event kind without a message");
  return order;
}

result<event, json::input_error> parse_event(std::string_view body) {
  auto o = json::parse_object(body, max_body_bytes);
  if (!o) {
    return make_unexpected(o.error());
  }
  if (auto known = json::only_fields(*o, {"user_id", "kind", "order_id", "message"}); !known) {
    return make_unexpected(known.error());
  }
  auto user_id = json::required_int(*o, "user_id", 1, max_id);
  if (!user_id) {
    return make_unexpected(user_id.error());
  }
  auto kind_text = json::required_string(*o, "kind", 1, 64);
  if (!kind_text) {
    return make_unexpected(kind_text.error());
  }
  const auto kind = kind_from_string(*kind_text);
  if (!kind) {
    std::string known_kinds;
    for (const auto& [k, name] : kind_names) {
      known_kinds += (known_kinds.empty() ? "" : ", ") + std::string(name);
    }
    return make_unexpected(json::input_error{"kind", "must be one of " + known_kinds});
  }
  auto order_id = json::required_int(*o, "order_id", 1, max_id);
  if (!order_id) {
    return make_unexpected(order_id.error());
  }
  // An empty message counts as none: the caller had nothing to add to the standard text.
  auto message = json::optional_string(*o, "message", 0, max_message_chars);
  if (!message) {
    return make_unexpected(message.error());
  }
  event e;
  e.user_id = *user_id;
  e.kind = *kind;
  e.order_id = *order_id;
  const bool has_text = message->has_value() && !(*message)->empty();
  e.message = has_text ? std::move(**message) : standard_message(*kind, *order_id);
  return e;
}

}  // namespace qm::notification
