#pragma once
// The order status machine, as pure code: which moves exist, and who may make them.
//
//   confirmed -> packed -> out_for_delivery -> delivered
//   confirmed | packed -> cancelled
//
// Nothing skips a step: a partner's pickup of an order the store has not packed yet is refused
// (409) and the partner comes back for it.
//
// delivered and cancelled are terminal. A customer may only cancel; the delivery service may
// only record a pickup (out_for_delivery) or a delivery (delivered); an admin (the store) may
// pack or cancel. Every actor's moves are legal moves.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace qm::order {

enum class order_status : std::uint8_t { confirmed, packed, out_for_delivery, delivered, cancelled };

inline constexpr std::array<order_status, 5> all_statuses = {
    order_status::confirmed, order_status::packed, order_status::out_for_delivery,
    order_status::delivered, order_status::cancelled};

enum class actor : std::uint8_t { customer, delivery, admin };

std::string_view to_string(order_status s);
std::optional<order_status> parse_status(std::string_view text);

// True when the machine has the edge from -> to (never from a status to itself).
bool is_legal(order_status from, order_status to);
// True for statuses with no way out.
bool is_terminal(order_status s);
// True when who may move an order from `from` to `to`: the edge exists and is who's to make.
bool may_move(actor who, order_status from, order_status to);

}  // namespace qm::order
