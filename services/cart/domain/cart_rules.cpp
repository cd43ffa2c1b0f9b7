#include "services/cart/domain/cart_rules.hpp"

#include <algorithm>

#include "core/base/assert.hpp"
#include "services/cart/domain/limits.hpp"

namespace qm::cart {

result<std::int64_t, add_refusal> quantity_after_add(std::int64_t existing, std::int64_t added,
                                                     std::size_t line_count) {
  QM_ASSERT(existing >= 0 && existing <= max_line_quantity);
  QM_ASSERT(added >= min_line_quantity && added <= max_line_quantity);
  if (existing == 0 && line_count >= max_lines) {
    return make_unexpected(add_refusal::cart_full);
  }
  const std::int64_t sum = existing + added;
  if (sum > max_line_quantity) {
    return make_unexpected(add_refusal::quantity_limit);
  }
  return sum;
}

std::vector<cart_line> with_quantity(std::vector<cart_line> lines, std::int64_t product_id,
                                     std::int64_t quantity) {
  QM_ASSERT(quantity >= 0);
  auto it = std::lower_bound(
      lines.begin(), lines.end(), product_id,
      [](const cart_line& l, std::int64_t id) { return l.product_id < id; });
  const bool held = it != lines.end() && it->product_id == product_id;
  if (quantity == 0) {
    if (held) {
      lines.erase(it);
    }
  } else if (held) {
    it->quantity = quantity;
  } else {
    lines.insert(it, cart_line{product_id, quantity});
  }
  return lines;
}

std::vector<cart_line> after_checkout(std::vector<cart_line> lines,
                                      const std::vector<cart_line>& ordered) {
  for (const auto& o : ordered) {
    auto it = std::find_if(lines.begin(), lines.end(),
                           [&o](const cart_line& l) { return l.product_id == o.product_id; });
    if (it == lines.end()) {
      continue;
    }
    it->quantity -= o.quantity;
    if (it->quantity <= 0) {
      lines.erase(it);
    }
  }
  return lines;
}

}  // namespace qm::cart
