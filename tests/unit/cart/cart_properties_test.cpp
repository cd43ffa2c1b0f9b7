// Properties of the cart's arithmetic against plain models: adding never breaks the bounds,
// a checkout is per-product subtraction, and the totals are what a customer would add up.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "services/cart/domain/cart_rules.hpp"
#include "services/cart/domain/limits.hpp"
#include "services/cart/domain/pricing.hpp"
#include "services/common/pricing.hpp"

namespace qm::cart {
namespace {

rc::Gen<cart_line> gen_line(std::int64_t max_product) {
  return rc::gen::construct<cart_line>(rc::gen::inRange<std::int64_t>(1, max_product + 1),
                                       rc::gen::inRange<std::int64_t>(1, max_line_quantity + 1));
}

// Distinct product ids, ascending, as the store returns them.
std::vector<cart_line> as_cart(const std::vector<cart_line>& raw) {
  std::map<std::int64_t, std::int64_t> by_product;
  for (const auto& l : raw) {
    by_product.emplace(l.product_id, l.quantity);
  }
  std::vector<cart_line> out;
  for (const auto& [id, q] : by_product) {
    if (out.size() < max_lines) {
      out.push_back({id, q});
    }
  }
  return out;
}

RC_GTEST_PROP(cart_properties, a_sequence_of_adds_never_breaks_the_bounds, ()) {
  const auto adds = *rc::gen::container<std::vector<cart_line>>(gen_line(150));
  std::map<std::int64_t, std::int64_t> cart;
  for (const auto& a : adds) {
    const auto it = cart.find(a.product_id);
    const std::int64_t existing = it == cart.end() ? 0 : it->second;
    auto next = quantity_after_add(existing, a.quantity, cart.size());
    if (!next) {
      // Refused only when the model says so.
      if (next.error() == add_refusal::cart_full) {
        RC_ASSERT(existing == 0 && cart.size() == max_lines);
      } else {
        RC_ASSERT(existing + a.quantity > max_line_quantity);
      }
      continue;
    }
    RC_ASSERT(*next == existing + a.quantity);
    cart[a.product_id] = *next;
    RC_ASSERT(cart.size() <= max_lines);
    RC_ASSERT(*next <= max_line_quantity);
  }
}

// What the store returns after writing one line without reading the lines again.
RC_GTEST_PROP(cart_properties, setting_a_quantity_is_a_map_assignment, ()) {
  const auto cart = as_cart(*rc::gen::container<std::vector<cart_line>>(gen_line(20)));
  const auto product_id = *rc::gen::inRange<std::int64_t>(1, 22);
  const auto quantity = *rc::gen::inRange<std::int64_t>(0, max_line_quantity + 1);
  std::map<std::int64_t, std::int64_t> model;
  for (const auto& l : cart) {
    model[l.product_id] = l.quantity;
  }
  if (quantity == 0) {
    model.erase(product_id);
  } else {
    model[product_id] = quantity;
  }
  std::vector<cart_line> expected;
  for (const auto& [id, q] : model) {
    expected.push_back({id, q});
  }
  RC_ASSERT(with_quantity(cart, product_id, quantity) == expected);
}

RC_GTEST_PROP(cart_properties, checkout_is_per_product_subtraction, ()) {
  const auto cart = as_cart(*rc::gen::container<std::vector<cart_line>>(gen_line(30)));
  const auto ordered = *rc::gen::container<std::vector<cart_line>>(gen_line(40));
  const auto after = after_checkout(cart, ordered);

  std::map<std::int64_t, std::int64_t> model;
  for (const auto& l : cart) {
    model[l.product_id] = l.quantity;
  }
  for (const auto& o : ordered) {
    if (auto it = model.find(o.product_id); it != model.end()) {
      it->second -= o.quantity;
      if (it->second <= 0) {
        model.erase(it);
      }
    }
  }
  std::vector<cart_line> expected;
  for (const auto& [id, q] : model) {
    expected.push_back({id, q});
  }
  RC_ASSERT(after == expected);
  // Applying nothing changes nothing.
  RC_ASSERT(after_checkout(after, {}) == after);
}

RC_GTEST_PROP(cart_properties, totals_add_up, ()) {
  const auto cart = as_cart(*rc::gen::container<std::vector<cart_line>>(gen_line(40)));
  catalogue products;
  for (std::int64_t id = 1; id <= 40; ++id) {
    if (*rc::gen::inRange(0, 5) == 0) {
      continue;  // unknown to the catalogue
    }
    products[id] = {id, "p" + std::to_string(id), *rc::gen::inRange<std::int64_t>(0, 100'000),
                    *rc::gen::inRange(0, 4) != 0, *rc::gen::inRange<std::int64_t>(0, 100)};
  }
  const auto p = price_cart(cart, products);
  RC_ASSERT(p.items.size() == cart.size());
  std::int64_t subtotal = 0;
  std::int64_t units = 0;
  std::vector<std::int64_t> unavailable;
  for (const auto& l : cart) {
    const auto it = products.find(l.product_id);
    if (it != products.end() && it->second.active) {
      subtotal += it->second.price_paise * l.quantity;
      units += l.quantity;
    } else {
      unavailable.push_back(l.product_id);
    }
  }
  RC_ASSERT(p.subtotal_paise == subtotal);
  RC_ASSERT(p.item_count == units);
  RC_ASSERT(p.unavailable_product_ids == unavailable);
  const std::int64_t fee = units == 0 ? 0 : services::delivery_fee_for(subtotal);
  RC_ASSERT(p.delivery_fee_paise == fee);
  RC_ASSERT(p.total_paise == subtotal + fee);
}

}  // namespace
}  // namespace qm::cart
