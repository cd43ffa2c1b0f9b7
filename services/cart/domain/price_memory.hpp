#pragma once
// The cart's fallback while the product service cannot answer: the last product details it
// gave, so GET /cart still shows the cart (flagged "prices_stale": true, header
// X-Quickmart-Fallback: last-known-prices) instead of a 503. Only reads fall back: an add or
// a quantity change, and checkout, always price through product itself.
//
// Bounded: at most max_products entries; when full, the product learned longest ago goes.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "services/cart/domain/cart_rules.hpp"
#include "services/cart/domain/pricing.hpp"

namespace qm::cart {

class price_memory {
 public:
  explicit price_memory(std::size_t max_products = 10'000);

  // Remembers (or refreshes) every product in fresh.
  void learn(const catalogue& fresh);
  // The remembered products of lines when every line's product is remembered; nullopt else.
  std::optional<catalogue> recall(const std::vector<cart_line>& lines) const;

  std::size_t size() const { return known_.size(); }

 private:
  std::size_t max_products_;
  catalogue known_;
  std::deque<std::int64_t> order_;  // first learned first; same ids as known_
};

}  // namespace qm::cart
