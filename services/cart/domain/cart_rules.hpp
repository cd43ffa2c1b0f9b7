#pragma once
// The arithmetic of a cart, free of I/O: what adding units to a line gives, and what a
// checkout leaves behind. The store runs these inside its transactions, so the rules live
// here once and the property tests check them against a plain model.

#include <cstdint>
#include <vector>

#include "core/base/result.hpp"

namespace qm::cart {

struct cart_line {
  std::int64_t product_id = 0;
  std::int64_t quantity = 0;

  bool operator==(const cart_line&) const = default;
};

enum class add_refusal : std::uint8_t {
  quantity_limit,  // the line would hold more than max_line_quantity units
  cart_full,       // a new line would be the (max_lines + 1)th
};

// The line's quantity after adding `added` units (1..max_line_quantity) to a cart of
// line_count lines where the line holds `existing` units (0: no such line yet).
result<std::int64_t, add_refusal> quantity_after_add(std::int64_t existing, std::int64_t added,
                                                     std::size_t line_count);

// lines (ordered by product id) with product_id's line holding quantity: removed at 0,
// inserted in id order when the cart had no such line, changed otherwise.
std::vector<cart_line> with_quantity(std::vector<cart_line> lines, std::int64_t product_id,
                                     std::int64_t quantity);

// The cart after an order took `ordered` out of it: each ordered quantity is subtracted from
// its line (repeated product ids subtract in turn), a line at zero or below is removed, and
// products the cart does not hold are ignored. Lines keep their order.
std::vector<cart_line> after_checkout(std::vector<cart_line> lines,
                                      const std::vector<cart_line>& ordered);

}  // namespace qm::cart
