// The pure reservation rules and the request parsers of the internal and admin routes.

#include <gtest/gtest.h>

#include "services/product/domain/requests.hpp"
#include "services/product/domain/reservation.hpp"

namespace qm::product {
namespace {

using enum reservation_status;

TEST(reservation_rules, reservation_ids) {
  EXPECT_TRUE(valid_reservation_id("a"));
  EXPECT_TRUE(valid_reservation_id("Order_42-x"));
  EXPECT_TRUE(valid_reservation_id(std::string(64, 'z')));
  EXPECT_FALSE(valid_reservation_id(""));
  EXPECT_FALSE(valid_reservation_id(std::string(65, 'z')));
  EXPECT_FALSE(valid_reservation_id("a b"));
  EXPECT_FALSE(valid_reservation_id("a/b"));
  EXPECT_FALSE(valid_reservation_id("é"));
}

TEST(reservation_rules, lines_are_sorted_and_checked) {
  auto ok = normalize_lines({{5, 1}, {2, 50}, {9, 3}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, (std::vector<line_request>{{2, 50}, {5, 1}, {9, 3}}));
  EXPECT_FALSE(normalize_lines({}).ok());
  EXPECT_FALSE(normalize_lines({{1, 0}}).ok());
  EXPECT_FALSE(normalize_lines({{1, 51}}).ok());
  EXPECT_FALSE(normalize_lines({{0, 1}}).ok());
  auto twice = normalize_lines({{3, 1}, {4, 1}, {3, 2}});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().field, "lines");
  std::vector<line_request> many;
  for (std::int64_t id = 1; id <= 101; ++id) {
    many.push_back({id, 1});
  }
  EXPECT_FALSE(normalize_lines(many).ok());
  many.pop_back();
  EXPECT_TRUE(normalize_lines(many).ok());
}

TEST(reservation_rules, shortages_name_each_line_that_does_not_fit) {
  const std::map<std::int64_t, std::int64_t> available = {{1, 5}, {2, 0}, {3, 7}};
  EXPECT_TRUE(find_shortages({{1, 5}, {3, 7}}, available).empty());
  EXPECT_EQ(find_shortages({{1, 6}, {2, 1}, {3, 1}, {4, 2}}, available),
            (std::vector<shortage>{{1, 6, 5}, {2, 1, 0}, {4, 2, 0}}));
}

TEST(reservation_rules, same_lines_ignores_order_only) {
  EXPECT_TRUE(same_lines({{1, 2}, {3, 4}}, {{3, 4}, {1, 2}}));
  EXPECT_FALSE(same_lines({{1, 2}}, {{1, 3}}));
  EXPECT_FALSE(same_lines({{1, 2}}, {{1, 2}, {3, 4}}));
  EXPECT_FALSE(same_lines({}, {{1, 2}}));
}

TEST(reservation_rules, transitions) {
  EXPECT_EQ(on_confirm(held, false), (transition{confirmed, false}));
  EXPECT_EQ(on_confirm(held, true), (transition{expired, true}));
  EXPECT_EQ(on_confirm(confirmed, true), (transition{confirmed, false}));
  EXPECT_EQ(on_confirm(released, false), (transition{released, false}));
  EXPECT_EQ(on_confirm(expired, false), (transition{expired, false}));
  EXPECT_EQ(on_release(held), (transition{released, true}));
  EXPECT_EQ(on_release(confirmed), (transition{released, true}));
  EXPECT_EQ(on_release(released), (transition{released, false}));
  EXPECT_EQ(on_release(expired), (transition{expired, false}));
  EXPECT_EQ(on_expire(held), (transition{expired, true}));
  for (auto s : {confirmed, released, expired}) {
    EXPECT_EQ(on_expire(s), (transition{s, false}));
  }
  for (auto s : {held, confirmed, released, expired}) {
    EXPECT_EQ(status_from_string(to_string(s)), s);
  }
  EXPECT_FALSE(status_from_string("pending").has_value());
}

TEST(product_requests, new_product_defaults_and_bounds) {
  auto p = parse_new_product(R"({"category_id":3,"name":"Tea","price_paise":12000})");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->category_id, 3);
  EXPECT_EQ(p->description, "");
  EXPECT_EQ(p->stock, 0);
  EXPECT_EQ(parse_new_product(R"({"category_id":3,"name":"","price_paise":1})").error().field, "name");
  EXPECT_EQ(parse_new_product(R"({"category_id":3,"name":"T","price_paise":-1})").error().field,
            "price_paise");
  EXPECT_EQ(parse_new_product(R"({"category_id":3,"name":"T","price_paise":1,"stock":-1})")
                .error()
                .field,
            "stock");
  EXPECT_EQ(parse_new_product(R"({"name":"T","price_paise":1})").error().field, "category_id");
  EXPECT_EQ(parse_new_product(R"({"category_id":3,"name":"T","price_paise":1,"colour":"red"})")
                .error()
                .field,
            "colour");
}

TEST(product_requests, patch_reads_only_what_is_given) {
  auto p = parse_product_patch(R"({"active":false,"price_paise":0})");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->active, false);
  EXPECT_EQ(p->price_paise, 0);
  EXPECT_FALSE(p->name.has_value());
  EXPECT_FALSE(p->category_id.has_value());
  EXPECT_EQ(parse_product_patch(R"({"active":1})").error().field, "active");
  EXPECT_EQ(parse_product_patch(R"({"name":""})").error().field, "name");
  EXPECT_TRUE(parse_product_patch("{}").ok());
}

TEST(product_requests, restock_and_admin_listing) {
  EXPECT_EQ(*parse_restock(R"({"quantity":1000000})"), 1'000'000);
  EXPECT_EQ(parse_restock(R"({"quantity":0})").error().field, "quantity");
  EXPECT_EQ(parse_restock(R"({"quantity":1000001})").error().field, "quantity");
  auto all = parse_admin_listing("include_inactive=true&limit=5");
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->include_inactive);
  EXPECT_EQ(all->listing.limit, 5);
  EXPECT_FALSE(parse_admin_listing("")->include_inactive);
  EXPECT_EQ(parse_admin_listing("include_inactive=yes").error().field, "include_inactive");
}

TEST(product_requests, ids_query) {
  EXPECT_EQ(*parse_ids_query("ids=3,1,2"), (std::vector<std::int64_t>{3, 1, 2}));
  EXPECT_EQ(*parse_ids_query("ids=7"), (std::vector<std::int64_t>{7}));
  EXPECT_FALSE(parse_ids_query("ids=1,1").ok());
  EXPECT_FALSE(parse_ids_query("ids=1,").ok());
  EXPECT_FALSE(parse_ids_query("other=1").ok());
}

}  // namespace
}  // namespace qm::product
