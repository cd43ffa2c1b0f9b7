// The cart's pure logic: line arithmetic, the product batch reply, pricing and request bodies.

#include <gtest/gtest.h>

#include "services/cart/domain/cart_rules.hpp"
#include "services/cart/domain/limits.hpp"
#include "services/cart/domain/price_memory.hpp"
#include "services/cart/domain/pricing.hpp"
#include "services/cart/domain/requests.hpp"

namespace qm::cart {
namespace {

TEST(cart_rules, adding_sums_within_fifty_units) {
  EXPECT_EQ(*quantity_after_add(0, 3, 0), 3);
  EXPECT_EQ(*quantity_after_add(20, 30, 5), 50);
  auto over = quantity_after_add(49, 2, 5);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error(), add_refusal::quantity_limit);
}

TEST(cart_rules, a_new_line_needs_room_but_an_existing_one_does_not) {
  auto full = quantity_after_add(0, 1, max_lines);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error(), add_refusal::cart_full);
  EXPECT_EQ(*quantity_after_add(0, 1, max_lines - 1), 1);
  EXPECT_EQ(*quantity_after_add(4, 1, max_lines), 5);
}

TEST(cart_rules, setting_a_quantity_keeps_lines_in_product_order) {
  const std::vector<cart_line> cart = {{2, 3}, {5, 1}};
  EXPECT_EQ(with_quantity(cart, 1, 4), (std::vector<cart_line>{{1, 4}, {2, 3}, {5, 1}}));
  EXPECT_EQ(with_quantity(cart, 3, 4), (std::vector<cart_line>{{2, 3}, {3, 4}, {5, 1}}));
  EXPECT_EQ(with_quantity(cart, 9, 4), (std::vector<cart_line>{{2, 3}, {5, 1}, {9, 4}}));
  EXPECT_EQ(with_quantity(cart, 5, 7), (std::vector<cart_line>{{2, 3}, {5, 7}}));
  EXPECT_EQ(with_quantity(cart, 2, 0), (std::vector<cart_line>{{5, 1}}));
  EXPECT_EQ(with_quantity(cart, 4, 0), cart);
  EXPECT_EQ(with_quantity({}, 4, 1), (std::vector<cart_line>{{4, 1}}));
}

TEST(cart_rules, checkout_subtracts_and_drops_emptied_lines) {
  const std::vector<cart_line> cart = {{1, 3}, {2, 1}, {3, 2}};
  EXPECT_EQ(after_checkout(cart, {{1, 2}, {2, 1}, {9, 4}}),
            (std::vector<cart_line>{{1, 1}, {3, 2}}));
  EXPECT_EQ(after_checkout(cart, {{3, 50}}), (std::vector<cart_line>{{1, 3}, {2, 1}}));
  EXPECT_EQ(after_checkout(cart, {}), cart);
  // A product named twice subtracts twice.
  EXPECT_EQ(after_checkout(cart, {{1, 1}, {1, 1}}),
            (std::vector<cart_line>{{1, 1}, {2, 1}, {3, 2}}));
}

