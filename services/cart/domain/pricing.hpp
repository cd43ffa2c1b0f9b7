#pragma once
// Pricing a cart from the product service's batch reply (GET /internal/products?ids=...):
// reading that reply defensively (a malformed or out-of-range answer is an upstream failure,
// never a crash or a wrong total), and computing the totals the customer is shown.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.hpp"
#include "services/cart/domain/cart_rules.hpp"

namespace qm::cart {

// One product as the product service describes it to the cart.
struct product_info {
  std::int64_t id = 0;
  std::string name;
  std::int64_t price_paise = 0;
  bool active = false;
  std::int64_t available = 0;
};

// Products by id; ordered, so everything built from it is deterministic.
using catalogue = std::map<std::int64_t, product_info>;

// A price beyond this (a thousand crore rupees) is refused as a broken reply: it also keeps
// 100 lines x 50 units x price far inside int64.
inline constexpr std::int64_t max_price_paise = 1'000'000'000'000;

// The products of a batch reply {"items":[{"id","name","price_paise","active","available"}]},
// or what is wrong with it.
result<catalogue, std::string> parse_catalogue(std::string_view body);

// "1,2,3": the ids parameter of the batch request.
std::string ids_parameter(const std::vector<cart_line>& lines);

struct priced_line {
  cart_line line;
  std::string name;              // "" when the product is unknown
  std::int64_t unit_price_paise = 0;
  std::int64_t line_total_paise = 0;
  std::int64_t available = 0;
  bool active = false;
};

struct priced_cart {
  std::vector<priced_line> items;  // every line, in the cart's order
  std::int64_t item_count = 0;     // units on the lines that are counted
  std::int64_t subtotal_paise = 0;
  std::int64_t delivery_fee_paise = 0;
  std::int64_t total_paise = 0;
  std::vector<std::int64_t> unavailable_product_ids;  // inactive or unknown, in cart order
};

// Prices lines from products. Lines whose product is inactive or absent are listed in
// unavailable_product_ids and left out of item_count and the totals. The delivery fee
// follows services::delivery_fee_for, except that a cart with nothing to deliver pays none.
priced_cart price_cart(const std::vector<cart_line>& lines, const catalogue& products);

}  // namespace qm::cart
