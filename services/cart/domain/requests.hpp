#pragma once
// The cart's request bodies and path ids, read and checked. A bad value is an error naming
// the field (a 400), never clamped.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/base/result.hpp"
#include "core/json/json.hpp"
#include "services/cart/domain/cart_rules.hpp"

namespace qm::cart {

// POST /cart/items {"product_id","quantity": 1..50}
result<cart_line, json::input_error> parse_add_item(std::string_view body);

// PATCH /cart/items/{product_id} {"quantity": 0..50}: the new quantity (0 removes the line).
result<std::int64_t, json::input_error> parse_set_quantity(std::string_view body);

// POST /internal/carts/{user_id}/checkout {"order_id","lines":[{"product_id","quantity"}]}
struct checkout_request {
  std::int64_t order_id = 0;
  std::vector<cart_line> lines;  // 0..max_lines, quantities 1..max_line_quantity
};
result<checkout_request, json::input_error> parse_checkout(std::string_view body);

// A positive id below 2^53 from a path segment, or nothing.
std::optional<std::int64_t> parse_id(std::string_view text);

}  // namespace qm::cart