TEST(catalogue, a_well_formed_reply_is_read_by_id) {
  auto c = parse_catalogue(
      R"({"items":[{"id":7,"name":"Atta","price_paise":31000,"active":true,"available":4},)"
      R"({"id":3,"name":"Dal","price_paise":0,"active":false,"available":0}]})");
  ASSERT_TRUE(c.ok()) << c.error();
  ASSERT_EQ(c->size(), 2U);
  EXPECT_EQ(c->at(7).name, "Atta");
  EXPECT_EQ(c->at(7).price_paise, 31'000);
  EXPECT_TRUE(c->at(7).active);
  EXPECT_EQ(c->at(7).available, 4);
  EXPECT_FALSE(c->at(3).active);
}

TEST(catalogue, a_broken_reply_is_refused) {
  const std::vector<std::string> bodies = {
      "",
      "[]",
      R"({"items":{}})",
      R"({"items":[{"id":1,"name":"x","price_paise":-1,"active":true,"available":1}]})",
      R"({"items":[{"id":1,"name":"x","price_paise":1000000000001,"active":true,"available":1}]})",
      R"({"items":[{"id":1,"name":"x","price_paise":1,"active":1,"available":1}]})",
      R"({"items":[{"id":1,"price_paise":1,"active":true,"available":1}]})",
      R"({"items":[{"id":0,"name":"x","price_paise":1,"active":true,"available":1}]})",
      R"({"items":[{"id":1,"name":"x","price_paise":1.5,"active":true,"available":1}]})",
      R"({"items":[{"id":1,"name":"x","price_paise":1,"active":true,"available":-2}]})",
  };
  for (const auto& b : bodies) {
    EXPECT_FALSE(parse_catalogue(b).ok()) << b;
  }
}

TEST(pricing, totals_count_active_lines_only) {
  catalogue products;
  products[1] = {1, "Bread", 4'500, true, 3};
  products[2] = {2, "Paneer", 9'000, false, 3};
  const auto p = price_cart({{1, 2}, {2, 1}, {5, 1}}, products);
  ASSERT_EQ(p.items.size(), 3U);
  EXPECT_EQ(p.items[0].line_total_paise, 9'000);
  EXPECT_EQ(p.item_count, 2);
  EXPECT_EQ(p.subtotal_paise, 9'000);
  EXPECT_EQ(p.delivery_fee_paise, 2'000);
  EXPECT_EQ(p.total_paise, 11'000);
  EXPECT_EQ(p.unavailable_product_ids, (std::vector<std::int64_t>{2, 5}));
  EXPECT_EQ(p.items[2].name, "");
  EXPECT_EQ(p.items[2].unit_price_paise, 0);
}

TEST(pricing, delivery_is_free_from_199_rupees_and_nothing_to_deliver_costs_nothing) {
  catalogue products;
  products[1] = {1, "Ghee", 19'900, true, 3};
  products[2] = {2, "Salt", 19'899, true, 3};
  EXPECT_EQ(price_cart({{1, 1}}, products).delivery_fee_paise, 0);
  EXPECT_EQ(price_cart({{2, 1}}, products).delivery_fee_paise, 2'000);
  EXPECT_EQ(price_cart({}, products).delivery_fee_paise, 0);
  EXPECT_EQ(price_cart({{7, 1}}, products).total_paise, 0);
}

TEST(pricing, the_ids_parameter_lists_every_line) {
  EXPECT_EQ(ids_parameter({{3, 1}, {10, 2}, {7, 5}}), "3,10,7");
  EXPECT_EQ(ids_parameter({}), "");
}

TEST(requests, ids_are_positive_and_below_two_to_the_53) {
  EXPECT_EQ(parse_id("42"), 42);
  EXPECT_EQ(parse_id("9007199254740991"), max_id);
  EXPECT_FALSE(parse_id("9007199254740992"));
  EXPECT_FALSE(parse_id("0"));
  EXPECT_FALSE(parse_id("-1"));
  EXPECT_FALSE(parse_id("+1"));
  EXPECT_FALSE(parse_id("1x"));
  EXPECT_FALSE(parse_id(""));
}

TEST(requests, set_quantity_allows_zero_to_fifty) {
  EXPECT_EQ(*parse_set_quantity(R"({"quantity":0})"), 0);
  EXPECT_EQ(*parse_set_quantity(R"({"quantity":50})"), 50);
  EXPECT_EQ(parse_set_quantity(R"({"quantity":51})").error().field, "quantity");
  EXPECT_EQ(parse_set_quantity(R"({"quantity":-1})").error().field, "quantity");
  EXPECT_EQ(parse_set_quantity(R"({"qty":1})").error().field, "qty");
}

TEST(requests, checkout_reads_the_order_and_its_lines) {
  auto c = parse_checkout(R"({"order_id":12,"lines":[{"product_id":3,"quantity":2}]})");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->order_id, 12);
  EXPECT_EQ(c->lines, (std::vector<cart_line>{{3, 2}}));
  auto empty = parse_checkout(R"({"order_id":12,"lines":[]})");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->lines.empty());
}

TEST(price_memory, recalls_only_complete_carts_and_stays_bounded) {
  price_memory memory(2);
  memory.learn({{1, product_info{1, "milk", 3000, true, 5}}, {2, product_info{2, "bread", 4000, true, 1}}});
  auto both = memory.recall({{1, 2}, {2, 1}});
  ASSERT_TRUE(both.has_value());
  EXPECT_EQ(both->at(1).price_paise, 3000);
  EXPECT_FALSE(memory.recall({{1, 2}, {3, 1}}).has_value());  // 3 was never priced
  // A newer price replaces the old one; a third product pushes out the first learned.
  memory.learn({{1, product_info{1, "milk", 3100, true, 5}}});
  EXPECT_EQ(memory.recall({{1, 1}})->at(1).price_paise, 3100);
  memory.learn({{3, product_info{3, "eggs", 9000, true, 12}}});
  EXPECT_EQ(memory.size(), 2U);
  EXPECT_FALSE(memory.recall({{1, 1}}).has_value());
  EXPECT_TRUE(memory.recall({{3, 1}}).has_value());
}

}  // namespace
}  // namespace qm::cart
