#pragma once
// The two state machines of the delivery service, with their text forms (as stored in
// delivery_db and sent in JSON).
//
// partner:     offline <-> available -> busy (assignment) -> available (delivered, cancelled)
// assignment:  waiting -> assigned -> picked_up -> delivered
//              waiting | assigned -> cancelled

#include <cstdint>
#include <optional>
#include <string_view>

#include "services/delivery/domain/geo.hpp"

namespace qm::delivery {

enum class assignment_status : std::uint8_t { waiting, assigned, picked_up, delivered, cancelled };

std::string_view to_string(partner_status s);
std::string_view to_string(assignment_status s);
std::optional<partner_status> partner_status_from(std::string_view text);
std::optional<assignment_status> assignment_status_from(std::string_view text);

// An assignment that holds its partner (the partner is busy with it).
constexpr bool is_active(assignment_status s) {
  return s == assignment_status::assigned || s == assignment_status::picked_up;
}

// A customer's order may still be cancelled (the order service allows it before pickup).
constexpr bool is_cancellable(assignment_status s) {
  return s == assignment_status::waiting || s == assignment_status::assigned;
}

}  // namespace qm::delivery
