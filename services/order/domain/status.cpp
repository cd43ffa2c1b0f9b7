#include "services/order/domain/status.hpp"

namespace qm::order {

std::string_view to_string(order_status s) {
  switch (s) {
    case order_status::confirmed:
      return "confirmed";
    case order_status::packed:
      return "packed";
    case order_status::out_for_delivery:
      return "out_for_delivery";
    case order_status::delivered:
      return "delivered";
    case order_status::cancelled:
      return "cancelled";
  }
  return "unknown";
}

std::optional<order_status> parse_status(std::string_view text) {
  for (order_status s : all_statuses) {
    if (to_string(s) == text) {
      return s;
    }
  }
  return std::nullopt;
}

bool is_legal(order_status from, order_status to) {
  switch (from) {
    case order_status::confirmed:
      // A partner picks up only what the store has packed: a pickup of a confirmed order is
      // refused (409) and the partner tries again once it is packed.
      return to == order_status::packed || to == order_status::cancelled;
    case order_status::packed:
      return to == order_status::out_for_delivery || to == order_status::cancelled;
    case order_status::out_for_delivery:
      return to == order_status::delivered;
    case order_status::delivered:
    case order_status::cancelled:
      return false;
  }
  return false;
}

bool is_terminal(order_status s) {
  for (order_status to : all_statuses) {
    if (is_legal(s, to)) {
      return false;
    }
  }
  return true;
}

bool may_move(actor who, order_status from, order_status to) {
  if (!is_legal(from, to)) {
    return false;
  }
  switch (who) {
    case actor::customer:
      return to == order_status::cancelled;
    case actor::delivery:
      return to == order_status::out_for_delivery || to == order_status::delivered;
    case actor::admin:
      // The store packs and may cancel; pickup and delivery are the partner's to record, so an
      // admin can never leave a partner holding an order the order service calls delivered.
      return to == order_status::packed || to == order_status::cancelled;
  }
  return false;
}

}  // namespace qm::order
